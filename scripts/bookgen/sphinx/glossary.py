"""Sphinx extension: glossary mentions that link, are link targets, and explain on hover.

The converter writes the first mention of a term in a post as ``{gloss}`text <Term>```
(see ``mentions``). In HTML the reference also gets the term's definition as a tooltip,
shown on hover and on keyboard focus: no script, no network. The definitions come from
the converter's book metadata (``book.book_metadata``), never from a rendered page; a
changed definition rewrites every page, as a change to an HTML setting does.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.nodes import Node
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

from ..labels import term_label
from .mentions import MentionRole


class gloss_mention(nodes.inline):
    """Placeholder around a term reference; replaced when the page is written."""


class gloss_tooltip(nodes.inline):
    """A term's definition, shown as a tooltip in HTML."""


class GlossMentionRole(MentionRole):
    def wrap(self, references: list[Node], key: str) -> list[Node]:
        return [gloss_mention("", "", *references, term=key.lower())]


def _is_html(app: Sphinx) -> bool:
    return app.builder.format == "html" and not app.builder.name.startswith("epub")


def resolve_mentions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """HTML: add the definition as a tooltip. Other builders: leave the plain reference."""
    definitions: dict[str, str] = app.config.book_glossary.get("definitions", {})
    html = _is_html(app)
    for mention in list(doctree.findall(gloss_mention)):
        definition = definitions.get(mention["term"])
        if not html or definition is None:
            mention.replace_self(mention.children)
            continue
        tooltip = gloss_tooltip("", definition, classes=["gloss-tip", "no-search"])
        mention.replace_self(nodes.inline("", "", *mention.children, tooltip, classes=["gloss"]))


def visit_gloss_tooltip(translator: HTML5Translator, node: gloss_tooltip) -> None:
    translator.body.append(translator.starttag(node, "span", "", role="tooltip"))


def depart_gloss_tooltip(translator: HTML5Translator, node: gloss_tooltip) -> None:
    translator.body.append("</span>")


def _unsupported(translator: Any, node: Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    # Set from the book metadata by ``book``: {"docname": ..., "definitions": {term: text}}.
    app.add_config_value("book_glossary", {}, "html", types=[dict])
    app.add_role("gloss", GlossMentionRole("std:term", str, term_label))
    app.add_node(gloss_mention)
    skip = (_unsupported, None)
    app.add_node(
        gloss_tooltip,
        html=(visit_gloss_tooltip, depart_gloss_tooltip),
        latex=skip,
        text=skip,
        man=skip,
        texinfo=skip,
    )
    app.connect("doctree-resolved", resolve_mentions)
    app.add_css_file("glossary.css")
    return {"version": "0.2", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
