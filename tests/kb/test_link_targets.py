"""Where each link of an entry's Markdown goes (`link_targets`): the entry, or the part of it, that
holds the heading or anchor the link names, so that the window can open it."""

from __future__ import annotations

from patternkb.kb.build import build_kb
from patternkb.kb.slugs import part_anchors

GUIDE = """# Guide

## Basics

### Ownership

Each value has one owner; see [borrowing rules](#rules-of-borrowing), [the whole of
borrowing](#borrowing), [below](#moves) and [elsewhere](https://example.com/x).

#### Moves

A move hands the value on.

```rust
let b = a;
```

### Borrowing

Text about borrowing, back to [ownership](#ownership).

<a id="rules-of-borrowing"></a>
#### Rules of Borrowing

One writer or many readers.

```rust
let r = &a;
```

## Checklist

- [ ] Borrow before you [clone](#borrowing)
"""


def _by_title(kb):
    return {e.title: e for e in kb.entries}


def test_links_lead_to_the_entry_or_the_part_that_holds_their_heading(write_guide):
    entries = _by_title(build_kb([write_guide(GUIDE)]))
    ownership, borrowing = entries["Ownership"], entries["Borrowing"]
    rules = part_anchors([p.name for p in borrowing.parts])[0]
    moves = part_anchors([p.name for p in ownership.parts])[0]
    assert ownership.link_targets == {"#rules-of-borrowing": f"{borrowing.id}#{rules}",
                                      "#borrowing": borrowing.id,
                                      "#moves": f"{ownership.id}#{moves}"}  # its own part: in-page
    assert ownership.links == [borrowing.id]  # the relation names the entry, not a part
    assert borrowing.link_targets == {"#ownership": ownership.id}
    item = next(e for e in entries.values() if e.kind == "checklist")
    assert item.link_targets == {"#borrowing": borrowing.id}


def test_a_link_written_in_html_is_keyed_as_markdown_it_renders_it(write_guide):
    # The window looks a link up by the href markdown-it gives its token: percent-encoded.
    entries = _by_title(build_kb([write_guide(
        '# G\n\n## S\n\n### Café Rules\n\nText.\n\n```rust\nfn a() {}\n```\n\n'
        '### Other\n\n<p>See <a href="#café-rules">the rules</a>.</p>\n\n```rust\nfn b() {}\n```\n')]))
    assert entries["Other"].link_targets == {"#caf%C3%A9-rules": entries["Café Rules"].id}


def test_a_link_to_no_entry_has_no_target(write_guide):
    entries = _by_title(build_kb([write_guide(
        "# G\n\n## S\n\n### P\n\n[gone](#nowhere) [out](https://example.com) [me](#p)\n\n```rust\nfn a() {}\n```\n")]))
    assert entries["P"].link_targets == {}


def test_a_heading_inside_a_quote_can_be_linked_to(tmp_path):
    """mdBook and GitHub give a heading in a block quote an anchor (the Rust book's "The Stack and
    the Heap" aside): a link to it leads to the entry holding the quote, with no warning."""
    from patternkb.kb.build import build_kb

    guide = tmp_path / "guide.md"
    guide.write_text("# G\n\n## A\n\nSee [the aside](#the-stack-and-the-heap).\n\n## B\n\nText.\n\n"
                     "> ### The Stack and the Heap\n>\n> Both are memory.\n")
    kb = build_kb([guide])
    a = next(e for e in kb.entries if e.title == "A")
    b = next(e for e in kb.entries if e.title == "B")
    assert a.link_targets == {"#the-stack-and-the-heap": b.id}
    assert not kb.manifest.warnings
