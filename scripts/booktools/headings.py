"""How well headings are found in plain-text exports, measured on real Markdown posts.

Each Markdown post is exported to plain text the way blog platforms export it (title
first, one line per paragraph, headings as bare lines, bullets as "•", code as its
lines), so its true headings are known; the plain-text reader then reads the export,
and the headings it finds are compared with the true ones:

    .venv/bin/python -m booktools.headings path/to/markdown/posts [more/posts ...]

prints precision and recall over all posts, and the headings missed and invented.
``--fit`` fits the reader's heading weights (``bookgen/read/heading_weights.py``) on the
folders given, each folder weighing the same; ``--held-out`` scores each folder with
weights fitted on the others only, the honest measure for a blog the fit never saw.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from bookgen.model import Heading, plain_text
from bookgen.read.line_shape import HeadingModel, PostShape, is_candidate, line_features
from bookgen.read.metadata import read_fields, split_front_matter
from bookgen.read.plaintext import heading_lines, line_kinds, read_plain_text

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass
class Export:
    text: str
    headings: list[str] = field(default_factory=list)  # the true headings, in order
    heading_lines: set[int] = field(default_factory=set)  # their line indexes in ``text``


def export_plain_text(title: str, markdown: str) -> Export:
    """A Markdown post as a plain-text export, with its true headings; with no ``title``
    a first-level heading opening the post is the title (as the converter reads it)."""
    export = Export("")
    nodes = SyntaxTreeNode(_MARKDOWN.parse(markdown)).children
    if not title and nodes and nodes[0].type == "heading" and nodes[0].tag == "h1":
        title, nodes = _inline_text(nodes[0]), nodes[1:]
    lines = [title or "Untitled"]
    for node in nodes:
        found = len(export.headings)
        block = [line for line in _export_block(node, export) if line.strip()]
        if len(export.headings) > found and block:
            export.heading_lines.add(len(lines))
        lines.extend(block)
    export.text = "\n".join(lines) + "\n"
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
    """The words a reader sees; an export drops images, alt text and all."""
    return " ".join("".join(_shown(node)).split())


def _shown(node: SyntaxTreeNode) -> list[str]:
    if node.type in ("text", "code_inline"):
        return [node.content]
    if node.type in ("softbreak", "hardbreak"):
        return [" "]
    if node.type == "image":
        return []
    return [part for child in node.children for part in _shown(child)]


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


def exports(posts: Sequence[tuple[str, str]]) -> list[tuple[str, Export]]:
    """``(name, Markdown text)`` posts as plain-text exports."""
    out = []
    for name, text in posts:
        split = split_front_matter(text, name)
        out.append((name, export_plain_text(read_fields(split.fields, name).title, split.body)))
    return out


def measure(posts: Sequence[tuple[str, Export]]) -> Score:
    """Score the plain-text reader on exported posts."""
    score = Score()
    for name, export in posts:
        document = read_plain_text(export.text, name)
        found = [plain_text(block.children) for block in document.blocks if isinstance(block, Heading)]
        score.add(name, export.headings, found)
    return score


def measure_lines(posts: Sequence[tuple[str, Export]], model: HeadingModel) -> Score:
    """Score the heading decision alone, line by line, with ``model``."""
    score = Score()
    for name, export in posts:
        lines = export.text.split("\n")
        found = heading_lines(line_kinds(lines), model)
        score.add(name, [lines[i] for i in sorted(export.heading_lines)], [lines[i] for i in sorted(found)])
    return score


Sample = tuple[dict[str, float], bool, float]


def samples(posts: Sequence[tuple[str, Export]]) -> list[Sample]:
    """Every candidate line as (features, is a heading, weight); each folder weighs one."""
    rows = []
    for _name, export in posts:
        kinds = line_kinds(export.text.split("\n"))
        post = PostShape.of(kinds)
        for index in range(kinds.title + 1, len(kinds.kinds)):
            if is_candidate(kinds, index):
                rows.append((line_features(kinds, index, post), index in export.heading_lines, 1.0))
    return [(features, label, 1 / max(1, len(rows))) for features, label, _ in rows]


def fit(rows: Sequence[Sample], epochs: int = 40, rate: float = 0.5, l2: float = 1e-5) -> HeadingModel:
    """Logistic regression by AdaGrad over sparse features, seeded: the same rows give the
    same weights."""
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 1e-8
    order = list(range(len(rows)))
    scale = len(rows) / max(1e-12, sum(weight for _, _, weight in rows))
    shuffle = random.Random(17)
    for _ in range(epochs):
        shuffle.shuffle(order)
        for row in order:
            features, label, weight = rows[row]
            score = bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
            error = (1 / (1 + math.exp(-max(-30.0, min(30.0, score)))) - label) * weight * scale
            bias_square += error * error
            bias -= rate * error / math.sqrt(bias_square)
            for name, value in features.items():
                gradient = error * value + l2 * weights.get(name, 0.0)
                squares[name] = squares.get(name, 1e-8) + gradient * gradient
                weights[name] = weights.get(name, 0.0) - rate * gradient / math.sqrt(squares[name])
    return HeadingModel(bias, weights)


def weights_module(model: HeadingModel, folders: Sequence[str]) -> str:
    """The ``heading_weights`` module for ``model``, formatted as ruff formats it."""
    lines = [
        '"""Weights of the plain-text heading clues (see ``line_shape``): written by',
        "``python -m booktools.headings --fit``; refit rather than edit by hand.",
        "",
        *textwrap.wrap(f"Fitted on real posts exported to plain text: {', '.join(folders)}.", 88),
        '"""',
        "",
        f"BIAS = {model.bias:.4f}",
        "WEIGHTS: dict[str, float] = {",
        *(f"    {_quoted(name)}: {model.weights[name]:.4f}," for name in sorted(model.weights)),
        "}",
        "",
    ]
    return "\n".join(lines)


def _quoted(name: str) -> str:
    """A string literal as ruff writes it: double quotes unless the text holds only those."""
    return f"'{name}'" if '"' in name and "'" not in name and "\\" not in name else json.dumps(name)


def _read_folder(folder: Path) -> list[tuple[str, Export]]:
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())
    return exports(
        [(str(p.relative_to(folder)), p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    )


def _print_score(label: str, score: Score, show: int) -> None:
    print(f"{label}: {sum(score.true.values())} headings: "
          f"precision {score.precision:.3f}, recall {score.recall:.3f}")  # fmt: skip
    for kind, items in (("missed", score.missed), ("invented", score.invented)):
        for name, heading in items[:show]:
            print(f"  {kind}: {name}: {heading!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="headings", description=__doc__.splitlines()[0])
    parser.add_argument(
        "folders", type=Path, nargs="+", help="folders of Markdown posts (searched recursively)"
    )
    parser.add_argument("--show", type=int, default=20, help="how many missed and invented headings to list")
    parser.add_argument("--fit", action="store_true", help="fit and write the reader's heading weights")
    parser.add_argument(
        "--held-out", action="store_true", help="score each folder with weights fitted on the others"
    )
    args = parser.parse_args(argv)
    folders = {str(folder): _read_folder(folder) for folder in args.folders}
    if args.held_out:
        for held, posts in folders.items():
            rows = [row for name, others in folders.items() if name != held for row in samples(others)]
            _print_score(f"{held} (held out)", measure_lines(posts, fit(rows)), args.show)
        return 0
    if args.fit:
        model = fit([row for posts in folders.values() for row in samples(posts)])
        target = Path(__file__).resolve().parent.parent / "bookgen" / "read" / "heading_weights.py"
        names = [f"{Path(folder).name} ({len(posts)} posts)" for folder, posts in folders.items()]
        target.write_text(weights_module(model, names), encoding="utf-8")
        print(f"wrote {len(model.weights)} weights to {target}")
        return 0
    for folder, posts in folders.items():
        _print_score(f"{folder}: {len(posts)} posts", measure(posts), args.show)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
