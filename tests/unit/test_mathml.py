"""The MathML renderer's pure parts: TeX to MathML, display blocks as one formula, the
EPUB's MathML 3 and its package file's declaration."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

from bookgen.sphinx.mathml import MATHML_NS, declare_mathml, display_tex, for_epub, to_mathml


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


def test_package_file_declares_pages_with_mathml(tmp_path: Path) -> None:
    (tmp_path / "a b.xhtml").write_text(
        f'<p><math xmlns="{MATHML_NS}"><mi>x</mi></math></p>', encoding="utf-8"
    )
    (tmp_path / "plain.xhtml").write_text("<p>&lt;math&gt; in words</p>", encoding="utf-8")
    opf = (
        '<item id="epub-0" href="a%20b.xhtml" media-type="application/xhtml+xml" />\n'
        '<item id="epub-1" href="plain.xhtml" media-type="application/xhtml+xml" />\n'
        '<item id="epub-2" href="x.css" media-type="text/css" />'
    )
    assert declare_mathml(opf, tmp_path).splitlines() == [
        '<item id="epub-0" href="a%20b.xhtml" media-type="application/xhtml+xml" properties="mathml" />',
        '<item id="epub-1" href="plain.xhtml" media-type="application/xhtml+xml" />',
        '<item id="epub-2" href="x.css" media-type="text/css" />',
    ]
