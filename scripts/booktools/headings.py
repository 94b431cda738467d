"""How well headings are found in plain-text exports, measured on real Markdown posts.

Each Markdown post is exported to plain text the way blog platforms export it (title
first, one line per paragraph, headings as bare lines, bullets as "•", code as its
lines), so its true headings are known; the plain-text reader then reads the export,
and the headings it finds are compared with the true ones:

    .venv/bin/python -m booktools.headings path/to/markdown/posts

prints precision and recall over all posts, and the headings missed and invented.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from bookgen.model import Heading, plain_text
from bookgen.read.metadata import read_fields, split_front_matter
from bookgen.read.plaintext import read_plain_text

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass
class Export:
    text: str
    headings: list[str] = field(default_factory=list)  # the true headings, in order


def export_plain_text(title: str, markdown: str) -> Export:
    """A Markdown post as a plain-text export, with its true headings; with no ``title``
    a first-level heading opening the post is the title (as the converter reads it)."""
    export = Export("")
    nodes = SyntaxTreeNode(_MARKDOWN.parse(markdown)).children
    if not title and nodes and nodes[0].type == "heading" and nodes[0].tag == "h1":
        title, nodes = _inline_text(nodes[0]), nodes[1:]
    lines = [title or "Untitled"]
    for node in nodes:
        lines.extend(_export_block(node, export))
    export.text = "\n".join(line for line in lines if line.strip()) + "\n"
    return export


def _export_block(node: SyntaxTreeNode, export: Export) -> list[str]:
    if node.type == "heading":
        text = _inline_text(node)
        if text:
            export.headings.append(text)
        return [text]
    if node.type == "paragraph":
        return [_inline_text(node)]
    if node.type in ("bullet_list", "ordered_list"):
        return [
            f"• {line}"
            for item in node.children
            for child in item.children
            for line in _export_block(child, export)
        ]
    if node.type == "blockquote":
        return [line for child in node.children for line in _export_block(child, export)]
    if node.type in ("fence", "code_block"):
        return ["    " + line for line in node.content.splitlines()]  # exports keep code indented
    if node.type == "hr":
        return ["***"]
    if node.type == "table":
        return [
            " ".join(_inline_text(cell) for cell in row.children)
            for part in node.children
            for row in part.children
        ]
    return []


def _inline_text(node: SyntaxTreeNode) -> str:
    parts: list[str] = []
    for child in node.walk():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


@dataclass
class Score:
    found: Counter[str] = field(default_factory=Counter)
    true: Counter[str] = field(default_factory=Counter)
    hits: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)
    invented: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, true: Sequence[str], found: Sequence[str]) -> None:
        common = Counter(true) & Counter(found)
        self.hits += sum(common.values())
        self.true.update(true)
        self.found.update(found)
        self.missed.extend((name, h) for h in (Counter(true) - common).elements())
        self.invented.extend((name, h) for h in (Counter(found) - common).elements())

    @property
    def precision(self) -> float:
        return self.hits / max(1, sum(self.found.values()))

    @property
    def recall(self) -> float:
        return self.hits / max(1, sum(self.true.values()))


def measure(posts: Sequence[tuple[str, str]]) -> Score:
    """Score the plain-text reader on ``(name, Markdown text)`` posts."""
    score = Score()
    for name, text in posts:
        split = split_front_matter(text, name)
        title = read_fields(split.fields, name).title
        export = export_plain_text(title, split.body)
        document = read_plain_text(export.text, name)
        found = [plain_text(block.children) for block in document.blocks if isinstance(block, Heading)]
        score.add(name, export.headings, found)
    return score


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="headings", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of Markdown posts (searched recursively)")
    parser.add_argument("--show", type=int, default=20, help="how many missed and invented headings to list")
    args = parser.parse_args(argv)
    paths = sorted(p for p in args.folder.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())
    score = measure(
        [(str(p.relative_to(args.folder)), p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    )
    print(f"{len(paths)} posts, {sum(score.true.values())} headings: "
          f"precision {score.precision:.3f}, recall {score.recall:.3f}")  # fmt: skip
    for label, items in (("missed", score.missed), ("invented", score.invented)):
        for name, heading in items[: args.show]:
            print(f"  {label}: {name}: {heading!r}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
