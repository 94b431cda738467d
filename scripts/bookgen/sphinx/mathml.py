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
from pathlib import Path
from typing import Any
from urllib.parse import unquote

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
# An item of the package file as Sphinx's content.opf template writes it.
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
XHTML_NS = "http://www.w3.org/1999/xhtml"
_TAG = re.compile(r"<(/?)([A-Za-z][\w.-]*)((?:\s[^>]*?)?)(/?)>")
_STYLE_ATTRIBUTE = re.compile(r' (displaystyle|scriptlevel)="[^"]*"')
_MATHML_NAMES = frozenset({"none", "semantics", "annotation", "annotation-xml"})
_LINE_TOKENS = re.compile(r"\\\\|\\begin\{|\\end\{|\\.")
_XHTML_ITEM = re.compile(r'<item id="[^"]*" href="([^"]*)" media-type="application/xhtml\+xml" />')


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


def for_epub(mathml: str) -> str:
    """MathML Core as EPUB's MathML 3 schema allows it.

    There ``displaystyle`` and ``scriptlevel`` belong to ``mstyle`` (on a table,
    ``displaystyle`` too), so an element that sets them is wrapped in one; and the HTML
    that ``\\textbf{}`` and the like put in ``mtext`` is declared as XHTML.
    """
    wrapped: list[bool] = []

    def rewrite(match: re.Match[str]) -> str:
        closing, name, attributes, empty = match.groups()
        if not name.startswith("m") and name not in _MATHML_NAMES:
            if closing or "xmlns" in attributes:
                return match.group(0)
            return f'<{name} xmlns="{XHTML_NS}"{attributes}{empty}>'
        if closing:
            return f"</{name}></mstyle>" if wrapped.pop() else match.group(0)
        keep = "displaystyle" if name == "mtable" else ""
        moved = [a for a in _STYLE_ATTRIBUTE.finditer(attributes) if a.group(1) != keep]
        if name in ("math", "mstyle") or not moved:
            if not empty:
                wrapped.append(False)
            return match.group(0)
        for attribute in moved:
            attributes = attributes.replace(attribute.group(0), "")
        style = "".join(attribute.group(0) for attribute in moved)
        if empty:
            return f"<mstyle{style}><{name}{attributes}/></mstyle>"
        wrapped.append(True)
        return f"<mstyle{style}><{name}{attributes}>"

    return _TAG.sub(rewrite, mathml)


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


def declare_mathml(opf: str, outdir: Path) -> str:
    """The package file with ``properties="mathml"`` on each XHTML item that holds MathML."""

    def declare(match: re.Match[str]) -> str:
        page = outdir / unquote(html.unescape(match.group(1)))
        if page.is_file() and f'xmlns="{MATHML_NS}"' in page.read_text(encoding="utf-8"):
            return match.group(0).replace(" />", ' properties="mathml" />')
        return match.group(0)

    return _XHTML_ITEM.sub(declare, opf)


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
