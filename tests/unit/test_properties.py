"""Property tests: any text, any front matter, converts and keeps every word."""

from __future__ import annotations

from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from bookgen.read.markdown import BLOCK_PROBE, parse_plain_inline, read_plain_inline
from bookgen.read.post import may_hold_heading, read_post
from bookgen.render.post_page import render_post_page
from tests.helpers import MARKUP, any_text, expected_words, front_matter, post_bytes, words

MYST = create_md_parser(MdParserConfig(), RendererHTML)


def myst_words(source: str) -> set[str]:
    """The page's words as MyST shows them, link targets and the languages its code
    blocks are coloured in included (a fence's language is kept as the fence's)."""
    soup = BeautifulSoup(MYST.render(source), "html.parser")
    hrefs = " ".join(str(a.get("href", "")) for a in soup.find_all("a"))
    languages = " ".join(
        t.info for t in MYST.parse(source) if t.type == "fence" and not t.info.startswith("{")
    )
    return words(soup.get_text(" ")) | words(hrefs) | words(languages)


@settings(max_examples=300, deadline=None)
@given(fields=front_matter, body=any_text, markdown=st.booleans())
def test_any_post_converts_and_keeps_every_word(fields: dict[str, object], body: str, markdown: bool) -> None:
    name = "post.md" if markdown else "post.txt"
    data = post_bytes(fields, body)
    post = read_post(data, name)
    page = render_post_page(post, "posts")
    missing = expected_words(data, name) - myst_words(page) - {"javascript", "vbscript", "data"}
    assert not missing, page


@settings(max_examples=500, deadline=None)
@given(line=st.one_of(any_text, st.text(alphabet=MARKUP + "\r\u00a0\u2003é")))
def test_literal_line_shortcut_agrees_with_the_parser(line: str) -> None:
    """A plain-text line skips markdown-it only when the parse would give it back as is."""
    line = line.replace("\n", " ")
    assert read_plain_inline(line, "p.txt", 3) == parse_plain_inline(line, "p.txt", 3)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(any_text, st.text(alphabet="ab =-#>\n\r\t•*+1.)")))
@example(text="0\r=")  # a setext heading over a bare carriage return
def test_heading_pretest_never_misses_a_heading(text: str) -> None:
    """``detect_shape`` skips the Markdown probe only where the probe finds no heading."""
    if not may_hold_heading(text):
        assert not any(token.type == "heading_open" for token in BLOCK_PROBE.parse(text))
