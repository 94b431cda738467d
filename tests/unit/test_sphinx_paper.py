"""LaTeX's limits: long lines and code blocks are cut for TeX, and no character is lost."""

from __future__ import annotations

from docutils import nodes
from hypothesis import given
from hypothesis import strategies as st

from bookgen.model import CodeBlock
from bookgen.read.post import MAX_PARSED_BYTES, read_post
from bookgen.sphinx.book import many_chapters_preamble
from bookgen.sphinx.paper import (
    CODE_BLOCK_CHARS,
    CODE_BLOCK_LINES,
    CODE_LINE_LIMIT,
    LINE_BREAK,
    WORD_BREAK,
    BreakLongLines,
    broken_text,
    code_chunks,
    paper_text,
    text_breaks,
)

texts = st.lists(st.sampled_from(["a", "b", " ", "  ", "\n", "x" * 30, "y" * 130]), max_size=300).map("".join)


def written(parts: list[nodes.Node]) -> str:
    """The text as the LaTeX writer would write it, raw breaks included."""
    return "".join(part.astext() for part in parts)


@given(texts, st.integers(min_value=0, max_value=60))
def test_text_breaks_bound_lines_and_words_and_keep_every_character(text: str, used: int) -> None:
    breaks, last = text_breaks(text, used, limit=60, word_limit=10)
    out = written(broken_text(text, breaks))
    # Breaks at a space turn it into a line end; the others only add a raw line end.
    spaces = {b.index for b in breaks if b.kind == "space"}
    assert out.replace(WORD_BREAK, "").replace(LINE_BREAK, "") == "".join(
        "\n" if i in spaces else c for i, c in enumerate(text)
    )
    assert all(text[b.index] == " " for b in breaks if b.kind == "space")
    assert all(text[b.index] != " " for b in breaks if b.kind != "space")
    lines = ("u" * used + out.replace(WORD_BREAK, "\n").replace(LINE_BREAK, "\n")).split("\n")
    assert max(map(len, lines)) <= 60 + 10 and len(lines[-1]) == last
    assert all(len(word) <= 10 for word in out.replace(WORD_BREAK, " ").split())


@given(st.lists(st.sampled_from(["a", " ", "\n", "b" * 70]), max_size=400).map("".join))
def test_code_chunks_bound_blocks_and_keep_every_character(code: str) -> None:
    chunks = code_chunks(code, line_limit=50, block_lines=7, block_chars=200)
    if chunks == [code]:
        return
    assert "".join(chunks).replace("\n", "") == code.replace("\n", "")
    for chunk in chunks:
        lines = chunk.split("\n")
        assert len(lines) <= 7 and len(chunk) <= 200 + 50 and max(map(len, lines)) <= 50


def test_a_post_over_the_size_limit_is_cut_into_code_blocks_tex_can_hold() -> None:
    line = "An export gone wrong, with words like zebra and a long tail" + "z" * 1_500 + "\n"
    data = ("A huge export\n" + line * (MAX_PARSED_BYTES // len(line) + 10)).encode()
    (block,) = read_post(data, "huge.txt").body
    assert isinstance(block, CodeBlock)
    literal = nodes.literal_block(block.text, block.text, language="text")
    section = nodes.section("", literal)
    BreakLongLines._split_code(literal)
    parts = list(section.findall(nodes.literal_block))
    assert len(parts) > len(data) // CODE_BLOCK_CHARS
    assert "".join(p.astext() for p in parts).replace("\n", "") == block.text.replace("\n", "")
    for part in parts:
        assert part.rawsource == part.astext()  # highlighted as code, not a parsed literal
        lines = part.astext().split("\n")
        assert len(lines) <= CODE_BLOCK_LINES and max(map(len, lines)) <= CODE_LINE_LIMIT


def test_characters_no_font_prints_are_a_white_square_on_paper() -> None:
    # U+FFFD stops LuaTeX; private-use icons (a terminal font's) have no glyph in any font.
    assert (
        paper_text("a\ufffdb \uf489 dir/ \U000f0001 \U0001f7e2 é")
        == "a\u25a1b \u25a1 dir/ \u25a1 \U0001f7e2 é"
    )


def test_books_of_100_chapters_number_them_in_digits_with_room_in_the_contents() -> None:
    assert many_chapters_preamble(99) == ""  # report's own boxes hold two digits
    assert "{\\setlength\\@tempdima{2.0em}}" in many_chapters_preamble(100)
    wide = many_chapters_preamble(1877)
    assert wide.startswith("\\makeatletter") and wide.rstrip().endswith("\\makeatother")
    assert "\\patchcmd{\\l@chapter}{\\setlength\\@tempdima{1.5em}}{\\setlength\\@tempdima{2.5em}}" in wide
    assert "\\renewcommand\\@pnumwidth{2.5em}" in wide
    # fncychap spells numbers up to 99 only: chapter 891 was "CHAPTER ONE"
    assert "\\renewcommand\\TheAlphaChapter{\\thechapter}" in wide
