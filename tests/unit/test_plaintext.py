from __future__ import annotations

import pytest

from bookgen.model import Heading, ListBlock, Paragraph, plain_text
from bookgen.read.markdown import is_literal_line, parse_plain_inline, read_plain_inline
from bookgen.read.plaintext import bullet_text, read_plain_text
from booktools.corpus import synthetic_posts


def headings_of(text: str) -> list[str]:
    doc = read_plain_text(text, "p.txt")
    return [plain_text(block.children) for block in doc.blocks if isinstance(block, Heading)]


PARAGRAPH = (
    "The migration took most of the afternoon because every table had to be copied twice, "
    "once for the dry run and once for real, and the second copy found two rows the first had missed."
)


def test_headings_of_the_delivered_posts_shapes() -> None:
    text = "\n".join(
        ["Title", "", "Introduction", PARAGRAPH, "Artificial Intelligence (ML)", PARAGRAPH,
         "How To Get Your Foot In The Door", PARAGRAPH, "Why Machine Learning?", PARAGRAPH]
    )  # fmt: skip
    assert headings_of(text) == [
        "Introduction",
        "Artificial Intelligence (ML)",
        "How To Get Your Foot In The Door",
        "Why Machine Learning?",
    ]


def test_long_numbered_and_emoji_headings() -> None:
    """Real exports' headings the first reader missed: long ones, numbered ones and ones
    ending in an emoji shortcode."""
    long_heading = "What changed when we moved the whole build farm to ephemeral runners"
    assert 60 <= len(long_heading) <= 80
    text = "\n".join(
        ["Title", "", "1. Setup", PARAGRAPH, "2. The first run", PARAGRAPH, "Step 3: Measure it again",
         PARAGRAPH, long_heading, PARAGRAPH, "Launch day :rocket:", PARAGRAPH]
    )  # fmt: skip
    assert headings_of(text) == ["1. Setup", "2. The first run", "Step 3: Measure it again", long_heading,
                                 "Launch day :rocket:"]  # fmt: skip


@pytest.mark.parametrize(
    "line",
    [
        "You can find his SaaS ML project here.",
        "Some areas I'm particularly interested in exploring:",
        "https://graphql.org/",
        "So far it seems to be true, and then I ran",
    ],
)
def test_sentences_are_not_headings(line: str) -> None:
    text = "\n".join(["Title", "", PARAGRAPH, line, PARAGRAPH])
    assert headings_of(text) == []


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ("  • Practical applications", "Practical applications"),
        ("- Kubernetes", "Kubernetes"),
        ("-5 degrees", None),
    ],
)
def test_bullets(line: str, item: str | None) -> None:
    assert bullet_text(line) == item


def test_recurring_heading_nests_under_the_one_before() -> None:
    text = "\n".join(
        ["T", "", "March", PARAGRAPH, "Links", "- a", "May", PARAGRAPH, "Links", "- b", PARAGRAPH]
    )
    doc = read_plain_text(text, "p.txt")
    headings = [(b.level, plain_text(b.children)) for b in doc.blocks if isinstance(b, Heading)]
    assert headings == [(1, "March"), (2, "Links"), (1, "May"), (2, "Links")]


def test_standfirst_only_directly_under_the_title() -> None:
    assert plain_text(read_plain_text("Title\nShort standfirst line.\nBody.", "p.txt").lead)
    assert not read_plain_text("Title\n\nFirst paragraph.", "p.txt").lead


def test_paragraphs_with_and_without_blank_lines() -> None:
    packed = read_plain_text("T\n\nOne line.\nTwo line.\n\nThree.", "p.txt")
    assert [plain_text(b.children) for b in packed.blocks if isinstance(b, Paragraph)] == [
        "One line.",
        "Two line.",
        "Three.",
    ]


def test_bullet_run_is_one_list() -> None:
    doc = read_plain_text("T\n\n• a\n• b\n- c\nafter it.", "p.txt")
    assert isinstance(doc.blocks[0], ListBlock) and len(doc.blocks[0].items) == 3


def testis_literal_lines_of_a_corpus_read_as_the_parser_reads_them() -> None:
    """The shortcut for lines with nothing to parse, on every line of synthetic exports."""
    posts = synthetic_posts(40, seed=3, terms=["Machine Learning"])
    texts = [post.text for post in posts if post.name.endswith(".txt")]
    lines = [line.strip() for text in texts for line in text.split("\n") if line.strip()]
    assert sum(is_literal_line(line) for line in lines) > len(lines) // 2
    for line in lines:
        assert read_plain_inline(line, "p.txt", 1) == parse_plain_inline(line, "p.txt", 1), line


def test_sign_offs_and_lines_introducing_code_are_no_headings() -> None:
    text = (
        "Title\n\nSetup\nInstall it first, then run it.\nRun\n    make all\nDone here, all good.\n"
        "Thanks for reading\nPlease reach out on Mastodon\nJane Doe\n"
    )
    doc = read_plain_text(text, "p.txt")
    headings = [plain_text(block.children) for block in doc.blocks if isinstance(block, Heading)]
    assert headings == ["Setup"]
    words = " ".join(plain_text(block.children) for block in doc.blocks if isinstance(block, Paragraph))
    assert "Run" in words and "Thanks for reading" in words and "Jane Doe" in words
