"""Ghost's export: a JSON file (``db[].data``, or ``data`` in older ones) of posts, tags,
users and the tables joining them.

A post's body is its ``html`` when the export has it, else its editor document: Ghost 5's
``lexical`` or the older ``mobiledoc``, rendered here for the kinds of node a blog uses
(paragraphs, headings, lists, quotes, code, images, links, emphasis, HTML and Markdown
cards; a card of another kind is left out and reported). Tags come through
``posts_tags`` (Ghost's internal ``#tags`` left out) and authors through
``posts_authors``. Published and emailed posts become post files, drafts are marked
draft, scheduled posts are left out with a line each, pages form their own part.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt

from .common import PAGES_FOLDER, Export, ExportedPost, ExportError, ExportOptions, plain, post_file

PUBLISHED = frozenset({"published", "sent"})


def is_ghost(name: str, data: bytes) -> bool:
    """A JSON file that holds Ghost's tables."""
    head = data[:65536]
    return name.lower().endswith(".json") and b'"posts"' in data and (b'"db"' in head or b'"meta"' in head)


def _tables(name: str, data: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ExportError(f"{name}: not UTF-8 (byte {error.start}); nothing imported") from None
    except json.JSONDecodeError as error:
        raise ExportError(f"{name}:{error.lineno}: not valid JSON ({error.msg}); nothing imported") from None
    except RecursionError:
        raise ExportError(f"{name}: JSON nested too deeply; nothing imported") from None
    if isinstance(document, Mapping) and isinstance(document.get("db"), list) and document["db"]:
        document = document["db"][0]
    tables = document.get("data") if isinstance(document, Mapping) else None
    if not isinstance(tables, Mapping) or not isinstance(tables.get("posts"), list):
        raise ExportError(f"{name}: no data.posts: not a Ghost export; nothing imported")
    return tables


def _rows(tables: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = tables.get(key)
    return [row for row in rows if isinstance(row, Mapping)] if isinstance(rows, list) else []


def _joined(tables: Mapping[str, Any], join: str, key: str, names: Mapping[str, str]) -> dict[str, list[str]]:
    """Each post's names (tags or authors) through a join table, in its order."""
    found: dict[str, list[tuple[int, str]]] = {}
    for row in _rows(tables, join):
        name = names.get(str(row.get(key)))
        if name:
            order = row.get("sort_order")
            found.setdefault(str(row.get("post_id")), []).append(
                (order if isinstance(order, int) else 0, name)
            )
    return {post: [name for _, name in sorted(pairs)] for post, pairs in found.items()}


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def read_ghost(name: str, data: bytes, options: ExportOptions) -> Export:
    """The posts of a Ghost export; raises ``ExportError`` if it cannot be read."""
    tables = _tables(name, data)
    settings = {str(row.get("key")): row.get("value") for row in _rows(tables, "settings")}
    tags = {
        str(row.get("id")): str(row.get("name") or "")
        for row in _rows(tables, "tags")
        if not str(row.get("name") or "").startswith("#")  # Ghost's internal tags
    }
    users = {str(row.get("id")): str(row.get("name") or "") for row in _rows(tables, "users")}
    post_tags = _joined(tables, "posts_tags", "tag_id", tags)
    post_authors = _joined(tables, "posts_authors", "author_id", users)
    blog_title = settings.get("title")
    export = Export(title=blog_title if isinstance(blog_title, str) else "", site_url=_site(settings))
    taken: set[str] = set()
    for row in _rows(tables, "posts"):
        kind = str(row.get("type") or ("page" if row.get("page") is True else "post"))  # older: "page": true
        raw_title = row.get("title")
        title = raw_title if isinstance(raw_title, str) else ""
        where = f"{name}: {kind} {title!r}"
        status = str(row.get("status") or "")
        if status == "scheduled":
            export.skipped.append(f"{where}: scheduled, not yet published; left out")
            continue
        if status not in PUBLISHED and status != "draft":
            export.skipped.append(f"{where}: status {status!r}; left out")
            continue
        if kind == "page" and not options.pages:
            export.skipped.append(f"{where}: a page; left out (pages are not wanted)")
            continue
        html, left_out = body_of(row)
        if left_out:
            export.skipped.append(f"{where}: cards not shown: {', '.join(left_out)}")
        post_id = str(row.get("id"))
        post = ExportedPost(
            title=plain(title) if "<" in title else " ".join(title.split()),
            html=html,
            slug=str(row.get("slug") or ""),
            date=None if kind == "page" else _date(row.get("published_at") or row.get("created_at")),
            authors=post_authors.get(post_id, []),
            tags=post_tags.get(post_id, []),
            description=str(row.get("custom_excerpt") or ""),
            address=str(row.get("canonical_url") or ""),
            draft=status == "draft",
        )
        export.posts.append(post_file(post, PAGES_FOLDER if kind == "page" else "", taken))
    return export


def _site(settings: Mapping[str, object]) -> str:
    for key in ("url", "site_url"):
        value = settings.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return ""


def body_of(row: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A post's HTML, and the kinds of card left out of it."""
    html = row.get("html")
    if isinstance(html, str) and html.strip():
        return html, []
    left_out: list[str] = []
    for key, render in (("lexical", lexical_html), ("mobiledoc", mobiledoc_html)):
        source = row.get(key)
        if isinstance(source, str) and source.strip():
            try:
                document = json.loads(source)
            except (json.JSONDecodeError, RecursionError):
                left_out.append(f"{key} (not valid JSON)")
                continue
            return render(document, left_out), left_out
    plaintext = row.get("plaintext")
    if isinstance(plaintext, str) and plaintext.strip():
        return "".join(f"<p>{escape(part)}</p>" for part in plaintext.split("\n\n")), left_out
    return "", left_out


def markdown_html(text: str) -> str:
    """A Markdown card as HTML (markdown-it, as CommonMark reads it); the HTML reader
    then takes only what its allowlist keeps."""
    html: str = _MARKDOWN.render(text)
    return html


_MARKDOWN = MarkdownIt("commonmark")


# --- Lexical (Ghost 5) -------------------------------------------------------------------

_FORMATS = ((1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"), (32, "sub"), (64, "sup"))


def lexical_html(document: object, left_out: list[str]) -> str:
    root = document.get("root") if isinstance(document, Mapping) else None
    return _lexical_children(root, left_out) if isinstance(root, Mapping) else ""


def _lexical_children(node: Mapping[str, Any], left_out: list[str]) -> str:
    children = node.get("children")
    return (
        "".join(_lexical(child, left_out) for child in children if isinstance(child, Mapping))
        if isinstance(children, list)
        else ""
    )


# Nodes that are their children in one element.
_WRAPPERS = {
    "paragraph": "p",
    "listitem": "li",
    "quote": "blockquote",
    "extended-quote": "blockquote",
    "aside": "blockquote",
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _lexical(node: Mapping[str, Any], left_out: list[str]) -> str:
    kind = str(node.get("type") or "")
    inner = _lexical_children(node, left_out)
    if kind in _WRAPPERS:
        return f"<{_WRAPPERS[kind]}>{inner}</{_WRAPPERS[kind]}>"
    render = _LEXICAL.get(kind)
    if render is not None:
        return render(node, inner)
    if not inner and kind and kind not in left_out:
        left_out.append(kind)
    return inner


def _lexical_text(node: Mapping[str, Any], inner: str) -> str:
    text = escape(str(node.get("text") or ""), quote=False)
    fmt = node.get("format")
    for bit, tag in _FORMATS:
        if isinstance(fmt, int) and fmt & bit:
            text = f"<{tag}>{text}</{tag}>"
    return text


def _lexical_heading(node: Mapping[str, Any], inner: str) -> str:
    tag = str(node.get("tag") or "h2")
    tag = tag if tag in _HEADINGS else "h2"
    return f"<{tag}>{inner}</{tag}>"


def _lexical_list(node: Mapping[str, Any], inner: str) -> str:
    tag = "ol" if node.get("listType") == "number" else "ul"
    return f"<{tag}>{inner}</{tag}>"


def _lexical_code(node: Mapping[str, Any], inner: str) -> str:
    language = escape(str(node.get("language") or ""))
    code = escape(str(node.get("code") or ""), quote=False) or inner
    return f'<pre><code class="language-{language}">{code}</code></pre>'


_LEXICAL: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "text": _lexical_text,
    "extended-text": _lexical_text,  # Ghost's text node
    "extended-heading": _lexical_heading,
    "heading": _lexical_heading,
    "list": _lexical_list,
    "linebreak": lambda node, inner: "<br />",
    "horizontalrule": lambda node, inner: "<hr />",
    "link": lambda node, inner: f'<a href="{escape(str(node.get("url") or ""))}">{inner}</a>',
    "codeblock": _lexical_code,
    "image": lambda node, inner: _figure(node.get("src"), node.get("alt"), node.get("caption")),
    "html": lambda node, inner: str(node.get("html") or ""),
    "markdown": lambda node, inner: markdown_html(str(node.get("markdown") or "")),
}


def _figure(src: object, alt: object, caption: object) -> str:
    if not isinstance(src, str) or not src:
        return ""
    image = f'<img src="{escape(src)}" alt="{escape(str(alt or ""))}" />'
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>" if caption else f"<p>{image}</p>"


# --- Mobiledoc (Ghost 1-4) ---------------------------------------------------------------


def mobiledoc_html(document: object, left_out: list[str]) -> str:
    if not isinstance(document, Mapping):
        return ""
    markups = [m for m in document.get("markups") or [] if isinstance(m, list) and m]
    cards = [c for c in document.get("cards") or [] if isinstance(c, list) and c]
    atoms = [a for a in document.get("atoms") or [] if isinstance(a, list) and a]
    out = []
    for section in document.get("sections") or []:
        if not isinstance(section, list) or not section:
            continue
        if section[0] == 1 and len(section) >= 3:  # markup section: [1, tag, markers]
            tag = str(section[1]).lower()
            tag = tag if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "aside") else "p"
            tag = "blockquote" if tag == "aside" else tag
            out.append(f"<{tag}>{_markers(section[2], markups, atoms)}</{tag}>")
        elif section[0] == 3 and len(section) >= 3:  # list section: [3, "ul"|"ol", items]
            tag = "ol" if section[1] == "ol" else "ul"
            items = "".join(
                f"<li>{_markers(item, markups, atoms)}</li>" for item in section[2] if isinstance(item, list)
            )
            out.append(f"<{tag}>{items}</{tag}>")
        elif section[0] == 10 and len(section) >= 2 and isinstance(section[1], int):  # card
            out.append(_card(cards[section[1]] if section[1] < len(cards) else [], left_out))
    return "\n".join(out)


def _markers(markers: object, markups: Sequence[list[Any]], atoms: Sequence[list[Any]]) -> str:
    """A section's markers: text with its markups opened and closed in turn."""
    out: list[str] = []
    open_tags: list[str] = []
    for marker in markers if isinstance(markers, list) else []:
        if not isinstance(marker, list) or len(marker) < 4:
            continue
        kind, opens, closes, text = marker[:4]
        if kind == 1:  # an atom: Ghost's soft return, or another atom's text
            atom = atoms[text] if isinstance(text, int) and text < len(atoms) else []
            text = "\n" if atom and atom[0] == "soft-return" else (atom[1] if len(atom) > 1 else "")
        for index in opens if isinstance(opens, list) else []:
            if isinstance(index, int) and index < len(markups):
                tag, *rest = markups[index]
                tag = str(tag).lower()
                attributes = rest[0] if rest and isinstance(rest[0], list) else []
                pairs = dict(zip(attributes[::2], attributes[1::2], strict=False))  # [name, value, ...]
                href = pairs.get("href", "")
                out.append(f'<a href="{escape(str(href))}">' if tag == "a" else f"<{_inline(tag)}>")
                open_tags.append("a" if tag == "a" else _inline(tag))
        out.append("<br />" if text == "\n" else escape(str(text), quote=False))
        for _ in range(closes if isinstance(closes, int) else 0):
            if open_tags:
                out.append(f"</{open_tags.pop()}>")
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def _inline(tag: str) -> str:
    return tag if tag in ("strong", "em", "b", "i", "code", "s", "u", "sub", "sup") else "span"


def _card(card: Sequence[Any], left_out: list[str]) -> str:
    name = str(card[0]) if card else ""
    payload = card[1] if len(card) > 1 and isinstance(card[1], Mapping) else {}
    if name == "image":
        return _figure(payload.get("src"), payload.get("alt"), payload.get("caption"))
    if name == "html":
        return str(payload.get("html") or "")
    if name in ("markdown", "card-markdown"):
        return markdown_html(str(payload.get("markdown") or ""))
    if name == "code":
        language = escape(str(payload.get("language") or ""))
        code = escape(str(payload.get("code") or ""), quote=False)
        return f'<pre><code class="language-{language}">{code}</code></pre>'
    if name == "hr":
        return "<hr />"
    if name and name not in left_out:
        left_out.append(name)
    return ""
