"""The fast sidebar's choice of serial or parallel reading, without a build."""

from __future__ import annotations

from types import SimpleNamespace

from bookgen.sphinx.nav import SmallUpdates


def test_small_updates_run_serially_and_full_rewrites_in_parallel() -> None:
    app = SimpleNamespace(parallel=2)
    updates = SmallUpdates()
    updates.before_read(app, None, ["generated/posts/one", "index"])  # type: ignore[arg-type]
    assert app.parallel == 1
    updates.many_to_write(app)  # type: ignore[arg-type]
    assert app.parallel == 2
    updates.before_read(app, None, [f"generated/posts/{n}" for n in range(100)])  # type: ignore[arg-type]
    assert app.parallel == 2
