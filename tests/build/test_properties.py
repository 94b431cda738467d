"""Property tests: any posts build without warnings and keep every word."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookgen.assemble.parts import unique_slugs
from bookgen.read.post import read_post
from tests.helpers import any_text, build_book, expected_words, front_matter, page_words, post_bytes


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
