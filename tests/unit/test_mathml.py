"""The MathML renderer's pure parts: TeX to MathML, display blocks as one formula, the
EPUB's MathML 3 and its package file's declaration."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docutils import nodes

from bookgen.sphinx.mathml import (
    MATHML_NS,
    OPF_NS,
    XHTML_NS,
    declare_mathml,
    display_tex,
    for_epub,
    to_mathml,
)


def test_mathml_is_namespaced_and_has_no_named_entity() -> None:
    mathml = to_mathml(r"\sin x < \operatorname{f}(x)", display=False)
    assert mathml is not None
    assert mathml.startswith(f'<math xmlns="{MATHML_NS}">')
    assert "&lt;" in mathml
    assert "&ApplyFunction;" not in mathml


def test_unreadable_tex_gives_none() -> None:
    assert to_mathml(r"\frac{1}", display=True) is None


def test_display_blocks_align_parts_and_breaks_only() -> None:
    assert display_tex(nodes.math_block("", "a = b")) == "a = b"
    matrix = r"\begin{pmatrix} a \\ b \end{pmatrix}"
    assert display_tex(nodes.math_block("", matrix)) == matrix  # its break is the matrix's
    assert (
        display_tex(nodes.math_block("", "a = b\n\nc = d")) == r"\begin{aligned}a = b \\ c = d\end{aligned}"
    )
    assert (
        display_tex(nodes.math_block("", r"a &= b \\ &= c")) == r"\begin{aligned}a &= b \\ &= c\end{aligned}"
    )
    assert display_tex(nodes.math_block("", r"x \\ y", nowrap=True)) == r"x \\ y"


def test_epub_mathml_moves_style_to_mstyle() -> None:
    core = to_mathml(r"\dfrac{1}{\begin{matrix} a \\ b \end{matrix}} \textbf{t}", display=True)
    assert core is not None
    assert "<mfrac displaystyle" in core
    epub = for_epub(core)
    assert '<mstyle displaystyle="true"><mfrac>' in epub
    assert '<mstyle scriptlevel="0"><mtable displaystyle="false">' in epub
    assert epub.count("<mstyle") == epub.count("</mstyle>")
    assert '<b xmlns="http://www.w3.org/1999/xhtml">t</b>' in epub
    assert "scriptlevel" not in epub.replace("<mstyle scriptlevel", "")


FORMULAS = [
    (r"\text{a \textbf{b \textit{c}} d}", False),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
    (r"\frac{1}{\begin{matrix} a \\ b \end{matrix}} + \dfrac{x}{y} + \tfrac{1}{2}", False),
    (r"x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}", True),
    (r"\sum_{i=1}^n \frac{1}{i} < \infty \quad \mathrm{d}x", True),
]


@pytest.mark.parametrize(("tex", "display"), FORMULAS)
def test_epub_mathml_is_xml_with_style_on_mstyle_only(tex: str, display: bool) -> None:
    core = to_mathml(tex, display=display)
    assert core is not None
    epub = for_epub(core)
    assert epub.startswith(f'<math xmlns="{MATHML_NS}"')
    assert "ns0:" not in epub and "html:" not in epub
    root = ET.fromstring(epub)  # well-formed
    assert root.tag == f"{{{MATHML_NS}}}math"
    for element in root.iter():
        namespace, _, name = element.tag[1:].partition("}")
        if namespace == XHTML_NS:  # the HTML of \textbf and \textit
            assert name in ("b", "i")
            continue
        assert namespace == MATHML_NS, element.tag
        if name in ("math", "mstyle"):
            continue
        assert "scriptlevel" not in element.attrib, name
        assert name == "mtable" or "displaystyle" not in element.attrib, name
    # What the formula says is kept: the same text, in the same order.
    assert "".join(root.itertext()) == "".join(ET.fromstring(core).itertext())


def test_epub_mathml_declares_html_as_xhtml() -> None:
    core = to_mathml(r"\text{a \textbf{b}}", display=False)
    assert core is not None
    root = ET.fromstring(for_epub(core))
    bold = root.find(f".//{{{MATHML_NS}}}mtext/{{{XHTML_NS}}}b")
    assert bold is not None and bold.text == "b"


def test_display_fraction_and_matrix_wrap_in_mstyle() -> None:
    core = to_mathml(r"\dfrac{1}{2} \begin{matrix} a \end{matrix}", display=True)
    assert core is not None
    root = ET.fromstring(for_epub(core))
    styles = root.findall(f".//{{{MATHML_NS}}}mstyle")
    assert [dict(style.attrib) for style in styles] == [{"displaystyle": "true"}, {"scriptlevel": "0"}]
    assert [child.tag.rpartition("}")[2] for style in styles for child in style] == ["mfrac", "mtable"]
    table = styles[1][0]
    assert table.get("displaystyle") == "false"  # a table keeps its own


OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" xml:lang="en" unique-identifier="id">
  <metadata xmlns:opf="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>Sums &amp; fractions</dc:title>
    <dc:identifier id="id">urn:x</dc:identifier>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml" />
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="epub-0" href="a%20b.xhtml" media-type="application/xhtml+xml" />
    <item id="epub-1" href="plain.xhtml" media-type="application/xhtml+xml" />
    <item id="epub-2" href="gone.xhtml" media-type="application/xhtml+xml" />
    <item id="epub-3" href="x.css" media-type="text/css" />
  </manifest>
  <spine toc="ncx"><itemref idref="epub-0" /></spine>
</package>
"""


def test_package_file_declares_pages_with_mathml(tmp_path: Path) -> None:
    page = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="{}"><body>{}</body></html>'
    math = f'<p><math xmlns="{MATHML_NS}"><mi>x</mi></math></p>'
    (tmp_path / "a b.xhtml").write_text(page.format(XHTML_NS, math), encoding="utf-8")
    (tmp_path / "nav.xhtml").write_text(page.format(XHTML_NS, math), encoding="utf-8")
    words = f'<p>&lt;math xmlns="{MATHML_NS}"&gt; in words</p>'  # not an element
    (tmp_path / "plain.xhtml").write_text(page.format(XHTML_NS, words), encoding="utf-8")
    (tmp_path / "x.css").write_text(f"/* {MATHML_NS} */", encoding="utf-8")
    declared = declare_mathml(OPF, tmp_path)
    assert declared.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<package ')
    root = ET.fromstring(declared)
    items = {item.get("id"): item.get("properties") for item in root.iter(f"{{{OPF_NS}}}item")}
    assert items == {
        "ncx": None,
        "nav": "nav mathml",  # appended to the properties it has
        "epub-0": "mathml",
        "epub-1": None,
        "epub-2": None,
        "epub-3": None,
    }
    # The rest is as written: the prefixes, the metadata, the spine.
    assert "<dc:title>Sums &amp; fractions</dc:title>" in declared
    assert 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in declared
    assert "ns0" not in declared
    assert root.find(f"{{{OPF_NS}}}spine/{{{OPF_NS}}}itemref") is not None
    assert declare_mathml(declared, tmp_path) == declared  # declared once
