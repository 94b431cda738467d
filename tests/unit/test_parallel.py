"""How the HTML builder shares out its work (bookgen.sphinx.parallel), without a build."""

from __future__ import annotations

from bookgen.sphinx.parallel import PARALLEL_FROM, write_plan


def test_an_edit_writes_its_pages_here_and_the_rest_beside_them() -> None:
    assert write_plan(1, 1) == "serial"  # one CPU, or a builder that may not fork
    assert write_plan(PARALLEL_FROM * 100, 1) == "serial"
    assert write_plan(1, 2) == "beside"
    assert write_plan(PARALLEL_FROM - 1, 2) == "beside"
    assert write_plan(PARALLEL_FROM, 2) == "parallel"
