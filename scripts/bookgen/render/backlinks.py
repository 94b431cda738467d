"""A "Used in" or "Mentioned in" list: the posts behind a glossary term or a resource.

A term of a 10,000-post blog is used in thousands of posts; quoting each one's sentence
made the glossary a page of megabytes (3.7 MB of MyST at 1,000 synthetic posts, the
slowest page to read and write). The first posts keep their sentence, the next ones are
links alone, and past ``LISTED`` the list says how many more posts there are; the search
finds every one of them. Quotes are never cut: a list of up to ``QUOTED`` posts (the
five posts' book) is as it always was.
"""

from __future__ import annotations

from collections.abc import Sequence

from .myst import directive, escape_text

# Posts listed with their sentence, and in all (with or without it).
QUOTED = 10
LISTED = 50


def backlinks(heading: str, classes: str, entries: Sequence[tuple[str, str]]) -> str:
    """The list under ``heading`` of ``(reference markup, sentence)`` entries, in book order."""
    items = [
        f"- {reference}: “{escape_text(sentence)}”" if index < QUOTED else f"- {reference}"
        for index, (reference, sentence) in enumerate(entries[:LISTED])
    ]
    more = len(entries) - LISTED
    if more > 0:
        items.append(f"- … and {more:,} more posts")
    # The posts' sentences again: the search finds them in the posts, not here.
    return directive("container", f"{classes} no-search", body=f"*{heading}:*\n\n" + "\n".join(items))
