"""A "Used in" or "Mentioned in" list: the posts behind a glossary term or a resource.

A term of a 10,000-post blog is used in thousands of posts; quoting each one's sentence
made the glossary a page of megabytes (3.7 MB of MyST at 1,000 synthetic posts, the
slowest page to read and write). The first posts keep their sentence, the next ones are
links alone, and past ``LISTED`` the list says how many more posts there are; the search
finds every one of them. A quote is at most a short paragraph long.
"""

from __future__ import annotations

from collections.abc import Sequence

from .myst import directive, escape_text

# Posts listed with their sentence, and in all (with or without it).
QUOTED = 10
LISTED = 50
# A quote longer than this (a whole paragraph, where no sentence could be told apart)
# is cut at a word, with an ellipsis.
QUOTE_CHARACTERS = 240


def shortened(sentence: str) -> str:
    """``sentence``, or its first words up to ``QUOTE_CHARACTERS`` and an ellipsis."""
    if len(sentence) <= QUOTE_CHARACTERS:
        return sentence
    head = sentence[: QUOTE_CHARACTERS + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head.strip() else sentence[:QUOTE_CHARACTERS]
    return cut.rstrip(" ,;:") + " …"


def backlinks(heading: str, classes: str, entries: Sequence[tuple[str, str]]) -> str:
    """The list under ``heading`` of ``(reference markup, sentence)`` entries, in book order."""
    items = [
        f"- {reference}: “{escape_text(shortened(sentence))}”" if index < QUOTED else f"- {reference}"
        for index, (reference, sentence) in enumerate(entries[:LISTED])
    ]
    more = len(entries) - LISTED
    if more > 0:
        items.append(f"- … and {more:,} more posts")
    # The posts' sentences again: the search finds them in the posts, not here.
    return directive("container", f"{classes} no-search", body=f"*{heading}:*\n\n" + "\n".join(items))
