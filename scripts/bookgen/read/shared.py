"""What the Markdown and HTML readers share: the addresses a post may point to,
language names, nesting bounds and the joining of neighbouring text.

One place for each rule, so a link or an image is judged the same whether the author
wrote it in Markdown or in HTML.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..model import LINKS, Code, Inline, Text

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
LANGUAGE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_.#")
# Nesting bounds, so that no walk of a post (here, in the renderers, in Sphinx, in LaTeX)
# runs deep; beyond them the words stay and the markup goes, with a report.
MAX_BLOCK_NESTING = 6  # quotes and lists inside one another, as the model keeps them
MAX_INLINE_NESTING = 8  # emphasis, links and the like inside one another


def scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


def image_source(src: str) -> str | None:
    """The image address if the book may show it: an absolute web address, or a path
    (relative to the post, or to the site's root) that resolve looks up among the
    blog's files; ``None`` for other schemes (``data:``, ``file:``, ``javascript:``)."""
    src = src.strip()
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return src
    if not parts.scheme and not parts.netloc and parts.path and not src.startswith("//"):
        return src
    return None


def safe_url(url: str) -> str | None:
    """The URL if it is an absolute link of a scheme a reader can follow safely."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


def merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Join neighbouring text, and neighbouring code (two code spans side by side would
    share their backticks when written out); each run joined once, so linear."""
    merged: list[Inline] = []
    run: list[str] = []
    run_kind: type[Text] | type[Code] | None = None
    for node in [*nodes, None]:
        kind = type(node) if isinstance(node, Text | Code) else None
        if run and kind is not run_kind:
            assert run_kind is not None
            merged.append(run_kind("".join(run)))
            run.clear()
        if isinstance(node, Text | Code):
            run.append(node.text)
            run_kind = kind
        elif node is not None:
            merged.append(node)
    return tuple(merged)


def unlink(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Links inside a link's text as their words: a link cannot hold a link."""
    if not any(isinstance(node, LINKS) for node in nodes):
        return nodes
    out: list[Inline] = []
    for node in nodes:
        out.extend(node.children if isinstance(node, LINKS) else (node,))
    return merge_text(out)
