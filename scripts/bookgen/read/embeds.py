"""Embeds a generator's shortcodes draw (videos, gists, posts on X): a captioned link.

``{{< youtube dQw4w9WgXcQ >}}`` showed a player on the blog; the book cannot play it,
so it shows where it is: "YouTube video dQw4w9WgXcQ", linked. Only ids made of safe
characters are linked; anything else stays a template tag shown as typed.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass(frozen=True)
class Embed:
    text: str  # the link's words
    url: str


def shortcode_arguments(inner: str) -> tuple[str, list[str], dict[str, str]] | None:
    """``youtube id="x" title="A talk"`` as (name, positional, named); None if unparsable."""
    try:
        words = shlex.split(inner)
    except ValueError:  # an unclosed quote
        return None
    if not words:
        return None
    positional: list[str] = []
    named: dict[str, str] = {}
    for word in words[1:]:
        key, equals, value = word.partition("=")
        if equals and key.isidentifier():
            named[key.lower()] = value
        else:
            positional.append(word)
    return words[0].lower(), positional, named


@dataclass(frozen=True)
class FigureCode:
    """Hugo's ``figure`` shortcode: an image with its words (the source is checked by the reader)."""

    src: str
    alt: str
    caption: str


def figure_shortcode(inner: str) -> FigureCode | None:
    """``figure src="x.png" caption="..." title="..." alt="..."`` (Hugo), else None."""
    parsed = shortcode_arguments(inner)
    if parsed is None or parsed[0] != "figure" or not parsed[2].get("src"):
        return None
    named = {key: " ".join(value.split()) for key, value in parsed[2].items()}
    caption = " ".join(part for part in (named.get("title", ""), named.get("caption", "")) if part)
    return FigureCode(parsed[2]["src"], named.get("alt", ""), caption)


def embed(inner: str) -> Embed | None:
    """The link for a shortcode's words, or None if it is no embed this book knows."""
    parsed = shortcode_arguments(inner)
    if parsed is None:
        return None
    name, positional, named = parsed
    ident = named.get("id") or (positional[0] if positional else "")
    if not _safe(ident):
        return None
    title = " ".join(named.get("title", "").split())
    if name == "youtube":
        return Embed(title or f"YouTube video {ident}", f"https://www.youtube.com/watch?v={ident}")
    if name == "vimeo":
        return Embed(title or f"Vimeo video {ident}", f"https://vimeo.com/{ident}")
    if name == "instagram":
        return Embed(f"Instagram post {ident}", f"https://www.instagram.com/p/{ident}/")
    if name == "gist":
        return _gist(positional)
    if name in ("tweet", "twitter", "x"):
        return _post_on_x(named, positional)
    return None


def _gist(positional: list[str]) -> Embed | None:
    if len(positional) < 2 or not (_safe(positional[0]) and _safe(positional[1])):
        return None
    user, gist = positional[:2]
    shown = f"GitHub gist {user}/{gist}" + (f" ({positional[2]})" if len(positional) > 2 else "")
    return Embed(shown, f"https://gist.github.com/{user}/{gist}")


def _post_on_x(named: dict[str, str], positional: list[str]) -> Embed | None:
    """``{{< tweet user="x" id="1" >}}`` (Hugo 0.112 on) or ``{{< tweet 1 >}}`` (before)."""
    status = named.get("id") or (positional[-1] if positional else "")
    user = named.get("user", "")
    if not status.isdigit() or (user and not _safe(user)):
        return None
    if user:
        return Embed(f"Post on X by @{user}", f"https://x.com/{user}/status/{status}")
    return Embed(f"Post on X {status}", f"https://x.com/i/status/{status}")


def _safe(ident: str) -> bool:
    return bool(ident) and len(ident) <= 100 and all(char in ID_CHARS for char in ident)
