"""Whether Sphinx can colour a code block: a language Pygments knows, and code that lexes.

Sphinx warns on an unknown language (``mermaid``, ``jq``) and on code that does not lex
in its language (a Liquid template marked ``html``, Rust with an ellipsis), and the book
builds with warnings as errors. A post's code block must never stop the book, so such a
block is shown as plain code, with one report line; HTML, PDF and EPUB alike.
"""

from __future__ import annotations

from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Error
from pygments.util import ClassNotFound

from ..model import CodeBlock, Report, ReportKind

# Names Sphinx reads as "no colouring" or as its own lenient default.
PLAIN_LANGUAGES = frozenset({"", "text", "none", "default"})
# What to colour a block as when Pygments cannot under the author's name: React's JSX in
# ``javascript`` blocks, TSX in ``typescript`` (``</div>`` is an error to the narrower
# lexer), and names GitHub knows for Vim script and Pygments does not.
FALLBACK_LANGUAGES = {
    "javascript": "jsx",
    "js": "jsx",
    "typescript": "tsx",
    "ts": "tsx",
    "vimscript": "vim",
    "viml": "vim",
    "vimrc": "vim",
}


@lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


def fallback_language(code: str, language: str) -> str | None:
    """The language ``code`` lexes in when it does not as ``language`` (JSX written as
    ``javascript``, ``vimscript``), or None."""
    other = FALLBACK_LANGUAGES.get(language.lower())
    return other if other is not None and highlight_problem(code, other) is None else None


def highlight_problem(code: str, language: str) -> str | None:
    """Why Sphinx would not colour ``code`` as ``language``, or None when it would."""
    name = language.lower()
    if name in PLAIN_LANGUAGES:
        return None
    lexer = _lexer(name)
    if lexer is None:
        return f"no highlighter knows the language {language!r}"
    for token_type, value in lexer.get_tokens(code):
        if token_type in Error:
            return f"the code does not read as {language} (at {value[:20]!r})"
    return None


def checked_code(code: str, language: str, source: str, line: int | None) -> tuple[CodeBlock, Report | None]:
    """A code block in ``language`` when Sphinx can colour it so; else plain, with a report
    and the language the author named kept as its caption."""
    problem = highlight_problem(code, language)
    if problem is None:
        return CodeBlock(code, language), None
    other = fallback_language(code, language)
    if other is not None:
        return CodeBlock(code, other), None
    report = Report(source, ReportKind.CODE, f"{problem}; shown as plain code", line)
    return CodeBlock(code, caption=language), report
