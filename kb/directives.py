"""What documentation tools add to Markdown, on lines of their own, read as the Markdown it stands
for before the guide is parsed:

- Liquid tags (GitBook, Jekyll) and Hugo's shortcodes: `{% tab title="Python" %}` and
  `{{< tab "Python" >}}` label the code after them, `{% highlight ruby %}` and
  `{{< highlight go >}}` open a code block, an exercise's initial code and solution are code
  blocks, the other tags (`{% hint %}`, `{{% notice tip %}}`, `{% raw %}`) are markup;
- containers (VitePress, VuePress, Docusaurus), Pandoc's fenced divs and PyMdown's blocks:
  `::: tip`, `:::note Title`, `::: code-group`, `::: {.callout-note title="Careful"}`,
  `/// tab | Python` and their closing `:::` or `///` are markup, a title labels what follows
  (MkDocs' indented admonitions and tabs: kb/admonitions.py);
- MyST's targets (`(label)=` above a heading) and the ids of attribute lists (kramdown's
  `{: id="x"}` under a block, `## Install {#setup}` after a heading's words): anchors, as
  `<a id="label">` is; the rest of an attribute list (`{: .class}`) is markup;
- MyST's directives whose content is Markdown (```` ```{note} ````, ```` ```{admonition} Title ````):
  their fences and options are markup, the title a label, the content read as Markdown;
- docsify's tips (`?> Tip`, `!> Important`): quotes;
- MDX and Vue components written as block tags (`<TabItem value="npm">`, `<Tabs values={[...]}>`
  over several lines, `</Tabs>`): markup, a tab's label or value labels the code in it;
- links in a tool's syntax (kb/link_syntax.py): wiki links (`[[Page]]`) are Markdown links,
  references to an API's items that the guide does not define (`[Vec][std::vec::Vec]`) text.

Lines inside a code block are never touched, and every line keeps its number in the file."""

from __future__ import annotations

import html
import re

from patternkb.kb.cuts import RAW_HTML
from patternkb.kb.components import opens_component, read_component
from patternkb.kb.headings import clean_label, first_group
from patternkb.kb.link_syntax import defined_labels, footnotes, item_references, roles, wiki_links
from patternkb.kb.myst import (
    FILE_DIRECTIVES, HIDDEN_DIRECTIVES, MAX_OPTIONS, MYST, OPTION, OPTION_VALUE, PATH_ARGUMENT, VERSION_DIRECTIVES,
    glossary_line, prose_directive,
)

# A line that is one Liquid tag, `{% name arguments %}` (or `{%- … -%}`), or one Hugo shortcode,
# `{{< name arguments >}}`, `{{% name %}}`, `{{< /name >}}`; indented at most three spaces.
_TAG = re.compile(r"^ {0,3}(?:\{%-?\s*(\w+)(.*?)-?%\}|\{\{[<%]\s*(/?)\s*([\w-]+)(.*?)\s*[>%]\}\})\s*$")
# A container's opening (`::: tip Title`, `:::note`, `::: {.callout-note}`, PyMdown's `/// tip | Title`)
# or closing (`:::`, `///`) line.
# mkdocstrings' reference to a module or class, which the site writes (`::: hatch.builders.config`).
_GENERATED = re.compile(r"^ {0,3}:::\s*([A-Za-z_]\w*(?:\.\w+)+)\s*$")
_CONTAINER = re.compile(r"^ {0,3}(?::{3,}|/{3,})\s*(?:\{([^}]*)\}\s*(.*?)|([\w-]+)\s*(.*?))?\s*$")
_COMPONENT_ANYWHERE = re.compile(r"^ {0,3}</?[A-Z]", re.M)
_FENCE = re.compile(r"^(?: {0,3}>)* {0,3}(`{3,}|~{3,})")  # in a quote too: `> ```python`
# A MyST directive's opening fence: ```{note}, ````{admonition} Title
_MYST_ANYWHERE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})\{", re.M)
_TARGET = re.compile(r"^ {0,3}\(([^()\s\"<>]+)\)=\s*$")  # `(syntax/referencing)=` above what it names
# Attributes of the block above (kramdown: `{: .class}`, `{: id='x'}`) or of a heading, after its
# words (kramdown, Pandoc, MkDocs: `## Install {#setup}`).
_BLOCK_ATTRIBUTES = re.compile(r"^ {0,3}\{:\s*([^}]*)\}\s*$")
# Words, then braces: Pandoc's `## Install {#setup .wide}`, kramdown's `## 6.0 Notes {: #v6}`.
_CLOSING_HASHES = re.compile(r"(?<=\S)\s+#+$")
_HEADING_ATTRIBUTES = re.compile(r"^( {0,3}#{1,6}\s+.*?\S)\s*\{:?\s*([#.][^{}]*)\}\s*$")
_ATTRIBUTES_ANYWHERE = re.compile(r"^ {0,3}(?:\{:|#{1,6}\s.*\{:?\s*[#.])", re.M)
_ATX = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_ATX_TEXT = re.compile(r"^#{1,6}\s*|\s+#+\s*$")  # a heading's marks around its words
_ID = re.compile(r"""(?:^|\s)#([\w:.-]+)|\bid\s*=\s*["']?([\w:.-]+)""")
_QUOTE_MARKS = re.compile(r"^(?: {0,3}>)+ ?")
_DOCSIFY_TIP = re.compile(r"^ {0,3}[?!]> ?(.*)$")  # `?> a tip`, `!> important`
_TITLE = re.compile(r"""\b(?:title|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'}]+))""")
_QUOTED = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)')""")  # a tab's name as its first argument: `{{< tab "Go" >}}`
# An exercise's pieces (GitBook's exercises): each is a code block of its own, under its name.
_EXERCISE_CODE = {"initial": "Initial code", "solution": "Solution", "validation": "Validation", "context": "Context"}
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)(?!\s*(?:[-*+]|\d+[.)])\s)")  # not a list item's line


def read_directives(text: str, origin: list[int] | None = None, *, wiki_page_last: bool = False
                    ) -> tuple[str, list[int] | None]:
    """`text` with its directive lines read as Markdown, and for each line the line it comes from
    (through `origin`, the lines of a text with includes expanded). Unchanged when it has none.
    `wiki_page_last`: a page of a GitHub wiki, whose links are `[[shown|Page]]`."""
    if "{%" not in text and "{{<" not in text and "{{%" not in text and ":::" not in text and "[[" not in text \
            and "///" not in text and "?>" not in text and "!>" not in text and "][" not in text and "}`" not in text \
            and "[^" not in text \
            and not _COMPONENT_ANYWHERE.search(text) and not _MYST_ANYWHERE.search(text) and ")=" not in text \
            and not _ATTRIBUTES_ANYWHERE.search(text):
        return text, origin
    reading = _Reading(text.split("\n"), wiki_page_last)
    reading.read()
    if not reading.changed:
        return text, origin
    source = reading.source if origin is None else [origin[n - 1] for n in reading.source]
    return "\n".join(reading.out), source


class _Reading:
    """One pass over a text's lines: the lines it writes (`out`), for each the number of the line
    it comes from (`source`), and what is open where it is (a code block, MyST directives read as
    Markdown, containers)."""

    def __init__(self, lines: list[str], wiki_page_last: bool = False):
        self.lines = lines
        self.wiki_page_last = wiki_page_last
        self.out: list[str] = []
        self.source: list[int] = []
        self.changed = False
        self.fence = ""  # the open code block's fence, as written
        self.raw_end: re.Pattern | None = None  # the end marker of the raw HTML the line is in
        self.made = False  # whether the open code block is one a Liquid tag made
        self.unwrapped: list[str] = []  # the fences of the MyST directives read as Markdown, innermost last
        self.options = False  # in the `:key: value` lines that open a MyST directive
        self.heading_at: int | None = None  # where in `out` the last heading is
        self.containers = 0  # how many containers are open
        self.glossary: int | str | None = None  # the glossary open: its container depth, or its fence
        self.closing = _closed_containers(lines)  # the indexes of the lines opening a container that closes
        self.defined = defined_labels("\n".join(lines)) if any("][" in line for line in lines) else frozenset()

    def read(self) -> None:
        number = 0
        while number < len(self.lines):
            line = self.lines[number]
            number += 1
            hidden = self.hidden(number - 1) or self.generated(number - 1)
            if hidden is not None:
                replacement, last = hidden
                self.write(replacement, number)
                for further in range(number + 1, last + 2):  # the lines after keep their numbers
                    self.write([""], further)
                number = last + 1
                continue
            options = self.code_options(number - 1)
            if options:  # a MyST code directive's `:caption:` and other options: not code
                caption = clean_label(next((o.group(2) for o in options if o.group(1) == "caption"), ""))
                self.write(["", f"**{caption}**", ""] if caption else [""], number)
                for further in range(number + 1, number + len(options)):
                    self.write([""], further)
                self.write([line], number + len(options))  # the code block opens after them
                self.fence = _FENCE.match(line).group(1)
                number += len(options)
                continue
            if (self.raw_end is not None and self.in_raw_html(line)) or self.in_code(line) or self.in_raw_html(line):
                self.keep(line, number)
                continue
            if self.fence:  # a Liquid tag in the code block a Liquid tag made
                replacement = self.liquid(line)
            else:
                replacement = self.myst(line)
                if replacement is None and self.glossary is not None and not _container(line):
                    replacement = [self.linked(out) for out in glossary_line(line) or []] or None
                if replacement is None and opens_component(line):
                    replacement, last = read_component(self.lines, number - 1)
                    if replacement is not None:
                        self.write(replacement, number)
                        # The tag's further lines become empty ones: the lines after keep their numbers.
                        for further in range(number + 1, last + 2):
                            self.write([""], further)
                        number = last + 1
                        continue
                if replacement is None:
                    replacement = self.liquid(line) or self.markup(line, number - 1)
            if replacement is None and ("[[" in line or "][" in line or "}`" in line or "[^" in line) \
                    and (not _INDENTED_CODE.match(line) or self.continues(number - 1)):
                linked = self.linked(line)
                if linked != line:
                    if _ATX.match(line):  # still the heading a `{: #id}` below it names
                        self.heading_at = len(self.out)
                    replacement = [linked]
            if replacement is None:
                if _ATX.match(line):
                    self.heading_at = len(self.out)
                self.keep(line, number)
            else:
                self.write(replacement, number)
        if self.made:
            self.write(["```"], len(self.lines))

    def continues(self, index: int) -> bool:
        """Whether line `index` continues the text above it: an indented line right under a line
        of text does (CommonMark: indented code cannot interrupt a paragraph); after a blank line
        it may be code, left as written."""
        above = self.lines[index - 1] if index > 0 else ""
        return above.strip() != "" and not _INDENTED_CODE.match(above)

    def linked(self, line: str) -> str:
        """The line with the links and roles of a tool's syntax written as CommonMark (link_syntax.py)."""
        return item_references(wiki_links(roles(footnotes(line)), page_last=self.wiki_page_last), self.defined)

    def keep(self, line: str, number: int) -> None:
        self.out.append(line)
        self.source.append(number)

    def write(self, lines: list[str], number: int) -> None:
        self.out += lines
        self.source += [number] * len(lines)
        self.changed = True

    def code_options(self, index: int) -> list[re.Match]:
        """The `:key: value` lines right after a MyST code directive opening on line `index`
        (`{code-block} python` over `:caption: demo`), or [] for any other line."""
        if self.fence or prose_directive(self.lines[index]) or not MYST.match(self.lines[index]):
            return []
        options = []
        for line in self.lines[index + 1:index + 1 + MAX_OPTIONS]:
            option = OPTION_VALUE.match(line)
            if option is None:
                break
            options.append(option)
        return options

    def hidden(self, index: int) -> tuple[list[str], int] | None:
        """(what stands for it, its last line's index) for a MyST directive opening on line
        `index` that a page shows as no code: nothing for navigation and hidden set-up, a line
        naming the file an include reads (when no folder read it in); else None."""
        if self.fence or self.raw_end is not None:
            return None
        directive = MYST.match(self.lines[index])
        name = directive.group(2).lower() if directive else ""
        if name not in HIDDEN_DIRECTIVES and name not in FILE_DIRECTIVES:
            return None
        fence = directive.group(1)
        last = next((i for i in range(index + 1, len(self.lines)) if _closes(self.lines[i], fence)), None)
        if last is None:
            return None  # never closes: the code block it is warns of that
        argument = directive.group(3).strip()
        if name in FILE_DIRECTIVES and argument:
            return ["", f"Reads in `{argument.replace('`', '')}`.", ""], last
        return [""], last

    def generated(self, index: int) -> tuple[list[str], int] | None:
        """(a line naming it, its last line's index) for mkdocstrings' `::: package.module.Class`
        on line `index`, with the indented options right under it: the site writes the reference when it
        is built; the source has only the name (its options were read as code, its path as a
        callout's title)."""
        if self.fence or self.raw_end is not None:
            return None
        reference = _GENERATED.match(self.lines[index])
        if reference is None:
            return None
        last = index
        for further in range(index + 1, len(self.lines)):  # its options: the indented lines right under it
            if not self.lines[further].strip() or not self.lines[further][:1].isspace():
                break
            last = further
        return ["", f"API reference of `{reference.group(1)}`, written when the site is built.", ""], last

    def in_code(self, line: str) -> bool:
        """Whether `line` is code, as written (a Liquid tag in a code block a tag made is not)."""
        if self.fence:
            if _closes(line, self.fence):
                self.fence, self.made = "", False
                return True
            return not self.made or _tag(line) is None
        opened = _FENCE.match(line)
        if opened and not prose_directive(line) and not (self.unwrapped and _closes(line, self.unwrapped[-1])):
            self.fence = opened.group(1)  # a code block, or a MyST directive of code (`{code-block} python`)
            return True
        return False

    def in_raw_html(self, line: str) -> bool:
        """Whether `line` is in raw HTML that CommonMark reads to its end marker (`<pre>`, `<?php`,
        a comment): shown as written, never read as Markdown."""
        if self.raw_end is not None:
            if self.raw_end.search(line):
                self.raw_end = None
            return True
        opener = next(((opened, end) for opened, end in RAW_HTML if opened.match(line)), None)
        if opener is None:
            return False
        start = opener[0].match(line).end()
        self.raw_end = None if opener[1].search(line, start) else opener[1]
        return True

    def myst(self, line: str) -> list[str] | None:
        """A MyST directive whose content is Markdown (`{note}`, `{admonition} Title`): its fences
        and options go, its title stays as a label, its content is read as Markdown."""
        directive = prose_directive(line)
        if directive is not None:
            self.unwrapped.append(directive.group(1))
            if directive.group(2).lower() == "glossary":
                self.glossary = directive.group(1)
            self.options = True
            name = directive.group(2).lower()
            if name in VERSION_DIRECTIVES:
                # `{versionadded} 8.0 The flag`: "Added in version 8.0", as Sphinx says, then its words.
                version, _, said = directive.group(3).partition(" ")
                return ["", f"**{VERSION_DIRECTIVES[name]} {version}**".replace(" **", "**"), "",
                        *([said.strip(), ""] if said.strip() else [])]
            label = clean_label(directive.group(3)) if name not in PATH_ARGUMENT else ""
            return ["", f"**{label}**", ""] if label else [""]
        if self.options and OPTION.match(line):
            return [""]
        self.options = False
        if self.unwrapped and _FENCE.match(line) and _closes(line, self.unwrapped[-1]):
            if self.glossary == self.unwrapped.pop():
                self.glossary = None
            return [""]
        return None

    def liquid(self, line: str) -> list[str] | None:
        """A Liquid tag's or Hugo shortcode's lines (an include a book did not expand, as in a
        single file with no book to read it from, stays as written)."""
        tag = _tag(line)
        if tag is None or (tag[0] == "include" and not self.made):
            return None
        replacement, self.fence, self.made = _liquid(*tag, self.made)
        return replacement

    def markup(self, line: str, index: int) -> list[str] | None:
        """Targets, attribute lists, containers and the headings inside them, read as Markdown."""
        tip = _DOCSIFY_TIP.match(line)
        if tip:  # docsify's `?> tip` and `!> important`: a quote, as GitHub's alerts are
            return [f"> {tip.group(1)}"]
        if _TARGET.match(line):  # MyST's `(label)=`: an anchor, as `<a id>` is
            return [_anchor(_TARGET.match(line).group(1))]
        attributes = _BLOCK_ATTRIBUTES.match(line)
        if attributes:  # kramdown's `{: #id .class}` names the block above: its id goes to the heading over it
            anchor = _anchor(_id_of(attributes.group(1)))
            if anchor and self.heading_at is not None:
                self.out[self.heading_at] += " " + anchor
                anchor = ""
            return [anchor]
        heading = _HEADING_ATTRIBUTES.match(line)
        if heading:  # `## Install {#setup .wide}`
            self.heading_at = len(self.out)
            # Its closing #s go too (`## Title ## {: #id}`): before the braces they were words of it.
            words = _CLOSING_HASHES.sub("", heading.group(1))
            return [f"{words} {_anchor(_id_of(heading.group(2)))}".rstrip()]
        container = _container(line)
        if container:
            if _opens(container):  # counted only when it closes: one left open must not swallow the rest
                self.containers += index in self.closing
                if (container.group(1) or "").strip().lower() == "glossary" and index in self.closing:
                    self.glossary = self.containers
            else:
                if self.glossary == self.containers:
                    self.glossary = None
                self.containers = max(self.containers - 1, 0)
            braced, text = container.group(1), container.group(2) or container.group(4) or ""
            text = text.removeprefix("|").strip()  # `/// tab | Python 3.10+`
            if text[:1] == "[" and text[-1:] == "]":
                text = text[1:-1]  # Docusaurus's `:::tip[Pro tip]`
            label = clean_label(first_group(_TITLE.search(braced)) if braced is not None and _TITLE.search(braced) else text)
            return ["", f"**{label}**", ""] if label else [""]
        if self.containers and _ATX.match(line):
            # A heading inside a container names a tab or a callout (Quarto's panel-tabset,
            # `## Keep it simple` in a callout), not a part of the document: a label.
            return ["", f"**{clean_label(_ATX_TEXT.sub('', line.strip()))}**", ""]
        return None

def _container(line: str) -> re.Match | None:
    """A container's line; PyMdown's `///` only as `/// type` or `/// type | Title` (a line of
    Rust doc comment, `/// Returns the answer.`, is none)."""
    container = _CONTAINER.match(line)
    if container and line.lstrip().startswith("/") and (container.group(1) is not None or (
            container.group(4) or "").strip()[:1] not in ("", "|")):
        return None
    return container


def _opens(container: re.Match) -> bool:
    """Whether a container line opens one (`::: tip`, `::: {.note}`) rather than closes (`:::`)."""
    return container.group(1) is not None or bool(container.group(3))


def _closed_containers(lines: list[str]) -> set[int]:
    """The indexes of the lines that open a container closed further on (outside code)."""
    closed: set[int] = set()
    open_at: list[int] = []
    fence = ""
    for index, line in enumerate(lines):
        if fence:
            fence = "" if _closes(line, fence) else fence
            continue
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
            continue
        container = _container(line)
        if container and _opens(container):
            open_at.append(index)
        elif container and open_at:
            closed.add(open_at.pop())
    return closed




def _tag(line: str) -> tuple[str, str] | None:
    """(name, arguments) of the Liquid tag or Hugo shortcode the line is, lower-cased; a closing
    shortcode `{{< /highlight >}}` is named as Liquid names it, `endhighlight`."""
    match = _TAG.match(line)
    if match is None:
        return None
    if match.group(1) is not None:
        return match.group(1).lower(), match.group(2)
    return ("end" if match.group(3) else "") + match.group(4).lower(), match.group(5)


def _id_of(attributes: str) -> str:
    """The id attributes give (`#setup`, `id='setup'`), or ""."""
    return first_group(_ID.search(attributes))


def _anchor(name: str) -> str:
    """An HTML anchor that links lead to (kb/html.py reads its id), or "" for no name."""
    return f'<a id="{html.escape(name)}"></a>' if name else ""


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes a code block opened by `fence` (indented three spaces at most, as
    CommonMark says: a fence indented more is a line of the code, as in a Markdown example)."""
    line = _QUOTE_MARKS.sub("", line)
    if line.startswith("    ") or line.startswith("\t"):
        return False
    marker = line.strip()
    return marker.startswith(fence[0] * len(fence)) and not marker.strip(fence[0])


def _liquid(name: str, arguments: str, made: bool) -> tuple[list[str], str, bool]:
    """A Liquid tag's or shortcode's lines, and the code block it leaves open (its fence; whether it
    made it)."""
    replacement: list[str] = ["```"] if made else []  # a tag ends the code block it made
    if name == "highlight":
        language = arguments.split()[0].strip("\"'") if arguments.split() else ""
        return replacement + [f"```{language}"], "```", True
    if name in _EXERCISE_CODE:  # a label of its own paragraph, then its code
        return replacement + ["", f"**{_EXERCISE_CODE[name]}**", "```"], "```", True
    if name == "exercise":
        return replacement + ["", "**Exercise**", ""], "", False
    label = clean_label(first_group(_TITLE.search(arguments)) or (first_group(_QUOTED.match(arguments)) if name == "tab" else ""))
    if label:  # `{% tab title="Python" %}`, `{% code title="main.py" %}`, `{{< tab "Go" >}}`
        return replacement + ["", f"**{label}**", ""], "", False
    return replacement or [""], "", False
