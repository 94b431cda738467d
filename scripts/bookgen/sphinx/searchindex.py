"""The book's search index as data: each page's part made once, the index joined from them.

A page's words are indexed when the page is read (``index_page``): its sections, their
texts as script literals, and for each term the page's places of it, already written as
the index writes them. Joining the pages into the index (``build_index``) then only
puts those pieces together, page by page in the order of their names: after one post
is edited, one page is indexed again, not the book (at 1,000 posts the whole index took
2.7 s to make, joining it 0.3 s). So that a piece never depends on another page, a
term's places are numbered within their page: each entry of a term names its page, the
written forms it has there and, per section of the page, the places.

Files (all script files, so the book searches from ``file://``):

- ``meta``: the pages (address, title, kind, part, year, tags), the sections (page,
  anchor, title, words in the text, place of the text's first word) and the vocabulary;
- ``t<N>``: the postings, in shards chosen by a hash of the term, so a query loads only
  the shards of its words: term -> ``[[page, forms, section, count, place, gap...]...]``
  (section within the page; each place is ``position * FORMS + form``);
- ``x<N>``: the sections' texts by section number, for snippets.

Pure: no Sphinx here but its search language, which stems the words.
"""

from __future__ import annotations

import json
import marshal
import math
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sphinx.search import SearchLanguage

from .scriptdata import script_literal

FORMAT = 2
# Shards of about this many bytes: a query's words load a few of them, not the book.
SHARD_BYTES = 64_000
# Text shards are smaller: the snippets of the first results come from many pages.
TEXT_SHARD_BYTES = 12_000
# Written forms told apart per term and page: the first FORMS - 1, and "another".
FORMS = 8

# Words: runs of letters and digits. Han and kana are written without spaces, so each
# run of them is indexed as its overlapping pairs (and a lone character as itself).
# booksearch.js cuts words with the same classes.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_WORD = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


@dataclass(frozen=True)
class Section:
    """A searchable part of a page: a section, a glossary term, or the page's top."""

    anchor: str
    title: str
    text: str


@dataclass(frozen=True)
class PageFacts:
    """What a result shows and filters on, beside its words."""

    url: str
    title: str
    kind: str  # post, glossary, resource, listing, page
    part: str = ""
    year: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageIndex:
    """A page's part of the index, as ``build_index`` joins it."""

    # Each section: anchor, title, words in its text, place of the text's first word.
    sections: tuple[tuple[str, str, int, int], ...]
    # Each section's text as a script literal.
    texts: tuple[str, ...]
    # Each term: the rest of its entry after the page's number, as a script literal
    # (``forms,section,count,place,gap...]``).
    postings: Mapping[str, str]


def words(text: str) -> list[str]:
    """The words of ``text``, normalised and lower-cased, CJK runs as pairs."""
    found = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    if not _IS_CJK.search(text):  # most texts: no pairs to make
        return found
    out: list[str] = []
    for word in found:
        if _IS_CJK.match(word) and len(word) > 1:
            out.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.append(word)
    return out


class Terms:
    """Each word's index term: its stem (each word stemmed once), CJK pairs as they are.
    Stopwords are terms too: "feeling down" is a phrase, though "down" is on the
    stopword list."""

    def __init__(self, language: SearchLanguage) -> None:
        self.language = language
        self.stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[tuple[str, str]]:
        stems = self.stems
        out = []
        for word in words(text):
            term = stems.get(word)
            if term is None:
                term = stems[word] = word if _IS_CJK.match(word) else self.language.stem(word)
            out.append((word, term))
        return out


def index_page(sections: Sequence[Section], page_title: str, terms: Terms) -> PageIndex:
    """The page's part of the index. A section's heading (the page's title for its top)
    comes first, then, one place apart so that no phrase runs from one into the other,
    its text. Each term keeps the page's first FORMS - 1 written forms of it and each
    place says which stood there, so "blogging" ranks a post that says "blogging" above
    one that says "blog", though both are the term "blog"."""
    places: dict[str, list[int]] = defaultdict(list)  # term -> [section, count, place, gap...]
    forms: dict[str, dict[str, int]] = defaultdict(dict)
    shape = []
    for number, section in enumerate(sections):
        heading = terms(section.title or page_title)
        body = terms(section.text)
        last: dict[str, tuple[int, int]] = {}  # term -> (index of its count, last place)
        for position, (word, term) in enumerate([*heading, ("", ""), *body]):
            if not term:
                continue
            known = forms[term]
            form = known.get(word)
            if form is None:
                form = FORMS - 1
                if len(known) < FORMS - 1:
                    form = known[word] = len(known)
            value = position * FORMS + form
            flat = places[term]
            if term in last:
                count_at, before = last[term]
                flat[count_at] += 1
                flat.append(value - before)  # each place after the first: its distance
            else:
                flat += (number, 1, value)
                count_at = len(flat) - 2
            last[term] = (count_at, value)
        shape.append((section.anchor, section.title, len(body), len(heading) + 1))
    postings = {
        term: f"{script_literal(list(forms[term]))},{','.join(map(str, flat))}]"
        for term, flat in places.items()
    }
    return PageIndex(tuple(shape), tuple(script_literal(s.text) for s in sections), postings)


def packed(page: PageIndex) -> bytes:
    """A page's part as the environment keeps it: small, and quick to load."""
    return zlib.compress(marshal.dumps((page.sections, page.texts, dict(page.postings))), 6)


def unpacked(data: bytes) -> PageIndex:
    sections, texts, postings = marshal.loads(zlib.decompress(data))
    return PageIndex(sections, texts, postings)


def build_index(pages: Mapping[str, PageIndex], facts: Mapping[str, PageFacts]) -> dict[str, str]:
    """The whole index: each file's name and its data as a script literal. Pages in
    the order of their names, so the index is the same whatever order they came in."""
    docs = sorted(docname for docname in pages if docname in facts)
    sections: list[list[object]] = []
    texts: list[str] = []
    entries: dict[str, list[str]] = defaultdict(list)
    size = 0
    for doc_number, docname in enumerate(docs):
        page = pages[docname]
        sections += ([doc_number, *shape] for shape in page.sections)
        texts += page.texts
        opening = f"[{doc_number},"
        for term, rest in page.postings.items():
            entries[term].append(opening + rest)
        size += sum(map(len, page.postings.values())) + len(opening) * len(page.postings)
    vocabulary = sorted(entries)
    size += sum(len(term) + 4 for term in vocabulary)  # each term's key
    shard_count = max(1, math.ceil(size / SHARD_BYTES))
    shards: list[list[str]] = [[] for _ in range(shard_count)]
    for term in vocabulary:
        shards[shard_of(term, shard_count)].append(f"{script_literal(term)}:[{','.join(entries[term])}]")
    text_shard_of, text_shards = _text_shards(texts)
    values: dict[str, list[str]] = {"part": [], "year": [], "tag": []}
    for docname in docs:
        fact = facts[docname]
        for key, found in (("part", [fact.part]), ("year", [fact.year]), ("tag", list(fact.tags))):
            values[key].extend(value for value in found if value and value not in values[key])
    values["year"].sort(reverse=True)
    values["tag"].sort(key=str.casefold)
    meta = {
        "format": FORMAT,
        "forms": FORMS,
        "shards": shard_count,
        "docs": [_doc_entry(facts[d], values) for d in docs],
        "sections": sections,
        "texts": text_shard_of,
        "filters": values,
        "vocabulary": vocabulary,
    }
    files = {"meta": script_literal(meta)}
    files.update((f"t{number}", "{" + ",".join(shard) + "}") for number, shard in enumerate(shards))
    files.update((f"x{number}", "{" + ",".join(shard) + "}") for number, shard in enumerate(text_shards))
    return files


def _doc_entry(fact: PageFacts, values: Mapping[str, list[str]]) -> list[object]:
    return [
        fact.url,
        fact.title,
        fact.kind,
        values["part"].index(fact.part) if fact.part else -1,
        values["year"].index(fact.year) if fact.year else -1,
        [values["tag"].index(tag) for tag in fact.tags],
    ]


def _text_shards(texts: Sequence[str]) -> tuple[list[int], list[list[str]]]:
    """The sections' texts (literals) in shards of about ``TEXT_SHARD_BYTES``, in book
    order (a page's sections mostly share one): each section's shard, and the shards'
    members as ``"number":text``."""
    shard_of_section: list[int] = []
    shards: list[list[str]] = [[]]
    size = 0
    for number, text in enumerate(texts):
        if size > TEXT_SHARD_BYTES:
            shards.append([])
            size = 0
        shards[-1].append(f'"{number}":{text}')
        size += len(text.encode("utf-8")) + 8
        shard_of_section.append(len(shards) - 1)
    return shard_of_section, shards


def shard_of(term: str, shard_count: int) -> int:
    """FNV-1a over the term's UTF-8 bytes: booksearch.js finds the same shard."""
    value = 0x811C9DC5
    for byte in term.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shard_count


def script(name: str, literal: str) -> str:
    """A file of the index as a script that hands its data to the search."""
    return f"BookSearch.loaded({json.dumps(name)},{literal});\n"
