"""The renderer's promise: post text reaches the page as the literal text typed."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from bookgen.model import Code, Heading, Link, ListBlock, Paragraph, Text
from bookgen.render import code_span, escape_text, render_blocks

MYST = create_md_parser(MdParserConfig(), RendererHTML)


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
