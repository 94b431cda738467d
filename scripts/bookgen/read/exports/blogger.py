"""Blogger's export: an Atom feed of the blog's entries, in either shape Blogger writes.

The older export (*Settings → Back up content*) tells an entry's kind by a category in
the ``…/g/2005#kind`` scheme (``…#post``, ``…#page``, ``…#comment``, ``…#settings``,
``…#template``) and a draft by ``<app:control><app:draft>yes``; the newer one (Google
Takeout's ``feed.atom``) by ``<blogger:type>`` and ``<blogger:status>`` (``LIVE``,
``DRAFT``, ``SOFT_TRASHED``). Posts become post files with their date, author, labels and
address; drafts are marked draft; trashed posts are left out with a line each; pages
form a part of their own; comments, settings and templates are counted in one line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from xml.etree.ElementTree import Element

from .common import PAGES_FOLDER, Export, ExportedPost, ExportOptions, parse_xml, plain, post_file

ATOM = "{http://www.w3.org/2005/Atom}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
_APP = "purl.org/atom/app#"
_BLOGGER = "schemas.google.com/blogger/"


def is_blogger(name: str, data: bytes) -> bool:
    """An Atom feed whose head names Blogger."""
    head = data[:4096]
    return name.lower().endswith((".xml", ".atom")) and b"<feed" in head and b"blogger" in head


def _find(element: Element, namespace: str, name: str) -> Element | None:
    for child in element.iter():
        tag = child.tag
        if tag.endswith("}" + name) and namespace in tag:
            return child
    return None


def _own(element: Element, namespace: str, name: str) -> Element | None:
    for child in element:
        if child.tag.endswith("}" + name) and namespace in child.tag:
            return child
    return None


def _kind_and_status(entry: Element) -> tuple[str, str]:
    """("post", "page", "comment", ...) and ("live", "draft", "trashed")."""
    kind = _own(entry, _BLOGGER, "type")  # the entry's own: its <author> has a type too
    status = _own(entry, _BLOGGER, "status")
    if kind is not None:  # Takeout's feed.atom
        state = (status.text or "").strip().lower() if status is not None else "live"
        return (kind.text or "").strip().lower(), "trashed" if "trash" in state else state
    found = ""
    for category in entry.findall(f"{ATOM}category"):
        if category.get("scheme") == KIND_SCHEME:
            found = category.get("term", "").rpartition("#")[2]
    draft = _find(entry, _APP, "draft")
    return found, "draft" if draft is not None and (draft.text or "").strip() == "yes" else "live"


def _title(element: Element | None) -> str:
    """An entry's title: Atom's text title as it stands, an HTML one as its text."""
    if element is None:
        return ""
    text = element.text or ""
    return plain(text) if element.get("type") in ("html", "xhtml") else " ".join(text.split())


def _date(entry: Element) -> dt.date | None:
    text = (entry.findtext(f"{ATOM}published") or "").strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date() if text else None
    except ValueError:
        return None


def _address(entry: Element, site: str) -> str:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            return link.get("href", "")
    filename = _find(entry, _BLOGGER, "filename")
    if filename is not None and filename.text and site:
        return site.rstrip("/") + "/" + filename.text.strip().lstrip("/")
    return ""


def read_blogger(name: str, data: bytes, options: ExportOptions) -> Export:
    """The posts of a Blogger export; raises ``ExportError`` if it cannot be read."""
    root = parse_xml(name, data)
    site = next(
        (link.get("href", "") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"), ""
    )
    export = Export(site_url=site, title=_title(root.find(f"{ATOM}title")))
    taken: set[str] = set()
    others: Counter[str] = Counter()
    for entry in root.findall(f"{ATOM}entry"):
        kind, status = _kind_and_status(entry)
        if kind not in ("post", "page"):
            others[kind or "unknown"] += 1
            continue
        title = _title(entry.find(f"{ATOM}title"))
        where = f"{name}: {kind} {title!r}"
        if status not in ("live", "draft"):
            shown = "in the trash" if status == "trashed" else f"status {status!r}"
            export.skipped.append(f"{where}: {shown}; left out")
            continue
        if kind == "page" and not options.pages:
            export.skipped.append(f"{where}: a page; left out (pages are not wanted)")
            continue
        labels = [
            category.get("term", "").strip()
            for category in entry.findall(f"{ATOM}category")
            if category.get("scheme") != KIND_SCHEME and category.get("term", "").strip()
        ]
        author = (entry.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
        address = _address(entry, site)
        post = ExportedPost(
            title=title,
            html=entry.findtext(f"{ATOM}content") or "",
            slug=address.rstrip("/").rpartition("/")[2].removesuffix(".html"),
            date=None if kind == "page" else _date(entry),
            authors=[author] if author and author != "Unknown" else [],
            tags=list(dict.fromkeys(labels)),
            address=address,
            draft=status == "draft",
        )
        export.posts.append(post_file(post, PAGES_FOLDER if kind == "page" else "", taken))
    if others:
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(others.items()))
        export.skipped.append(f"{name}: not posts, not imported: {counted}")
    return export
