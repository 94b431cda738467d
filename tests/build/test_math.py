"""Math in every output, offline: MathML in the HTML pages and the EPUB (no script, no
CDN; epubcheck passes), the TeX itself in the LaTeX source of the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main

from tests.helpers import ROOT, epubcheck, need, need_epubcheck

PAGE = r"""# Formulas

Inline, Euler's identity {math}`e^{i\pi} + 1 = 0` and a norm {math}`\|x\|_2`.

```{math}
x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}
```

```{math}
:label: bayes

P(A \mid B) = \frac{P(B \mid A)\,P(A)}{P(B)}
```

```{math}
\mathcal{L} = -\sum_i y_i \log \hat{y}_i

\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
```

Bayes' rule is {eq}`bayes`.
"""

CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "scripts")!r})
project = "Formulas"
author = "Tests"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "bookgen.sphinx.mathml"]
html_math_renderer = "mathml"
html_static_path = ["_static"]
epub_basename = "book"
epub_identifier = epub_uid = "formulas"
epub_scheme = "URN"
epub_publisher = "Tests"
epub_copyright = "Tests"
epub_exclude_files = ["search.html"]
latex_engine = "lualatex"
"""

# An address on another host (a link to read elsewhere is fine; a resource is not).
OPF = "http://www.idpf.org/2007/opf"
OFF_SITE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def fetched_from_elsewhere(page: str) -> list[str]:
    """What a page would load from another host: scripts, style sheets, images, frames."""
    soup = BeautifulSoup(page, "html.parser")
    addresses = [str(tag.get("src", "")) for tag in soup.find_all(["script", "img", "iframe", "source"])]
    loaded = {"stylesheet", "preload", "modulepreload", "icon"}  # not canonical, alternate
    addresses += [
        str(tag.get("href", ""))
        for tag in soup.find_all("link")
        if loaded & set(tag.get_attribute_list("rel"))
    ]
    return [address for address in addresses if OFF_SITE.match(address)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "_static").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "_static" / "math.css", src / "_static")
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    return src


def build(src: Path, builder: str, out: Path) -> str:
    """Build strictly; the warnings (none expected)."""
    warnings = out.parent / f"{builder}-warnings.txt"
    args = ["-b", builder, "-d", str(out.parent / f"{builder}-doctrees"), str(src), str(out)]
    status = build_main([*args, "-W", "--keep-going", "-n", "-q", "-w", str(warnings)])
    text = warnings.read_text(encoding="utf-8")
    assert status == 0, text
    return text


def test_html_shows_mathml_with_nothing_from_outside(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "html"
    assert build(project, "html", out) == ""
    page = (out / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    formulas = soup.find_all("math")
    assert len(formulas) == 2 + 3  # two inline, three display blocks
    assert [m.get("display") for m in formulas].count("block") == 3
    assert all(m.get("xmlns") == "http://www.w3.org/1998/Math/MathML" for m in formulas)
    assert "\u221a" in formulas[2].get_text() or formulas[2].find("msqrt") is not None
    assert soup.find("code", class_="math-tex") is None  # every formula converted
    # The labelled equation is numbered and the reference links to it.
    number = soup.select_one("span.eqno")
    assert number is not None
    assert number.get_text().startswith("(1)")
    assert soup.select_one('a[href="#equation-bayes"]') is not None
    # No MathJax, no CDN: nothing on any page is fetched from another host.
    for built in [*out.rglob("*.html"), *out.rglob("*.js"), *out.rglob("*.css")]:
        text = built.read_text(encoding="utf-8")
        if built.suffix == ".html":
            assert fetched_from_elsewhere(text) == [], built
        for marker in ("cdn.", "jsdelivr", "mathjax", "katex"):
            assert marker not in text.lower(), (built, marker)


def test_epub_declares_its_mathml_and_passes_epubcheck(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "epub"
    assert build(project, "epub", out) == ""
    with zipfile.ZipFile(out / "book.epub") as epub:
        opf = epub.read("content.opf").decode()
        page = epub.read("index.xhtml").decode()
    items = {item.get("href"): item.get("properties") for item in ET.fromstring(opf).iter(f"{{{OPF}}}item")}
    assert items["index.xhtml"] == "mathml"
    assert "genindex.xhtml" in items and items["genindex.xhtml"] is None  # no math there
    assert page.count("<math ") == 5
    assert "mathjax" not in page.lower()
    assert epubcheck(out / "book.epub") == ""


def test_latex_gets_the_tex_itself(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "latex"
    assert build(project, "latex", out) == ""
    tex = next(out.glob("*.tex")).read_text(encoding="utf-8")
    assert r"\(e^{i\pi} + 1 = 0\)" in tex
    assert r"x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}" in tex
    assert r"\label{equation:index:bayes}" in tex
    assert r"\operatorname{softmax}(z)_i" in tex


def usage(name: str) -> str:
    """The command in the first shape the renderer reads (a symbol, one or two arguments...)."""
    from math_core import LatexError, LatexToMathML

    command = f"\\{name}"
    for form in (command, f"{command}{{x}}", f"{command}{{x}}{{y}}", f"{command}[2]{{x}}", f"{command}("):
        try:
            LatexToMathML().convert_with_local_state(f"a {form} b", displaystyle=True)
        except LatexError:
            continue
        return f"a {form} b"
    raise AssertionError(f"math-core cannot render \\{name}")


def every_allowed_command(src: Path) -> None:
    """Make ``src``'s page use every allowed command and environment, inline and displayed."""
    from bookgen.read.math import MATH_COMMANDS, MATH_ENVIRONMENTS

    skip = {"begin", "end", "left", "right", "middle", "limits", "nolimits"}
    forms = [usage(name) for name in sorted(MATH_COMMANDS - skip)]
    forms += [r"\left( \frac{a}{b} \middle| c \right)", r"\sum\limits_{i} \int\nolimits_0^1"]
    for env in sorted(MATH_ENVIRONMENTS):
        spec = {"array": "{cc}", "subarray": "{c}"}.get(env, "")
        rows = r"a \\ c" if env in ("gathered", "subarray") else r"a & b \\ c & d"  # one column
        forms.append(rf"\frac{{1}}{{\begin{{{env}}}{spec} {rows} \end{{{env}}}}}")
    blocks = "".join(f"```{{math}}\n{form}\n```\n\n{{math}}`{form}`\n\n" for form in forms)
    (src / "index.md").write_text(f"# All\n\n{blocks}", encoding="utf-8")


def test_every_allowed_command_passes_epubcheck(project: Path, tmp_path: Path) -> None:
    """Whatever the allowlist lets through is valid EPUB MathML, in every environment."""
    need_epubcheck()
    every_allowed_command(project)
    out = tmp_path / "epub"
    assert build(project, "epub", out) == ""
    assert 'class="math-tex"' not in (out / "index.xhtml").read_text(encoding="utf-8")
    assert epubcheck(out / "book.epub") == ""


def test_every_allowed_command_typesets_in_lualatex(project: Path, tmp_path: Path) -> None:
    """Whatever the allowlist lets through is defined in LaTeX (amsmath, amssymb) and nests
    in Sphinx's display math: the PDF build has no error."""
    need(
        bool(shutil.which("lualatex") and shutil.which("latexmk")), "TeX (lualatex, latexmk) is not installed"
    )
    every_allowed_command(project)
    out = tmp_path / "latex"
    assert build(project, "latex", out) == ""
    run = subprocess.run(
        ["make", "-C", str(out), "all-pdf", "LATEXMKOPTS=-silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    log = next(out.glob("*.log")).read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert errors == [], "\n".join(errors)
    assert run.returncode == 0, run.stdout[-2000:]
    assert [pdf.name for pdf in out.glob("*.pdf")] == ["formulas.pdf"]
