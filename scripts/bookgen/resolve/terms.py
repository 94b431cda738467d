"""Glossary terms in posts: each post's first mention of a term links to its entry.

A term is found only in running text (see ``walker``), never in headings, code, links
or an existing mention.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..model import Inline, Post, TermRef
from .glossary import Glossary
from .matcher import PhraseMatcher
from .walker import RunningTextWalker, replace_matches


@dataclass(frozen=True)
class Mention:
    """The first mention of a term in a post, with its sentence for context."""

    term: str
    post: str
    sentence: str


def term_matcher(glossary: Glossary) -> PhraseMatcher:
    """A matcher from every form of every glossary term to its headword."""
    phrases = {form: entry.term for entry in glossary.entries for form in entry.forms}
    exact = [form for entry in glossary.entries if entry.case_sensitive for form in entry.forms]
    return PhraseMatcher(phrases, exact)


class _TermLinker(RunningTextWalker):
    def __init__(self, matcher: PhraseMatcher, source: str) -> None:
        super().__init__()
        self.matcher = matcher
        self.source = source
        self.mentions: dict[str, Mention] = {}

    def text(self, text: str, offset: int) -> list[Inline]:
        def mention(start: int, end: int, term: str) -> Inline | None:
            if term in self.mentions:
                return None
            sentence = self.sentence(offset + start, offset + end)
            self.mentions[term] = Mention(term, self.source, sentence)
            return TermRef(text[start:end], term)

        return replace_matches(text, self.matcher.find(text), mention)


def link_terms(post: Post, matcher: PhraseMatcher) -> tuple[Post, tuple[Mention, ...]]:
    """Link the first mention of each term in the post; return the post and mentions."""
    linker = _TermLinker(matcher, post.source)
    lead, body = linker.post(post)
    mentions = tuple(linker.mentions.values())
    linked = dataclasses.replace(post, lead=lead, body=body, key_terms=tuple(m.term for m in mentions))
    return linked, mentions
