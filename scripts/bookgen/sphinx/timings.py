"""Sphinx extension: where a build's time goes, for ``make bench``.

With ``BOOK_TIMINGS=some/file`` in the environment, the build appends a line per stage
to that file (``stage<TAB>seconds``): ``read`` (reading every changed page, merging the
workers' results), ``write`` (resolving and writing the pages, then the builder's own
finishing work), and from the other extensions ``resolve`` and ``translate`` (the
seconds of every process spent resolving pages and turning them into HTML, summed) and
``search index``. Without it, nothing is measured or written.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

ENVIRONMENT = "BOOK_TIMINGS"


def record(stage: str, seconds: float) -> None:
    """Append one stage's seconds to the timings file, if the build was asked for one."""
    path = os.environ.get(ENVIRONMENT)
    if path:
        with Path(path).open("a", encoding="utf-8") as stream:
            stream.write(f"{stage}\t{seconds:.3f}\n")


def read_timings(path: Path) -> dict[str, float]:
    """The stages of a timings file, seconds summed per stage."""
    totals: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else ():
        stage, _, seconds = line.partition("\t")
        totals[stage] = totals.get(stage, 0.0) + float(seconds)
    return totals


@dataclass
class Stopwatch:
    """Wall-clock marks of the build's phases, in the main process."""

    read_from: float = 0.0
    write_from: float = 0.0

    def start_read(self, *_: Any) -> None:
        self.read_from = time.perf_counter()

    def end_read(self, *_: Any) -> None:
        if self.read_from:
            record("read", time.perf_counter() - self.read_from)

    def start_write(self, *_: Any) -> None:
        self.write_from = time.perf_counter()

    def end_write(self, *_: Any) -> None:
        if self.write_from:
            record("write", time.perf_counter() - self.write_from)


def setup(app: Sphinx) -> dict[str, Any]:
    watch = Stopwatch()
    app.connect("env-before-read-docs", watch.start_read)
    app.connect("env-updated", watch.end_read)
    app.connect("write-started", watch.start_write)
    app.connect("build-finished", watch.end_write, priority=1)  # before the search index
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
