"""Code blocks Sphinx cannot colour are told apart from those it can."""

from __future__ import annotations

import pytest

from bookgen.model import CodeBlock
from bookgen.read.highlight import fallback_language, highlight_problem
from bookgen.read.markdown import read_markdown


@pytest.mark.parametrize(
    ("code", "language"),
    [("print(1)\n", "python"), ("<p>a &amp; b</p>\n", "html"), ("{}\n", "json"), ("x\n", "text"), ("y", "")],
)
def test_code_that_lexes_keeps_its_language(code: str, language: str) -> None:
    assert highlight_problem(code, language) is None


@pytest.mark.parametrize(
    ("code", "language", "why"),
    [
        ("graph TD; A-->B;\n", "mermaid", "no highlighter knows the language 'mermaid'"),
        ("a & b < c\n", "html", "the code does not read as html (at '&')"),
    ],
)
def test_code_that_does_not_lex_is_named(code: str, language: str, why: str) -> None:
    assert highlight_problem(code, language) == why


def test_such_a_block_is_plain_code_with_a_report() -> None:
    body = read_markdown("Text.\n\n```mermaid\ngraph TD; A-->B;\n```\n", "d.md", 3)
    assert body.blocks[1] == CodeBlock("graph TD; A-->B;\n", caption="mermaid")  # named, not coloured
    assert [str(r) for r in body.reports] == [
        "d.md:5: code: no highlighter knows the language 'mermaid'; shown as plain code"
    ]


def test_jsx_written_as_javascript_and_vimscript_are_coloured() -> None:
    jsx = "const A = () => (\n  <div>\n    <B x={y} />\n  </div>\n);\n"
    assert highlight_problem(jsx, "javascript") is not None and fallback_language(jsx, "javascript") == "jsx"
    assert fallback_language("const C = (p: P) => <div>{p.x}</div>;\n", "ts") == "tsx"
    assert fallback_language("set number\nnnoremap <leader>w :w<CR>\n", "vimscript") == "vim"
    body = read_markdown(f"```javascript\n{jsx}```\n\n```js\n@@ nonsense\n```\n", "d.md", 1)
    assert body.blocks[0] == CodeBlock(jsx, "jsx")
    assert body.blocks[1] == CodeBlock("@@ nonsense\n", caption="js")  # neither reads it: plain
    assert len(body.reports) == 1
