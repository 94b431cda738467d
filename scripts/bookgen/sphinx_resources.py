"""Sphinx extension: a post's citation of a resource links to its entry and is a target.

The converter writes a post's first citation of a resource as ``{resref}`text <id>```:
a reference to the entry (label ``res-<id>`` on the resource pages) with a target in
front of it, so the entry's "Mentioned in" list can link back to the very spot.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from docutils.nodes import Node, system_message
from docutils.parsers.rst.states import Inliner
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import split_explicit_title

from .resources import citation_label, entry_label
from .sphinx_anchor import anchored_reference


def resref_role(  # noqa: PLR0917  (the docutils role signature)
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[Node], list[system_message]]:
    _, title, resource = split_explicit_title(text)
    env: BuildEnvironment = inliner.document.settings.env
    label = citation_label(PurePosixPath(env.docname).name, resource)
    anchor, references, messages = anchored_reference(
        "std:ref",
        title=title,
        target=entry_label(resource),
        label=label,
        inliner=inliner,
        lineno=lineno,
        rawtext=rawtext,
    )
    return [anchor, *references], messages


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_role("resref", resref_role)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
