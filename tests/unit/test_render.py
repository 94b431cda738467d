"""The renderer's promise: post text reaches the page as the literal text typed."""

from __future__ import annotations

import html
import unicodedata
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from bookgen.chars import one_line, shown_name
from bookgen.labels import MYST_EXTENSIONS
from bookgen.model import Code, Heading, Link, ListBlock, Paragraph, Text
from bookgen.render.myst import (
    code_span,
    comment,
    directive,
    escape_argument,
    escape_text,
    generated_note,
    render_blocks,
    role_text,
)
from tests.helpers import structure

MYST = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def rendered_text(source: str) -> str:
    out = MYST.render(source).strip()
    assert out.startswith("<p>") and out.endswith("</p>"), out
    return html.unescape(out[3:-4])


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1))
def test_escaped_text_reads_back_literally(text: str) -> None:
    text = " ".join(text.split())
    if text:
        assert rendered_text(escape_text(text, line_start=True)) == text


def test_myst_syntax_in_text_is_inert() -> None:
    for typed in ["{include}`x`", "(label)=", "% comment", ":::{note}", "+++", "{{ site.title }}", "1. one"]:
        assert rendered_text(escape_text(typed, line_start=True)) == typed


@given(st.text(alphabet="`a {}", min_size=1).filter(lambda s: s.strip()))
def test_code_span_holds_any_backticks(text: str) -> None:
    out = MYST.render(code_span(text))
    assert "<code>" in out


def test_blocks() -> None:
    blocks = (
        Heading(1, (Text("Part"),)),
        Paragraph((Text("See "), Link((Text("site"),), "https://example.org/a b"), Text("."))),
        ListBlock(((Paragraph((Code("x"),)),), (Paragraph((Text("- not nested"),)),))),
    )
    assert render_blocks(blocks) == (
        "## Part\n\nSee [site](<https://example.org/a%20b>).\n\n- `x`\n- \\- not nested"
    )


# Every line end MyST, docutils or YAML knows, control characters, and the markup a
# string could try to start a block or role with.
HOSTILE_PIECES = ["\n", "\r", "\v", "\f", "\x1c", "\x85", "\u2028", "\u2029", "\x01", "\x7f", "\x9b", "\t"]
HOSTILE_PIECES += ["# h", "(label)=", "% c", "```{raw} html", "`", "<b>", "{doc}`x`", "- ", "1. ", ":::"]
hostile_text = st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=3), min_size=1).map("".join)


@given(hostile_text)
def test_no_string_changes_a_page_structure(text: str) -> None:
    """Each context the converter pastes a string into keeps its one block or role."""
    assert structure("## " + escape_text(text, line_start=True)).blocks == Counter({"h2": 1})
    assert structure(comment(text)).blocks == Counter({"myst_line_comment": 1})
    assert structure(generated_note(text)).blocks == Counter({"myst_line_comment": 1})
    assert structure("Source: " + code_span(shown_name(text))).inline == Counter({"code_inline": 1})
    link = structure(f"- {{doc}}`{role_text(text) or 'x'} <posts/a>`")
    assert link.blocks == Counter({"bullet_list_open": 1, "list_item_open": 1, "paragraph_open": 1})
    assert link.roles == Counter({"doc": 1}) and not link.inline
    toctree = directive("toctree", one_line(text), {"caption": text}, "posts/a").split("\n")
    assert len(toctree) == 5 and toctree[1].startswith(":caption:")
    card = structure(directive("grid-item-card", escape_argument(text), {"link": "a"}, "body"))
    assert card.blocks["{grid-item-card}"] == 1 and set(card.blocks) <= {"{grid-item-card}", "paragraph_open"}


@given(hostile_text)
def test_one_line_and_shown_name_leave_no_line_end(text: str) -> None:
    for out in (one_line(text), shown_name(text)):
        assert len(f"a{out}b".splitlines()) == 1
        assert not [c for c in out if unicodedata.category(c) in ("Cc", "Zl", "Zp") and c != "\t"]
    assert shown_name("a\nb\x01.md") == "a\\nb\\x01.md"
    assert one_line("x\r# heading") == "x # heading"


def test_trailing_hash_is_text_not_a_closing_sequence() -> None:
    assert structure("## " + escape_text("Issue #", line_start=True)).blocks == Counter({"h2": 1})
    assert "Issue #" in MYST.render("## " + escape_text("Issue #", line_start=True))
