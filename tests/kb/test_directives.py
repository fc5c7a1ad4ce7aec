"""What documentation tools add to Markdown (kb/directives.py): Liquid tags, ::: containers, MDX and
Vue components, read as the Markdown they stand for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from patternkb.kb.build import build_kb
from patternkb.kb.directives import read_directives as read_tags

TABS = ("# G\n\n## S\n\n### Connect\n\nOpen a connection.\n\n{% tabs %}\n{% tab title=\"Python\" %}\n"
        "```python\nconn = connect()\n```\n{% endtab %}\n{% tab title='Go' %}\n```go\nconn := Connect()\n```\n"
        "{% endtab %}\n{% endtabs %}\n\n{% hint style=\"warning\" %}\nClose it when done.\n{% endhint %}\n")


def test_tabs_label_their_code_and_markup_tags_are_left_out(write_guide):
    kb = build_kb([write_guide(TABS)])
    entry = kb.entries[0]
    assert [s.title for s in entry.snippets] == ["Python: Connect", "Go: Connect"]
    assert "{%" not in entry.markdown and "{%" not in entry.text
    assert "Close it when done." in entry.text
    assert entry.code[1].line_start == 16  # lines are the file's: the tags kept their lines' numbers


def test_an_exercise_s_code_and_a_jekyll_highlight_are_code_blocks(write_guide):
    guide = ("# G\n\n## S\n\n### Length\n\nUse `.length`.\n\n{% exercise %}\nStore the length of `str`.\n"
             "{% initial %}\nvar str = \"Hi\";\nvar size =\n{% solution %}\nvar str = \"Hi\";\nvar size = str.length;\n"
             "{% validation %}\nassert(size === 2);\n{% endexercise %}\n\n"
             "{% highlight ruby %}\nputs 'hi'\n{% endhighlight %}\n")
    entry = build_kb([write_guide(guide)]).entries[0]
    assert [(b.language, b.code, b.line_start) for b in entry.code] == [
        ("text", 'var str = "Hi";\nvar size =\n', 11), ("text", 'var str = "Hi";\nvar size = str.length;\n', 14),
        ("text", "assert(size === 2);\n", 17), ("ruby", "puts 'hi'\n", 21)]
    assert [s.title.split(":")[0] for s in entry.snippets] == ["Initial code", "Solution", "Validation", "Length"]
    assert "Store the length" in entry.text


def test_tags_inside_code_are_code(write_guide):
    template = "{% for item in items %}\n  {{ item }}\n{% endfor %}\n"
    guide = f"# G\n\n## S\n\n### Loops\n\nA Jinja loop:\n\n```jinja\n{template}```\n\n~~~~\n{template}~~~~\n"
    entry = build_kb([write_guide(guide)]).entries[0]
    assert [b.code for b in entry.code] == [template, template]
    assert read_tags(guide) == (guide, None)  # nothing outside code: the text as it was


def test_an_include_is_expanded_in_a_book_and_kept_as_written_in_a_file(tmp_path, write_guide):
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "SUMMARY.md").write_text("# Summary\n\n* [Pools](docs/pools.md)\n")
    (book / "docs" / "pools.md").write_text("# Pools\n\nSize them.\n\n```go\npool := New(8)\n```\n\n"
                                            "{% include \"./note.md\" %}\n\n{% include \"gone.md\" %}\n")
    (book / "docs" / "note.md").write_text("Pools are shared.\n")
    kb = build_kb([book])
    entry = next(e for e in kb.entries if e.title == "Pools")
    assert "Pools are shared." in entry.text
    assert [w.message for w in kb.manifest.warnings] == [
        "{% include \"gone.md\" %}: cannot read 'gone.md' (no such file); not included"]
    single = build_kb([write_guide("# G\n\n## Pools\n\n```go\npool := New(8)\n```\n\n{% include \"note.md\" %}\n")])
    assert '{% include "note.md" %}' in single.entries[0].text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["{% tabs %}", "{% tab title=\"A\" %}", "{% initial %}", "{% solution %}",
                                 "{% endexercise %}", "{% highlight go %}", "{% endhighlight %}", "```", "~~~",
                                 "{% include \"x.md\" %}", "text", "", "    {% hint %}", "# H", "::: tip Title", ":::",
                                 "<Tabs", "values={[{a: '>'}]}>", "<TabItem value=\"npm\">", "</TabItem>", "<T> is text",
                                 "<Badge text=\"b\" />", "<ClientOnly>", "{{< highlight go >}}", "{{< /highlight >}}",
                                 "{{< tab \"A\" >}}", "{{% notice %}}", "::: {.callout-note}", "```{note}",
                                 "````{admonition} T", ":class: tip", "````", "```{code-block} go", "(t)=", "{: id=\"x\"}", "## H {#h}", "{: .c}"]), max_size=30))
def test_any_lines_of_tags_map_every_line_back_to_its_own(lines):
    text = "\n".join(lines)
    read, origin = read_tags(text)
    if origin is None:
        assert read == text
        return
    assert len(origin) == len(read.split("\n"))
    assert origin == sorted(origin) and all(1 <= n <= len(lines) for n in origin)
    assert set(origin) == set(range(1, len(lines) + 1))  # every line of the file is read


def test_containers_are_markup_and_their_titles_label_what_follows(write_guide):
    guide = ("# G\n\n## S\n\n### Install\n\nInstall it.\n\n::: code-group\n\n```sh [npm]\nnpm add -D vitepress\n```\n\n"
             "```sh [pnpm]\npnpm add -D vitepress\n```\n\n:::\n\n::: tip Vue as Peer Dependency\nInstall Vue too.\n:::\n\n"
             ":::note\n\nA note.\n\n:::\n\n```js title=\"wdio.conf.js\"\nexports.config = {}\n```\n")
    entry = build_kb([write_guide(guide)]).entries[0]
    assert [s.title for s in entry.snippets] == ["npm: Install", "pnpm: Install", "wdio.conf.js: Install"]
    assert ":::" not in entry.text and "Vue as Peer Dependency\n\nInstall Vue too." in entry.text
    assert "A note." in entry.text


def test_a_component_over_several_lines_keeps_the_lines_after_it_numbered_as_in_the_file(write_guide):
    guide = ("# G\n\n## S\n\n### Setup\n\nWords.\n\n<Tabs\n  defaultValue=\"mocha\"\n  values={[\n"
             "    {label: 'Mocha', value: 'mocha'},\n  ]\n}>\n<TabItem value=\"mocha\">\n\n```js\nmocha()\n```\n\n"
             "</TabItem>\n</Tabs>\n\n<T> stands for any type here.\n")
    entry = build_kb([write_guide(guide)]).entries[0]
    assert entry.code[0].line_start == 17 and entry.snippets[0].title == "mocha: Setup"
    assert "<T> stands for any type here." in entry.text and "defaultValue" not in entry.text


def test_html_written_in_capitals_is_html_not_a_component(write_guide):
    guide = ('# G\n\n## S\n\n### Old page\n\n<DIV ALIGN="center">\n<A HREF="https://example.org">Example site</A>\n'
             '</DIV>\n\n```c\nint main(void) { return 0; }\n```\n')
    entry = build_kb([write_guide(guide)]).entries[0]
    assert "Example site" in entry.text


def test_hugo_shortcodes_and_pandoc_divs_read_as_what_they_stand_for(write_guide):
    guide = ("# G\n\n## S\n\n### Hello\n\nSay hello.\n\n{{< tabs >}}\n{{< tab \"Go\" >}}\n```go\nfmt.Println(\"hi\")\n```\n"
             "{{< /tab >}}\n{{< tab name=\"Python\" >}}\n```python\nprint(\"hi\")\n```\n{{< /tab >}}\n{{< /tabs >}}\n\n"
             "{{< highlight rust \"linenos=table\" >}}\nfn main() {}\n{{< /highlight >}}\n\n"
             "{{% notice tip %}}\nKeep it short.\n{{% /notice %}}\n\n"
             "::: {.callout-warning title=\"Careful\"}\nDo not shout.\n:::\n\n:::: {.columns}\n::: {.column}\nLeft.\n:::\n::::\n\n"
             "Text with {{< ref \"other.md\" >}} inline stays.\n\n{{#include nothing.rs}}\n")
    entry = build_kb([write_guide(guide)]).entries[0]
    assert [(b.language, b.code) for b in entry.code] == [
        ("go", 'fmt.Println("hi")\n'), ("python", 'print("hi")\n'), ("rust", "fn main() {}\n")]
    assert [s.title.split(":")[0] for s in entry.snippets][:2] == ["Go", "Python"]
    assert "{{<" not in entry.text.replace('{{< ref "other.md" >}}', "") and ":::" not in entry.text
    assert "Careful" in entry.text and "Keep it short." in entry.text and "Left." in entry.text
    assert '{{< ref "other.md" >}}' in entry.text and "{{#include nothing.rs}}" in entry.text


def test_myst_directives_of_prose_are_read_as_markdown_and_its_code_directives_as_code(write_guide):
    guide = ("# G\n\n## S\n\n### Shouting\n\nWords.\n\n````{admonition} Be careful\n:class: warning\n\nDo not shout.\n\n"
             "```python\nprint('quiet')\n```\n````\n\n```{note}\nA note.\n```\n\n```{code-block} python\nx = 1\n```\n\n"
             "```{r setup, include=FALSE}\nlibrary(x)\n```\n\n```{mermaid}\ngraph TD\n```\n")
    entry = build_kb([write_guide(guide)]).entries[0]
    assert [(b.language, b.code) for b in entry.code] == [
        ("python", "print('quiet')\n"), ("python", "x = 1\n"), ("r", "library(x)\n"), ("mermaid", "graph TD\n")]
    assert "Do not shout." in entry.text and "A note." in entry.text and "Be careful" in entry.text
    assert ":class:" not in entry.text and "{note}" not in entry.markdown


def test_a_myst_target_is_an_anchor_links_lead_to(write_guide):
    guide = ("# G\n\n## S\n\n(pool-sizing)=\n### Sizing pools\n\nSee [timeouts](#idle-timeouts).\n\n```go\nNew(8)\n```\n\n"
             "(idle-timeouts)=\n### Timeouts\n\nBack to [sizing](#pool-sizing).\n\n```go\nSetIdle(5)\n```\n")
    kb = build_kb([write_guide(guide)])
    assert not kb.manifest.warnings
    sizing, timeouts = (e for e in kb.entries if e.kind == "pattern")
    assert sizing.links == [timeouts.id] and timeouts.links == [sizing.id]


def test_attribute_lists_give_anchors_and_leave_no_braces_in_titles_or_text(write_guide):
    guide = ("# G\n\n## S\n{: .-three-column}\n\n### Functions {#funcs .wide}\n\nSee [conditionals](#cond-example).\n\n"
             "```bash\nf() { echo; }\n```\n{: id='functions-example'}\n\n### Conditionals\n\nBack to [functions](#funcs).\n\n"
             "```bash\n[[ -z $x ]]\n```\n{: id='cond-example'}\n\n### Sets {a, b}\n\n```bash\necho {a,b}\n```\n")
    kb = build_kb([write_guide(guide)])
    functions, conditionals, sets = (e for e in kb.entries if e.kind == "pattern")
    assert (functions.title, sets.title) == ("Functions", "Sets {a, b}")
    assert functions.links == [conditionals.id] and conditionals.links == [functions.id]
    assert not any("{:" in e.text for e in kb.entries) and not kb.manifest.warnings


def test_headings_inside_a_container_label_its_tabs_and_callouts(write_guide):
    guide = ("# G\n\n## Inline code\n\nRun code in prose.\n\n::: {.panel-tabset group=\"engine\"}\n## Jupyter\n\n"
             "```python\nradius = 5\n```\n\n## Knitr\n\n```r\nradius <- 5\n```\n:::\n\n::: callout-caution\n\n"
             "## Keep inline code simple\n\nShort expressions only.\n\n:::\n\n## Escaping\n\n```python\nx = 1\n```\n")
    kb = build_kb([write_guide(guide)])
    assert [e.title for e in kb.entries] == ["Inline code", "Escaping"]
    inline = kb.entries[0]
    assert [s.title for s in inline.snippets] == ["Jupyter: Inline code", "Knitr: Inline code"]
    assert "Keep inline code simple" in inline.text and "Short expressions only." in inline.text


def test_an_empty_myst_directive_closes_where_its_fence_does():
    read, _ = read_tags("```{note}\n```\n````\ncode\n````\n")
    assert read.split("\n")[2:5] == ["````", "code", "````"]  # the block after it is code, as written


def test_a_container_left_open_does_not_swallow_the_headings_after_it(write_guide):
    guide = ("# G\n\n## A\n\n::: tip\nA tip that never closes.\n\n```go\na()\n```\n\n## B\n\n```go\nb()\n```\n\n"
             ":::{admonition} Be careful\nDo not shout.\n:::\n")
    kb = build_kb([write_guide(guide)])
    assert [e.title for e in kb.entries if e.kind == "pattern"] == ["A", "B"]
    b = next(e for e in kb.entries if e.title == "B")
    assert "Be careful" in b.text and ":::" not in b.text


def test_a_myst_code_directive_s_options_are_not_code_and_its_caption_labels_it(write_guide):
    guide = ("# G\n\n## S\n\n### Demo\n\nWords.\n\n```{code-block} python\n:linenos:\n:caption: demo.py\n\nx = 1\n```\n\n"
             "```{code-block} go\ny := 2\n```\n")
    entry = build_kb([write_guide(guide)]).entries[0]
    assert [(b.language, b.code, b.line_start) for b in entry.code] == [("python", "\nx = 1\n", 11), ("go", "y := 2\n", 16)]
    assert entry.snippets[0].title.startswith("demo.py")


def test_wiki_links_become_markdown_links_but_in_code_embeds_and_indexes():
    from patternkb.kb.link_syntax import wiki_links

    assert wiki_links("see [[Page]] and [[Page#Part|the part]]") == \
        "see [Page](<wiki:Page>) and [the part](<wiki:Page|the part#Part>)"
    assert wiki_links("[[Page#Part]]") == "[Page › Part](<wiki:Page#Part>)"
    for kept in ("`x [[Page]]`", "![[picture.png]]", "df[[0]]", "[[]]", "m][[1]]"):
        assert wiki_links(kept) == kept
    text = "# T\n\n```py\n[[Page]]\n```\n\n    [[Page]] indented code\n"
    assert read_tags(text)[0] == text  # nothing in code changes


def test_docsify_tips_are_quotes():
    assert read_tags("# T\n\n?> A tip with `code`.\n\n!> Important.\n\n```php\n?> stays\n```\n")[0] == \
        "# T\n\n> A tip with `code`.\n\n> Important.\n\n```php\n?> stays\n```\n"


def test_references_to_an_api_s_items_that_nothing_defines_are_their_text():
    text = ("# T\n\nUse [`create_model()`][pydantic.create_model], [Vec][std::vec::Vec], [pydantic.Field][] and\n"
            "[a page][guide.md] or [mine][my.ref], [words][] and `[x][a.b]`.\n\n[my.ref]: https://example.com\n")
    assert read_tags(text)[0].split("\n")[2:4] == [
        "Use `create_model()`, Vec, pydantic.Field and",
        "[a page][guide.md] or [mine][my.ref], [words][] and `[x][a.b]`."]
    # A collapsed reference is defined by its text, code marks and all: a link, kept.
    defined = "# T\n\nSee [`util.inspect()`][] and [`util.format()`][].\n\n[`util.inspect()`]: util.md#inspect\n"
    assert read_tags(defined)[0].split("\n")[2] == "See [`util.inspect()`][] and `util.format()`."


def test_raw_html_and_doc_comments_are_not_read_as_directives():
    # A `<?php … ?>` block ends at its `?>`, not a docsify tip; in `<pre>` nothing is rewritten; a
    # line of Rust doc comment is no PyMdown block.
    text = ("# T\n\n<?php\necho 1;\n?>\n\n### Last\n\n<pre><code>\n/// Returns the answer.\nx = [[Page]]\n"
            "</code></pre>\n\n/// Returns the answer.\n\n/// tip | Careful\n\nBody.\n\n///\n")
    assert read_tags(text)[0] == text.replace("/// tip | Careful", "\n**Careful**\n").replace("\n///\n", "\n\n")


def test_an_id_under_a_heading_with_a_wiki_link_names_that_heading():
    read = read_tags("# T\n\n## Alpha\n\nText.\n\n## Beta [[Other]]\n{: #beta-id}\n")[0]
    assert '## Beta [Other](<wiki:Other>) <a id="beta-id"></a>' in read and "## Alpha\n" in read


MYST_PAGE = """# Logging

## Configure

Intro text.

```{include} ../README.md
:start-after: <!-- begin -->
```

```{testsetup}
import structlog
```

```{toctree}
:maxdepth: 2
usage
```

```{image} _static/diagram.svg
:alt: The pipeline
```

```{figure} _static/flow.png
The flow of an event.
```

Configure it:

```python
structlog.configure()
```

:::{glossary}

Bound Logger
    An instance returned by {func}`structlog.get_logger`.

    It is **immutable**; see {term}`context`.
:::

- Cache loggers:

  1. The logger is not pickleable.
      Therefore you can't use {mod}`multiprocessing`.
"""


def test_myst_directives_a_page_shows_as_no_code_are_no_code(write_guide):
    """Navigation and hidden set-up are left out, a picture's caption is prose, an include not
    read in is named, a glossary is terms and their definitions (not indented code), and a role
    on a line continuing a list item is read."""
    kb = build_kb([write_guide(MYST_PAGE)])
    entry = kb.entries[0]
    assert [(b.language, b.code) for b in entry.code] == [("python", "structlog.configure()\n")]
    text = entry.markdown
    assert "Reads in `../README.md`." in text and "The flow of an event." in text
    assert "{" not in text and "import structlog" not in text and "usage" not in text and "maxdepth" not in text
    assert "**Bound Logger**" in text and "An instance returned by `structlog.get_logger`." in text
    assert "see context." in text and "you can't use `multiprocessing`." in text
    assert entry.code[0].line_start == 30  # the lines after keep their numbers
    assert not kb.manifest.warnings


def test_myst_numbered_roles_and_version_directives_read_as_sphinx_shows_them(tmp_path):
    """{pep}`508` is "PEP 508" linked to the PEP, {rfc} likewise; `{versionadded} 8.0` says
    "Added in version 8.0", not a bare "8.0"."""
    from patternkb.kb.build import build_kb

    guide = tmp_path / "guide.md"
    guide.write_text("# G\n\n## A\n\nSee {pep}`508`, {rfc}`the HTTP RFC <2616>` and {pep}`8#naming`.\n\n"
                     "```{versionadded} 8.0\nThe flag.\n```\n\n```{deprecated} 9.1\nUse another.\n```\n")
    [entry] = build_kb([guide]).entries
    assert entry.markdown.startswith("See [PEP 508](https://peps.python.org/pep-0508/), [the HTTP RFC]"
                                     "(https://datatracker.ietf.org/doc/html/rfc2616.html) and [PEP 8]"
                                     "(https://peps.python.org/pep-0008/).")
    assert "**Added in version 8.0**" in entry.markdown and "**Deprecated since version 9.1**" in entry.markdown


def test_kramdown_heading_attributes_and_icon_shortcodes_are_no_words_of_a_title(tmp_path):
    """`## 6.0 Notes {: #v6}` (kramdown's attribute list, the colon and all, even against the
    words) and `:octicons-heart-fill-16:` (an icon set's shortcode) are markup: the title is the
    words; the id still leads to the heading; an emoji's `:rocket:` stays as written."""
    from patternkb.kb.build import build_kb

    guide = tmp_path / "guide.md"
    guide.write_text("# 6.0 Migration Notes {: #v6}\n\nSee [below](#v6).\n\n"
                     "## Become a Sponsor :octicons-heart-fill-16:{: .heart-throb}\n\nSponsoring helps.\n\n"
                     "## Launch :rocket:\n\nGo.\n")
    kb = build_kb([guide])
    assert kb.manifest.guides[0].title == "6.0 Migration Notes"
    assert [e.title for e in kb.entries if e.kind == "pattern"] == ["Become a Sponsor", "Launch :rocket:"]
    assert not kb.manifest.warnings


def test_footnotes_keep_their_words_and_links_as_text(tmp_path):
    """`[^siphash]: [https://…](https://…)` is a footnote, not a link definition: its words and its
    link stay, `[siphash]` where it is referred to; in code, `[^1]` stays as written."""
    from patternkb.kb.build import build_kb

    guide = tmp_path / "guide.md"
    guide.write_text("# G\n\n## Hashing\n\nIt resists attacks on hash tables[^siphash] and `x[^1]`.\n\n"
                     "[^siphash]: [SipHash](https://en.wikipedia.org/wiki/SipHash)\n\n"
                     "[^1]: Or in a version control system.\n")
    [entry] = build_kb([guide]).entries
    assert entry.text == ("It resists attacks on hash tables[siphash] and x[^1].\n\n[siphash]: SipHash\n\n"
                          "[1]: Or in a version control system.")
    assert "(https://en.wikipedia.org/wiki/SipHash)" in entry.markdown


def test_review_fixes_version_words_pep_digits_icon_anchors(tmp_path):
    """A version directive with its words on the same line keeps both; a PEP role holding no
    ASCII number is its words, not a crash; an icon's heading is linked to by its words' anchor."""
    from patternkb.kb.build import build_kb

    guide = tmp_path / "guide.md"
    guide.write_text("# G\n\n## A\n\nSee {pep}`\u00b2` and [done](#done).\n\n"
                     "```{deprecated} 3.0 Use the new spawn API instead, which is faster\n```\n\n"
                     "## :material-check: Done\n\nYes.\n")
    kb = build_kb([guide])
    a = next(e for e in kb.entries if e.title == "A")
    assert "**Deprecated since version 3.0**\n\nUse the new spawn API instead, which is faster" in a.markdown
    assert "PEP \u00b2" in a.text
    assert a.link_targets == {"#done": next(e.id for e in kb.entries if e.title == "Done")}
    assert not kb.manifest.warnings


def test_undefined_references_name_their_own_line_and_not_an_index(tmp_path):
    from patternkb.kb.markdown import parse_document

    document = parse_document("# G\n\nline one\nline two\nsee [MathJax][mathjax] and matrix[i][j]\nand [Other][]\n")
    assert document.undefined == [(5, "mathjax"), (6, "Other")]


def test_site_generated_and_mdx_markup_leave_no_trace_but_their_words(write_guide):
    """mkdocstrings' `::: pkg.Class` names what the site writes (its options are no code);
    Docusaurus's `:::tip[Title]` is titled without brackets; a bare `<Badge>` whose end tag
    follows is a component; imports over several lines are an MDX page's markup."""
    kb = build_kb([write_guide(
        "# API\n\n## Builder\n\n::: mypkg.builders.config.BuilderConfig\n    options:\n      show_source: false\n\n"
        "    indented_code()\n\nThen prose.\n\n## Use\n\n:::tip[Pro tip]\n\nUse the fast path.\n\n:::\n\n"
        "Intro with <Badge>beta</Badge> text and <T> in prose.\n", name="page.mdx")])
    builder, use = kb.entries
    assert builder.markdown.startswith("API reference of `mypkg.builders.config.BuilderConfig`, written when the "
                                       "site is built.")
    assert builder.markdown.endswith("Then prose.")
    assert [c.code for c in builder.code] == ["indented_code()\n"]  # its options only, not what follows
    assert use.markdown.startswith("**Pro tip**\n\nUse the fast path.")
    assert "with beta text and <T> in prose" in use.text
    mdx = build_kb([write_guide("---\ntitle: Page\n---\n\nimport Tabs from '@theme/Tabs';\nimport {\n  Diagram,\n}"
                                " from\n'./diagram.js';\n\n# Page\n\n## Use\n\nReal content.\n", name="imports.mdx")])
    assert [e.markdown for e in mdx.entries] == ["Real content."]
