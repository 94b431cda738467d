"""The garbage collector kept from walking, again and again, objects that are not garbage:
paused while many are loaded, and, in a worker, what it keeps frozen as it goes."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading many small objects (unpickling, unmarshalling) sets off a collection every
    few hundred, each walking all loaded before: the load grows with the square of its
    size. Nothing loaded is garbage, so the collector waits until the load is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """While workers are forked: the objects made so far stay out of their garbage
    collections, which would otherwise walk, and so copy page by page, the whole heap
    each worker inherits (a cost that grew with the book in every worker). A heap
    frozen already (``sphinx.heap`` freezes the loaded environment for the build) stays
    frozen: unfreezing it here let the main process walk the environment again."""
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


@contextlib.contextmanager
def settled_heap() -> Iterator[Callable[[], None]]:
    """Yields ``settle``, to be called between pages in a worker that keeps something of
    every page it reads or writes.

    Each collection of the oldest generation walks every object the worker made and
    kept, so their number grows with the pages done and the walks with its square: at
    3,000 posts a reading worker spent 11 s of its 35 s collecting, at 1,000 posts 2.3 s
    of 10.5 s. After such a collection, the next ``settle`` (between two pages, when no
    page's tree is half made) collects once more, so only what is kept survives, and
    freezes it: later walks skip it, and the collector's work grows with the pages.
    For forked workers only: the freeze lasts as long as the process, so a cycle frozen
    and dropped later is never collected."""
    collected = False

    def note(phase: str, info: dict[str, Any]) -> None:
        nonlocal collected
        if phase == "stop" and info["generation"] == 2:
            collected = True

    def settle() -> None:
        nonlocal collected
        if collected:
            gc.collect()
            gc.freeze()
            collected = False

    gc.callbacks.append(note)
    try:
        yield settle
    finally:
        gc.callbacks.remove(note)
