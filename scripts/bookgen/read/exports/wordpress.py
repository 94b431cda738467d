"""WordPress's export (WXR: an RSS file, from WordPress.org or WordPress.com).

Published posts become post files with their date, authors, categories and tags,
excerpt, slug and address; drafts and pending posts become posts marked draft (so
``convert --drafts`` keeps them and otherwise each is left out with a report);
scheduled, private, password-protected and trashed posts are left out with a line each.
Pages become a part of their own (``Pages``) unless pages are left out. Attachments give
``[gallery]`` its pictures and captions; menus, comments and other records are counted
in one line. The body is the classic editor's text (paragraphs made as WordPress makes
them) or the block editor's HTML (its ``<!-- wp:... -->`` comments dropped), with
shortcodes expanded; titles holding HTML show as text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from .autop import autop
from .common import (
    PAGES_FOLDER,
    Export,
    ExportedPost,
    ExportError,
    ExportOptions,
    parse_xml,
    plain,
    post_file,
)
from .shortcodes import Attachment, Shortcodes

# WXR's namespaces, by their last part: exports name them with http or https.
_WP = "wordpress.org/export/"
_CONTENT = "purl.org/rss/1.0/modules/content/"
_EXCERPT = "/excerpt/"
_DC = "purl.org/dc/elements/1.1/"

LEFT_OUT = {
    "future": "scheduled, not yet published",
    "private": "private",
    "trash": "in the trash",
}
DRAFTS = frozenset({"draft", "pending", "auto-draft"})


def is_wordpress(name: str, data: bytes) -> bool:
    """A WXR file: XML whose head names WordPress's export namespace."""
    head = data[:4096]
    return name.lower().endswith(".xml") and b"<rss" in head and b"wordpress.org/export/" in head


def _local(element: Element) -> tuple[str, str]:
    """An element's namespace and local name."""
    tag = element.tag
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _child(element: Element, namespace: str, name: str) -> Element | None:
    for child in element:
        space, local = _local(child)
        if local == name and namespace in space:
            return child
    return None


def _text(element: Element, namespace: str, name: str) -> str:
    child = _child(element, namespace, name)
    return (child.text or "") if child is not None else ""


def _children(element: Element, namespace: str, name: str) -> Iterator[Element]:
    for child in element:
        space, local = _local(child)
        if local == name and namespace in space:
            yield child


class _BlockComments(HTMLParser):
    """A post's HTML without WordPress's own marks: the block editor's ``<!-- wp:... -->``
    comments and the ``<!--more-->`` and ``<!--nextpage-->`` tags (never shown)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        marker = data.strip()
        if not marker.startswith(("wp:", "/wp:")) and marker.split(" ")[0] not in (
            "more",
            "nextpage",
            "noteaser",
        ):
            self.out.append(f"<!--{data}-->")


def body_html(content: str, shortcodes: Shortcodes) -> str:
    """A post's stored text as the HTML its readers saw."""
    parser = _BlockComments()
    parser.feed(shortcodes.expand(content))
    parser.close()
    html = "".join(parser.out)
    return html if "<!-- wp:" in content else autop(html)


def _date(item: Element) -> dt.date | None:
    for name in ("post_date", "post_date_gmt"):  # the date the blog showed: its own time zone
        value = _text(item, _WP, name).strip()
        if value and not value.startswith("0000"):
            try:
                return dt.datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").date()
            except ValueError:
                continue
    return None


def read_wordpress(name: str, data: bytes, options: ExportOptions) -> Export:
    """The posts of a WordPress export; raises ``ExportError`` if it cannot be read."""
    root = parse_xml(name, data)
    channel = next((child for child in root if _local(child)[1] == "channel"), None)
    if channel is None:
        raise ExportError(f"{name}: no <channel>: not a WordPress export; nothing imported")
    authors = {
        _text(author, _WP, "author_login"): _text(author, _WP, "author_display_name").strip()
        for author in _children(channel, _WP, "author")
    }
    items = list(_children(channel, "", "item"))
    attachments = {
        _text(item, _WP, "post_id"): Attachment(
            _text(item, _WP, "attachment_url").strip(),
            plain(_text(item, "", "title")),
            plain(_text(item, _EXCERPT, "encoded")),
            _text(item, _WP, "post_parent").strip(),
        )
        for item in items
        if _text(item, _WP, "post_type") == "attachment"
    }
    export = Export(
        site_url=(_text(channel, _WP, "base_blog_url") or _text(channel, "", "link")).strip(),
        title=plain(_text(channel, "", "title")),
    )
    taken: set[str] = set()
    others: Counter[str] = Counter()
    comments = 0
    for item in items:
        kind = _text(item, _WP, "post_type")
        comments += sum(1 for _ in _children(item, _WP, "comment"))
        if kind not in ("post", "page"):
            others[kind or "unknown"] += 1
            continue
        title = plain(_text(item, "", "title")) or unquote(_text(item, _WP, "post_name"))
        where = f"{name}: {kind} {title!r}"
        status = _text(item, _WP, "status")
        if _text(item, _WP, "post_password"):
            export.skipped.append(f"{where}: password-protected; left out")
            continue
        if status in LEFT_OUT:
            export.skipped.append(f"{where}: {LEFT_OUT[status]}; left out")
            continue
        if kind == "page" and not options.pages:
            export.skipped.append(f"{where}: a page; left out (pages are not wanted)")
            continue
        if status != "publish" and status not in DRAFTS:
            export.skipped.append(f"{where}: status {status!r}; left out")
            continue
        shortcodes = Shortcodes(attachments, _text(item, _WP, "post_id").strip())
        html = body_html(_text(item, _CONTENT, "encoded"), shortcodes)
        if shortcodes.unknown:
            shown = ", ".join(f"[{code}]" for code in shortcodes.unknown)
            export.skipped.append(f"{where}: shortcodes shown as typed (not known here): {shown}")
        categories = [
            unescape(element.text or "").strip()
            for element in _children(item, "", "category")
            if element.get("domain") in ("category", "post_tag")
            and element.get("nicename") != "uncategorized"
        ]
        creator = _text(item, _DC, "creator").strip()
        post = ExportedPost(
            title=title,
            html=html,
            slug=unquote(_text(item, _WP, "post_name").strip()),  # stored percent-encoded
            date=None if kind == "page" else _date(item),
            authors=[authors.get(creator) or creator] if creator else [],
            tags=list({tag.casefold(): tag for tag in reversed(categories) if tag}.values())[::-1],
            description=plain(_text(item, _EXCERPT, "encoded")),
            address=_text(item, "", "link").strip(),
            draft=status in DRAFTS,
        )
        export.posts.append(post_file(post, PAGES_FOLDER if kind == "page" else "", taken))
    if comments or others:
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(others.items()))
        parts = [part for part in (f"{comments} comments" if comments else "", counted) if part]
        export.skipped.append(f"{name}: not posts, not imported: {'; '.join(parts)}")
    return export
