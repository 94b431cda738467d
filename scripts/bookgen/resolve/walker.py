"""The walk over a post's running text that term linking and citing share.

Running text is what a resolver may rewrite: paragraphs, list items, quotes, table
cells and the lead, never headings or code. The walk keeps each text node's offset in
its paragraph, so a match can quote the sentence it stands in; a resolver says only
what becomes of a text node (``text``) and of any other inline node (``node``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..model import (
    Block,
    Emphasis,
    Inline,
    LazyText,
    Post,
    Strikethrough,
    Strong,
    Text,
    map_running_text,
    text_width,
)
from .matcher import sentence_around


class RunningTextWalker:
    """Rewrites a post's running text, inline node by inline node, in reading order."""

    def __init__(self) -> None:
        self.context = LazyText()  # the paragraph being walked, as plain text

    def post(self, post: Post) -> tuple[tuple[Inline, ...], tuple[Block, ...]]:
        """The post's lead and body, walked."""
        lead = self.inlines(post.lead) if post.lead else ()
        return lead, self.blocks(post.body)

    def blocks(self, blocks: Sequence[Block]) -> tuple[Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: Block) -> Block:
        return map_running_text(block, self.inlines, self.blocks)

    def inlines(self, nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """One paragraph's inline nodes (the unit a sentence is quoted from)."""
        self.context = LazyText(nodes)
        return self._inlines(nodes, 0)[0]

    def _inlines(self, nodes: Sequence[Inline], offset: int) -> tuple[tuple[Inline, ...], int]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                out.extend(self.text(node.text, offset))
            elif isinstance(node, Emphasis | Strong | Strikethrough):
                children, _ = self._inlines(node.children, offset)
                out.append(type(node)(children))
            else:
                out.append(self.node(node, offset))
            offset += text_width(node)
        return tuple(out), offset

    def text(self, text: str, offset: int) -> list[Inline]:
        """What a text node at ``offset`` in its paragraph becomes."""
        return [Text(text)]

    def node(self, node: Inline, offset: int) -> Inline:
        """What an inline node other than text and emphasis becomes (at ``offset``)."""
        return node

    def sentence(self, start: int, end: int) -> str:
        """The sentence of the current paragraph holding ``[start, end)``."""
        return sentence_around(str(self.context), start, end)


def replace_matches(
    text: str, matches: Iterable[tuple[int, int, str]], make: Callable[[int, int, str], Inline | None]
) -> list[Inline]:
    """``text`` split around its matches, each made into a node by ``make``; a match
    ``make`` declines (returns None) stays text."""
    out: list[Inline] = []
    position = 0
    for start, end, value in matches:
        made = make(start, end, value)
        if made is None:
            continue
        if start > position:
            out.append(Text(text[position:start]))
        out.append(made)
        position = end
    if position < len(text):
        out.append(Text(text[position:]))
    return out
