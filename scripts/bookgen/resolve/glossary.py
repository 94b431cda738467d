"""The curated glossary file: terms, aliases, definitions and cross-references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .curated import entry_lines, load_yaml, read_names
from .matcher import match_key, variants

_FORBIDDEN_IN_NAMES = frozenset("`<>\n{}")


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


# --- reading the file -----------------------------------------------------------------


def parse_glossary(text: str, source: str) -> Glossary:
    """Read and check the glossary file; raise ``GlossaryFileError`` naming the entry."""
    data, root = load_yaml(text, source, GlossaryFileError)
    if not isinstance(data, Mapping) or not isinstance(data.get("terms"), list):
        raise GlossaryFileError(f"{source}: expected a mapping with a list of terms")
    lines = entry_lines(root, "terms")
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
    lists = {
        key: tuple(v.strip() for v in read_names(item, key, where, GlossaryFileError))
        for key in ("aliases", "see")
    }
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
            for variant in variants(form):
                key = match_key(variant)
                owner = owners.setdefault(key, entry.term)
                if owner != entry.term:
                    what = "duplicate term" if form == entry.term else "duplicate alias"
                    raise GlossaryFileError(
                        f"{source}:{lines[index]}: terms[{index}] {entry.term!r}: {what} {form!r} "
                        f"(already used by {owner!r})"
                    )
