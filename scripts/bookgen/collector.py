"""The garbage collector paused while many objects are loaded that are not garbage."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


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
