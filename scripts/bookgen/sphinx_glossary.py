"""Sphinx extension: glossary mentions that link, are link targets, and explain on hover.

The converter writes the first mention of a term in a post as ``{gloss}`text <Term>```.
That role makes a normal ``{term}`` reference plus a target, so the glossary's "Used in"
list can link to the very spot. In HTML the reference also gets the term's definition as
a tooltip shown on hover and on keyboard focus, built from the glossary page itself: no
script, no network, and safe with parallel builds (definitions live in a domain).
"""

from __future__ import annotations

import json
from collections.abc import Set
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Node, system_message
from docutils.parsers.rst.states import Inliner
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.util.nodes import split_explicit_title
from sphinx.writers.html5 import HTML5Translator

from .glossary import term_label
from .sphinx_anchor import anchored_reference

HTML_FORMATS = frozenset({"html"})


class gloss_mention(nodes.inline):
    """Placeholder around a term reference; replaced when the page is written."""


class gloss_tooltip(nodes.inline):
    """A term's definition, shown as a tooltip in HTML."""


class GlossaryDomain(Domain):
    """Holds each glossary term's definition, per document, for incremental builds."""

    name = "bookgloss"
    label = "Book glossary"
    initial_data: ClassVar[dict[str, Any]] = {"definitions": {}}

    @property
    def definitions(self) -> dict[str, tuple[str, str]]:
        """Lower-cased term -> (docname, definition text)."""
        return self.data.setdefault("definitions", {})  # type: ignore[no-any-return]

    def clear_doc(self, docname: str) -> None:
        for key, (owner, _) in list(self.definitions.items()):
            if owner == docname:
                del self.definitions[key]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for key, (owner, text) in otherdata["definitions"].items():
            if owner in docnames:
                self.definitions[key] = (owner, text)

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, nodes.reference]]:
        return []


def gloss_role(  # noqa: PLR0917  (the docutils role signature)
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[Node], list[system_message]]:
    """``{gloss}`text <Term>```: a term reference that is also a link target."""
    _, title, term = split_explicit_title(text)
    env: BuildEnvironment = inliner.document.settings.env
    label = term_label(PurePosixPath(env.docname).name, term)
    anchor, references, messages = anchored_reference(
        "std:term", title=title, target=term, label=label, inliner=inliner, lineno=lineno, rawtext=rawtext
    )
    mention = gloss_mention("", "", *references, term=term.lower())
    return [anchor, mention], messages


def collect_definitions(app: Sphinx, doctree: nodes.document) -> None:
    """Read the definitions of a page's ``glossary`` directives into the domain."""
    domain = app.env.domains[GlossaryDomain.name]
    assert isinstance(domain, GlossaryDomain)
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            definition = next(iter(item.findall(nodes.definition)), None)
            first = next(iter(definition.findall(nodes.paragraph)), None) if definition else None
            if first is None:
                continue
            for term in item.findall(nodes.term):
                domain.definitions[term.astext().lower()] = (app.env.docname, first.astext())


def resolve_mentions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """HTML: add the definition as a tooltip. Other builders: leave the plain reference."""
    domain = app.env.domains[GlossaryDomain.name]
    assert isinstance(domain, GlossaryDomain)
    html = app.builder.format in HTML_FORMATS and not app.builder.name.startswith("epub")
    for mention in list(doctree.findall(gloss_mention)):
        definition = domain.definitions.get(mention["term"])
        if not html or definition is None:
            mention.replace_self(mention.children)
            continue
        tooltip = gloss_tooltip("", definition[1], classes=["gloss-tip", "no-search"])
        mention.replace_self(nodes.inline("", "", *mention.children, tooltip, classes=["gloss"]))


def visit_gloss_tooltip(translator: HTML5Translator, node: gloss_tooltip) -> None:
    translator.body.append(translator.starttag(node, "span", "", role="tooltip"))


def depart_gloss_tooltip(translator: HTML5Translator, node: gloss_tooltip) -> None:
    translator.body.append("</span>")


def _unsupported(translator: Any, node: Node) -> None:
    raise nodes.SkipNode


def write_term_list(app: Sphinx, exception: Exception | None) -> None:
    """HTML: the glossary's terms for the search scorer, which ranks their entry first."""
    if exception is not None or app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    domain = app.env.domains[GlossaryDomain.name]
    assert isinstance(domain, GlossaryDomain)
    docs = sorted({docname for docname, _ in domain.definitions.values()})
    data = {"terms": sorted(domain.definitions), "docs": docs}
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "glossary-terms.js").write_text(f"var BOOK_GLOSSARY = {json.dumps(data)};\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_domain(GlossaryDomain)
    app.add_role("gloss", gloss_role)
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
    app.connect("doctree-read", collect_definitions)
    app.connect("doctree-resolved", resolve_mentions)
    app.add_css_file("glossary.css")
    app.add_js_file("glossary-terms.js")
    app.connect("build-finished", write_term_list)
    return {"version": "0.1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
