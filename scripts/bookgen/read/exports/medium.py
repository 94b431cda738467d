"""Medium's export: ``posts/*.html``, one page a story, in the zip Medium sends or its
unpacked folder.

A page holds the story's title (``h1.p-name``), subtitle, body (``section.e-content``),
date (``time.dt-published``), canonical address (``a.p-canonical``) and author. A draft
(``draft_…`` file, no date) is left out with a line; so is a response (a reply to
another story: Medium keeps replies beside stories, but only a story opens with its
title as the first element of its body, ``graf--title``). The body's copy of the title
and subtitle and Medium's section dividers are not shown twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape, unescape
from html.parser import HTMLParser

from .common import Export, ExportedPost, ExportOptions, post_file

# Elements of the body that repeat the header or only divide Medium's sections.
_DUPLICATES = frozenset({"graf--title", "graf--subtitle", "section-divider"})
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})


def is_medium(files: Mapping[str, bytes]) -> bool:
    return (
        any(path.startswith("posts/") and path.endswith(".html") for path in files)
        and "posts.csv" not in files
    )


class _Story(HTMLParser):
    """The fields of one story page, and its body's HTML without the duplicates."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.fields: dict[str, str] = {}
        self.body: list[str] = []
        self.has_title_graf = False
        self._capture: str | None = None  # the field whose text is being read
        self._text: list[str] = []
        self._body_depth = 0  # inside the body section: its element depth
        self._skip_depth = 0  # inside a duplicate element: its depth

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if self._body_depth:
            if tag not in _VOID:
                self._body_depth += 1
            self.has_title_graf = self.has_title_graf or "graf--title" in classes
            if self._skip_depth or classes & _DUPLICATES:
                if tag not in _VOID:
                    self._skip_depth += 1
                return
            self.body.append(self.get_starttag_text() or "")
            return
        if tag == "section" and values.get("data-field") == "body":
            self._body_depth = 1
        elif tag == "h1" and "p-name" in classes:
            self._start("title")
        elif tag == "section" and values.get("data-field") == "subtitle":
            self._start("subtitle")
        elif tag == "time" and "dt-published" in classes:
            self.fields["date"] = values.get("datetime") or ""
        elif tag == "a" and "p-canonical" in classes:
            self.fields["address"] = values.get("href") or ""
        elif tag == "a" and "p-author" in classes:
            self._start("author")

    def _start(self, field: str) -> None:
        self._capture = field
        self._text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._body_depth and not self._skip_depth:
            classes = set((dict(attrs).get("class") or "").split())
            if not classes & _DUPLICATES:
                self.body.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if self._body_depth:
            if tag in _VOID:
                return
            self._body_depth -= 1
            if self._skip_depth:
                self._skip_depth -= 1
            elif self._body_depth:
                self.body.append(f"</{tag}>")
            return
        if self._capture and tag in ("h1", "section", "a"):
            self.fields[self._capture] = " ".join("".join(self._text).split())
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._body_depth:
            if not self._skip_depth:
                self.body.append(data)
        elif self._capture:
            self._text.append(data)

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, reference: str) -> None:
        """An entity: kept as written in the body, read as its character in a field."""
        if self._body_depth:
            self.handle_data(reference)
        elif self._capture:
            self._text.append(unescape(reference))


def _date(value: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None
    except ValueError:
        return None


def _slug(path: str) -> str:
    """``posts/2019-05-01_Some-Title-abc123def456.html`` -> ``Some-Title``."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".html").removeprefix("draft_")
    stem = stem.split("_", 1)[1] if stem[:4].isdigit() and "_" in stem else stem
    return stem.rsplit("-", 1)[0] if "-" in stem else stem


def read_medium(name: str, files: Mapping[str, bytes], options: ExportOptions) -> Export:
    """The stories of a Medium export (its files by path)."""
    export = Export()
    taken: set[str] = set()
    for path in sorted(p for p in files if p.startswith("posts/") and p.endswith(".html")):
        page = _Story()
        page.feed(files[path].decode("utf-8", "replace"))
        page.close()
        title = page.fields.get("title") or _slug(path).replace("-", " ")
        where = f"{name}: {path} {title!r}"
        if path.rsplit("/", 1)[-1].startswith("draft_") or not page.fields.get("date"):
            export.skipped.append(f"{where}: a draft; left out")
            continue
        if not page.has_title_graf:
            export.skipped.append(f"{where}: a response to another story, not a story; left out")
            continue
        author = page.fields.get("author", "")
        post = ExportedPost(
            title=title,
            html="".join(page.body) or f"<p>{escape(title)}</p>",
            slug=_slug(path),
            date=_date(page.fields.get("date", "")),
            authors=[author] if author else [],
            description=page.fields.get("subtitle", ""),
            address=page.fields.get("address", ""),
        )
        export.posts.append(post_file(post, "", taken))
        export.site_url = export.site_url or _author_page(post.address)
    return export


def _author_page(address: str) -> str:
    """The writer's page of a story's canonical address (``https://medium.com/@ana``):
    the blog's address, so links between the writer's stories land in the book."""
    scheme, _, rest = address.partition("://")
    host, _, path = rest.partition("/")
    first = path.split("/", 1)[0]
    return f"{scheme}://{host}/{first}" if scheme in ("http", "https") and first.startswith("@") else ""
