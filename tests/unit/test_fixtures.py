"""Input/expected pairs for each input shape (``tests/fixtures/posts`` -> ``expected``).

Regenerate after an intended change with ``UPDATE_FIXTURES=1 make test`` and review
the diff: the expected files are the converter's specification.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bookgen.read.post import read_post
from bookgen.render.post_page import render_post_page
from tests.helpers import FIXTURES

INPUTS = sorted((FIXTURES / "posts").iterdir())


def convert_fixture(path: Path) -> str:
    post = read_post(path.read_bytes(), path.name)
    reports = "".join(f"% report: {report}\n" for report in post.reports)
    return reports + render_post_page(post, "posts")


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_fixture(path: Path) -> None:
    expected_path = FIXTURES / "expected" / f"{path.name}.md"
    actual = convert_fixture(path)
    if os.environ.get("UPDATE_FIXTURES"):
        expected_path.parent.mkdir(exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"no expected output: run UPDATE_FIXTURES=1 pytest {__file__}"
    assert actual == expected_path.read_text(encoding="utf-8")


def test_every_fixture_has_expected_output() -> None:
    expected = {p.name for p in (FIXTURES / "expected").iterdir()}
    assert expected == {f"{p.name}.md" for p in INPUTS}
