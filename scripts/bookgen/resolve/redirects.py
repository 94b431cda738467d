"""The blog's old addresses of its posts, so a book hosted there can redirect them.

A post's old address is known when its front matter gives it (``url``, ``permalink``,
``aliases``, ...) or when another post links to it by a path of the blog. When most of
those links follow one shape (``/blog/:year/:month/:day/:slug/``), the shape is the
blog's permalink pattern and gives every dated post its address too.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import unquote, urlsplit

from ..model import Post

# A redirect page is written at the old path inside the HTML output: only plain names,
# never one of the book's own folders or pages.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,99}")
RESERVED = frozenset(
    {"generated", "index", "search", "genindex", "404", "feed.xml", "sitemap.xml", "objects.inv"}
)
MAX_DEPTH = 8
# How sure the permalink pattern must be: this many links, and this share of them.
PATTERN_LINKS = 3
PATTERN_SHARE = 0.6


def redirect_source(address: str, base: str = "/") -> str | None:
    """The redirect page for an old address, as a path in the HTML output without its
    ``.html``: ``/2019/05/x/`` is ``2019/05/x/index``, ``/x.html`` is ``x``; None for an
    address that cannot be a page of its own there."""
    try:
        path = unquote(
            urlsplit(address).path
            if "//" in address
            else address.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]
        )
    except ValueError:
        return None
    if base != "/" and path.startswith(base):
        path = "/" + path[len(base) :]
    if not path.startswith("/"):
        return None
    segments = [s for s in path.split("/") if s]
    if not segments or len(segments) > MAX_DEPTH or segments[0].lower() in RESERVED:
        return None
    if not all(_SEGMENT.fullmatch(segment) for segment in segments):
        return None
    last = segments[-1]
    if path.endswith("/"):
        return "/".join([*segments, "index"])
    stem, suffix = _split_page_suffix(last)
    if suffix.lower() != ".html":
        return None if suffix else "/".join([*segments, "index"])  # "/Rust-1.4/"
    return "/".join([*segments[:-1], stem])


def old_addresses(
    posts: Sequence[Post], linked: Mapping[str, Iterable[str]], base: str = "/"
) -> dict[str, str]:
    """Redirect page (see ``redirect_source``) -> post source, for every old address
    known: the post's own, the paths other posts link it by (``linked``, by source),
    and the blog's permalink pattern applied to each dated post. An address claimed by
    two posts is left out."""
    claims: dict[str, set[str]] = {}
    for post in posts:
        for address in (*post.addresses, *linked.get(post.source, ())):
            source = redirect_source(address, base)
            if source is not None:
                claims.setdefault(source, set()).add(post.source)
    pattern = permalink_pattern(posts, linked)
    if pattern:
        for post in posts:
            address = _apply(pattern, post)
            source = redirect_source(address, base) if address else None
            if source is not None:
                claims.setdefault(source, set()).add(post.source)
    return {source: next(iter(owners)) for source, owners in sorted(claims.items()) if len(owners) == 1}


def permalink_pattern(posts: Sequence[Post], linked: Mapping[str, Iterable[str]]) -> str:
    """The shape most links to posts follow (``/:year/:month/:slug/``), if they agree."""
    by_source = {post.source: post for post in posts}
    shapes: Counter[str] = Counter()
    for source, paths in linked.items():
        post = by_source.get(source)
        if post is None or post.date is None:
            continue
        for path in paths:
            shape = _shape(path, post)
            if shape:
                shapes[shape] += 1
    if not shapes:
        return ""
    shape, count = shapes.most_common(1)[0]
    if count >= PATTERN_LINKS and count >= PATTERN_SHARE * sum(shapes.values()):
        return shape
    return ""


def _shape(path: str, post: Post) -> str:
    """``/2019/05/01/x/`` as ``/:year/:month/:day/:slug/`` for the post ``x`` of that date."""
    assert post.date is not None
    path = path.split("#", maxsplit=1)[0].split("?", maxsplit=1)[0]
    if not path.startswith("/"):
        return ""
    segments = path.split("/")
    last = max((i for i, s in enumerate(segments) if s), default=-1)
    if last < 0:
        return ""
    stem, suffix = _split_page_suffix(segments[last])
    if stem.lower() not in {slug.lower() for slug in _slugs(post)}:
        return ""
    # The date's parts in order: in 2020/01/01 the first "01" is the month.
    wanted = [
        (f"{post.date.year}", ":year"),
        (f"{post.date.month:02d}", ":month"),
        (f"{post.date.day:02d}", ":day"),
    ]
    shaped = []
    for segment in segments[:last]:
        position = next((i for i, (value, _) in enumerate(wanted) if value == segment), None)
        if position is None:
            shaped.append(segment)
        else:
            shaped.append(wanted[position][1])
            del wanted[: position + 1]
    return "/".join([*shaped, ":slug" + suffix, *segments[last + 1 :]])


def _split_page_suffix(name: str) -> tuple[str, str]:
    """``x.html`` as (``x``, ``.html``); ``Rust-1.4`` stays whole."""
    for suffix in (".html", ".htm", ".php"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)], name[-len(suffix) :]
    return name, ""


def _slugs(post: Post) -> set[str]:
    """The names a post's address may end in, as the blog spelled them."""
    name = posixpath.splitext(post.source)[0]
    name = name.removesuffix("/index").removesuffix("/_index").rsplit("/", 1)[-1]
    slugs = {name, name[11:] if len(name) > 11 and name[:4].isdigit() and name[10] in "-_" else name}
    if post.address_slug:
        slugs.add(post.address_slug)
    return slugs


def _apply(pattern: str, post: Post) -> str:
    if post.date is None and any(key in pattern for key in (":year", ":month", ":day")):
        return ""
    slug = post.address_slug or min(_slugs(post) - {""}, key=len, default="")
    if not slug:
        return ""
    values = {":slug": slug}
    if post.date is not None:
        values.update(
            {":year": f"{post.date.year}", ":month": f"{post.date.month:02d}", ":day": f"{post.date.day:02d}"}
        )
    return re.sub(r":(slug|year|month|day)", lambda m: values[m.group(0)], pattern)
