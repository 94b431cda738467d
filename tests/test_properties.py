"""Property tests: any text, any front matter, converts, builds, and keeps every word."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from bookgen.assemble.parts import unique_slugs
from bookgen.read.decode import decode_post
from bookgen.read.markdown import BLOCK_PROBE, parse_plain_inline, read_plain_inline
from bookgen.read.metadata import read_fields, split_front_matter
from bookgen.read.post import clean_fields, may_hold_heading, read_post
from bookgen.render.post_page import render_post_page
from tests.conftest import build_book, words
from tests.test_build import page_words

MYST = create_md_parser(MdParserConfig(), RendererHTML)
MARKUP = "abc XYZ 12\n\n#*_`[](){}<>!-+=:%$&|~\\./'\"\t•^@"
any_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])),
    st.text(alphabet=MARKUP),
)
field_value = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.lists(st.text(max_size=10), max_size=3),
)
front_matter = st.dictionaries(
    st.sampled_from(["title", "date", "tags", "categories", "description", "weight"]), field_value, max_size=5
)


def post_bytes(fields: dict[str, object], body: str) -> bytes:
    head = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" if fields else ""
    return (head + body).encode("utf-8")


def expected_words(data: bytes, name: str) -> set[str]:
    split = split_front_matter(decode_post(data, name).text, name)
    fields = clean_fields(read_fields(split.fields, name), name)
    return words(" ".join([fields.title, fields.description, *fields.tags, split.body]))


def myst_words(source: str) -> set[str]:
    soup = BeautifulSoup(MYST.render(source), "html.parser")
    hrefs = " ".join(str(a.get("href", "")) for a in soup.find_all("a"))
    return words(soup.get_text(" ")) | words(hrefs)


@settings(max_examples=300, deadline=None)
@given(fields=front_matter, body=any_text, markdown=st.booleans())
def test_any_post_converts_and_keeps_every_word(fields: dict[str, object], body: str, markdown: bool) -> None:
    name = "post.md" if markdown else "post.txt"
    data = post_bytes(fields, body)
    post = read_post(data, name)
    page = render_post_page(post, "posts")
    missing = expected_words(data, name) - myst_words(page) - {"javascript", "vbscript", "data"}
    assert not missing, page


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(front_matter, any_text, st.booleans()), min_size=1, max_size=5))
def test_any_posts_build_without_warnings(posts: list[tuple[dict[str, object], str, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "posts"
        folder.mkdir()
        names: list[str] = []
        for index, (fields, body, markdown) in enumerate(posts):
            name = f"post-{index}.{'md' if markdown else 'txt'}"
            (folder / name).write_bytes(post_bytes(fields, body))
            names.append(name)
        built = build_book(Path(tmp), folder, None)
        assert built.warnings == "" and built.status == 0, built.warnings
        converted = unique_slugs([read_post((folder / name).read_bytes(), name) for name in names])
        for post in converted:
            page = built.html / "generated" / "posts" / f"{post.slug}.html"
            missing = expected_words((folder / post.source).read_bytes(), post.source) - page_words(page)
            assert not missing, (post.source, missing)


@settings(max_examples=500, deadline=None)
@given(line=st.one_of(any_text, st.text(alphabet=MARKUP + "\r\u00a0\u2003é")))
def test_literal_line_shortcut_agrees_with_the_parser(line: str) -> None:
    """A plain-text line skips markdown-it only when the parse would give it back as is."""
    line = line.replace("\n", " ")
    assert read_plain_inline(line, "p.txt", 3) == parse_plain_inline(line, "p.txt", 3)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(any_text, st.text(alphabet="ab =-#>\n\t•*+1.)")))
def test_heading_pretest_never_misses_a_heading(text: str) -> None:
    """``detect_shape`` skips the Markdown probe only where the probe finds no heading."""
    if not may_hold_heading(text):
        assert not any(token.type == "heading_open" for token in BLOCK_PROBE.parse(text))
