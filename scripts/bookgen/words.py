"""A post's words as a reader meets them: counts, reading time, a summary sentence."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator

from .model import (
    Block,
    CodeBlock,
    DefinitionList,
    Details,
    Figure,
    Footnote,
    Heading,
    ListBlock,
    MathBlock,
    Paragraph,
    Post,
    Quote,
    Table,
    plain_text,
)

WORDS_PER_MINUTE = 220


def block_texts(blocks: Iterable[Block]) -> Iterator[str]:
    """Every run of text in the blocks, in reading order."""
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            yield plain_text(block.children)
        elif isinstance(block, CodeBlock | MathBlock):
            yield block.text
        elif isinstance(block, Figure):
            yield plain_text((block.image, *block.caption))
        elif isinstance(block, Table):
            for cells in (block.header, *block.rows):
                yield from (plain_text(cell) for cell in cells)
        else:
            yield from _container_texts(block)


def _container_texts(block: Block) -> Iterator[str]:
    """The texts of blocks that hold blocks: lists, quotes, footnotes, definitions, details."""
    if isinstance(block, ListBlock):
        for item in block.items:
            yield from block_texts(item)
    elif isinstance(block, Quote | Footnote):
        yield from block_texts(block.children)
    elif isinstance(block, DefinitionList):
        for term, definitions in block.items:
            yield plain_text(term)
            for definition in definitions:
                yield from block_texts(definition)
    elif isinstance(block, Details):
        yield plain_text(block.summary)
        yield from block_texts(block.children)


def post_texts(post: Post) -> Iterator[str]:
    yield post.title
    yield plain_text(post.lead)
    yield from block_texts(post.body)


def word_count(post: Post) -> int:
    return sum(len(text.split()) for text in post_texts(post))


def reading_minutes(post: Post) -> int:
    return minutes_to_read(word_count(post))


def minutes_to_read(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


EXCERPT_MAX_WORDS = 40


def summary_sentence(post: Post, max_words: int = 30) -> str:
    """The description, else the author's excerpt (the text before ``<!--more-->``, cut
    short if long), else the first sentence of the post, for cards and metadata."""
    if post.description:
        return post.description
    if post.excerpt:
        words = post.excerpt.split()
        return " ".join(words[:EXCERPT_MAX_WORDS]) + ("…" if len(words) > EXCERPT_MAX_WORDS else "")
    for text in itertools.chain((plain_text(post.lead),), block_texts(post.body)):  # lazily: first will do
        words = text.split()
        if len(words) < 4:
            continue
        sentence: list[str] = []
        for word in words:
            sentence.append(word)
            if word.endswith((".", "!", "?")) or len(sentence) >= max_words:
                break
        clipped = len(sentence) < len(words) and not sentence[-1].endswith((".", "!", "?"))
        return " ".join(sentence) + ("…" if clipped else "")
    return ""
