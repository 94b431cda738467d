"""A platform's export built into a book by Sphinx, as `make html POSTS=export.xml` does."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ROOT, build_book

WORDPRESS = ROOT / "tests" / "exports" / "wordpress.xml"


def test_a_wordpress_export_builds_without_warnings(tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    built = build_book(tmp_path, WORDPRESS, None)
    assert built.status == 0 and built.warnings == ""
    page = BeautifulSoup(
        (built.html / "generated/posts/fish-chips-at-the-pier.html").read_text(), "html.parser"
    )
    article = page.select_one("article")
    assert article is not None
    for anchor in article.select("a.headerlink"):
        anchor.decompose()
    captions = [" ".join(c.get_text().split()) for c in article.select("figcaption")]
    assert captions == ["The pier, looking north.", "The pier at noon", "Gulls waiting for chips"]
    assert article.select_one("a[href$='tide-tables-explained.html#chapter-tide-tables-explained']")
    text = article.get_text()
    assert (
        "[caption" not in text
        and "<strong>" not in text
        and "Vinegar is not optional." in " ".join(text.split())
    )
    landing = (built.html / "index.html").read_text(encoding="utf-8")
    assert "Harbour &amp; Hills" in landing and "Pages" in landing
