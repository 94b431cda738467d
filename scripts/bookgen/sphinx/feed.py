"""An Atom feed of the book's posts, from the book metadata the converter writes.

Small enough not to need a library: Atom is a handful of required elements, and the
standard library's ElementTree escapes every value.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from urllib.parse import urljoin

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 has no place for (most C0 controls, lone surrogates, U+FFFE/F):
# ElementTree writes them as they are, and the feed would not be well-formed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """``value`` as text XML can hold: characters XML forbids are dropped."""
    return _NOT_XML.sub("", str(value))


def atom_feed(book: Mapping[str, object], base_url: str) -> str:
    """The feed as text; ``book`` is ``book.json``: title, author and posts."""
    ET.register_namespace("", ATOM)
    posts = [p for p in book.get("posts", []) if isinstance(p, Mapping)]  # type: ignore[attr-defined]
    dates = sorted(str(p["date"]) for p in posts if p.get("date"))
    # Undated posts take the newest date in the book, so the feed is reproducible.
    newest = dates[-1] if dates else "2000-01-01"
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", str(book.get("title", "")))
    _text(feed, "id", base_url)
    _text(feed, "updated", f"{newest}T00:00:00Z")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=urljoin(base_url, "feed.xml"), rel="self")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=base_url)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", str(book.get("author") or book.get("title", "")))
    for post in sorted(posts, key=lambda p: str(p.get("date") or newest), reverse=True):
        url = xml_text(urljoin(base_url, f"{post['docname']}.html"))
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", str(post["title"]))
        _text(entry, "id", url)
        _text(entry, "updated", f"{post.get('date') or newest}T00:00:00Z")
        ET.SubElement(entry, f"{{{ATOM}}}link", href=url)
        if post.get("summary"):
            _text(entry, "summary", str(post["summary"]))
        for tag in _strings(post.get("tags")):
            ET.SubElement(entry, f"{{{ATOM}}}category", term=xml_text(tag))
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = xml_text(value)


def _strings(value: object) -> Sequence[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
