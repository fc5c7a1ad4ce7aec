"""Links between the pages of a folder of guides (a docs tree), resolved once every page is read:
a page links forward and back, by file, route, HTML page or from the site's root."""

from __future__ import annotations

from patternkb.kb.build import build_into, build_kb
from patternkb.kb.slugs import part_anchors
from patternkb.kb.store import load_kb

INTRO = """# Intro

## Start

Read [the rule](guide/rules.md#the-rule), [the rules](guide/rules), [as HTML](/guide/rules.html),
[from the site's root](/docs/guide/rules#the-rule), [gone](missing.md) and [out](https://example.com).

```js
start()
```
"""

RULES = """# Rules

## Rules

Back to [the start](../intro.md#start).

### The Rule

Do it so.

```js
rule()
```
"""


def _docs(tmp_path):
    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "intro.md").write_text(INTRO)
    (docs / "guide" / "rules.md").write_text(RULES)
    return docs


def test_pages_of_a_folder_link_to_each_other_forward_and_back(tmp_path):
    kb = build_kb([_docs(tmp_path)])
    start = next(e for e in kb.entries if e.title == "Start")
    rules = next(e for e in kb.entries if e.title == "Rules")
    rule = part_anchors([p.name for p in rules.parts])[0]
    assert start.link_targets == {"guide/rules.md#the-rule": f"{rules.id}#{rule}", "guide/rules": rules.id,
                                  "/guide/rules.html": rules.id, "/docs/guide/rules#the-rule": f"{rules.id}#{rule}"}
    assert start.links == [rules.id]
    assert rules.link_targets == {"../intro.md#start": start.id} and rules.links == [start.id]
    counts = {g.file: g.links for g in kb.manifest.guides}
    assert (counts["intro.md"].resolved, counts["intro.md"].unresolved) == (4, 1)
    assert (counts["guide/rules.md"].resolved, counts["guide/rules.md"].unresolved) == (1, 0)
    gone = [w for w in kb.manifest.warnings if "missing.md" in w.message]
    assert len(gone) == 1 and gone[0].file.endswith("intro.md") and gone[0].line == 5
    assert "page of the folder" in gone[0].message


def test_the_streaming_build_amends_its_written_entries_as_the_build_in_memory_does(tmp_path):
    docs = _docs(tmp_path)
    build_into([docs], tmp_path / "kb")
    written = load_kb(tmp_path / "kb")
    in_memory = build_kb([docs])
    assert [e.model_dump() for e in written.entries] == [e.model_dump() for e in in_memory.entries]
    assert written.manifest.guides == [g.model_copy(update={"entries": n}) for g, n in
                                       zip(in_memory.manifest.guides, (g.entries for g in written.manifest.guides))]


def test_a_file_named_alone_links_to_other_files_as_outside_it(tmp_path):
    docs = _docs(tmp_path)
    kb = build_kb([docs / "intro.md"])
    start = next(e for e in kb.entries if e.title == "Start")
    assert start.link_targets == {} and start.links == []
    assert not [w for w in kb.manifest.warnings if "leads to no" in w.message]


def test_a_link_the_site_generator_fills_in_is_no_page(tmp_path):
    docs = _docs(tmp_path)
    (docs / "tpl.md").write_text('# T\n\nSee <a href="{{ site.baseurl }}/x">x</a> and [y]({% link y.md %}).\n')
    kb = build_kb([docs])
    assert not [w for w in kb.manifest.warnings if "{" in w.message or "%7B" in w.message]


def test_wiki_links_lead_to_pages_by_their_name(tmp_path):
    # Obsidian, Foam and GitHub wikis name a page, wherever it is, by its file's name.
    vault = tmp_path / "vault"
    (vault / "basics").mkdir(parents=True)
    (vault / "Home.md").write_text("# Home\n\nStart with [[Getting Started]], then [[Loops#While Loops|while]], "
                                   "[[#Home]], [[Nowhere]], ![[picture.png]] and `a[[0]]`.\n\n"
                                   "GitHub's wikis put the page last: [[the loops|Loops]].\n")
    (vault / "basics" / "Getting-Started.md").write_text("# Getting Started\n\nBack [[Home]].\n\n```py\nx = 1\n```\n")
    (vault / "basics" / "Loops.md").write_text("# Loops\n\n## For Loops\n\nText.\n\n```py\nfor x in y: pass\n```\n\n"
                                               "## While Loops\n\nText.\n\n```py\nwhile x: pass\n```\n")
    kb = build_kb([vault])
    home = next(e for e in kb.entries if e.title == "Home")
    started = next(e for e in kb.entries if e.title == "Getting Started")
    loops_while = next(e for e in kb.entries if e.title == "While Loops")
    loops = next(e for e in kb.entries if e.source.file == "basics/Loops.md")  # the page: its first entry
    assert home.link_targets == {"wiki:Getting%20Started": started.id,
                                 "wiki:Loops%7Cwhile#While%20Loops": loops_while.id,
                                 "wiki:the%20loops%7CLoops": loops.id}
    assert "[while](<wiki:Loops|while#While Loops>)" in home.markdown and "![[picture.png]]" in home.markdown
    assert "`a[[0]]`" in home.markdown
    assert started.link_targets == {"wiki:Home": home.id}
    nowhere = [w for w in kb.manifest.warnings if "Nowhere" in w.message]
    assert len(nowhere) == 1 and "'[[Nowhere]]'" in nowhere[0].message and nowhere[0].line == 3


def test_wiki_links_resolve_alike_from_every_page_and_in_a_github_wiki_the_page_is_last(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Install.md").write_text("# Install\n\n## Steps\n\nSee [[Install|Setup]] and [[#Steps|the steps]].\n")
    (vault / "Setup.md").write_text("# Setup\n\nSee [[Install|Setup]].\n")
    kb = build_kb([vault])
    pages = {e.source.file: e for e in kb.entries}
    install, setup = pages["Install.md"], pages["Setup.md"]
    # Obsidian's order, [[Page|shown]]: the link leads to Install from either page.
    assert setup.link_targets == {"wiki:Install%7CSetup": install.id}
    steps = next(e for e in kb.entries if e.title == "Steps")
    assert steps.link_targets.get("wiki:#Steps") is None and "wiki:#Steps" not in str(kb.manifest.warnings)
    # A vault may have a Home page and pages named like the words a link shows: Obsidian's order.
    (vault / "Home.md").write_text("# Home\n\nRead [[Install|Setup]].\n")
    home = next(e for e in build_kb([vault]).entries if e.source.file == "Home.md")
    assert list(home.link_targets.values()) == [install.id]
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "_Sidebar.md").write_text("# Pages\n\n[[Home]]\n")
    for name in ("Home", "Install", "Setup"):
        (wiki / f"{name}.md").write_text(f"# {name}\n\nGo to [[Install|Setup]] or [[Install]].\n")
    kb = build_kb([wiki])
    home = next(e for e in kb.entries if e.source.file == "Home.md")
    setup = next(e for e in kb.entries if e.source.file == "Setup.md")
    install = next(e for e in kb.entries if e.source.file == "Install.md")
    # GitHub's order, [[shown|Page]]: to Setup, showing "Install".
    assert home.link_targets == {"wiki:Setup%7CInstall": setup.id, "wiki:Install": install.id}
    assert "[Install](<wiki:Setup|Install>)" in home.markdown


def test_links_to_the_site_s_top_to_files_and_to_routes_of_other_sites(tmp_path):
    docs = tmp_path / "docs"
    (docs / "guides").mkdir(parents=True)
    (docs / "examples").mkdir()
    (docs / "LICENSE").write_text("MIT")
    (docs / "README.md").write_text("# Docs\n\nThe top.\n")
    (docs / "intro.md").write_text("# Intro\n\nHello.\n")
    (docs / "guides" / "a.md").write_text(
        "# A\n\nTo [the top](/), [up](../), [here](./), [the licence](../LICENSE), [examples](../examples/),\n"
        "[the project's Makefile](../../Makefile), [a missing heading](../intro.md#nowhere),\n"
        "[the blog's intro](/blog/intro), [our intro](/website/docs/intro) and [far](" + "/a" * 5000 + "/x).\n")
    kb = build_kb([docs])
    a = next(e for e in kb.entries if e.source.file == "guides/a.md")
    top = next(e for e in kb.entries if e.source.file == "README.md")
    intro = next(e for e in kb.entries if e.source.file == "intro.md")
    assert a.link_targets == {"/": top.id, "../": top.id, "/website/docs/intro": intro.id}
    nowhere = sorted(w.message.split("'")[1][:12] for w in kb.manifest.warnings if "leads to no" in w.message)
    # No file or folder that exists is warned about; a heading a page lacks is.
    assert nowhere == ["../intro.md#", "/a/a/a/a/a/a", "/blog/intro"]


def test_myst_roles_are_links_words_and_code(tmp_path):
    """MyST's roles: `{doc}` links to the page it names (relative, or from the folder's root),
    a cross-reference shows its title, a role of code its name as code; in code they stay."""
    docs = _docs(tmp_path)
    (docs / "usage.md").write_text(
        "# Usage\n\n## Serve\n\nSee {doc}`the rules <guide/rules>`, {doc}`/intro`, {ref}`Installing <install>`,\n"
        "{ref}`genindex`, {py:func}`~pkg.mod.serve` and `{doc}`kept``.\n\n```python\nserve()  # {doc}`kept`\n```\n\n"
        "## Call\n\nPass {ref}`*args <args>` to {doc}`the i page <i>` with <kbd>Ctrl</kbd>, {ref}`a{' ' * 50_000}b`.\n")
    kb = build_kb([docs])
    serve = next(e for e in kb.entries if e.title == "Serve")
    rules = next(e for e in kb.entries if e.title == "Rules")
    start = next(e for e in kb.entries if e.title == "Start")
    assert "[the rules](guide/rules.md)" in serve.markdown and "[intro](/intro.md)" in serve.markdown
    assert serve.link_targets == {"guide/rules.md": rules.id, "/intro.md": start.id}
    assert "Installing,\ngenindex, `serve` and `{doc}`kept``." in serve.markdown
    assert serve.code[0].code == "serve()  # {doc}`kept`\n"
    call = next(e for e in kb.entries if e.title == "Call")  # words as written; a link to a page named like a tag
    assert call.text.startswith("Pass *args to the i page with Ctrl") and "[the i page](i.md)" in call.markdown
    assert [w.message for w in kb.manifest.warnings if "usage.md" in w.file] == \
        ["link 'i.md' leads to no page of the folder, or heading of one"]


def test_a_link_to_a_myst_label_leads_to_what_it_labels(tmp_path):
    """`[words](label)` where no page has that path: MyST's reference to the `(label)=` over a
    heading of another page; a label two pages define leads nowhere, and is warned."""
    docs = _docs(tmp_path)
    (docs / "style.md").write_text("# Style\n\n(labels/line-length)=\n\n## Line length\n\nShort.\n\n"
                                   "(twice)=\n\n## Width\n\nNarrow.\n")
    (docs / "guide" / "use.md").write_text("# Use\n\n## Configure\n\nSee [the style](labels/line-length) "
                                           "and [which](twice), [the licence](../LICENSE) and [the tool](tool).\n")
    (docs / "LICENSE").write_text("MIT\n")  # a file of the folder wins over a heading of its name
    (docs / "guide" / "tool").write_text("#!/bin/sh\n")
    (docs / "more.md").write_text("# More\n\n(twice)=\n\n## Height\n\nTall.\n\n## License\n\nMIT.\n\n## Tool\n\nIt.\n")
    kb = build_kb([docs])
    configure = next(e for e in kb.entries if e.title == "Configure")
    length = next(e for e in kb.entries if e.title == "Line length")
    assert configure.link_targets == {"labels/line-length": length.id}
    assert [w.message for w in kb.manifest.warnings if w.file.endswith("use.md")] == \
        ["link 'twice' leads to no page of the folder, or heading of one"]


def test_a_page_of_a_folder_leads_its_entries_paths_with_its_title(tmp_path):
    """Pages of rules share their sections ("Rule details"): a path without the page's title
    said which section, not which rule."""
    docs = tmp_path / "rules"
    docs.mkdir()
    for rule in ("no-alpha", "no-beta"):
        (docs / f"{rule}.md").write_text(f"# {rule}\n\nSummary.\n\n## Rule details\n\nDetails.\n\n"
                                         f"### `{rule}-one`\n\nOne.\n\n```js\none()\n```\n\n"
                                         f"### `{rule}-two`\n\nTwo.\n\n```js\ntwo()\n```\n")
    kb = build_kb([docs])
    paths = {e.title: e.path for e in kb.entries if e.kind == "pattern"}
    assert paths["no-beta-two"] == ["no-beta", "Rule details", "no-beta-two"]
    one = build_kb([docs / "no-alpha.md"])  # a file on its own: its title is the guide's, not in paths
    assert {e.title: e.path for e in one.entries}["no-alpha-one"] == ["Rule details", "no-alpha-one"]


def test_a_fence_in_an_html_comment_is_no_fence_that_never_closes(write_guide):
    kb = build_kb([write_guide("# R\n\n## Records\n\n<!-- Old example:\n\n```ts\nold()\n``` -->\n\n"
                               "```ts\nconst store = z.record(z.string());\n```\n")])
    assert not kb.manifest.warnings
    assert [b.code for b in kb.entries[0].code] == ["const store = z.record(z.string());\n"]


def test_routes_from_above_a_folder_named_like_its_parent(tmp_path):
    """A package's `docs/docs` folder whose pages link `/docs/docs/api/Pool.md#pool-close`: the
    route starts above the folder given, at either of the two `docs`."""
    docs = tmp_path / "docs" / "docs"
    (docs / "api").mkdir(parents=True)
    (docs / "api" / "Pool.md").write_text("# Pool\n\nA pool of clients.\n\n## pool.close()\n\nCloses.\n")
    (docs / "guide.md").write_text("# Guide\n\nSee [close](/docs/docs/api/Pool.md#poolclose) and "
                                   "[the pool](/docs/api/Pool.md).\n")
    kb = build_kb([docs])
    guide = next(e for e in kb.entries if e.source.file == "guide.md")
    close = next(e for e in kb.entries if e.title == "pool.close()")
    pool = next(e for e in kb.entries if e.source.file == "api/Pool.md" and e.title == "Pool")
    assert guide.link_targets == {"/docs/docs/api/Pool.md#poolclose": close.id, "/docs/api/Pool.md": pool.id}
    assert not [w for w in kb.manifest.warnings if "leads to no" in w.message]
