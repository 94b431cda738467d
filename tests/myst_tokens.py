"""A generated MyST page read back as MyST-Parser reads it, directive bodies included.

Tests use it to check a page's structure (headings, directives, roles, targets,
comments), which no post-controlled string may change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

MYST = create_md_parser(MdParserConfig(), RendererHTML)
# What the converter itself writes; anything else in a page came from a post.
CONVERTER_DIRECTIVES = frozenset(
    {"container", "grid", "grid-item-card", "card-footer", "toctree", "glossary"}
)
CONVERTER_ROLES = frozenset({"doc", "ref", "term", "gloss", "resref"})


@dataclass(frozen=True)
class Structure:
    """What shapes a page: everything but its words."""

    blocks: Counter[str]  # token types, directives as "{name}", headings as "h1".."h6"
    roles: Counter[str]
    inline: Counter[str]  # inline token types other than text


def structure(source: str) -> Structure:
    blocks: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    inline: Counter[str] = Counter()
    _walk(MYST.parse(source), blocks, roles, inline)
    return Structure(blocks, roles, inline)


def _walk(tokens: list[Token], blocks: Counter[str], roles: Counter[str], inline: Counter[str]) -> None:
    for token in tokens:
        if token.type == "heading_open":
            blocks[token.tag] += 1
        elif token.type == "fence" and token.info.startswith("{"):
            name = token.info[1:].split("}", 1)[0]
            blocks["{" + name + "}"] += 1
            _walk(MYST.parse(_directive_body(token.content)), blocks, roles, inline)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "myst_role":
                    roles[child.meta["name"]] += 1
                elif child.type != "text":
                    inline[child.type] += 1
        elif not token.type.endswith("_close"):
            blocks[token.type] += 1


def _directive_body(content: str) -> str:
    """The body of a directive, its ``:option: value`` lines left out."""
    lines = content.split("\n")
    while lines and lines[0].startswith(":"):
        lines.pop(0)
    return "\n".join(lines)
