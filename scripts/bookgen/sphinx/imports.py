"""Sphinx extension: the modules a build imported, named for the next build to load early.

``make html`` (``booktools.htmlbuild``) imports what a build needs while the converter
runs, but the extensions import most of theirs only when Sphinx sets them up or first
meets a page (MyST's parser, sphinx-design's directives, the theme's styles): 0.15 s of
an edit's rebuild at 1,000 posts. When a build has finished, every module its process
imported is named in its doctrees folder, whatever started it (``make html``, the
benchmark, ``sphinx-build``), so the next ``make html`` imports them beside the converter.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..labels import IMPORTED_MODULES


def name_imported_modules(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the list, rewritten only when it changed."""
    if exception is not None or not app.doctreedir:
        return
    path = Path(app.doctreedir) / IMPORTED_MODULES
    text = "".join(f"{name}\n" for name in sorted(sys.modules) if _worth_naming(name))
    with suppress(OSError):  # a speed-up only
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


# Modules of the process a build may run in (a test session) that a build never needs,
# and modules whose import does something.
NOT_NAMED = ("_pytest", "pytest", "antigravity", "this", "idlelib", "hypothesis", "playwright")


def _worth_naming(name: str) -> bool:
    parts = name.split(".")
    return parts[0] not in NOT_NAMED and not any(part.startswith("__") for part in parts)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", name_imported_modules)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
