"""Rules written as numbered list items that link to themselves ("- [3.3](#x) Use shorthand.")
are named parts of their entry: found on their own, named by their words, shown where they start."""

from patternkb.kb.build import build_kb
from patternkb.kb.rules import rule_name


def _rule(number: str, anchor: str, lead: str, code: str) -> str:
    return (f'<a name="{anchor}"></a>\n- [{number}](#{anchor}) {lead}\n\n'
            f"    ```javascript\n    // bad\n    {code}(1);\n\n    // good\n    {code}(2);\n    ```\n\n")


def test_a_rule_is_named_by_its_number_and_its_bold_lead_or_first_sentence():
    assert rule_name("[3.3](#objects--shorthand) Use object method shorthand. eslint: `object-shorthand`") \
        == "3.3 Use object method shorthand"
    assert rule_name("[1.1](#types--primitives) **Primitives**: When you access a primitive") == "1.1 Primitives"
    assert rule_name('<a name="x"></a>[2.1](#x) Use `snake_case` for names; never `camelCase`') \
        == "2.1 Use snake_case for names"
    # A contents entry, a link to another page, an item with no number: no rule.
    assert [rule_name(s) for s in ("[Values](#values)", "[1.1](other.md#x) words", "Use const", "[1.1](#x)")] \
        == [None, None, None, None]


def test_numbered_rules_in_a_section_are_its_parts_and_caption_their_code(write_guide):
    objects = _rule("3.1", "objects--literal", "Use the literal syntax for object creation.", "make") \
        + _rule("3.2", "objects--shorthand", "Use object method shorthand. eslint: object-shorthand", "short")
    arrays = _rule("4.1", "arrays--literal", "**Literals**: create arrays with the literal syntax.", "list")
    kb = build_kb([write_guide(f"# Style\n\n## Objects\n\n{objects}## Arrays\n\n{arrays}")])
    assert [(e.title, [p.name for p in e.parts]) for e in kb.entries] == [
        ("Objects", ["3.1 Use the literal syntax for object creation", "3.2 Use object method shorthand"]),
        ("Arrays", ["4.1 Literals"])]
    assert [s.title for s in kb.entries[0].snippets] == [
        "Bad: Use the literal syntax for object creation", "Good: Use the literal syntax for object creation",
        "Bad: Use object method shorthand", "Good: Use object method shorthand"]
    shorthand = kb.entries[0].parts[1]
    assert "short(2)" in shorthand.markdown and "make" not in shorthand.markdown
    # Its words as plain text, for search and a sub-hit's fragment: no link or code markup.
    assert shorthand.text == "3.2 Use object method shorthand. eslint: object-shorthand"


def test_rules_that_are_items_of_one_list_are_each_a_part(write_guide):
    rules = "".join(f"- [5.{n}](#r{n}) Rule number {n} says so.\n" for n in (1, 2, 3))
    kb = build_kb([write_guide(f"# Style\n\n## Rules\n\nIntro.\n\n{rules}\n```js\nx();\n```\n")])
    assert [p.name for p in kb.entries[0].parts] == [
        "5.1 Rule number 1 says so", "5.2 Rule number 2 says so", "5.3 Rule number 3 says so"]
    # Each rule's part holds its own item's words, not the rules after it.
    assert [p.text for p in kb.entries[0].parts] == [
        "5.1 Rule number 1 says so.", "5.2 Rule number 2 says so.", "5.3 Rule number 3 says so."]



BULLET_RULES = """# Style

## Rules

Follow them all.

* **Use 2 spaces** for indentation.

  ```js
  function hello (name) {}
  ```

* **Always use** `===` instead of `==`.<br>
  Exception: `obj == null` is allowed.

  ```js
  if (name === 'John')   // ✓ ok
  ```

* **The `*` in `yield*`** must have spaces around it.

  ```js
  // ✓ ok
  yield * increment()
  ```

  ```js
  // ✗ avoid
  yield* increment()
  ```

* **No unused variables.**

* A last word, not in bold.
"""


def test_a_list_of_rules_led_by_bold_words_over_code_makes_each_rule_a_part(write_guide):
    kb = build_kb([write_guide(BULLET_RULES)])
    entry = kb.entries[0]
    assert [p.name for p in entry.parts] == ["Use 2 spaces for indentation", "Always use === instead of ==",
                                             "The * in yield* must have spaces around it", "No unused variables"]
    assert "Exception" in entry.parts[1].text
    assert [s.title for s in entry.snippets][2:] == ["✓ ok: The * in yield* must have spaces around it",
                                                     "✗ avoid: The * in yield* must have spaces around it"]


def test_bold_words_without_code_or_too_few_rules_are_a_list_like_any_other(write_guide):
    terms = "# G\n\n## Terms\n\n* **Actor**: a thing.\n* **Message**: sent.\n* **Mailbox**: holds them.\n\n```js\nx()\n```\n"
    two = "# G\n\n## Two\n\n* **Use this** now.\n\n  ```js\n  a()\n  ```\n\n* **Use that** later.\n\n  ```js\n  b()\n  ```\n"
    for text in (terms, two):
        assert build_kb([write_guide(text)]).entries[0].parts == []
