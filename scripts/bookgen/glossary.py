"""The curated glossary: reading it, finding its terms in posts, linking first mentions.

Matching works on the text of the document model, never on Markdown: a term is only
found in running text (paragraphs, list items, quotes, table cells, the lead), never in
headings, code, links or an existing mention. Matching ignores case, except for
abbreviations written in capitals ("ML", "GPU"), which match only in capitals.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml
from slugify import slugify

from .curated import load_yaml
from .model import (
    Block,
    Book,
    Emphasis,
    Inline,
    LazyText,
    Post,
    Strikethrough,
    Strong,
    TermRef,
    Text,
    map_running_text,
    text_width,
)

_FORBIDDEN_IN_NAMES = frozenset("`<>\n{}")
_ABBREVIATION_MAX = 5


class GlossaryFileError(ValueError):
    """The glossary file is malformed; the message names the file, line and entry."""


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    see: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_term", {entry.term: entry for entry in self.entries})

    def __getitem__(self, term: str) -> GlossaryEntry:
        by_term: dict[str, GlossaryEntry] = object.__getattribute__(self, "_by_term")
        return by_term[term]


@dataclass(frozen=True)
class Mention:
    """The first mention of a term in a post, with its sentence for context."""

    term: str
    post: str
    sentence: str


# --- reading the file -----------------------------------------------------------------


def parse_glossary(text: str, source: str) -> Glossary:
    """Read and check the glossary file; raise ``GlossaryFileError`` naming the entry."""
    data, root = load_yaml(text, source, GlossaryFileError)
    if not isinstance(data, Mapping) or not isinstance(data.get("terms"), list):
        raise GlossaryFileError(f"{source}: expected a mapping with a list of terms")
    lines = _entry_lines(root)
    entries = [_read_entry(item, f"{source}:{lines[i]}: terms[{i}]") for i, item in enumerate(data["terms"])]
    _check_unique(entries, lines, source)
    known = {entry.term for entry in entries}
    for index, entry in enumerate(entries):
        for related in entry.see:
            if related not in known:
                raise GlossaryFileError(
                    f"{source}:{lines[index]}: terms[{index}] {entry.term!r}: see: no term named {related!r}"
                )
    return Glossary(tuple(entries))


def _entry_lines(root: yaml.Node | None) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "terms" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _read_entry(item: object, where: str) -> GlossaryEntry:
    if not isinstance(item, Mapping):
        raise GlossaryFileError(f"{where}: expected a mapping with term and definition")
    term = item.get("term")
    if not isinstance(term, str) or not term.strip():
        raise GlossaryFileError(f"{where}: term: missing")
    where = f"{where} {term!r}"
    definition = item.get("definition")
    if not isinstance(definition, str) or not definition.strip():
        raise GlossaryFileError(f"{where}: definition: missing")
    lists = {}
    for key in ("aliases", "see"):
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise GlossaryFileError(f"{where}: {key}: expected a list of names")
        lists[key] = tuple(v.strip() for v in value)
    for name in (term, *lists["aliases"]):
        if _FORBIDDEN_IN_NAMES & set(name):
            raise GlossaryFileError(f"{where}: {name!r} may not contain backticks, braces or angle brackets")
    return GlossaryEntry(
        term.strip(),
        " ".join(definition.split()),
        lists["aliases"],
        lists["see"],
        bool(item.get("case_sensitive", False)),
    )


def _check_unique(entries: Sequence[GlossaryEntry], lines: Sequence[int], source: str) -> None:
    owners: dict[str, str] = {}
    for index, entry in enumerate(entries):
        for form in entry.forms:
            for variant in _variants(form):
                key = _key(variant)
                owner = owners.setdefault(key, entry.term)
                if owner != entry.term:
                    what = "duplicate term" if form == entry.term else "duplicate alias"
                    raise GlossaryFileError(
                        f"{source}:{lines[index]}: terms[{index}] {entry.term!r}: {what} {form!r} "
                        f"(already used by {owner!r})"
                    )


# --- matching -------------------------------------------------------------------------


def _key(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum() or char == "/")


def is_abbreviation(form: str) -> bool:
    return len(form) <= _ABBREVIATION_MAX and form.upper() == form and any(c.isalpha() for c in form)


def _plural(word: str) -> str:
    if is_abbreviation(word) or word[-1:].isdigit():
        return word + "s"
    lower = word.lower()
    if lower.endswith("y") and lower[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _variants(form: str) -> tuple[str, str]:
    return form, _plural(form)


class PhraseMatcher:
    """Finds phrases in plain text, longest first, on word boundaries, plurals included.

    ``phrases`` maps each phrase to what it stands for; a phrase in ``exact`` (or an
    abbreviation in capitals) matches only as written, all others ignore case.
    """

    def __init__(self, phrases: Mapping[str, str], exact: Iterable[str] = ()) -> None:
        exact_phrases = set(exact)
        self._value_of: dict[str, str] = {}
        sensitive: list[str] = []
        insensitive: list[str] = []
        for phrase, value in phrases.items():
            for variant in _variants(phrase):
                self._value_of[_key(variant)] = value
                exactly = phrase in exact_phrases or is_abbreviation(phrase)
                (sensitive if exactly else insensitive).append(variant)
        # Case-blind matching runs on the lowered text with lowered forms: several times
        # faster than re.IGNORECASE. A text whose length changes when lowered falls back.
        self._sensitive = re.compile(_alternation(sensitive)) if sensitive else None
        self._lowered = re.compile(_alternation(f.lower() for f in insensitive)) if insensitive else None
        self._ignorecase = re.compile(_alternation(insensitive), re.IGNORECASE) if insensitive else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, value)`` matches, leftmost and longest first."""
        found = [(m.start(), m.end()) for m in self._sensitive.finditer(text)] if self._sensitive else []
        if self._lowered is not None and self._ignorecase is not None:
            lowered = text.lower()
            if len(lowered) == len(text):
                found += [(m.start(), m.end()) for m in self._lowered.finditer(lowered)]
            else:
                found += [(m.start(), m.end()) for m in self._ignorecase.finditer(text)]
        found.sort(key=lambda span: (span[0], span[0] - span[1]))
        chosen: list[tuple[int, int, str]] = []
        for start, end in found:
            if chosen and start < chosen[-1][1]:
                continue
            value = self._value_of.get(_key(text[start:end]))
            if value is not None:
                chosen.append((start, end, value))
        return chosen


def term_matcher(glossary: Glossary) -> PhraseMatcher:
    """A matcher from every form of every glossary term to its headword."""
    phrases = {form: entry.term for entry in glossary.entries for form in entry.forms}
    exact = [form for entry in glossary.entries if entry.case_sensitive for form in entry.forms]
    return PhraseMatcher(phrases, exact)


def _alternation(forms: Iterable[str]) -> str:
    """One pattern for all forms, shaped as a trie so each position is tried once.

    A plain ``a|b|c`` alternation of a glossary's hundreds of forms is tried form by
    form at every position of every post; sharing prefixes makes it linear. At each
    branch the longer continuation is tried first, so the longest form wins.
    """
    trie: _Trie = {}
    for form in set(forms):
        node = trie
        for atom in _atoms(form):
            node = node.setdefault(atom, {})
        node[""] = {}
    return r"(?<!\w)(?:" + _trie_pattern(trie) + r")(?!\w)"


_Trie = dict[str, "_Trie"]
_SEPARATOR = r"[\s\-]*"


def _atoms(form: str) -> list[str]:
    """The form as pattern atoms: escaped characters, one separator atom between words."""
    words = [w for w in re.split(r"[\s\-]+", form) if w]
    atoms: list[str] = []
    for index, word in enumerate(words):
        if index:
            atoms.append(_SEPARATOR)
        atoms.extend(re.escape(char) for char in word)
    return atoms


def _trie_pattern(node: _Trie) -> str:
    branches = [atom + _trie_pattern(child) for atom, child in sorted(node.items()) if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# --- linking first mentions -----------------------------------------------------------


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding ``text[start:end]``."""
    begin = 0
    for index in range(start - 1, 0, -1):
        if text[index - 1] in ".!?" and text[index].isspace():
            begin = index
            break
    finish = len(text)
    for index in range(end, len(text) - 1):
        if text[index] in ".!?" and text[index + 1].isspace():
            finish = index + 1
            break
    return " ".join(text[begin:finish].split())


class _Linker:
    def __init__(self, matcher: PhraseMatcher, source: str) -> None:
        self.matcher = matcher
        self.source = source
        self.mentions: dict[str, Mention] = {}

    def blocks(self, blocks: Sequence[Block]) -> tuple[Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: Block) -> Block:
        return map_running_text(block, self.paragraph, self.blocks)

    def paragraph(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        linked, _ = self._inlines(inlines, LazyText(inlines), 0)
        return linked

    def _inlines(
        self, inlines: Sequence[Inline], context: LazyText, offset: int
    ) -> tuple[tuple[Inline, ...], int]:
        out: list[Inline] = []
        for node in inlines:
            if isinstance(node, Text):
                out.extend(self._text(node.text, context, offset))
                offset += len(node.text)
            elif isinstance(node, Emphasis | Strong | Strikethrough):
                children, offset = self._inlines(node.children, context, offset)
                out.append(type(node)(children))
            else:
                out.append(node)
                offset += text_width(node)
        return tuple(out), offset

    def _text(self, text: str, context: LazyText, offset: int) -> list[Inline]:
        out: list[Inline] = []
        position = 0
        for start, end, term in self.matcher.find(text):
            if term in self.mentions:
                continue
            sentence = sentence_around(str(context), offset + start, offset + end)
            self.mentions[term] = Mention(term, self.source, sentence)
            if start > position:
                out.append(Text(text[position:start]))
            out.append(TermRef(text[start:end], term))
            position = end
        if position < len(text):
            out.append(Text(text[position:]))
        return out


def link_terms(post: Post, matcher: PhraseMatcher) -> tuple[Post, tuple[Mention, ...]]:
    """Link the first mention of each term in the post; return the post and mentions."""
    linker = _Linker(matcher, post.source)
    lead = linker.paragraph(post.lead) if post.lead else ()
    body = linker.blocks(post.body)
    mentions = tuple(linker.mentions.values())
    return dataclasses.replace(
        post, lead=lead, body=body, key_terms=tuple(m.term for m in mentions)
    ), mentions


def link_book(book: Book, glossary: Glossary) -> tuple[Book, dict[str, list[Mention]]]:
    """Link first mentions in every post; return the book and each term's mentions in order."""
    matcher = term_matcher(glossary)
    usage: dict[str, list[Mention]] = {entry.term: [] for entry in glossary.entries}
    parts = []
    for part in book.parts:
        posts = []
        for post in part.posts:
            linked, mentions = link_terms(post, matcher)
            posts.append(linked)
            for mention in mentions:
                usage[mention.term].append(mention)
        parts.append(dataclasses.replace(part, posts=tuple(posts)))
    return dataclasses.replace(book, parts=tuple(parts)), usage


def term_label(post_slug: str, term: str) -> str:
    """The target name of a term's first mention in a post (shared with the Sphinx side)."""
    return f"gloss-{post_slug}-{_term_slug(term)}"


@functools.lru_cache(maxsize=4096)
def _term_slug(term: str) -> str:
    return slugify(term)  # the same few hundred terms, for every post of the book


# --- the curator's report -------------------------------------------------------------


def candidate_terms(texts: Iterable[str], glossary: Glossary, limit: int = 25) -> list[tuple[str, int]]:
    """Abbreviations and repeated capitalised phrases the glossary does not cover."""
    known = {
        _key(variant) for entry in glossary.entries for form in entry.forms for variant in _variants(form)
    }
    counts: Counter[str] = Counter()
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            words = [
                w.strip("\"'“”‘’()[],.;:!?").removesuffix("'s").removesuffix("’s") for w in sentence.split()
            ]
            run: list[str] = []
            for index, word in enumerate([*words, ""]):
                if len(word) >= 2 and sum(c.isupper() for c in word) >= 2 and word.upper() == word:
                    counts[word] += 1
                if word[:1].isupper() and index > 0 and word.isalpha() and len(word) > 1:
                    run.append(word)
                    continue
                if len(run) >= 2:
                    counts[" ".join(run)] += 1
                run = []
    return [
        (name, count)
        for name, count in counts.most_common()
        if _key(name) not in known and (count >= 2 or is_abbreviation(name))
    ][:limit]
