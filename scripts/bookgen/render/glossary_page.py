"""The glossary page: one ``glossary`` directive per first letter, with "Used in" backlinks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..labels import term_label
from ..model import Book
from ..resolve.glossary import Glossary
from ..resolve.terms import Mention
from .backlinks import QUOTED, backlinks
from .myst import directive, escape_text, generated_note, role_text


def render_glossary_page(glossary: Glossary, usage: Mapping[str, Sequence[Mention]], book: Book) -> str:
    """The glossary, one ``glossary`` directive per first letter, with "Used in" backlinks."""
    posts = {post.source: post for post in book.posts}
    cut = any(len(uses) > QUOTED for uses in usage.values())  # some term's list is cut
    sections = [
        generated_note("content/glossary.yaml and the posts"),
        "# Glossary",
        "Terms used in the posts, in plain words. Under each term, *Used in* lists the posts "
        f"that mention it, {'the first ones ' if cut else ''}with the sentence where it first appears.",
    ]
    groups: dict[str, list[str]] = {}
    for entry in sorted(glossary.entries, key=lambda e: e.term.casefold()):
        letter = entry.term[0].upper() if entry.term[0].isalpha() else "0–9"
        body = [escape_text(entry.definition, line_start=True)]
        if entry.aliases:
            body.append("*Also:* " + ", ".join(escape_text(alias) for alias in entry.aliases))
        if entry.see:
            body.append("*See also:* " + ", ".join(f"{{term}}`{term}`" for term in entry.see))
        uses = [
            (
                f"{{ref}}`{role_text(posts[m.post].title)} <{term_label(posts[m.post].slug, entry.term)}>`",
                m.sentence,
            )
            for m in usage.get(entry.term, ())
        ]
        if uses:
            body.append(backlinks("Used in", "used-in", uses))
        indented = "\n".join(f"  {line}" if line else "" for line in "\n\n".join(body).split("\n"))
        groups.setdefault(letter, []).append(f"{escape_text(entry.term, line_start=True)}\n{indented}")
    for letter in sorted(groups, key=lambda g: (not g[0].isalpha(), g)):
        sections.append(f"## {letter}")
        sections.append(directive("glossary", body="\n\n".join(groups[letter])))
    return "\n\n".join(sections) + "\n"
