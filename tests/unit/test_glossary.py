"""Glossary: the curated file, term matching and first-mention links (the built pages:
``tests/build/test_glossary.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bookgen.model import Code, Heading, Link, Paragraph, Post, Shape, TermRef, Text
from bookgen.read.post import read_post
from bookgen.resolve.curator import candidate_terms
from bookgen.resolve.glossary import Glossary, GlossaryEntry, GlossaryFileError, parse_glossary
from bookgen.resolve.matcher import sentence_around
from bookgen.resolve.terms import link_terms, term_matcher
from tests.helpers import GLOSSARY_FILE, POSTS

GLOSSARY = Glossary(
    (
        GlossaryEntry("Machine learning", "Learning from data.", aliases=("ML",)),
        GlossaryEntry("Large language model", "A big text model.", aliases=("LLM",)),
        GlossaryEntry("GPU", "A parallel chip."),
        GlossaryEntry("Self-supervised learning", "Labels from the data itself."),
        GlossaryEntry("Recommendation system", "Suggests things."),
        GlossaryEntry("React", "A UI library.", case_sensitive=True),
    )
)
MATCHER = term_matcher(GLOSSARY)


def terms_in(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], term) for start, end, term in MATCHER.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ML and machine learning", [("ML", "Machine learning"), ("machine learning", "Machine learning")]),
        ("LLMs run on GPUs", [("LLMs", "Large language model"), ("GPUs", "GPU")]),
        ("Large Language Models", [("Large Language Models", "Large language model")]),
        ("recommendation systems", [("recommendation systems", "Recommendation system")]),
        ("self supervised learning", [("self supervised learning", "Self-supervised learning")]),
        ("HTML, XML and MLOps", []),  # "ML" never inside a word
        ("ml in lower case", []),  # abbreviations match only in capitals
        ("we react to React", [("React", "React")]),
        ("learning machines and XMLs", []),
    ],
)
def test_matching(text: str, expected: list[tuple[str, str]]) -> None:
    assert terms_in(text) == expected


def test_longest_form_wins() -> None:
    matcher = term_matcher(Glossary((GlossaryEntry("Learning", "x"), GlossaryEntry("Machine learning", "y"))))
    assert [term for _, _, term in matcher.find("machine learning")] == ["Machine learning"]


def make_post(*blocks: Heading | Paragraph) -> Post:
    return Post(source="p.md", slug="p", title="T", shape=Shape.MARKDOWN, body=tuple(blocks))


def test_first_mention_only_and_never_in_headings_code_or_links() -> None:
    post = make_post(
        Heading(1, (Text("ML in a heading"),)),
        Paragraph((Code("ML"), Text(" and "), Link((Text("ML"),), "https://x.org"), Text(". Then ML here."))),
        Paragraph((Text("ML again."),)),
    )
    linked, mentions = link_terms(post, MATCHER)
    assert linked.body[0] == post.body[0]
    assert linked.body[1] == Paragraph(
        (
            Code("ML"),
            Text(" and "),
            Link((Text("ML"),), "https://x.org"),
            Text(". Then "),
            TermRef("ML", "Machine learning"),
            Text(" here."),
        )
    )
    assert linked.body[2] == post.body[2]
    assert [(m.term, m.sentence) for m in mentions] == [("Machine learning", "Then ML here.")]
    assert linked.key_terms == ("Machine learning",)


def test_existing_mentions_are_left_alone() -> None:
    post = make_post(Paragraph((TermRef("GPU", "GPU"), Text(" and a GPU"))))
    linked, _ = link_terms(post, MATCHER)
    assert sum(isinstance(n, TermRef) for n in linked.body[0].children) == 2  # type: ignore[union-attr]


def test_sentence_around() -> None:
    text = "First one. The ML part is here! Last."
    assert sentence_around(text, text.index("ML"), text.index("ML") + 2) == "The ML part is here!"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("- term: A\n", r"glossary.yaml:2: terms\[0\] 'A': definition: missing"),
        (
            "- term: A\n  definition: x\n- term: a\n  definition: y\n",
            r":4: terms\[1\] 'a': duplicate term 'a'",
        ),
        (
            "- term: A\n  definition: x\n  aliases: [GPUs]\n- term: GPU\n  definition: y\n",
            r"terms\[1\] 'GPU': duplicate term 'GPU' \(already used by 'A'\)",
        ),
        ("- term: A\n  definition: x\n  see: [Nope]\n", r"terms\[0\] 'A': see: no term named 'Nope'"),
        ("- definition: x\n", r"terms\[0\]: term: missing"),
        ("- term: 'a`b'\n  definition: x\n", r"may not contain backticks"),
    ],
)
def test_malformed_glossary_names_the_entry(entries: str, message: str) -> None:
    with pytest.raises(GlossaryFileError, match=message):
        parse_glossary("terms:\n" + entries, "glossary.yaml")


def test_the_curated_glossary_is_valid_and_large_enough() -> None:
    glossary = parse_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"), str(GLOSSARY_FILE))
    assert len(glossary.entries) >= 40
    for entry in glossary.entries:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry.definition) if s]
        assert 1 <= len(sentences) <= 4, entry.term


def test_every_term_is_used_or_reported() -> None:
    glossary = parse_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"), str(GLOSSARY_FILE))
    matcher = term_matcher(glossary)
    used = set()
    texts = []
    for path in sorted(POSTS.iterdir()):
        post = read_post(path.read_bytes(), path.name)
        used |= {m.term for m in link_terms(post, matcher)[1]}
        texts.append(path.read_text(encoding="utf-8"))
    unused = {entry.term for entry in glossary.entries} - used
    assert unused == {"GraphQL"}  # only inside a URL in the posts: flagged by --report
    candidates = dict(candidate_terms(texts, glossary))
    assert "Chip Huyen" in candidates and "UCLA" in candidates
    assert "ML" not in candidates


def test_report_lists_unused_and_candidate_terms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bookgen.cli import main

    assert main(["--glossary", str(GLOSSARY_FILE), "--out", str(tmp_path / "g"), "--report", "-q"]) == 0
    out = capsys.readouterr().out
    assert "glossary: unused term 'GraphQL'" in out
    assert "glossary: candidate term 'Chip Huyen' (2 mentions)" in out
