"""Sphinx's linkcheck results (``output.json``, one JSON object a line) as a report.

Sphinx lists every check by page and line; a curator wants each address once, with
its outcome and where the book uses it, broken ones first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

BROKEN = frozenset({"broken", "timeout"})
ORDER = {"broken": 0, "timeout": 1, "redirected": 2, "working": 3, "ignored": 4, "unchecked": 5}


@dataclass
class LinkResult:
    uri: str
    status: str
    info: str = ""
    pages: list[str] = field(default_factory=list)


def read_results(lines: Iterable[str]) -> list[LinkResult]:
    """One result per external address, in report order."""
    by_uri: dict[str, LinkResult] = {}
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        uri = str(record.get("uri", ""))
        if not uri.startswith(("http://", "https://")):
            continue
        result = by_uri.setdefault(
            uri, LinkResult(uri, str(record.get("status", "")), str(record.get("info", "")))
        )
        page = str(record.get("filename", ""))
        if page and page not in result.pages:
            result.pages.append(page)
    return sorted(by_uri.values(), key=lambda r: (ORDER.get(r.status, 9), r.uri))


def render_report(results: list[LinkResult]) -> str:
    broken = [r for r in results if r.status in BROKEN]
    counts = {status: sum(r.status == status for r in results) for status in ORDER}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    lines = ["# Link check", "", f"{len(results)} external addresses: {summary or 'none'}.", ""]
    if broken:
        lines += ["## Broken", "", "| address | problem | used in |", "|---|---|---|"]
        lines += [f"| {r.uri} | {_cell(r.info)} | {', '.join(r.pages)} |" for r in broken]
        lines.append("")
    lines += ["## All addresses", "", "| status | address | used in |", "|---|---|---|"]
    lines += [f"| {r.status} | {r.uri} | {', '.join(r.pages)} |" for r in results]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())[:200]
