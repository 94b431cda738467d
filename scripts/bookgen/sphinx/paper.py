"""Sphinx extension: post text TeX cannot take in one piece, cut where no character is lost.

TeX reads its input a line at a time into a buffer of 200,000 characters, and holds a
whole framed code block in memory (5,000,000 words) before breaking it into pages. A
post may hold a paragraph or a code line far longer than that (an export gone wrong,
a minified file), or a code block of megabytes (a post over the converter's size limit
is published whole as preformatted text). For the LaTeX builder only, this:

- starts a new line of the ``.tex`` file about every ``TEXT_LINE_LIMIT`` characters of
  running text, at a space (a line end is a space to TeX), and every ``WORD_LIMIT``
  characters of a longer word with ``\\allowbreak{}%`` (TeX joins the two lines without
  a space, and may break the line there rather than let the word run off the page);
- cuts code lines longer than ``CODE_LINE_LIMIT`` into lines of that length and code
  blocks longer than ``CODE_BLOCK_LINES`` lines into consecutive blocks.

Only line ends are added: every character of the post stays, in order. HTML and EPUB
are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

# Characters of post text per line of the .tex file. LaTeX escapes make a line at most
# about 15 times longer (``-`` is ``\\sphinxhyphen{}``): far below TeX's 200,000.
TEXT_LINE_LIMIT = 2_000
# A word longer than this (a pasted hash, a minified line) may be broken anywhere every
# so many characters, or it would run off the page.
WORD_LIMIT = 40
# What an inline element (link, emphasis, target) adds to its line, beside its address.
ELEMENT_WEIGHT = 100
CODE_LINE_LIMIT = 1_000
# A framed code block is held whole in TeX's memory: 2,800 lines of 70 characters
# overflow it. Blocks are cut at whichever limit comes first.
CODE_BLOCK_LINES = 300
CODE_BLOCK_CHARS = 20_000
# What each kind of break writes: a line end where a space was ("space"); a new line
# TeX joins without a space ("line"); the same, where TeX may also break the line
# inside a long word ("word").
LINE_BREAK = "%\n"
WORD_BREAK = "\\allowbreak{}%\n"
_TOKENS = re.compile("\n| +|[^ \n]+")


@dataclass(frozen=True)
class Break:
    """A new line of the .tex file at ``index``: in place of the space there
    (``kind`` "space"), or before the character there ("line", "word")."""

    index: int
    kind: str


def text_breaks(
    text: str, used: int, limit: int = TEXT_LINE_LIMIT, word_limit: int = WORD_LIMIT
) -> tuple[list[Break], int]:
    """Where ``text`` needs new lines so that no line holds much more than ``limit``
    characters, ``used`` being already on the current line, and no word more than
    ``word_limit`` without a place to break; and how many the last line then holds."""
    breaks: list[Break] = []
    line = used
    for match in _TOKENS.finditer(text):
        token, start = match.group(), match.start()
        if token == "\n":
            line = 0
        elif token[0] == " ":
            line += len(token)
            if line > limit - word_limit:
                offsets = range(0, len(token), limit)
                breaks.extend(Break(start + offset, "space") for offset in offsets)
                line = len(token) - 1 - offsets[-1]
        else:
            if line + min(len(token), word_limit) > limit:
                breaks.append(Break(start, "line"))
                line = 0
            offsets = range(word_limit, len(token), word_limit)
            breaks.extend(Break(start + offset, "word") for offset in offsets)
            line = len(token) - offsets[-1] if offsets else line + len(token)
    return breaks, line


def broken_text(text: str, breaks: list[Break]) -> list[nodes.Node]:
    """``text`` as nodes with its breaks made: line ends, and raw LaTeX line breaks."""
    out: list[nodes.Node] = []
    chars = list(text)
    for brk in breaks:
        if brk.kind == "space":
            chars[brk.index] = "\n"
    start = 0
    for brk in breaks:
        if brk.kind != "space":
            if brk.index > start:
                out.append(nodes.Text("".join(chars[start : brk.index])))
            out.append(nodes.raw("", WORD_BREAK if brk.kind == "word" else LINE_BREAK, format="latex"))
            start = brk.index
    if start < len(chars):
        out.append(nodes.Text("".join(chars[start:])))
    return out


def code_chunks(
    code: str,
    line_limit: int = CODE_LINE_LIMIT,
    block_lines: int = CODE_BLOCK_LINES,
    block_chars: int = CODE_BLOCK_CHARS,
) -> list[str]:
    """``code`` with lines over ``line_limit`` cut, in chunks of at most ``block_lines``
    lines and about ``block_chars`` characters; joined with line ends, the chunks hold
    every character of ``code`` and new line ends only."""
    original = code.split("\n")
    if len(original) <= block_lines and len(code) <= block_chars and max(map(len, original)) <= line_limit:
        return [code]
    if code.endswith("\n"):
        original.pop()  # the line end closes the last line; no empty line after it
    chunks: list[str] = []
    chunk: list[str] = []
    size = 0
    for line in original:
        for piece in [line[i : i + line_limit] for i in range(0, len(line), line_limit)] or [""]:
            if chunk and (len(chunk) >= block_lines or size + len(piece) > block_chars):
                chunks.append("\n".join(chunk))
                chunk, size = [], 0
            chunk.append(piece)
            size += len(piece) + 1
    chunks.append("\n".join(chunk))
    return chunks


def _walk(node: nodes.Element) -> Iterator[nodes.Node]:
    """Descendants in reading order, not entering code or raw blocks."""
    for child in list(node.children):
        yield child
        if isinstance(child, nodes.Element) and not isinstance(child, nodes.FixedTextElement | nodes.raw):
            yield from _walk(child)


class BreakLongLines(SphinxPostTransform):
    """LaTeX: cut over-long lines and code blocks, losing no character."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            self._split_code(block)
        for element in list(self.document.findall(nodes.TextElement)):
            if isinstance(element, nodes.FixedTextElement) or isinstance(element.parent, nodes.TextElement):
                continue  # code keeps its lines; nested elements are walked with their parent
            self._break_text(element)

    @staticmethod
    def _split_code(block: nodes.literal_block) -> None:
        code = block.astext()
        if block.rawsource != code or len(block.children) != 1:
            return  # a parsed literal block: none is made from a post
        chunks = code_chunks(code)
        if len(chunks) == 1:
            return
        parts = []
        for number, chunk in enumerate(chunks):
            part = block.copy()
            part.rawsource = chunk
            part["highlight_args"] = dict(block.get("highlight_args", {}))
            # A piece cut out of code (a string or tag cut in two) need not lex in the
            # block's language, and Sphinx would warn: the pieces are printed uncoloured.
            part["language"] = "none"
            if number:
                part["ids"] = []
            part += nodes.Text(chunk)
            parts.append(part)
        block.replace_self(parts)

    @staticmethod
    def _break_text(element: nodes.Element) -> None:
        used = 0
        for node in list(_walk(element)):
            if isinstance(node, nodes.Text):
                breaks, used = text_breaks(str(node), used)
                if breaks:
                    node.parent.replace(node, broken_text(str(node), breaks))
            elif isinstance(node, nodes.Element):
                used += ELEMENT_WEIGHT + len(str(node.get("refuri", "")))


# Characters printed as a white square, the mark of a character that cannot be shown:
# U+FFFD (a character lost before the post was written, by an earlier decoding gone
# wrong), which LuaTeX reads as invalid UTF-8 and stops on; and the Private Use Areas,
# whose glyphs only the author's own font knows (Nerd Font icons in pasted terminal
# output), which no font of the book has: LuaTeX would drop them with "Missing character".
PAPER_STAND_IN = "\u25a1"
_NO_GLYPH = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")


def paper_text(text: str) -> str:
    """``text`` with each character no font of the book can print as ``PAPER_STAND_IN``."""
    return _NO_GLYPH.sub(PAPER_STAND_IN, text)


class ReplacementCharacters(SphinxPostTransform):
    """LaTeX only: U+FFFD and private-use characters in text and code printed as
    ``PAPER_STAND_IN``."""

    default_priority = 190  # before BreakLongLines cuts code into pieces
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.Text)):
            if _NO_GLYPH.search(node) and node.parent is not None:
                node.parent.replace(node, nodes.Text(paper_text(str(node))))
        for block in self.document.findall(nodes.literal_block):
            if _NO_GLYPH.search(block.rawsource):
                block.rawsource = paper_text(block.rawsource)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(ReplacementCharacters)
    app.add_post_transform(BreakLongLines)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
