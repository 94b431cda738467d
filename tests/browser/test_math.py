"""Formulas in a real browser with the network cut off: the book's pages are opened from
disk, every request that is not a file is refused, and the math is still laid out as
math (a fraction's numerator above its denominator), by the browser itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main

from tests.helpers import POSTS, ROOT, convert_book, watch_page

SCREENSHOTS = ROOT / "_build" / "screenshots"

PAGE = r"""---
orphan: true
---

# Formulas

Euler's identity {math}`e^{i\pi} + 1 = 0`, inline.

```{math}
x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}
```

```{math}
A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}
```
"""


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book, in its theme, with a page of formulas: that page's file."""
    tmp = tmp_path_factory.mktemp("math")
    docs = convert_book(tmp, POSTS, None)
    (docs / "formulas.md").write_text(PAGE, encoding="utf-8")
    html = tmp / "html"
    assert build_main(["-b", "html", "-c", str(ROOT), str(docs), str(html), "-W", "--keep-going", "-q"]) == 0
    return html / "formulas.html"


@pytest.fixture
def offline_page(browser: Any) -> Iterator[Any]:
    """A page that may load files only; ``page.refused`` lists what it asked the network for."""
    page = watch_page(browser.new_page(viewport={"width": 1000, "height": 800}))
    page.refused = []

    def files_only(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            page.refused.append(route.request.url)
            route.abort()

    page.route("**/*", files_only)
    yield page
    page.close()


def test_math_renders_offline(offline_page: Any, formulas: Path) -> None:
    page = offline_page
    page.goto(formulas.as_uri())
    inline = page.locator("p span.math math")
    assert inline.count() == 1
    box = inline.bounding_box()
    assert box is not None
    assert box["width"] > 40
    assert box["height"] > 10
    # The quadratic formula: its fraction is stacked, as only MathML layout does.
    fraction = page.locator("div.math math mfrac").first
    numerator, denominator = (fraction.locator(":scope > *").nth(i).bounding_box() for i in (0, 1))
    assert numerator is not None
    assert denominator is not None
    assert numerator["y"] + numerator["height"] <= denominator["y"] + 1
    assert numerator["width"] > 2 * denominator["width"]  # -b ± √(b²-4ac) over 2a
    # The matrix: two rows, one above the other.
    rows = page.locator("div.math math mtable mtr")
    assert rows.count() == 2
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first is not None
    assert second is not None
    assert first["y"] + first["height"] <= second["y"] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "math-offline.png"))
    assert page.refused == []  # nothing was even asked of the network
    assert page.problems == []
