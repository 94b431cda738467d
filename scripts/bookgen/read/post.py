"""One post file (bytes) to a ``Post``: decode, split, detect shape, read, tidy."""

from __future__ import annotations

import dataclasses
from pathlib import PurePath, PurePosixPath

from ..chars import describe_chars, drop_controls
from ..model import (
    Block,
    CodeBlock,
    EmptySection,
    Footnote,
    Heading,
    Inline,
    Paragraph,
    Post,
    Report,
    ReportKind,
    Shape,
    Text,
    ThematicBreak,
    plain_text,
)
from ..words import block_texts
from . import metadata
from .decode import decode_post
from .html import read_html_block
from .markdown import BLOCK_PROBE, read_markdown
from .plaintext import read_plain_text

# Above this a post is published whole as preformatted text: Markdown parsing runs at
# about 0.5 MB/s, and a multi-megabyte "post" is usually an export gone wrong.
MAX_PARSED_BYTES = 2_000_000
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
HTML_SUFFIXES = frozenset({".html", ".htm"})


def detect_shape(name: str, body: str, has_front_matter: bool) -> Shape:
    """HTML by its suffix; Markdown when the file says so (suffix, front matter,
    headings); else plain text."""
    suffix = PurePath(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return Shape.HTML
    if has_front_matter or suffix in MARKDOWN_SUFFIXES:
        return Shape.MARKDOWN
    if not may_hold_heading(body):
        return Shape.PLAIN_TEXT
    tokens = BLOCK_PROBE.parse(body)
    if any(token.type == "heading_open" for token in tokens):
        return Shape.MARKDOWN
    return Shape.PLAIN_TEXT


def may_hold_heading(text: str) -> bool:
    """False only for text with no heading: no "#" (ATX) and no line of only "=" or "-"
    (a setext underline, also after quote markers). A yes just asks the parser, which
    also ends lines at a bare carriage return: ``splitlines`` ends them at least there."""
    if "#" in text:
        return True
    return any(line.strip(" \t>") and not line.strip(" \t>=-") for line in text.splitlines())


def read_post(data: bytes, name: str) -> Post:
    """Read one post file's bytes; ``name`` is its file name, used in every report."""
    decoded = decode_post(data, name)
    reports: list[Report] = list(decoded.reports)
    split = metadata.split_front_matter(decoded.text, name)
    reports.extend(split.reports)
    fields = clean_fields(metadata.read_fields(split.fields, name, split.field_lines), name)
    reports.extend(fields.reports)
    if not split.body.strip():
        reports.append(Report(name, ReportKind.EMPTY, "the post has no text"))
    oversized = len(data) > MAX_PARSED_BYTES
    shape = Shape.PLAIN_TEXT if oversized else detect_shape(name, split.body, split.has_front_matter)

    title = fields.title
    lead: tuple[Inline, ...] = ()
    excerpt = ""
    if oversized:
        reports.append(
            Report(
                name,
                ReportKind.SIZE,
                f"{len(data) / 1e6:.1f} MB is over {MAX_PARSED_BYTES / 1e6:.0f} MB; "
                "published as preformatted text",
            )
        )
        blocks: list[Block] = [CodeBlock(split.body, "text")]
        first_line = split.body.strip().split("\n", 1)[0].strip() if split.body.strip() else ""
        title = title or " ".join(first_line.split()[:20])
    elif shape is Shape.PLAIN_TEXT:
        doc = read_plain_text(split.body, name, split.body_line)
        reports.extend(doc.reports)
        blocks = list(doc.blocks)
        lead = doc.lead
        if title and doc.title:  # front matter had a title: the first line is body text
            blocks.insert(0, Paragraph((Text(doc.title),)))
        title = title or doc.title
    elif shape is Shape.HTML:
        html_blocks, html_reports = read_html_block(split.body, name, split.body_line)
        reports.extend(html_reports)
        blocks = list(html_blocks)
        title, _ = take_title_heading(blocks, title)
    else:
        parsed = read_markdown(split.body, name, split.body_line)
        reports.extend(parsed.reports)
        blocks = list(parsed.blocks)
        summary = parsed.summary_blocks
        title, taken = take_title_heading(blocks, title)
        if taken and summary:
            summary -= 1
        if summary:
            excerpt = " ".join(" ".join(block_texts(blocks[:summary])).split())

    if not title:
        title = title_from_file_name(name)
        reports.append(Report(name, ReportKind.NO_TITLE, f"no title; using the file name {title!r}"))
    if not lead and fields.description:
        lead = (Text(fields.description),)  # the author's standfirst, shown under the title
    date, month_only = (fields.date, False) if fields.date else metadata.date_from_path(name)
    body = tidy_structure(blocks, name, reports)
    return Post(
        source=name,
        title=title,
        shape=shape,
        body=body,
        lead=lead,
        date=date,
        tags=fields.tags,
        description=fields.description,
        authors=fields.authors,
        excerpt=excerpt,
        month_only=month_only,
        draft=fields.draft,
        reports=tuple(reports),
        addresses=fields.addresses,
        address_slug=fields.slug,
    )


def take_title_heading(blocks: list[Block], title: str) -> tuple[str, bool]:
    """A first-level heading opening the body is the post's title (when the front matter
    has none, or the same): taken out of ``blocks``. The title, and whether it was."""
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        heading_text = plain_text(blocks[0].children)
        if not title or heading_text == title:
            blocks.pop(0)
            return title or heading_text, True
    return title, False


def clean_fields(fields: metadata.PostFields, source: str) -> metadata.PostFields:
    """Front matter fields without control characters or line ends, which YAML and TOML
    let a post spell as escapes (``"x\\r# heading"``); one report per field cleaned."""
    reports = list(fields.reports)

    def clean(key: str, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = [drop_controls(value, " ") for value in values]
        dropped = tuple(char for c in cleaned for char in c.line_ends + c.removed)
        if dropped:
            reports.append(
                Report(
                    source,
                    ReportKind.FRONT_MATTER,
                    f"{key}: control characters {describe_chars(dropped)} removed (line ends as spaces)",
                )
            )
        return tuple(" ".join(c.text.split()) for c in cleaned)

    return dataclasses.replace(
        fields,
        title=clean("title", (fields.title,))[0],
        description=clean("description", (fields.description,))[0],
        tags=tuple(dict.fromkeys(tag for tag in clean("tags", fields.tags) if tag)),
        addresses=tuple(address for address in clean("addresses", fields.addresses) if address),
        slug=clean("slug", (fields.slug,))[0],
        reports=tuple(reports),
    )


def preformatted_post(data: bytes, name: str, error: Exception) -> Post:
    """The post the converter failed on, published whole as preformatted text, so a fault
    in the converter costs that post its formatting and nothing else."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    title = title_from_file_name(name)
    lines = str(error).splitlines()
    detail = f"{type(error).__name__}: {lines[0][:200]}" if lines else type(error).__name__
    report = Report(
        name, ReportKind.INTERNAL, f"could not be converted ({detail}); published as preformatted text"
    )
    return Post(
        source=name,
        title=title,
        shape=Shape.PLAIN_TEXT,
        body=(CodeBlock(text, "text"),) if text.strip() else (),
        reports=(report,),
    )


def title_from_file_name(name: str) -> str:
    """A title for a post that has none: its file name's words, on one line."""
    stem = post_stem(name).replace("_", " ").replace("-", " ")
    return " ".join(drop_controls(stem, " ").text.split()) or name


def post_stem(name: str) -> str:
    """The name a post file gives its post: the file's stem, or a bundle's folder name
    for its ``index.md`` (``my-post/index.md`` is "my-post")."""
    path = PurePosixPath(name)
    if path.stem in ("index", "_index") and path.parent.name:
        return path.parent.name
    return path.stem


def tidy_structure(blocks: list[Block], source: str, reports: list[Report]) -> tuple[Block, ...]:
    """Consecutive heading levels, visible empty sections, no dangling scene breaks."""
    leveled: list[Block] = []
    stack: list[int] = []
    for block in blocks:
        if isinstance(block, Heading) and not plain_text(block.children).strip():
            continue  # a heading with no words: nothing to show, nothing lost
        if isinstance(block, Heading):
            while stack and stack[-1] >= block.level:
                stack.pop()
            stack.append(block.level)
            leveled.append(dataclasses.replace(block, level=len(stack)))
        else:
            leveled.append(block)

    # The block after each, scene breaks skipped: a run of breaks is one (resolve can
    # leave breaks together when what stood between them showed nothing).
    after: list[Block | None] = [None] * len(leveled)
    for index in range(len(leveled) - 2, -1, -1):
        nxt = leveled[index + 1]
        after[index] = after[index + 1] if isinstance(nxt, ThematicBreak) else nxt
    out: list[Block] = []
    for index, block in enumerate(leveled):
        following = leveled[index + 1] if index + 1 < len(leveled) else None
        # docutils refuses a transition at the start or end of a section; MyST draws one
        # before the footnotes itself.
        if isinstance(block, ThematicBreak) and (
            not out
            or isinstance(out[-1], Heading | ThematicBreak)
            or after[index] is None
            or isinstance(after[index], Heading | Footnote)
        ):
            continue
        out.append(block)
        if isinstance(block, Heading) and (
            following is None or (isinstance(following, Heading) and following.level <= block.level)
        ):
            out.append(EmptySection())
            reports.append(
                Report(
                    source,
                    ReportKind.EMPTY_SECTION,
                    f"section {plain_text(block.children)!r} is empty; marked as empty",
                    block.line,
                )
            )
    return tuple(out)
