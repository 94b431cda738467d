"""Sphinx extension: math as MathML, written at build time; no script, no network.

Sphinx's default HTML math is MathJax from a CDN, so a book read offline shows raw TeX.
Here math-core turns each formula into MathML Core, which Chromium, Firefox and Safari
draw natively, and which EPUB 3 supports: the online book and the EPUB need nothing
from outside. The PDF is untouched: LaTeX typesets the TeX itself.

EPUB 3 requires each content document holding MathML to be declared with
``properties="mathml"`` in the package file, which Sphinx's EPUB builder does not write;
the builder here adds it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.dom.minidom import Document
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET
from defusedxml import minidom as SafeMinidom
from docutils import nodes
from math_core import LatexError, LatexToMathML
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

RENDERER = "mathml"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPF_NS = "http://www.idpf.org/2007/opf"
# A named entity in math-core's output (text substitution: the markup is parsed after it).
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
# MathML elements whose names do not start with "m"; any other such name is HTML.
_MATHML_NAMES = frozenset({"none", "semantics", "annotation", "annotation-xml"})
_STYLE_ATTRIBUTES = ("displaystyle", "scriptlevel")
_QUOTE = {'"': "&quot;"}
XML_NS = "http://www.w3.org/XML/1998/namespace"
_LINE_TOKENS = re.compile(r"\\\\|\\begin\{|\\end\{|\\.")


def to_mathml(tex: str, *, display: bool) -> str | None:
    """``tex`` as a MathML element (namespaced, as XHTML needs), or None when it does not convert."""
    try:
        # A converter per formula: its state (equation counters) is never shared.
        mathml = LatexToMathML().convert_with_local_state(tex, displaystyle=display)
    except LatexError:
        return None
    # XHTML (the EPUB) knows XML's five named entities only: &ApplyFunction; is its character.
    mathml = _ENTITY.sub(lambda m: m[0] if m[1] in _XML_ENTITIES else html.unescape(m[0]), mathml)
    return mathml.replace("<math", f'<math xmlns="{MATHML_NS}"', 1)


def _split(tag: str) -> tuple[str, str]:
    """An ElementTree tag as (namespace, local name)."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _move_style(parent: ET.Element) -> None:
    """Wrap each MathML element under ``parent`` that sets ``displaystyle`` or ``scriptlevel``
    (a table keeps its ``displaystyle``) in an ``mstyle`` that sets them instead, and put
    the HTML inside ``mtext`` in the XHTML namespace."""
    for index, child in enumerate(list(parent)):
        namespace, name = _split(child.tag)
        if namespace == MATHML_NS and not name.startswith("m") and name not in _MATHML_NAMES:
            child.tag = f"{{{XHTML_NS}}}{name}"
        _move_style(child)
        if child.tag != f"{{{MATHML_NS}}}{name}" or name in ("math", "mstyle"):
            continue
        keep = "displaystyle" if name == "mtable" else ""
        moved = {
            key: value for key, value in child.attrib.items() if key in _STYLE_ATTRIBUTES and key != keep
        }
        if not moved:
            continue
        for key in moved:
            del child.attrib[key]
        style = ET.Element(f"{{{MATHML_NS}}}mstyle", moved)
        style.tail, child.tail = child.tail, None
        style.append(child)
        parent[index] = style


def _attribute_name(key: str) -> str:
    """An attribute's name as written: MathML's attributes have no namespace but ``xml:``'s."""
    namespace, name = _split(key)
    if namespace == XML_NS:
        return f"xml:{name}"
    if namespace:
        raise ValueError(f"unexpected namespaced attribute in MathML: {key}")
    return name


def _serialize(element: ET.Element, namespace: str = "") -> str:
    """``element`` as XML, each element unprefixed: one whose namespace differs from its
    parent's declares it (``<math xmlns=MathML>``, ``<b xmlns=XHTML>`` inside ``mtext``)."""
    own, name = _split(element.tag)
    declaration = f' xmlns="{escape(own, _QUOTE)}"' if own != namespace else ""
    attributes = "".join(
        f' {_attribute_name(key)}="{escape(value, _QUOTE)}"' for key, value in element.attrib.items()
    )
    inner = escape(element.text or "") + "".join(_serialize(child, own) for child in element)
    start = f"<{name}{declaration}{attributes}"
    body = f"{start}>{inner}</{name}>" if inner else f"{start}/>"
    return body + escape(element.tail or "")


def for_epub(mathml: str) -> str:
    """MathML Core as EPUB's MathML 3 schema allows it.

    There ``displaystyle`` and ``scriptlevel`` belong to ``mstyle`` (on a table,
    ``displaystyle`` too), so an element that sets them is wrapped in one; and the HTML
    that ``\\textbf{}`` and the like put in ``mtext`` is declared as XHTML.
    """
    root: ET.Element = SafeET.fromstring(mathml)
    _move_style(root)
    return _serialize(root)


def _render(translator: HTML5Translator, node: nodes.Element, tex: str, *, display: bool) -> str:
    mathml = to_mathml(tex, display=display)
    if mathml is None:
        return _fallback(translator, node, tex)
    return for_epub(mathml) if translator.builder.name.startswith("epub") else mathml


def _breaks_lines(tex: str) -> bool:
    """Whether ``tex`` has a line break of its own, not one inside a matrix or cases."""
    depth = 0
    for token in _LINE_TOKENS.finditer(tex):
        if token[0] == "\\\\" and depth == 0:
            return True
        depth += {"\\begin{": 1, "\\end{": -1}.get(token[0], 0)
    return False


def display_tex(node: nodes.math_block) -> str:
    """The TeX of a display block as one formula: parts split by blank lines, or a
    part with line breaks, are aligned (as Sphinx's LaTeX writer aligns them)."""
    if node.get("no-wrap", node.get("nowrap", False)):
        return node.astext()
    parts = [part.strip() for part in node.astext().split("\n\n") if part.strip()]
    if len(parts) == 1 and not _breaks_lines(parts[0]):
        return parts[0]
    return r"\begin{aligned}" + r" \\ ".join(parts) + r"\end{aligned}"


def _fallback(translator: HTML5Translator, node: nodes.Element, tex: str) -> str:
    """A formula the converter cannot read is shown as its TeX, and named in the log."""
    logger.info("bookgen: math shown as TeX, MathML conversion failed: %s", tex[:80], location=node)
    return f'<code class="math-tex">{translator.encode(tex)}</code>'


def visit_math(translator: HTML5Translator, node: nodes.math) -> None:
    tex = node.astext()
    translator.body.append(translator.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    translator.body.append(_render(translator, node, tex, display=False))
    translator.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(translator: HTML5Translator, node: nodes.math_block) -> None:
    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"]:
        translator.body.append(f'<span class="eqno">({get_node_equation_number(translator, node)})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    tex = display_tex(node)
    translator.body.append(_render(translator, node, tex, display=True))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def _holds_mathml(page: Path) -> bool:
    """Whether the XHTML file ``page`` has a MathML element."""
    try:
        tree = SafeET.parse(page)
    except OSError:
        return False
    except ET.ParseError as exc:
        logger.warning("bookgen: %s is not well-formed XHTML (%s); not declared as holding MathML", page, exc)
        return False
    return next(tree.iter(f"{{{MATHML_NS}}}math"), None) is not None


def declare_mathml(opf: str, outdir: Path) -> str:
    """The package file with ``properties="mathml"`` on each XHTML item that holds MathML.

    The DOM keeps the package file as written (its prefixes, ``dc:`` and ``opf:``), which
    ElementTree would rename; only the items' ``properties`` change.
    """
    document: Document = SafeMinidom.parseString(opf)
    package = document.documentElement
    assert package is not None  # a parsed document has its element
    for manifest in package.getElementsByTagNameNS(OPF_NS, "manifest"):
        for item in manifest.getElementsByTagNameNS(OPF_NS, "item"):
            if item.getAttribute("media-type") != "application/xhtml+xml":
                continue
            properties = item.getAttribute("properties").split()
            if "mathml" in properties or not _holds_mathml(outdir / unquote(item.getAttribute("href"))):
                continue
            item.setAttribute("properties", " ".join([*properties, "mathml"]))
    return "\n".join(
        ['<?xml version="1.0" encoding="UTF-8"?>', *(node.toxml() for node in document.childNodes), ""]
    )


class MathMLEpub3Builder(Epub3Builder):
    """Sphinx's EPUB 3 builder, declaring the pages that hold MathML."""

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir) / "content.opf"
        opf.write_text(declare_mathml(opf.read_text(encoding="utf-8"), Path(self.outdir)), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_math_block, None))
    app.add_builder(MathMLEpub3Builder, override=True)
    app.add_css_file("math.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
