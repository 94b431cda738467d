"""The "Used in" and "Mentioned in" lists stay a readable size however many posts cite."""

from __future__ import annotations

from bookgen.render.backlinks import LISTED, QUOTED, backlinks


def test_first_posts_are_quoted_the_next_linked_and_the_rest_counted() -> None:
    entries = [(f"{{ref}}`Post {n} <label-{n}>`", f"Sentence {n} with *stars*.") for n in range(LISTED + 7)]
    text = backlinks("Used in", "used-in", entries)
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(items) == LISTED + 1 and items[-1] == "- … and 7 more posts"
    assert all("“Sentence" in item for item in items[:QUOTED])
    assert not any("Sentence" in item for item in items[QUOTED:])
    assert items[QUOTED] == f"- {{ref}}`Post {QUOTED} <label-{QUOTED}>`"
    assert r"\*stars\*" in items[0]  # the post's words are escaped
    assert "used-in no-search" in text.splitlines()[0] and "*Used in:*" in text


def test_a_short_list_is_quoted_whole() -> None:
    text = backlinks("Mentioned in", "mentioned-in", [("{ref}`A <a>`", "One."), ("{ref}`B <b>`", "Two.")])
    assert "- {ref}`A <a>`: “One.”\n- {ref}`B <b>`: “Two.”" in text and "more posts" not in text


def test_a_quote_is_never_cut() -> None:
    paragraph = " ".join(f"word{n}" for n in range(200))
    assert f"“{paragraph}”" in backlinks("Used in", "used-in", [("{ref}`A <a>`", paragraph)])
