"""The project's posts are the user's posts, byte for byte."""

from __future__ import annotations

import pytest

from tests.helpers import IN_CI, POSTS, SHARED_POSTS


def test_posts_are_byte_identical_copies_of_the_delivered_ones() -> None:
    if not SHARED_POSTS.is_dir():
        if IN_CI:
            pytest.fail(f"CI is set but {SHARED_POSTS} is missing")
        pytest.skip(f"{SHARED_POSTS} is not beside the project")
    delivered = {p.name: p.read_bytes() for p in SHARED_POSTS.iterdir()}
    kept = {p.name: p.read_bytes() for p in POSTS.iterdir()}
    assert kept == delivered
