"""A post's formula reaches LaTeX and the HTML renderer only when every command in it is
a known math command: file, shell, Lua, macro and link commands are refused, however spelled."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from math_core import LatexError, LatexToMathML

from bookgen.read.math import (
    MATH_COMMANDS,
    MATH_ENVIRONMENTS,
    MAX_DEPTH,
    MAX_LENGTH,
    TEXT_COMMANDS,
    math_problem,
)

REFUSED_COMMANDS = [
    *("input", "include", "openin", "openout", "read", "write", "write18", "immediate", "endinput"),
    *("catcode", "def", "edef", "gdef", "xdef", "let", "futurelet", "csname", "endcsname"),
    *("expandafter", "noexpand", "newcommand", "renewcommand", "providecommand", "DeclareMathOperator"),
    *("usepackage", "makeatletter", "special", "directlua", "luaexec", "latelua", "href", "url"),
    *("char", "string", "jobname", "loop", "aftergroup", "scantokens", "detokenize", "lowercase"),
    *("uppercase", "everymath", "toks", "count", "dimen", "the", "relax", "newline"),
    *("require", "class", "cssId", "style", "unicode", "color"),  # MathJax's own extensions
]

REAL_FORMULAS = [
    r"x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}",
    r"A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}",
    r"|x| = \begin{cases} x & \text{if } x \geq 0 \\ -x & \text{otherwise} \end{cases}",
    r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}",
    r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
    r"f \colon \mathbb{R}^n \to \mathbb{R}",
    r"e^{i\pi}+1=0",
    r"P(A \mid B) = \frac{P(B \mid A)\,P(A)}{P(B)}",
    r"\operatorname{softmax}(\mathbf{z})_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
    r"\mathcal{L}(\theta) = -\frac{1}{N}\sum_{i=1}^{N} "
    r"\left[ y_i \log \hat{y}_i + (1 - y_i)\log(1 - \hat{y}_i) \right]",
    r"\hat{y}",
    r"\|x\|_2 = \sqrt{\sum_i x_i^2}",
    r"\theta^* = \operatorname{argmax}_\theta \; p(\theta \mid D)",
    r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
    r"\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e",
    r"\nabla_\theta J(\theta) \approx \frac{\partial J}{\partial \theta}",
    r"\prod_{k=1}^{n} k = n!",
    r"\vec{v} \cdot \vec{w} = \|v\| \|w\| \cos\theta",
    r"\text{cost} = 5\,\% \text{ of } \$100",
    r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}".replace(r" \hline", ""),
    r"\left. \frac{df}{dx} \right|_{x=0}",
    r"\bigl( a \bigr) \Big\{ b \Big\}",
]
NOT_NESTED = "is not a math environment that nests in display math"


@pytest.mark.parametrize("name", REFUSED_COMMANDS)
def test_each_dangerous_command_is_refused(name: str) -> None:
    command = name.rstrip("0123456789")  # TeX reads \write18 as \write and 18
    assert math_problem(f"x + \\{name}{{/etc/passwd}}") == f"\\{command} is not a math command"


@pytest.mark.parametrize(
    ("tex", "why"),
    [
        (r"^^5cinput{/etc/passwd}", "^^ (TeX's character code notation) is not math"),
        (r"x^^7b", "^^ (TeX's character code notation) is not math"),
        (r"\begin{verbatim} x \end{verbatim}", f"verbatim {NOT_NESTED}"),
        (r"\begin{filecontents}", f"filecontents {NOT_NESTED}"),
        (r"\begin{align*} a &= b \end{align*}", f"align* {NOT_NESTED}"),
        (r"\begin {equation}", f"equation {NOT_NESTED}"),
        (r"\begin x", "\\begin needs an environment name in braces"),
        (r"\begin{matrix} a", "\\begin{matrix} without \\end"),
        (r"\begin{matrix} a \end{pmatrix}", "\\begin{matrix} ended by \\end{pmatrix}"),
        (r"\begin{matrix} {a \end{matrix}}", "an unclosed {"),
        (r"{\begin{matrix} a } \end{matrix}", "\\begin{matrix} ended by }"),
        (r"\end{matrix}", "\\end{matrix} without \\begin"),
        ("{x", "an unclosed {"),
        ("x}", "a } with no {"),
        ("x}{", "a } with no {"),
        ("x\\", "a formula cannot end in a backslash"),
        (r"\@", "\\@ is not a math command"),
        ("\\\n", "\\\n is not a math command"),
        (r"a % } comment", "% starts a TeX comment: write \\% for a percent sign"),
        (r"#1", "# is a macro parameter: write \\# for the sign"),
        (r"a $ b", "$ is not math inside a formula: write \\$ for the sign"),
        ("a\x00b", "a control character is not math"),
        (r"\text{\input{x}}", "\\input is not allowed in \\text{...}"),
        (r"\text{\alpha}", "\\alpha is not allowed in \\text{...}"),
        (r"\text{\^}", "\\^ is not allowed in \\text{...}"),
        (r"\text{\\}", "\\\\ is not allowed in \\text{...}"),
        (r"\textbf{a_b}", "_ is not text: write \\_ in \\textbf{...}"),
        (r"\text{x^2}", "^ is not text in \\text{...}"),
        (r"\text{a & b}", "& is not text: write \\& in \\text{...}"),
        (r"\text{$x$}", "$ is not text: write \\$ in \\text{...}"),
        (r"\text x", "\\text needs its text in braces"),
        (r"\text{open", "an unclosed {"),
        (r"\left( x", "\\left without \\right"),
        (r"x \right)", "\\right without \\left"),
        (r"{\left( x} \right)", "\\left without \\right"),
        ("x" * (MAX_LENGTH + 1), f"the formula is longer than {MAX_LENGTH} characters"),
        ("{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1), f"braces nest deeper than {MAX_DEPTH}"),
        ("\\text{" + "{" * MAX_DEPTH + "}" * (MAX_DEPTH + 1), f"braces nest deeper than {MAX_DEPTH}"),
        (r"\csname input\endcsname", "\\csname is not a math command"),
        (r"\href{javascript:alert(1)}{x}", "\\href is not a math command"),
    ],
)
def test_refused_with_a_reason(tex: str, why: str) -> None:
    assert math_problem(tex) == why


@pytest.mark.parametrize("tex", REAL_FORMULAS)
def test_real_formulas_are_accepted(tex: str) -> None:
    assert math_problem(tex) is None


@pytest.mark.parametrize("tex", REAL_FORMULAS)
def test_real_formulas_render_as_mathml(tex: str) -> None:
    """What the allowlist accepts, the HTML and EPUB renderer converts."""
    assert LatexToMathML().convert_with_local_state(tex, displaystyle=True).startswith("<math")


def test_inline_math_cannot_align() -> None:
    """In LaTeX's \\(...\\) a top-level & or \\\\ is an error; inside a matrix it is not."""
    assert math_problem("a & b", inline=True) == "& outside a matrix or aligned environment"
    line_break = "\\\\ (a line break) outside a matrix or aligned environment"
    assert math_problem(r"a \\ b", inline=True) == line_break
    assert math_problem(r"\begin{smallmatrix}", inline=True) is not None
    assert math_problem(r"\begin{matrix} a & b \\ c & d \end{matrix}", inline=True) is None
    assert math_problem(r"a &= b \\ c &= d") is None  # display math is inside split


def test_every_allowed_command_renders_as_mathml() -> None:
    """No command is allowed that the renderer does not know (its page would show raw TeX)."""
    converter = LatexToMathML()
    unknown = []
    for name in sorted(MATH_COMMANDS - {"begin", "end", "left", "right", "middle", "limits", "nolimits"}):
        for form in (f"\\{name}", f"\\{name}{{x}}", f"\\{name}{{x}}{{y}}", f"\\{name}[2]{{x}}", f"\\{name}("):
            try:
                converter.convert_with_local_state(f"a {form} b", displaystyle=True)
                break
            except LatexError:
                continue
        else:
            unknown.append(name)
    assert unknown == []
    assert len(MATH_COMMANDS) > 300


# --- properties -----------------------------------------------------------------------

_SIMPLE = sorted(
    MATH_COMMANDS - TEXT_COMMANDS - {"begin", "end", "left", "right", "middle", "limits", "nolimits"}
)
_PLAIN = st.text(alphabet="abcxyz0123456789+-=<>()[]|/'!?.,;:~*", max_size=6)
_COMMAND = st.sampled_from(_SIMPLE).map(lambda name: f"\\{name} ")
_TEXT = st.text(alphabet="abc 123.,()-!?'", max_size=8).map(lambda words: f"\\text{{{words}}}")


def _formulas() -> st.SearchStrategy[str]:
    """Formulas made only of allowed pieces: nested groups, environments, \\left/\\right pairs."""
    atoms = st.one_of(
        _PLAIN, _COMMAND, _TEXT, st.sampled_from([r"\,", r"\;", r"\{", r"\}", r"\|", r"\%", "^{2}", "_{i}"])
    )

    def nest(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        env = st.sampled_from(sorted(MATH_ENVIRONMENTS - {"array", "subarray"}))
        return st.one_of(
            inner.map(lambda body: "{" + body + "}"),
            inner.map(lambda body: rf"\left( {body} \right)"),
            st.tuples(env, inner, inner).map(
                lambda t: rf"\begin{{{t[0]}}} {t[1]} & {t[2]} \\ x \end{{{t[0]}}}"
            ),
            st.lists(inner, max_size=4).map("".join),
        )

    return st.recursive(atoms, nest, max_leaves=20)


@given(_formulas())
def test_formulas_of_allowed_pieces_are_accepted(tex: str) -> None:
    assert math_problem(tex) is None


@given(_formulas(), st.sampled_from(REFUSED_COMMANDS), st.data())
def test_a_refused_command_anywhere_is_refused(tex: str, name: str, data: st.DataObject) -> None:
    cuts = [i for i in range(len(tex) + 1) if not tex[:i].endswith("\\")]  # not inside \, or \\
    cut = data.draw(st.sampled_from(cuts))
    spliced = f"{tex[:cut]}\\{name} {tex[cut:]}"
    assert math_problem(spliced) is not None
    assert math_problem(spliced, inline=True) is not None
