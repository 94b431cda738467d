"""Whether a post's formula is safe to hand to LaTeX and to the HTML math renderer.

A formula is untrusted TeX: ``\\input``, ``\\write18``, ``\\directlua`` or a ``\\def`` in
a post would run in the PDF build, and ``\\href`` or ``\\class`` in HTML. A denylist
misses a spelling (``^^5cinput``, ``\\csname input\\endcsname``), so this is an
allowlist: every control sequence must be a known math command, environments are the
math ones that nest inside Sphinx's display math (``\\begin{equation*}\\begin{split}``),
``\\text{...}`` holds text with a few escapes only, and braces, ``\\left``/``\\right`` and
``\\begin``/``\\end`` must balance, so a formula cannot break out of its own group or
stop the LaTeX run. Refused formulas are shown as code by the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from math_core import LatexError, LatexToMathML

MAX_LENGTH = 4000
MAX_DEPTH = 24

_GREEK = """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa
lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"""
_LETTERLIKE = """aleph beth gimel hbar hslash ell wp Re Im imath jmath partial nabla infty
emptyset varnothing forall exists nexists neg lnot prime backprime angle measuredangle
triangle square blacksquare top bot flat natural sharp clubsuit diamondsuit heartsuit
spadesuit surd checkmark complement eth mho Finv Game Bbbk circledS"""
_BINARY = """pm mp times div cdot ast star circ bullet oplus ominus otimes oslash odot cap cup
sqcap sqcup vee wedge land lor setminus wr diamond bigtriangleup
bigtriangledown triangleleft triangleright lhd rhd unlhd unrhd amalg dagger ddagger uplus
ltimes rtimes boxplus boxminus boxtimes boxdot dotplus intercal"""
_RELATIONS = """leq le geq ge neq ne equiv sim simeq approx cong propto prec succ preceq succeq
ll gg lll ggg subset supset subseteq supseteq subsetneq supsetneq sqsubset sqsupset
sqsubseteq sqsupseteq in ni notin owns vdash dashv models perp mid nmid parallel nparallel
asymp doteq bowtie lesssim gtrsim leqslant geqslant leqq geqq lneq gneq nleq ngeq nless
ngtr approxeq triangleq eqsim backsim smile frown therefore because
vDash Vdash"""
_ARROWS = """leftarrow rightarrow to gets leftrightarrow Leftarrow Rightarrow Leftrightarrow
longleftarrow longrightarrow longleftrightarrow Longleftarrow Longrightarrow
Longleftrightarrow mapsto longmapsto uparrow downarrow updownarrow Uparrow Downarrow
Updownarrow nearrow searrow swarrow nwarrow hookleftarrow hookrightarrow implies iff
impliedby rightleftharpoons leftrightharpoons leftharpoonup rightharpoonup leftharpoondown
rightharpoondown twoheadrightarrow twoheadleftarrow rightsquigarrow leadsto
leftleftarrows rightrightarrows upuparrows downdownarrows curvearrowleft curvearrowright
circlearrowleft circlearrowright xrightarrow xleftarrow"""
_BIG_OPERATORS = """sum prod coprod int iint iiint oint bigcup bigcap bigoplus bigotimes bigodot
bigvee bigwedge bigsqcup biguplus"""
_FUNCTIONS = """sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh coth log ln lg exp
lim liminf limsup sup inf max min arg det dim gcd hom ker Pr deg operatorname mod bmod
pmod limits nolimits"""
_LAYOUT = """frac dfrac tfrac cfrac binom dbinom tbinom sqrt overline underline overbrace
underbrace overset underset stackrel boxed phantom hphantom vphantom not
cdots ldots vdots ddots dots colon displaystyle textstyle
scriptstyle scriptscriptstyle"""
_ACCENTS = """hat widehat bar vec tilde dot ddot check breve acute grave mathring
overrightarrow overleftarrow"""
_FONTS = "mathbf mathrm mathit mathbb mathcal mathsf mathtt mathfrak boldsymbol"
_DELIMITERS = """left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl
Biggr langle rangle lceil rceil lfloor rfloor lvert rvert lVert rVert vert Vert
backslash lbrace rbrace lbrack rbrack"""
_SPACING = "quad qquad thinspace medspace thickspace enspace negthinspace"

# Commands whose argument is text, not math: see TEXT_SYMBOLS.
TEXT_COMMANDS = frozenset({"text", "textrm", "textbf", "textit", "textsf", "texttt"})
MATH_COMMANDS = (
    frozenset(
        " ".join(
            [
                _GREEK,
                _LETTERLIKE,
                _BINARY,
                _RELATIONS,
                _ARROWS,
                _BIG_OPERATORS,
                _FUNCTIONS,
                _LAYOUT,
                _ACCENTS,
                _FONTS,
                _DELIMITERS,
                _SPACING,
            ]
        ).split()
    )
    | TEXT_COMMANDS
    | {"begin", "end"}
)
# Control symbols: a backslash and one character that is not a letter.
MATH_SYMBOLS = frozenset(" ,;:!>{}|\\&%#$_")
# What \text{...} may hold: its own escapes and spaces, no command.
TEXT_SYMBOLS = frozenset(" ,{}&%#$_")
TEXT_WORDS = frozenset({"quad", "qquad"})
# Environments that nest inside \begin{split}, which Sphinx wraps display math in for
# LaTeX: align*, equation, gather and split itself would stop the PDF build.
MATH_ENVIRONMENTS = frozenset(
    {"matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "cases", "aligned", "gathered"}
    | {"array", "subarray"}
)

_WORD = re.compile(r"[A-Za-z]+")
_ENV_NAME = re.compile(r"\s*\{([A-Za-z]+\*?)\}")
_ARGUMENT = re.compile(r"\s*\{")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class _Group:
    """An open brace group or environment, with the \\left count inside it."""

    opener: str  # "{" or an environment name
    lefts: int = 0


@dataclass
class _Scan:
    """The state of one formula's scan (local to one call)."""

    tex: str
    inline: bool
    stack: list[_Group] = field(default_factory=lambda: [_Group("")])

    def in_environment(self) -> bool:
        return any(group.opener != "{" for group in self.stack[1:])


def math_problem(tex: str, *, inline: bool = False) -> str | None:
    """Why ``tex`` must not reach LaTeX or the HTML renderer, or None when it may.

    ``inline`` formulas are written as ``\\(...\\)`` in LaTeX, where a top-level ``&``
    or ``\\\\`` is an error (display math is inside ``split``, where they align).
    """
    if len(tex) > MAX_LENGTH:
        return f"the formula is longer than {MAX_LENGTH} characters"
    if "^^" in tex:
        return "^^ (TeX's character code notation) is not math"
    if _CONTROL.search(tex):
        return "a control character is not math"
    scan = _Scan(tex, inline)
    position = 0
    while position < len(tex):
        result = _step(scan, position)
        if isinstance(result, str):
            return result
        position = result
    if len(scan.stack) > 1:
        opener = scan.stack[-1].opener
        return "an unclosed {" if opener == "{" else f"\\begin{{{opener}}} without \\end"
    if scan.stack[0].lefts:
        return "\\left without \\right"
    return None


def _step(scan: _Scan, position: int) -> int | str:
    """Read one token at ``position``: the next position, or why the formula is refused."""
    char = scan.tex[position]
    if char == "\\":
        return _command(scan, position + 1)
    if char == "{":
        if len(scan.stack) > MAX_DEPTH:
            return f"braces nest deeper than {MAX_DEPTH}"
        scan.stack.append(_Group("{"))
    elif char == "}":
        return _close(scan, "{") or position + 1
    elif char == "%":
        return "% starts a TeX comment: write \\% for a percent sign"
    elif char == "#":
        return "# is a macro parameter: write \\# for the sign"
    elif char == "$":
        return "$ is not math inside a formula: write \\$ for the sign"
    elif char == "&" and scan.inline and not scan.in_environment():
        return "& outside a matrix or aligned environment"
    return position + 1


def _close(scan: _Scan, opener: str) -> str | None:
    """Close the innermost group, which must be ``opener``."""
    group = scan.stack[-1]
    if len(scan.stack) == 1:
        return "a } with no {" if opener == "{" else f"\\end{{{opener}}} without \\begin"
    if group.opener != opener:
        if group.opener == "{":
            return "an unclosed {"
        return f"\\begin{{{group.opener}}} ended by " + ("}" if opener == "{" else f"\\end{{{opener}}}")
    if group.lefts:
        return "\\left without \\right"
    scan.stack.pop()
    return None


def _command(scan: _Scan, start: int) -> int | str:
    """A control sequence whose backslash is just before ``start``."""
    tex = scan.tex
    if start >= len(tex):
        return "a formula cannot end in a backslash"
    word = _WORD.match(tex, start)
    if word is None:
        symbol = tex[start]
        if symbol not in MATH_SYMBOLS:
            return f"\\{symbol} is not a math command"
        if symbol == "\\" and scan.inline and not scan.in_environment():
            return "\\\\ (a line break) outside a matrix or aligned environment"
        return start + 1
    name = word.group()
    end = word.end()
    if name not in MATH_COMMANDS:
        return f"\\{name} is not a math command"
    if name in ("begin", "end"):
        return _environment(scan, name, end)
    if name in TEXT_COMMANDS:
        return _text(scan, name, end)
    if name == "left":
        scan.stack[-1].lefts += 1
    elif name == "right":
        if not scan.stack[-1].lefts:
            return "\\right without \\left"
        scan.stack[-1].lefts -= 1
    return end


def _environment(scan: _Scan, name: str, start: int) -> int | str:
    """``\\begin{env}`` or ``\\end{env}``: a math environment, properly nested."""
    match = _ENV_NAME.match(scan.tex, start)
    if match is None:
        return f"\\{name} needs an environment name in braces"
    env = match.group(1)
    if env not in MATH_ENVIRONMENTS:
        return f"{env} is not a math environment that nests in display math"
    if name == "begin":
        if len(scan.stack) > MAX_DEPTH:
            return f"environments nest deeper than {MAX_DEPTH}"
        scan.stack.append(_Group(env))
        return match.end()
    return _close(scan, env) or match.end()


def _text(scan: _Scan, name: str, start: int) -> int | str:
    """``\\text{...}``: text mode, where only a few escapes and spaces are allowed."""
    tex = scan.tex
    match = _ARGUMENT.match(tex, start)
    if match is None:
        return f"\\{name} needs its text in braces"
    depth, position = 1, match.end()
    while position < len(tex):
        char = tex[position]
        if char == "\\":
            escape = _text_escape(tex, position + 1, name)
            if isinstance(escape, str):
                return escape
            position = escape
            continue
        if char == "^":
            return f"^ is not text in \\{name}{{...}}"
        if char in "_&%#$":
            return f"{char} is not text: write \\{char} in \\{name}{{...}}"
        if char == "{":
            depth += 1
            if depth + len(scan.stack) > MAX_DEPTH:
                return f"braces nest deeper than {MAX_DEPTH}"
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return "an unclosed {"


def _text_escape(tex: str, start: int, name: str) -> int | str:
    """A control sequence inside ``\\text{...}``: a space or an escaped sign only."""
    word = _WORD.match(tex, start)
    if word is not None:
        if word.group() not in TEXT_WORDS:
            return f"\\{word.group()} is not allowed in \\{name}{{...}}"
        return word.end()
    if start >= len(tex) or tex[start] not in TEXT_SYMBOLS:
        return f"\\{tex[start : start + 1]} is not allowed in \\{name}{{...}}"
    return start + 1


def formula_problem(tex: str, *, inline: bool = False) -> str | None:
    """``math_problem``, then whether the formula parses at all: ``\\frac{1}`` passes the
    allowlist but would stop LaTeX, so it is refused too (math-core is the parser the
    online book renders with)."""
    problem = math_problem(tex, inline=inline)
    if problem is not None:
        return problem
    tries = [tex] if inline else [tex, r"\begin{aligned}" + tex + r"\end{aligned}"]  # display aligns its rows
    for attempt in tries:
        try:
            LatexToMathML().convert_with_local_state(attempt, displaystyle=not inline)
        except LatexError:
            continue
        return None
    return "the formula does not parse"


def undo_markdown_escapes(tex: str) -> str:
    """``\\(`` and ``\\)`` inside a formula as its blog showed them: ``(`` and ``)``. Authors
    escape parentheses so Markdown leaves them alone, and the blog's Markdown removed the
    backslash before the formula was typeset; in TeX math they are errors, never meant."""
    return tex.replace("\\(", "(").replace("\\)", ")")
