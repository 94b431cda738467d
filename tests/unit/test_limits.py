"""Hostile shapes of Markdown: deep nesting keeps every word, within bounded depth."""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections.abc import Iterable, Iterator

import pytest

from bookgen.model import Block, Heading, Inline, ListBlock, Paragraph, Quote, Table
from bookgen.read.post import read_post
from bookgen.read.shared import MAX_BLOCK_NESTING, MAX_INLINE_NESTING
from bookgen.render.post_page import render_post_page
from tests.helpers import words


def block_depth(blocks: Iterable[Block]) -> int:
    depth = 0
    for block in blocks:
        if isinstance(block, Quote):
            depth = max(depth, 1 + block_depth(block.children))
        elif isinstance(block, ListBlock):
            depth = max(depth, 1 + max((block_depth(item) for item in block.items), default=0))
    return depth


def inline_depth(nodes: Iterable[Inline]) -> int:
    depths = [1 + inline_depth(node.children) for node in nodes if hasattr(node, "children")]
    return max(depths, default=0)


def all_inlines(blocks: Iterable[Block]) -> Iterable[tuple[Inline, ...]]:
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            yield block.children
        elif isinstance(block, Quote):
            yield from all_inlines(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from all_inlines(item)
        elif isinstance(block, Table):
            yield from block.header


def nested_quotes(depth: int) -> str:
    return "".join("> " * level + f"quote{level}x words\n" for level in range(1, depth + 1))


def nested_list(depth: int, marker: str) -> str:
    return "".join("    " * level + f"{marker} item{level}x\n" for level in range(depth))


@pytest.mark.parametrize(
    "body",
    [
        nested_quotes(25),
        nested_quotes(60),
        nested_list(15, "-"),
        nested_list(15, "1."),
        "".join("  " * level + f"- > mixed{level}x\n" for level in range(20)),
        "*" * 500 + "starred" + "*" * 500,
        "_" * 300 + "under" + "_" * 300 + " and " + "~~" * 50 + "struck" + "~~" * 50,
        "[" * 200 + "bracketed" + "]" * 200 + "(https://example.org/)",
    ],
)
def test_deep_nesting_keeps_every_word_within_bounded_depth(body: str) -> None:
    post = read_post(f"# Deep\n\n{body}\n\nAfter.\n".encode(), "deep.md")
    assert block_depth(post.body) <= MAX_BLOCK_NESTING
    assert all(inline_depth(inlines) <= MAX_INLINE_NESTING for inlines in all_inlines(post.body))
    page = render_post_page(post, "posts")
    assert words(body) - words(page) == set()
    structure = [r for r in post.reports if r.kind.value == "structure"]
    assert len(structure) <= 2 and all(str(r).startswith("deep.md:") for r in structure)


def test_shallow_nesting_is_kept_as_written() -> None:
    post = read_post(f"# Fine\n\n{nested_quotes(MAX_BLOCK_NESTING)}\n***a*** **_b_**\n".encode(), "fine.md")
    assert block_depth(post.body) == MAX_BLOCK_NESTING and post.reports == ()


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """Objects alive now are frozen, out of the collector's way, so the collection before
    each timed run looks only at what the runs left: a full collection over the test
    session's objects cost more than the runs themselves."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def cpu_seconds(data: bytes, name: str, runs: int = 3, best: float = math.inf) -> float:
    """The best of a few runs of ``read_post`` (and of ``best``, a run already timed), in
    CPU time, with the collector paused."""
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            read_post(data, name)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


MARKDOWN_SAMPLE = (
    "## A heading\n\nSome *emphasis*, **strong** and a [link](https://example.org/x) with `code`,\n"
    "a bare https://example.org/y, a [named](Some Title) and {{< youtube abc >}}.\n\n"
    "- an item\n  - nested [a](b c) {{ site.x }}\n\n> quoted <b>html</b> text\n\n"
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
)
PLAIN_SAMPLE = (
    "A Heading Line\nA sentence with https://example.org/x, [a](b c) and {{ x }} in it.\n"
    "• a bullet with [Title](Title)\nplain words on a line of their own\n\n"
)
# (repeated unit, file name): one long line or paragraph each, where a rule that rescans
# to the end for every opener would be quadratic.
SCALING_INPUTS = [
    ("[a](", "p.md"),
    ("[a](b ", "p.md"),
    ("[](", "p.md"),
    ("[", "p.md"),
    ("[a", "p.md"),
    ("{{", "p.md"),
    ("{%", "p.md"),
    ("{{<", "p.md"),
    ("{{%", "p.md"),
    ("<a href='", "p.md"),
    ("a\n", "p.md"),
    (MARKDOWN_SAMPLE, "p.md"),
    ("[a](", "p.txt"),
    ("{{", "p.txt"),
    ("{%", "p.txt"),
    (PLAIN_SAMPLE, "p.txt"),
]


@pytest.mark.parametrize(("unit", "name"), SCALING_INPUTS, ids=[f"{u[:12]!r}-{n}" for u, n in SCALING_INPUTS])
def test_time_grows_linearly_with_the_input(unit: str, name: str) -> None:
    """Doubling the input at most about doubles the time: a ratio within one run (a
    quadratic rule gives about 4), at a size where the run takes a measurable time."""

    def post(count: int) -> bytes:
        title = "A title\n\n" if name.endswith(".txt") else ""  # a first line is no body text
        return (title + unit * count).encode()

    def measurable(seconds: float, count: int) -> bool:
        return seconds >= 0.05 or len(unit) * count >= 400_000

    count = 64
    with heap_frozen():
        while True:
            small = cpu_seconds(post(count), name, runs=1)
            if measurable(small, count):
                small = cpu_seconds(post(count), name, runs=2, best=small)  # best of 3 runs, this one too
                # A run slowed by another process must not stop the doubling too early.
                if measurable(small, count):
                    break
            count *= 2
        large = cpu_seconds(post(2 * count), name)
    assert large / small < 3, f"{len(unit) * count} bytes: {small:.3f} s, twice that: {large:.3f} s"
