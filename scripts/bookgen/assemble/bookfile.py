"""The curated book file: title, author, intro and the parts with their posts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..resolve.curated import load_yaml

LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?")


class BookFileError(ValueError):
    """The book file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class PartSpec:
    title: str
    posts: tuple[str, ...]
    intro: str = ""


@dataclass(frozen=True)
class BookSpec:
    title: str
    author: str = ""
    intro: str = ""
    parts: tuple[PartSpec, ...] = ()
    site_url: str = ""  # the blog's own address: links to it land in the book
    language: str = ""  # the posts' language (``fr``, ``pt_BR``): search, hyphenation, labels


def parse_book_file(text: str, source: str) -> BookSpec:
    """Read and check a book file (YAML); raise ``BookFileError`` naming the bad entry."""
    data, _ = load_yaml(text, source, BookFileError)
    if not isinstance(data, Mapping):
        raise BookFileError(f"{source}: expected a mapping with title, author, intro and parts")
    title = _string(data, "title", source, required=True)
    parts_data = data.get("parts") or []
    if not isinstance(parts_data, list):
        raise BookFileError(f"{source}: parts: expected a list of parts")
    parts = []
    for index, part in enumerate(parts_data):
        where = f"{source}: parts[{index}]"
        if not isinstance(part, Mapping):
            raise BookFileError(f"{where}: expected a mapping with title and posts")
        posts = part.get("posts") or []
        if not isinstance(posts, list) or not all(isinstance(p, str) for p in posts):
            raise BookFileError(f"{where}.posts: expected a list of post file names")
        parts.append(
            PartSpec(
                _string(part, "title", where, required=True),
                tuple(posts),
                _string(part, "intro", where),
            )
        )
    site_url = _string(data, "site_url", source)
    if site_url and urlsplit(site_url).scheme not in ("http", "https"):
        raise BookFileError(f"{source}: site_url: expected an http or https address, got {site_url!r}")
    language = _string(data, "language", source).replace("-", "_")
    if language and not LANGUAGE.fullmatch(language):
        wanted = "a language code such as fr or pt_BR"
        raise BookFileError(f"{source}: language: expected {wanted}, got {language!r}")
    author, intro = _string(data, "author", source), _string(data, "intro", source)
    return BookSpec(title, author, intro, tuple(parts), site_url, language)


def _string(data: Mapping[str, object], key: str, where: str, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise BookFileError(f"{where}: {key}: missing")
        return ""
    if not isinstance(value, str):
        raise BookFileError(f"{where}: {key}: expected text, got {type(value).__name__}")
    return value.strip()
