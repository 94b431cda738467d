"""Hostile shapes of Markdown: deep nesting keeps every word, within bounded depth."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from bookgen.markdown import MAX_BLOCK_NESTING, MAX_INLINE_NESTING
from bookgen.model import Block, Heading, Inline, ListBlock, Paragraph, Quote, Table
from bookgen.pages import render_post_page
from bookgen.post import read_post
from tests.conftest import words


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
