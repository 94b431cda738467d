"""What a post shows, in a real browser: its pictures load (from the book's own files,
the network cut off) and its details open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main

from tests.helpers import ROOT, convert_book, watch_page

HUGO_BLOG = ROOT / "tests" / "blogs" / "hugo" / "posts"


@pytest.fixture(scope="module")
def bundle_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Hugo-shaped test blog built as HTML: the page of its bundle post."""
    tmp = tmp_path_factory.mktemp("rich")
    docs = convert_book(tmp, HUGO_BLOG, None)
    html = tmp / "html"
    assert build_main(["-b", "html", "-c", str(ROOT), str(docs), str(html), "-W", "--keep-going", "-q"]) == 0
    return html / "generated" / "posts" / "a-page-bundle-with-its-pictures.html"


def test_every_picture_of_a_post_loads_offline(browser: Any, bundle_page: Path) -> None:
    page = watch_page(browser.new_page(viewport={"width": 1000, "height": 900}))
    asked: list[str] = []

    def files_only(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    page.route("**/*", files_only)
    page.goto(bundle_page.as_uri(), wait_until="load")
    images = page.eval_on_selector_all(
        "article img", "imgs => imgs.map(i => [i.getAttribute('alt'), i.complete, i.naturalWidth])"
    )
    assert {alt for alt, _, _ in images} >= {"The narwhal drawing", "tiny narwhal"}
    assert all(complete and width > 0 for _, complete, width in images), images
    assert asked == []
    page.close()


def test_details_open_to_show_what_they_hold(browser: Any, bundle_page: Path) -> None:
    page = watch_page(browser.new_page(viewport={"width": 1000, "height": 900}))
    page.goto(bundle_page.as_uri(), wait_until="load")
    summary = page.get_by_text("Where narwhals live")
    hidden = page.get_by_text("under the pack ice")
    assert summary.is_visible() and not hidden.is_visible()
    summary.click()
    hidden.wait_for(state="visible")
    page.close()
