"""A post's local images to files of the blog, copied into the book.

A post names an image by a path relative to itself (``cat.png`` in a page bundle,
``../images/cat.png``) or to the site's root (``/images/cat.png``, kept in the static
folder the user names). Only files listed when the blog was read can be found, so no
path can reach outside the posts and static folders. Each found file is copied to
``images/<digest>/<name>`` in the output folder; a missing one is shown as its alt
text, with a report.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ..assemble.parts import make_slug
from ..labels import IMAGES_DIR
from ..model import (
    LINKS,
    Block,
    DefinitionList,
    Details,
    Emphasis,
    Figure,
    Heading,
    Image,
    Inline,
    Paragraph,
    Post,
    Report,
    ReportKind,
    ResourceRef,
    Strikethrough,
    Strong,
    Text,
    map_running_text,
    plain_text,
)
from ..read.post import tidy_structure

POSTS_ROOT = "posts"  # the two roots a copy comes from
STATIC_ROOT = "static"


@dataclass(frozen=True)
class ImageFiles:
    """The blog's files an image may name: in the posts folder and in the static folder."""

    posts: frozenset[str] = frozenset()  # paths relative to the posts folder
    static: frozenset[str] = frozenset()  # paths relative to the static folder

    @property
    def signature(self) -> str:
        """Changes when a file comes or goes: part of each page's cache key."""
        digest = hashlib.sha256()
        for root, names in ((POSTS_ROOT, self.posts), (STATIC_ROOT, self.static)):
            for name in sorted(names):
                digest.update(f"{root}/{name}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def find(self, src: str, post: str) -> tuple[str, str] | None:
        """(root, path) of the file ``src`` names in ``post``, or None."""
        try:
            path = unquote(urlsplit(src).path)
        except ValueError:
            return None
        if path.startswith("/"):
            relative = posixpath.normpath(path.lstrip("/"))
            candidates = [(STATIC_ROOT, relative), (POSTS_ROOT, relative)]
        else:
            beside = posixpath.normpath(posixpath.join(posixpath.dirname(post), path))
            # Jekyll and Hugo posts name site images from the post's URL ("../images/x.png"):
            # failing the post's folder, the path below the static folder's root.
            climbed = posixpath.normpath(path)
            while climbed.startswith("../"):
                climbed = climbed[3:]
            candidates = [(POSTS_ROOT, beside), (STATIC_ROOT, climbed)]
        for root, name in candidates:
            if name.startswith("../") or name in ("..", "."):
                continue
            if name in (self.posts if root == POSTS_ROOT else self.static):
                return root, name
        # A path written for the site's URLs, not its files ("../../2024/05/07/post/x.svg"
        # in Zola): the one file of the blog with that name, if only one has it.
        same_name = self._by_name.get(posixpath.basename(path), [])
        return same_name[0] if len(same_name) == 1 else None

    @functools.cached_property
    def _by_name(self) -> dict[str, list[tuple[str, str]]]:
        names: dict[str, list[tuple[str, str]]] = {}
        for root, files in ((POSTS_ROOT, self.posts), (STATIC_ROOT, self.static)):
            for name in files:
                names.setdefault(posixpath.basename(name), []).append((root, name))
        return names


def copy_name(root: str, path: str) -> str:
    """Where a file is copied in the output folder: a folder per source file (names may
    repeat across bundles), the file name made safe."""
    folder = hashlib.sha256(f"{root}/{path}".encode("utf-8", "surrogateescape")).hexdigest()[:12]
    stem, suffix = posixpath.splitext(posixpath.basename(path))
    safe_suffix = "".join(c for c in suffix.lower() if c.isascii() and (c.isalnum() or c == "."))
    return f"{IMAGES_DIR}/{folder}/{make_slug(stem, 'image')}{safe_suffix}"


@dataclass
class ResolvedImages:
    post: Post
    copies: dict[str, tuple[str, str]] = field(default_factory=dict)  # output path -> (root, path)
    reports: list[Report] = field(default_factory=list)


def resolve_images(post: Post, files: ImageFiles, page_depth: int = 1) -> ResolvedImages:
    """The post with each local image pointing at its copy (a path from the post's page,
    ``page_depth`` folders below the output folder), or shown as its alt text."""
    walker = _ImageWalker(post, files, "../" * page_depth)
    # A missing image with no alt text leaves its paragraph empty: drop it, and tidy
    # again, or scene breaks it stood between would meet (docutils refuses that).
    shown = [block for block in walker.blocks(post.body) if not _empty_paragraph(block)]
    body = tidy_structure(shown, post.source, walker.reports)
    lead = walker.inlines(post.lead)
    return ResolvedImages(dataclasses.replace(post, body=body, lead=lead), walker.copies, walker.reports)


def _empty_paragraph(block: Block) -> bool:
    return isinstance(block, Paragraph) and not any(
        isinstance(node, Image) or plain_text((node,)).strip() for node in block.children
    )


class _ImageWalker:
    def __init__(self, post: Post, files: ImageFiles, up: str) -> None:
        self.post = post
        self.files = files
        self.up = up
        self.copies: dict[str, tuple[str, str]] = {}
        self.reports: list[Report] = []

    def blocks(self, blocks: Iterable[Block]) -> tuple[Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: Block) -> Block:
        if isinstance(block, Heading):
            return dataclasses.replace(block, children=self.inlines(block.children))
        if isinstance(block, Figure):
            image = self.image(block.image)
            caption = self.inlines(block.caption)
            if isinstance(image, Image):
                return Figure(image, caption)
            return Paragraph((image, *((Text(" "), *caption) if caption else ())))
        if isinstance(block, DefinitionList):
            block = DefinitionList(tuple((self.inlines(term), d) for term, d in block.items))
        elif isinstance(block, Details):
            block = Details(self.inlines(block.summary), block.children)
        return map_running_text(block, self.inlines, self.blocks)

    def inlines(self, nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Image):
                out.append(self.image(node))
            elif isinstance(node, Emphasis | Strong | Strikethrough):
                out.append(type(node)(self.inlines(node.children)))
            elif isinstance(node, (*LINKS, ResourceRef)):
                out.append(dataclasses.replace(node, children=self.inlines(node.children)))
            else:
                out.append(node)
        return tuple(out)

    def image(self, image: Image) -> Image | Text:
        if urlsplit(image.src).scheme:  # a web address, checked when read
            return image
        found = self.files.find(image.src, self.post.source)
        if found is None:
            self.reports.append(
                Report(
                    self.post.source,
                    ReportKind.IMAGE,
                    f"image file {image.src!r} is not in the blog's files; shown as its text",
                )
            )
            return Text(" ".join(part for part in (image.alt, image.title) if part))
        copy = copy_name(*found)
        self.copies[copy] = found
        return Image(self.up + copy, image.alt, image.title)
