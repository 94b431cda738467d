"""For the curator: what the glossary and the resource file miss, and what no post uses."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ..model import Report, ReportKind
from .catalog import Catalog
from .citations import Citation
from .glossary import Glossary
from .matcher import is_abbreviation, match_key, variants


def candidate_terms(texts: Iterable[str], glossary: Glossary, limit: int = 25) -> list[tuple[str, int]]:
    """Abbreviations and repeated capitalised phrases the glossary does not cover."""
    known = {
        match_key(variant) for entry in glossary.entries for form in entry.forms for variant in variants(form)
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
        if match_key(name) not in known and (count >= 2 or is_abbreviation(name))
    ][:limit]


def resource_reports(
    catalog: Catalog, citations: Mapping[str, Sequence[Citation]], source: str
) -> list[Report]:
    """Citations the catalogue does not know yet, and curated entries no post cites."""
    reports = []
    for entry in catalog.entries:
        cited = citations.get(entry.id, ())
        if not entry.curated:
            where = ", ".join(sorted({c.post for c in cited}))
            reports.append(
                Report(source, ReportKind.RESOURCE, f"not yet curated: {entry.title!r} (cited in {where})")
            )
        elif not cited:
            reports.append(
                Report(source, ReportKind.RESOURCE, f"curated entry {entry.id!r} is cited in no post")
            )
    return reports
