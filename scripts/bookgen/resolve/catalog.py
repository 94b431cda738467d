"""The curated resource file: categories and entries, and when two addresses or names
are the same resource (``url_key``, ``name_key``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from slugify import slugify
from url_normalize import url_normalize

from .curated import load_yaml, read_names
from .glossary import Glossary

UNCURATED = "uncurated"
UNCURATED_TITLE = "Not yet curated"
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "igshid",
        "_hsenc",
        "_hsmi",
        "yclid",
    }
)


class ResourceFileError(ValueError):
    """The resource file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ResourceEntry:
    id: str
    title: str
    category: str
    note: str = ""
    url: str = ""
    terms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def curated(self) -> bool:
        return self.category != UNCURATED


@dataclass(frozen=True)
class Catalog:
    categories: tuple[tuple[str, str], ...]
    entries: tuple[ResourceEntry, ...]

    def by_id(self) -> dict[str, ResourceEntry]:
        return {entry.id: entry for entry in self.entries}


# --- URLs -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def normalise_url(url: str) -> str:
    """The URL to show and link: case, ports and escapes normalised, tracking removed.

    An address the normaliser refuses (a host label IDNA cannot encode, a bracketed
    host that is no IP address: "http://[Part 8]") is kept as written."""
    try:
        normal = url_normalize(url.strip()) or url.strip()
    except (UnicodeError, ValueError):
        normal = url.strip()
    parts = urlsplit(normal)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def url_key(url: str) -> str:
    """The identity of a URL: one resource however a post spells its address.

    Scheme, ``www.``, a trailing slash, the fragment and tracking parameters do not count.
    """
    parts = urlsplit(normalise_url(url))
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{host}{path}" + (f"?{query}" if query else "")


def _tracking(parameter: str) -> bool:
    return parameter.lower().startswith("utm_") or parameter.lower() in TRACKING_PARAMETERS


def name_key(name: str) -> str:
    return "".join(char for char in name.casefold() if char.isalnum())


def _text_fields(item: Mapping[str, object], where: str) -> dict[str, str]:
    """An entry's text fields, each on one line (missing ones empty)."""
    values: dict[str, str] = {}
    for key in ("id", "title", "category", "note", "url"):
        value = item.get(key, "")
        if not isinstance(value, str):
            raise ResourceFileError(f"{where}: {key}: expected text")
        values[key] = " ".join(value.split())
    return values


# --- the catalogue file -----------------------------------------------------------------


def parse_resources(text: str, source: str, glossary: Glossary | None = None) -> Catalog:
    """Read and check the resource file; raise ``ResourceFileError`` naming the entry."""
    data, _ = load_yaml(text, source, ResourceFileError)
    if not isinstance(data, Mapping) or not isinstance(data.get("resources"), list):
        raise ResourceFileError(f"{source}: expected a mapping with categories and a list of resources")
    categories = data.get("categories") or {}
    if not isinstance(categories, Mapping) or not all(isinstance(v, str) for v in categories.values()):
        raise ResourceFileError(f"{source}: categories: expected a mapping of key to title")
    known_terms = {entry.term for entry in glossary.entries} if glossary else None
    entries: list[ResourceEntry] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(data["resources"]):
        entry = _read_entry(item, f"{source}: resources[{index}]", categories, known_terms)
        where = f"{source}: resources[{index}] {entry.id!r}"
        keys = [("id", entry.id)] + [("url", url_key(entry.url))] * bool(entry.url)
        keys += [("name", name_key(n)) for n in (entry.title, *entry.names)]
        for kind, key in keys:
            owner = seen.setdefault(f"{kind}:{key}", entry.id)
            if owner != entry.id:
                raise ResourceFileError(f"{where}: duplicate {kind} (already used by {owner!r})")
        entries.append(entry)
    return Catalog(tuple((str(k), str(v)) for k, v in categories.items()), tuple(entries))


def _read_entry(
    item: object, where: str, categories: Mapping[str, str], known_terms: set[str] | None
) -> ResourceEntry:
    if not isinstance(item, Mapping):
        raise ResourceFileError(f"{where}: expected a mapping with id, title and category")
    values = _text_fields(item, where)
    if values["id"]:
        where = f"{where} {values['id']!r}"
    for key in ("id", "title", "category"):
        if not values[key]:
            raise ResourceFileError(f"{where}: {key}: missing")
    if values["id"] != slugify(values["id"]):
        raise ResourceFileError(f"{where}: id: use lower case letters, digits and hyphens")
    if values["category"] not in categories:
        raise ResourceFileError(f"{where}: category: {values['category']!r} is not under categories")
    if values["url"] and urlsplit(values["url"]).scheme not in ("http", "https"):
        raise ResourceFileError(f"{where}: url: expected an http or https address")
    lists = {
        key: tuple(" ".join(v.split()) for v in read_names(item, key, where, ResourceFileError))
        for key in ("terms", "names")
    }
    if known_terms is not None:
        for term in lists["terms"]:
            if term not in known_terms:
                raise ResourceFileError(f"{where}: terms: no glossary term named {term!r}")
    return ResourceEntry(
        values["id"],
        values["title"],
        values["category"],
        values["note"],
        normalise_url(values["url"]) if values["url"] else "",
        lists["terms"],
        lists["names"],
    )
