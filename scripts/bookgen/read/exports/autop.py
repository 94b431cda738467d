"""WordPress's classic editor text to HTML, as WordPress shows it (its ``wpautop``).

Classic posts are stored as typed: paragraphs are separated by blank lines and a single
line end is a line break. The text is walked as HTML tokens (``html.parser``), never by
patterns over its markup: a blank line in running text ends a paragraph, one inside a
block element (``<pre>``, a table, a list) is left to it, and line ends inside a tag's
attributes or in preformatted text stay as they are.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

# Elements that are blocks of their own: text around them is not wrapped into them.
BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Inside these, line ends are the content's own.
VERBATIM = frozenset({"pre", "script", "style", "textarea", "code"})
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)


class _Autop(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.paragraph: list[str] = []  # the open paragraph's pieces
        self.stack: list[str] = []  # open block and verbatim elements

    def _inside(self) -> bool:
        """Inside a block or verbatim element: its text is its own, not wrapped."""
        return bool(self.stack)

    def _end_paragraph(self) -> None:
        text = "".join(self.paragraph)
        self.paragraph = []
        if text.strip():
            lines = [line.strip() for line in text.strip().split("\n")]
            self.out.append("<p>" + "<br />\n".join(lines) + "</p>\n")

    def _emit(self, piece: str) -> None:
        (self.paragraph if not self._inside() else self.out).append(piece)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if tag in BLOCKS and not self.stack:
            self._end_paragraph()
            self.out.append(raw)
            if tag not in VOID:
                self.stack.append(tag)
            return
        if (tag in BLOCKS or tag in VERBATIM) and self.stack and tag not in VOID:
            self.stack.append(tag)
        self._emit(raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if tag in BLOCKS and not self.stack:
            self._end_paragraph()
            self.out.append(raw)
        else:
            self._emit(raw)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack:
                if self.stack.pop() == tag:
                    break
            self.out.append(f"</{tag}>")
            if not self.stack:
                self.out.append("\n")
            return
        self._emit(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._inside():
            self.out.append(data)
            return
        # A blank line ends a paragraph, spaces or tabs on it too (as WordPress reads it).
        chunks = _BLANK_LINE.split(data.replace("\r\n", "\n").replace("\r", "\n"))
        for number, chunk in enumerate(chunks):
            if number:
                self._end_paragraph()
            self.paragraph.append(chunk)

    def handle_entityref(self, name: str) -> None:
        self._emit(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._emit(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self._emit(f"<!--{data}-->")

    def unknown_decl(self, data: str) -> None:
        self._emit(escape(f"<![{data}]>"))

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def autop(text: str) -> str:
    """Classic editor text as HTML paragraphs and line breaks."""
    parser = _Autop()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)
