"""The search index as data (bookgen.sphinx.search): a page cut into its sections, the
postings with their places and written forms, the shards. The browser tests
(tests/browser/test_search.py) ask the index built from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx import addnodes
from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish
from sphinx.search.fr import SearchFrench

from bookgen.sphinx.search import (
    IndexJob,
    joined_index,
    page_kind,
    page_sections,
    run_in_own_process,
    write_index_files,
)
from bookgen.sphinx.searchindex import (
    PageFacts,
    PageIndex,
    Section,
    Terms,
    index_page,
    packed,
    script,
    shard_of,
    unpacked,
    words,
)

ENGLISH = SearchEnglish({})
Pages = dict[str, list[tuple[str, str, str]]]


def indexed(
    pages: Pages, facts: dict[str, PageFacts], language: SearchLanguage = ENGLISH
) -> dict[str, bytes]:
    """The pages' parts of the index, packed, as the domain keeps them."""
    terms = Terms(language)
    return {
        docname: packed(index_page([Section(*s) for s in sections], facts[docname].title, terms))
        for docname, sections in pages.items()
    }


def build(pages: Pages, facts: dict[str, PageFacts], language: SearchLanguage = ENGLISH) -> dict[str, object]:
    """The index's files, decoded."""
    return {
        name: json.loads(literal)
        for name, literal in joined_index(indexed(pages, facts, language), facts).items()
    }


def doctree(rst: str) -> nodes.document:
    return publish_doctree(rst, settings_overrides={"report_level": 5, "doctitle_xform": False})


def postings(files: dict[str, object], term: str) -> dict[int, tuple[list[str], list[int]]]:
    """A term's places per section of the book, with the written forms of its page, as
    booksearch.js reads them."""
    meta = files["meta"]
    assert isinstance(meta, dict)
    first: dict[int, int] = {}
    for number, (doc, *_) in enumerate(meta["sections"]):
        first.setdefault(doc, number)
    shard = files[f"t{shard_of(term, meta['shards'])}"]
    assert isinstance(shard, dict)
    found: dict[int, tuple[list[str], list[int]]] = {}
    for doc, forms, *flat in shard[term]:
        i = 0
        while i < len(flat):
            section, count = flat[i], flat[i + 1]
            gaps = flat[i + 2 : i + 2 + count]
            found[first[doc] + section] = (forms, [sum(gaps[: k + 1]) for k in range(count)])
            i += 2 + count
    return found


def test_a_page_is_cut_into_its_sections_without_what_is_not_searched() -> None:
    tree = doctree(
        "Title\n=====\n\nIntro words.\n\n.. meta line\n\nFirst\n-----\n\nBody of first.\n\n"
        "Second\n------\n\nBody of second.\n"
    )
    # What the converter marks no-search (the meta line, a chapter's closing sections).
    hidden = nodes.paragraph("", "", nodes.Text("Undated · 2 min read"), classes=["no-search"])
    top = tree.next_node(nodes.section)
    assert top is not None
    top.insert(1, hidden)
    sections = page_sections(tree)
    assert [(s.anchor, s.title, s.text) for s in sections] == [
        ("", "Title", "Intro words."),
        ("first", "First", "Body of first."),
        ("second", "Second", "Body of second."),
    ]


def test_glossary_terms_are_sections_of_their_own() -> None:
    item = nodes.definition_list_item(
        "",
        nodes.term("", "Kubeflow", ids=["term-Kubeflow"]),
        nodes.definition("", nodes.paragraph("", "A toolkit for workflows.")),
    )
    glossary = addnodes.glossary("", nodes.definition_list("", item))
    tree = doctree("Glossary\n========\n\nTerms used.\n")
    top = tree.next_node(nodes.section)
    assert top is not None
    top.append(glossary)
    sections = page_sections(tree)
    assert [(s.anchor, s.title, s.text) for s in sections] == [
        ("", "Glossary", "Terms used."),
        ("term-Kubeflow", "Kubeflow", "A toolkit for workflows."),
    ]


def test_words_are_normalised_and_han_is_read_in_pairs() -> None:
    assert words("Ｆｕｌｌ-width, CAFÉ's 2020") == ["full", "width", "café", "s", "2020"]
    assert words("机器学习 and 学") == ["机器", "器学", "学习", "and", "学"]


def test_postings_keep_places_forms_and_stopwords() -> None:
    pages = {"generated/posts/a": [("", "", "I was feeling down, blogging about blogs.")]}
    facts = {"generated/posts/a": PageFacts("generated/posts/a.html", "A post", "post")}
    files = build(pages, facts)
    meta = files["meta"]
    assert isinstance(meta, dict)
    # The heading ("A post") comes first, then one place apart, the text.
    assert meta["sections"] == [[0, "", "", 7, 3]]
    forms = meta["forms"]
    down_forms, down = postings(files, "down")[0]  # a stopword, kept for phrases
    assert down_forms == ["down"] and [p // forms for p in down] == [6]
    feel_forms, feel = postings(files, "feel")[0]
    assert feel_forms == ["feeling"]
    assert [p // forms for p in feel] == [5]  # "feeling down": consecutive places
    blog_forms, blog = postings(files, "blog")[0]
    assert blog_forms == ["blogging", "blogs"]
    assert [(p // forms, blog_forms[p % forms]) for p in blog] == [(7, "blogging"), (9, "blogs")]
    assert "blog" in meta["vocabulary"] and meta["vocabulary"] == sorted(meta["vocabulary"])


def test_sections_are_numbered_through_the_book_and_forms_kept_per_page() -> None:
    pages = {
        "generated/posts/a": [("", "", "Blogs."), ("two", "Two", "More blogs, blogging.")],
        "generated/posts/b": [("", "", "Blogging only.")],
    }
    facts = {name: PageFacts(f"{name}.html", "Title", "post") for name in pages}
    files = build(pages, facts)
    meta = files["meta"]
    assert isinstance(meta, dict)
    assert [section[:2] for section in meta["sections"]] == [[0, ""], [0, "two"], [1, ""]]
    forms = meta["forms"]
    blog = postings(files, "blog")
    assert {section: (found, [p // forms for p in places]) for section, (found, places) in blog.items()} == {
        0: (["blogs", "blogging"], [2]),
        1: (["blogs", "blogging"], [3, 4]),
        2: (["blogging"], [2]),
    }


def test_index_is_the_same_whatever_order_pages_come_in() -> None:
    pages = {f"generated/posts/p{n}": [("", "", f"Post number {n} about harbours.")] for n in range(30)}
    facts = {name: PageFacts(f"{name}.html", name, "post", year="2020") for name in pages}
    backwards = dict(reversed(list(pages.items())))
    assert build(pages, facts) == build(backwards, facts)


def test_filters_and_page_kinds() -> None:
    pages = {
        "generated/posts/a": [("", "", "Text.")],
        "generated/posts/b": [("", "", "Text.")],
        "index": [("", "", "Cards.")],
    }
    facts = {
        "generated/posts/a": PageFacts("a.html", "A", "post", "Part I: Start", "2019", ("sea", "Boats")),
        "generated/posts/b": PageFacts("b.html", "B", "post", "Part II: Later", "2021", ("sea",)),
        "index": PageFacts("index.html", "Book", "listing"),
    }
    meta = build(pages, facts)["meta"]
    assert isinstance(meta, dict)
    assert meta["filters"] == {"part": ["Part I: Start", "Part II: Later"], "year": ["2021", "2019"],
                               "tag": ["Boats", "sea"]}  # fmt: skip
    assert meta["docs"][0] == ["a.html", "A", "post", 0, 1, [1, 0]]
    assert meta["docs"][2] == ["index.html", "Book", "listing", -1, -1, []]
    assert page_kind("generated/posts/x", "index") == "post"
    assert page_kind("generated/glossary", "index") == "glossary"
    assert page_kind("generated/resources/tools", "index") == "resource"
    assert page_kind("generated/parts/part-2", "index") == "listing"
    assert page_kind("about", "index") == "page"


def test_large_books_are_sharded() -> None:
    pages = {
        f"generated/posts/p{n:03d}": [("", "", f"word{n} " * 400), ("s", "Sub", f"other{n} " * 400)]
        for n in range(200)
    }
    facts = {name: PageFacts(f"{name}.html", name, "post") for name in pages}
    files = joined_index(indexed(pages, facts), facts)
    meta = json.loads(files["meta"])
    assert meta["shards"] > 4
    assert all(len(script(f"t{n}", files[f"t{n}"])) < 3 * 64_000 for n in range(meta["shards"]))
    texts = meta["texts"]
    assert texts == sorted(texts) and max(texts) > 10  # in book order
    assert all(len(script(f"x{n}", files[f"x{n}"])) < 2 * 12_000 for n in range(max(texts) + 1))


def test_shards_are_scripts_that_no_text_can_end_early() -> None:
    text = "</script><script>alert(1)</script>\u2028"
    pages = {"generated/posts/a": [("", "</script>", text)]}
    facts = {"generated/posts/a": PageFacts("a.html", "</script>", "post")}
    for name, literal in joined_index(indexed(pages, facts), facts).items():
        written = script(name, literal)
        assert "</" not in written and "\u2028" not in written
        assert written.startswith(f'BookSearch.loaded("{name}",') and written.endswith(");\n")
    files = build(pages, facts)
    assert files["x0"] == {"0": text}


def test_a_page_part_packs_and_unpacks_as_it_was() -> None:
    part = index_page([Section("", "Título", "Café crème, 机器学习.")], "Page", Terms(ENGLISH))
    assert isinstance(part, PageIndex)
    assert unpacked(packed(part)) == part


def test_shard_of_is_fnv1a_over_utf8() -> None:
    # The FNV-1a test vectors; booksearch.js computes the same over the same bytes.
    assert shard_of("", 2**32) == 0x811C9DC5
    assert shard_of("a", 2**32) == 0xE40C292C
    assert shard_of("foobar", 2**32) == 0xBF9CF968
    assert 0 <= shard_of("机器", 7) < 7


@pytest.mark.parametrize("language", [ENGLISH, SearchFrench({})])
def test_an_index_built_in_its_own_process_is_the_one_built_here(
    tmp_path: Path, language: SearchLanguage
) -> None:
    pages = {
        "generated/posts/a": [
            ("", "Running notes", "Runners were running late. Café crème."),
            ("b", "Más", "Texto"),
        ],
        "generated/glossary": [("term-x", "X", "An ex, defined.")],
    }
    facts = {docname: PageFacts(f"{docname}.html", docname, page_kind(docname, "index")) for docname in pages}
    here, there = tmp_path / "here", tmp_path / "there"
    parts = indexed(pages, facts, language)
    write_index_files(here, joined_index(parts, facts), "sig")
    run_in_own_process(IndexJob(parts, facts, there, "sig"), tmp_path / "scratch")
    names = sorted(path.name for path in here.iterdir())
    assert "meta.js" in names and names == sorted(path.name for path in there.iterdir())
    assert all((here / name).read_bytes() == (there / name).read_bytes() for name in names)
    assert list((tmp_path / "scratch").iterdir()) == []  # the job file is gone
