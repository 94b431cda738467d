"""Sphinx extension: a post's ``<details>`` (a sphinx-design dropdown) is shown open in
the EPUB, as the PDF shows it.

Online it is a dropdown a reader opens. An e-reader's support for ``<details>`` varies,
and sphinx-design draws its chevron as an inline ``<svg>`` with no namespace, which
EPUB's XHTML refuses; so for EPUB builders the dropdown stays what it is before the HTML
transform makes it one: its title as a rubric, then its content.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

DROPDOWN = "dropdown"  # sphinx-design's component name
OPEN = "dropdown-open"  # a name no sphinx-design transform acts on: a plain container


class OpenDetailsInEpub(SphinxPostTransform):
    """Runs just before sphinx-design's ``DropdownHtmlTransform`` (priority 199)."""

    default_priority = 198
    builders = ("epub",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.Element)):
            if node.get("design_component") == DROPDOWN:
                node["design_component"] = OPEN


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(OpenDetailsInEpub)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
