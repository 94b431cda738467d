"""WordPress shortcodes (``[caption]``, ``[gallery]``, ``[embed]``, ``[audio]``,
``[video]``, ``[code]``) as the HTML WordPress would show.

Shortcodes are WordPress's own bracket syntax inside a post's text, not HTML: they are
found by a scanner over the text. An unknown one stays as typed (WordPress shows an
unregistered shortcode as its text), and the post's report names it; ``[[name]]`` is the
author's way of typing a literal ``[name]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

# [name attributes] or [name attributes /]; a closing [/name] is looked for when the
# shortcode encloses content.
_OPENING = re.compile(r"\[(\[?)([a-zA-Z][\w-]*)((?:\s[^\[\]]*?)?)\s*(/?)\](\]?)")
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)"""
)
ENCLOSING = frozenset({"caption", "wp_caption", "embed", "code", "sourcecode", "audio", "video"})
KNOWN = ENCLOSING | {"gallery", "playlist"}
MEDIA_KEYS = ("src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "wmv", "flv")


@dataclass(frozen=True)
class Attachment:
    """A media file of the export: its address, title and caption."""

    url: str
    title: str = ""
    caption: str = ""
    parent: str = ""  # the post it was uploaded to


@dataclass
class Shortcodes:
    """The shortcodes of one post: the HTML, and the unknown names met."""

    attachments: Mapping[str, Attachment]
    post_id: str = ""
    unknown: list[str] = field(default_factory=list)

    def expand(self, text: str) -> str:
        out: list[str] = []
        at = 0
        while (match := _OPENING.search(text, at)) is not None:
            out.append(text[at : match.start()])
            escaped_open, name, raw, self_closing, escaped_close = match.groups()
            at = match.end()
            if escaped_open and escaped_close:  # [[name]]: the author typed a literal [name]
                out.append(escape(match.group()[1:-1], quote=False))
                continue
            attributes = attributes_of(raw)
            key = name.lower()
            content = ""
            if key in ENCLOSING and not self_closing:
                closing = re.compile(rf"\[/{re.escape(name)}\]", re.IGNORECASE).search(text, at)
                if closing is not None:
                    content, at = text[at : closing.start()], closing.end()
            handler = self._handlers().get(key)
            if handler is None:
                if key not in self.unknown:
                    self.unknown.append(key)
                out.append(escape(match.group(), quote=False))
                continue
            out.append(handler(attributes, content))
        out.append(text[at:])
        return "".join(out)

    def _handlers(self) -> dict[str, Callable[[dict[str, str], str], str]]:
        return {
            "caption": self._caption,
            "wp_caption": self._caption,
            "gallery": self._gallery,
            "embed": lambda attributes, content: _link(unescape(content.strip())),
            "audio": self._media,
            "video": self._media,
            "playlist": lambda attributes, content: "",
            "code": self._code,
            "sourcecode": self._code,
        }

    def _caption(self, attributes: dict[str, str], content: str) -> str:
        media, caption = split_caption(self.expand(content))
        caption = caption or attributes.get("caption", "")  # HTML, as WordPress shows it (then sanitised)
        return f"<figure>{media}<figcaption>{caption}</figcaption></figure>" if caption else media

    def _gallery(self, attributes: dict[str, str], content: str) -> str:
        ids = [part.strip() for part in attributes.get("ids", attributes.get("include", "")).split(",")]
        chosen = [self.attachments[i] for i in ids if i in self.attachments]
        if not chosen:  # the pictures uploaded to a post: this one, or the one id= names
            parent = attributes.get("id", self.post_id)
            chosen = [a for a in self.attachments.values() if a.parent and a.parent == parent]
        figures = []
        for attachment in chosen:
            image = f'<img src="{escape(attachment.url)}" alt="{escape(attachment.title)}" />'
            caption = f"<figcaption>{escape(attachment.caption)}</figcaption>" if attachment.caption else ""
            figures.append(f"<figure>{image}{caption}</figure>")
        return "\n".join(figures)

    def _media(self, attributes: dict[str, str], content: str) -> str:
        source = next((attributes[key] for key in MEDIA_KEYS if attributes.get(key)), content.strip())
        return _link(unescape(source)) if source else ""

    def _code(self, attributes: dict[str, str], content: str) -> str:
        language = attributes.get("language") or attributes.get("lang") or ""
        kind = f' class="language-{escape(language)}"' if language else ""
        return f"<pre><code{kind}>{escape(unescape(content.strip(chr(10))), quote=False)}</code></pre>"


def attributes_of(raw: str) -> dict[str, str]:
    """A shortcode's attributes; positional values are keyed by their place ("0", "1")."""
    found: dict[str, str] = {}
    place = 0
    for match in _ATTRIBUTE.finditer(raw):
        groups = match.groups()
        for key, value in ((groups[0], groups[1]), (groups[2], groups[3]), (groups[4], groups[5])):
            if key:
                found[key.lower()] = unescape(value)
                break
        else:
            found[str(place)] = unescape(groups[6] if groups[6] is not None else groups[7] or "")
            place += 1
    return found


def _link(address: str) -> str:
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https"):
        return escape(address, quote=False)
    shown = (parts.netloc + parts.path).rstrip("/") or address
    return f'<p><a href="{escape(address)}">{escape(shown, quote=False)}</a></p>'


class _CaptionSplit(HTMLParser):
    """A caption shortcode's media (its first element: an image, or a link around one)
    apart from its caption (all that follows, links and emphasis kept), as WordPress
    reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.media: list[str] = []
        self.caption: list[str] = []
        self.depth = 0
        self.media_done = False

    def _add(self, piece: str) -> None:
        (self.caption if self.media_done else self.media).append(piece)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(self.get_starttag_text() or "")
        if self.media_done:
            return
        if tag in ("img", "br", "source", "wbr"):
            self.media_done = self.depth == 0
        else:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(self.get_starttag_text() or "")
        self.media_done = self.media_done or self.depth == 0

    def handle_endtag(self, tag: str) -> None:
        self._add(f"</{tag}>")
        if not self.media_done:
            self.depth = max(0, self.depth - 1)
            self.media_done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if not self.media_done and not self.depth and data.strip():
            self.media_done = True  # text first: no media, all of it is the caption
        self._add(data)

    def handle_entityref(self, name: str) -> None:
        self._add(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._add(f"&#{name};")


def split_caption(html: str) -> tuple[str, str]:
    """The media HTML of a caption's content, and its caption text (as HTML)."""
    parser = _CaptionSplit()
    parser.feed(html)
    parser.close()
    return "".join(parser.media), " ".join("".join(parser.caption).split())
