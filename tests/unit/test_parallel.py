"""How the HTML builder shares out its work (bookgen.sphinx.parallel), without a build."""

from __future__ import annotations

from bookgen.sphinx.parallel import PARALLEL_FROM, write_plan


def test_an_edit_writes_its_pages_here_and_the_rest_beside_them() -> None:
    assert write_plan(1, 1) == "serial"  # one CPU, or a builder that may not fork
    assert write_plan(PARALLEL_FROM * 100, 1) == "serial"
    assert write_plan(1, 2) == "beside"
    assert write_plan(PARALLEL_FROM - 1, 2) == "beside"
    assert write_plan(PARALLEL_FROM, 2) == "parallel"


def test_forking_workers_leaves_a_heap_frozen_before_it_frozen() -> None:
    """``sphinx.heap`` freezes the loaded environment for the whole build; forking the
    workers freezes the heap for a while and must not thaw what was frozen before."""
    import gc

    from bookgen.collector import frozen_heap

    gc.unfreeze()
    try:
        with frozen_heap():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0  # frozen only for the fork
        gc.freeze()
        before = gc.get_freeze_count()
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= before > 0  # the build's freeze stands
    finally:
        gc.unfreeze()
