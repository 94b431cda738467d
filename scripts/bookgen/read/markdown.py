"""Markdown text to the document model, walking markdown-it's token tree.

Two parsers are built once: ``MARKDOWN`` for Markdown posts (CommonMark, tables,
strikethrough, bare URLs) and ``PLAIN_INLINE`` for lines of plain-text exports, where
only links and bare URLs mean anything and every other character is literal text.
Both know a ``[Title](Title)`` link whose target is no URL ("malformed link"), so it
can be kept as text with a report instead of leaking brackets into the book.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.texmath import texmath_plugin

from ..model import (
    Block,
    Code,
    CodeBlock,
    DefinitionList,
    Details,
    Emphasis,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Math,
    MathBlock,
    NamedRef,
    Paragraph,
    Quote,
    Report,
    ReportKind,
    SiteLink,
    Strikethrough,
    Strong,
    Table,
    Text,
    ThematicBreak,
    plain_text,
)
from .embeds import embed, figure_shortcode
from .highlight import checked_code
from .html import HtmlReader, InlineTags, details_balance
from .math import formula_problem, undo_markdown_escapes
from .shared import (
    LANGUAGE_CHARS,
    MAX_BLOCK_NESTING,
    MAX_INLINE_NESTING,
    SAFE_SCHEMES,
    image_source,
    merge_text,
    safe_url,
    scheme,
    unlink,
)
from .site_links import site_target

# markdown-it drops the rest of a post beyond ``maxNesting`` (20) levels of quotes and
# lists (a quote is one level, a list item two); from this level the rest of the
# innermost container is read as one paragraph of its lines instead.
FLATTEN_LEVEL = 16


@dataclass
class _SourceScans:
    """What the inline rules learned about one inline source, so that none scans the same
    stretch for every ``[`` or ``{``: each rule stays linear in the paragraph's length."""

    closing_parens: dict[int, int] | None = None  # "(" index -> its ")" on the same line
    occurrences: dict[str, list[int]] = field(default_factory=dict)  # closer -> every index


def _scans(state: StateInline) -> _SourceScans:
    """The scans of ``state.src``, kept in the parse's ``env`` (one parse, many sources)."""
    by_source: dict[str, _SourceScans] = state.env.setdefault("bookgen_scans", {})
    found = by_source.get(state.src)
    if found is None:
        found = by_source[state.src] = _SourceScans()
    return found


def _malformed_link(state: StateInline, silent: bool) -> bool:
    """``[label](target)`` that the real link rule refused: a target with spaces, or a
    scheme markdown-it refuses (``javascript:``)."""
    return state.src[state.pos] == "[" and _malformed(state, silent, image=False)


def _malformed_image(state: StateInline, silent: bool) -> bool:
    """``![label](target)`` that the real image rule refused, as ``_malformed_link``."""
    return state.src.startswith("![", state.pos) and _malformed(state, silent, image=True)


def _malformed(state: StateInline, silent: bool, image: bool) -> bool:
    label_end = parseLinkLabel(state, state.pos + image, True)
    if label_end < 0:
        return False
    open_paren = label_end + 1
    if open_paren >= state.posMax or state.src[open_paren] != "(":
        return False
    scans = _scans(state)
    if scans.closing_parens is None:
        scans.closing_parens = _closing_parens(state.src)
    close_paren = scans.closing_parens.get(open_paren, -1)
    if close_paren < 0 or close_paren >= state.posMax:
        return False
    if not silent:
        token = state.push("malformed_link", "", 0)
        token.meta = {
            "label": state.src[state.pos + 1 + image : label_end],
            "target": state.src[open_paren + 1 : close_paren],
            "image": image,
        }
    state.pos = close_paren + 1
    return True


def _closing_parens(text: str) -> dict[int, int]:
    """For each ``(`` of the text, the index of the ``)`` closing it on the same line
    (nested pairs counted), in one pass over the text."""
    closing: dict[int, int] = {}
    open_parens: list[int] = []
    for index, char in enumerate(text):
        if char == "(":
            open_parens.append(index)
        elif char == ")":
            if open_parens:
                closing[open_parens.pop()] = index
        elif char == "\n":
            open_parens.clear()
    return closing


def _next_occurrence(state: StateInline, closer: str, start: int) -> int:
    """``state.src.find(closer, start, state.posMax)``, from a list of every occurrence
    made once per source: a run of unclosed openers would otherwise rescan to the end."""
    occurrences = _scans(state).occurrences
    if closer not in occurrences:
        found: list[int] = []
        index = state.src.find(closer)
        while index >= 0:
            found.append(index)
            index = state.src.find(closer, index + 1)
        occurrences[closer] = found
    positions = occurrences[closer]
    at = bisect.bisect_left(positions, start)
    if at == len(positions) or positions[at] + len(closer) > state.posMax:
        return -1
    return positions[at]


def _flatten_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Past ``FLATTEN_LEVEL``, the lines of the innermost quote or list item as one
    paragraph, markers and all: markdown-it would otherwise drop them."""
    if state.level < FLATTEN_LEVEL:
        return False
    if silent:
        return True
    line = start + 1
    while line < end and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [start, line]
    opening.meta = {"flattened": True}
    inline = state.push("inline", "", 0)
    inline.content = state.getLines(start, line, state.blkIndent, False).strip()
    inline.map = [start, line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = line
    return True


def _cap_inline_nesting(tokens: Sequence[Token]) -> None:
    """Drop the open and close tokens nested deeper than ``MAX_INLINE_NESTING`` inside
    each inline token (``*`` x500 + ``a`` + ``*`` x500 nests 500 deep), keeping their
    text; a capped inline token is marked so the reader can report it."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        kept: list[Token] = []
        open_kept: list[bool] = []
        for child in token.children:
            if child.nesting == 1:
                open_kept.append(len(open_kept) < MAX_INLINE_NESTING)
                if open_kept[-1]:
                    kept.append(child)
            elif child.nesting == -1:
                if not open_kept or open_kept.pop():
                    kept.append(child)
            else:
                kept.append(child)
        if len(kept) != len(token.children):
            token.children = kept
            token.meta = {**token.meta, "capped": True}


class _LinksAsTyped(MarkdownIt):
    """markdown-it showing a bare URL or autolink as typed, not percent-decoded."""

    def normalizeLinkText(self, link: str) -> str:
        return link


def _strict_linkify(md: MarkdownIt) -> None:
    """Link only URLs with a scheme: "Netflix.Google" in prose is not a web address."""
    assert md.linkify is not None
    md.linkify.set({"fuzzy_link": False})
    # linkify-it's own pretest also runs its (switched off) fuzzy-host pattern, the
    # slowest step of a parse. Without fuzzy links a link is a scheme with "//"
    # (http, https, ftp, or scheme-relative) or an e-mail address with its "@"
    # (mailto: included); a pretest may answer yes too often, never no wrongly.
    md.linkify.pretest = _may_hold_link


def _may_hold_link(text: str) -> bool:
    return "//" in text or "@" in text


# Jekyll/Liquid and Hugo template tags, longest opener first.
TEMPLATE_DELIMITERS = (("{{<", ">}}"), ("{{%", "%}}"), ("{%", "%}"), ("{{", "}}"))


def _template_tag(state: StateInline, silent: bool) -> bool:
    """``{{< youtube id >}}``, ``{% link x %}``, ``{{ site.title }}``: one token, never run."""
    if state.src[state.pos] != "{":
        return False
    for opener, closer in TEMPLATE_DELIMITERS:
        if state.src.startswith(opener, state.pos):
            end = _next_occurrence(state, closer, state.pos + len(opener))
            if end < 0:
                return False
            if not silent:
                token = state.push("template_tag", "", 0)
                token.content = state.src[state.pos : end + len(closer)]
                token.meta = {"inner": state.src[state.pos + len(opener) : end].strip(), "opener": opener}
            state.pos = end + len(closer)
            return True
    return False


# Code blocks set with a template tag: Jekyll's {% highlight ruby %} ... {% endhighlight %}
# and Hugo's {{< highlight go "linenos=table" >}} ... {{< /highlight >}}.
HIGHLIGHT_TAGS = (("{%", "%}", "endhighlight"), ("{{<", ">}}", "/highlight"), ("{{%", "%}}", "/highlight"))


def _tag_words(line: str) -> tuple[str, list[str]]:
    """The closing delimiter and the words of a line that is one template tag, else ("", [])."""
    for opener, closer, _ in HIGHLIGHT_TAGS:
        if line.startswith(opener) and line.endswith(closer) and len(line) >= len(opener) + len(closer):
            return closer, line[len(opener) : len(line) - len(closer)].replace('"', " ").split()
    return "", []


def _highlight_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A template highlight tag on a line of its own, to its end tag: a fenced code block
    in the tag's language. Without an end tag it is no code block (the tag stays text)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    opening = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]].strip()
    closer, words = _tag_words(opening)
    if not words or words[0] != "highlight":
        return False
    ending = next(end_word for _, tag_closer, end_word in HIGHLIGHT_TAGS if tag_closer == closer)
    line = start + 1
    while line < end:
        text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].strip()
        if _tag_words(text) == (closer, [ending]):
            break
        line += 1
    else:
        return False
    if silent:
        return True
    token = state.push("fence", "code", 0)
    token.info = words[1] if len(words) > 1 else ""
    token.content = state.getLines(start + 1, line, state.blkIndent, True)
    token.markup = "```"
    token.map = [start, line + 1]
    state.line = line + 1
    return True


def _build_markdown() -> MarkdownIt:
    md = _LinksAsTyped("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
    md.use(footnote_plugin).use(deflist_plugin)
    # $x$ and $$...$$, never "$5 and $10" (no digit or space just inside a dollar);
    # \(x\) and \[...\] as LaTeX writes them.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False)
    md.use(texmath_plugin, delimiters="brackets")
    md.inline.ruler.after("image", "malformed_image", _malformed_image)
    _strict_linkify(md)
    md.block.ruler.before("table", "flatten_deep", _flatten_deep)
    md.block.ruler.before("fence", "highlight_tag", _highlight_block, {"alt": ["paragraph"]})
    md.inline.ruler.after("link", "malformed_link", _malformed_link)
    md.inline.ruler.before("link", "template_tag", _template_tag)
    return md


def _build_plain_inline() -> MarkdownIt:
    md = _LinksAsTyped("zero", {"linkify": True}).enable(["linkify", "link"])
    _strict_linkify(md)
    md.inline.ruler.after("link", "malformed_link", _malformed_link)
    md.inline.ruler.before("link", "template_tag", _template_tag)
    return md


def _build_block_probe() -> MarkdownIt:
    """Block structure only (no inline pass): enough to ask whether a text has headings."""
    return MarkdownIt("commonmark").disable("inline")


MARKDOWN = _build_markdown()
PLAIN_INLINE = _build_plain_inline()
BLOCK_PROBE = _build_block_probe()


class TreeReader:
    """Walks a markdown-it syntax tree into model nodes, collecting reports.

    ``line_offset`` maps the parser's 0-based lines back to lines of the file.
    """

    def __init__(self, source: str, line_offset: int) -> None:
        self.source = source
        self.line_offset = line_offset
        self.reports: list[Report] = []
        self._nesting = 0  # inside list items or quotes: no sections, no transitions
        self._flattening = False  # inside a quote or list nested too deep to keep
        self._in_link = False
        self._breaks = 0  # line breaks passed in the paragraph being read: a link's own line
        self.html = HtmlReader(source)  # the post's HTML, with one tally of what it hid

    def finish(self) -> list[Report]:
        """All the reports, the HTML reader's included, its one ``html`` line last."""
        summary = self.html.summary()
        return [*self.reports, *self.html.reports, *([summary] if summary else [])]

    # -- blocks ---------------------------------------------------------------------

    def blocks(self, nodes: Sequence[SyntaxTreeNode]) -> tuple[Block, ...]:
        out: list[Block] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            end = _details_end(nodes, index)
            if end is not None:
                out.extend(self._details_span(node, nodes[index + 1 : end], nodes[end]))
                index = end + 1
                continue
            render: Callable[[SyntaxTreeNode], Sequence[Block]] = getattr(
                self, f"_block_{node.type}", self._block_unknown
            )
            out.extend(render(node))
            index += 1
        return tuple(out)

    def _details_span(
        self, opening: SyntaxTreeNode, inner: Sequence[SyntaxTreeNode], closing: SyntaxTreeNode
    ) -> Sequence[Block]:
        """``<details><summary>..</summary>``, Markdown, ``</details>``: one dropdown of it all."""
        line = self._line(opening)
        balance = details_balance(opening.content)
        if self._too_deep() or not self.html.afford(opening.content, line):
            return [*self._block_html_block(opening), *self.blocks(inner), *self._block_html_block(closing)]
        head = list(self.html.read_block(opening.content + "</details>" * balance, line, self._nesting))
        details = head[-1] if head else None
        if not isinstance(details, Details):
            return [*head, *self.blocks(inner), *self._block_html_block(closing)]
        children = (*details.children, *self._nested(inner))
        return [*head[:-1], Details(details.summary, children), *self._block_html_block(closing)]

    def _line(self, node: SyntaxTreeNode) -> int | None:
        return None if node.map is None else node.map[0] + self.line_offset

    def _block_paragraph(self, node: SyntaxTreeNode) -> Sequence[Block]:
        if node.meta.get("flattened") and not self._flattening:  # else reported with its container
            self._report_flattened(node)
        children = self.inlines(node.children[0], self._line(node))
        if not children:  # only HTML that shows nothing (a comment)
            return []
        if len(children) == 1 and isinstance(children[0], Image) and children[0].title:
            # An image alone in its paragraph, with a title: a figure captioned by it.
            image = children[0]
            return [Figure(Image(image.src, image.alt), (Text(image.title),))]
        return [Paragraph(children)]

    def _block_math_block(self, node: SyntaxTreeNode) -> Sequence[Block]:
        tex = undo_markdown_escapes(node.content.strip())
        problem = formula_problem(tex, inline=False)
        if problem is None:
            return [MathBlock(tex)]
        self._report_math(problem, self._line(node))
        return [CodeBlock(node.content.strip() + "\n")]

    _block_math_block_label = _block_math_block
    _block_math_block_eqno = _block_math_block

    def _report_math(self, problem: str, line: int | None) -> None:
        self.reports.append(
            Report(self.source, ReportKind.MATH, f"formula shown as typed, not typeset: {problem}", line)
        )

    def _block_footnote_block(self, node: SyntaxTreeNode) -> Sequence[Block]:
        return [
            Footnote(str(footnote.meta.get("id", 0) + 1), self._nested(footnote.children))
            for footnote in node.children
        ]

    def _block_dl(self, node: SyntaxTreeNode) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node, [child.children for child in node.children])
        items: list[tuple[tuple[Inline, ...], list[tuple[Block, ...]]]] = []
        for child in node.children:
            if child.type == "dt":
                items.append((self.inlines(child.children[0], self._line(child)), []))
            elif items:
                items[-1][1].append(self._nested(child.children))
        return [DefinitionList(tuple((term, tuple(definitions)) for term, definitions in items))]

    def _block_heading(self, node: SyntaxTreeNode) -> Sequence[Block]:
        line = self._line(node)
        children = self.inlines(node.children[0], line)
        if self._nesting:
            # A section cannot start inside a list or quote: keep the words, in bold.
            return [Paragraph((Strong(children),))] if children else []
        return [Heading(int(node.tag[1:]), children, line)]

    def _nested(self, nodes: Sequence[SyntaxTreeNode]) -> tuple[Block, ...]:
        self._nesting += 1
        try:
            return self.blocks(nodes)
        finally:
            self._nesting -= 1

    def _too_deep(self) -> bool:
        return self._nesting >= MAX_BLOCK_NESTING

    def _report_flattened(self, node: SyntaxTreeNode) -> None:
        self.reports.append(
            Report(
                self.source,
                ReportKind.STRUCTURE,
                f"quotes and lists nested over {MAX_BLOCK_NESTING} deep; the inner ones shown unnested",
                self._line(node),
            )
        )

    def _flattened(self, node: SyntaxTreeNode, groups: Sequence[Sequence[SyntaxTreeNode]]) -> list[Block]:
        """The blocks of a quote or list nested too deep, in order, without it."""
        if not self._flattening:
            self._report_flattened(node)
        outer, self._flattening = self._flattening, True
        try:
            return [block for group in groups for block in self.blocks(group)]
        finally:
            self._flattening = outer

    def _block_bullet_list(self, node: SyntaxTreeNode) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node, [item.children for item in node.children])
        items = tuple(self._nested(item.children) for item in node.children)
        boxes = [_task_box(item) for item in items]
        if not any(box is not None for box in boxes):
            return [ListBlock(items)]
        return [ListBlock(tuple(_without_box(item) for item in items), checked=tuple(boxes))]

    def _block_ordered_list(self, node: SyntaxTreeNode) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node, [item.children for item in node.children])
        start = node.attrs.get("start", 1)
        items = tuple(self._nested(item.children) for item in node.children)
        return [ListBlock(items, ordered=True, start=int(start))]

    def _block_blockquote(self, node: SyntaxTreeNode) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node, [node.children])
        return [Quote(self._nested(node.children))]

    def _block_fence(self, node: SyntaxTreeNode) -> Sequence[Block]:
        info = node.info.strip()
        if all(char in LANGUAGE_CHARS for char in info):
            return [self._code(node.content, info, self._line(node))]
        # A MyST directive or an info string with more than a language: show the block
        # exactly as typed, fences included, so it is text and never a directive.
        body = node.content if node.content.endswith("\n") or not node.content else node.content + "\n"
        return [CodeBlock(f"{node.markup}{node.info}\n{body}{node.markup}\n")]

    def _block_code_block(self, node: SyntaxTreeNode) -> Sequence[Block]:
        return [CodeBlock(node.content)]

    def _block_hr(self, node: SyntaxTreeNode) -> Sequence[Block]:
        return [] if self._nesting else [ThematicBreak()]

    def _block_html_block(self, node: SyntaxTreeNode) -> Sequence[Block]:
        # Raw HTML as its readers saw it, through the allowlist sanitizer; beyond the
        # work bounds, the literal text the author typed. Never passed through.
        line = self._line(node)
        if not self.html.afford(node.content, line):
            return [self._code(node.content, "html", line)]
        return self.html.read_block(node.content, line, self._nesting)

    def _code(self, code: str, language: str, line: int | None) -> CodeBlock:
        """A code block in ``language`` when Sphinx can colour it so, else plain, reported."""
        block, report = checked_code(code, language, self.source, line)
        if report is not None:
            self.reports.append(report)
        return block

    def _block_table(self, node: SyntaxTreeNode) -> Sequence[Block]:
        line = self._line(node)
        sections = {child.type: child for child in node.children}
        header = tuple(
            self.inlines(cell.children[0], line) if cell.children else ()
            for row in sections["thead"].children
            for cell in row.children
        )
        rows = tuple(
            tuple(self.inlines(cell.children[0], line) if cell.children else () for cell in row.children)
            for row in (sections["tbody"].children if "tbody" in sections else [])
        )
        align = tuple(
            _ALIGNMENTS.get(str(cell.attrs.get("style", "")), "")
            for row in sections["thead"].children
            for cell in row.children
        )
        return [Table(header, rows, align if any(align) else ())]

    def _block_unknown(self, node: SyntaxTreeNode) -> Sequence[Block]:
        self.reports.append(
            Report(
                self.source,
                ReportKind.STRUCTURE,
                f"unexpected {node.type}; kept as a code block",
                self._line(node),
            )
        )
        return [CodeBlock(node.content)]

    # -- inlines --------------------------------------------------------------------

    def inlines(self, node: SyntaxTreeNode, line: int | None) -> tuple[Inline, ...]:
        if node.type == "inline" and node.meta.get("capped"):
            self.reports.append(
                Report(
                    self.source,
                    ReportKind.STRUCTURE,
                    f"emphasis or links nested over {MAX_INLINE_NESTING} deep; "
                    "the inner ones shown as plain words",
                    line,
                )
            )
        tags = InlineTags(self.html, line)  # inline HTML tags, paired around the Markdown
        if node.type == "inline":
            self._breaks = 0
        for child in node.children:
            if child.type == "html_inline":
                self._html_inline(tags, child.content, line)
            else:
                tags.add(self._inline(child, line))
        return merge_text(tags.close())

    def _html_inline(self, tags: InlineTags, html: str, line: int | None) -> None:
        if self.html.afford(html, line):
            tags.tag(html)
        else:
            tags.add([Code(html)])

    def _inline(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        """``node`` as model inlines, by its ``_inline_<type>`` method; an unknown kind is
        kept as text, with a report."""
        read: Callable[[SyntaxTreeNode, int | None], list[Inline]] | None = getattr(
            self, f"_inline_{node.type}", None
        )
        if read is not None:
            return read(node, line)
        self.reports.append(
            Report(self.source, ReportKind.STRUCTURE, f"unexpected inline {node.type}; kept as text", line)
        )
        return [Text(node.content)]

    def _inline_text(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return [Text(node.content)]

    def _here(self, line: int | None) -> int | None:
        """The line of the inline being read: its paragraph's, after the breaks passed."""
        return None if line is None else line + self._breaks

    def _inline_softbreak(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        self._breaks += 1
        return [Text(" ")]

    def _inline_hardbreak(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        self._breaks += 1
        return [LineBreak()]

    def _inline_code_inline(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return [Code(node.content)]

    def _inline_em(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return [Emphasis(self.inlines(node, line))]

    def _inline_strong(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return [Strong(self.inlines(node, line))]

    def _inline_s(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return [Strikethrough(self.inlines(node, line))]

    def _inline_link(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        here = self._here(line)  # before the link's own text, which may hold breaks
        return self._link(self._link_text(node, line), str(node.attrs.get("href", "")), here)

    def _inline_image(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        alt = " ".join(plain_text(self.inlines(node, line)).split())
        title = " ".join(str(node.attrs.get("title", "")).split())
        return self._image(str(node.attrs.get("src", "")), alt, title, line)

    def _image(self, src: str, alt: str, title: str, line: int | None) -> list[Inline]:
        target = image_source(src)
        if target is None:
            self.reports.append(
                Report(
                    self.source,
                    ReportKind.IMAGE,
                    f"image {src!r} is neither a web address nor a file of the blog; shown as its text",
                    line,
                )
            )
            return [Text(" ".join(dict.fromkeys(part for part in (alt, title) if part)))]
        return [Image(target, alt, title)]

    def _inline_math_inline(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        tex = undo_markdown_escapes(node.content)
        problem = formula_problem(tex, inline=True)
        if problem is None:
            return [Math(tex)]
        self._report_math(problem, line)
        return [Code(node.content)]

    _inline_math_inline_double = _inline_math_inline

    def _inline_footnote_ref(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return [FootnoteRef(str(node.meta.get("id", 0) + 1))]

    def _inline_footnote_anchor(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return []  # the back link from a footnote to its reference: the page makes its own

    def _inline_malformed_link(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        if node.meta.get("image"):
            self.reports.append(
                Report(
                    self.source,
                    ReportKind.IMAGE,
                    f"image {node.meta['target']!r} is neither a web address nor a file of the blog; "
                    "shown as its text",
                    line,
                )
            )
            return [Text(node.meta["label"])]
        return self._malformed_link(node.meta["label"], node.meta["target"], self._here(line))

    def _inline_template_tag(self, node: SyntaxTreeNode, line: int | None) -> list[Inline]:
        return self._template_tag(node.content, node.meta["inner"], line)

    def _link_text(self, node: SyntaxTreeNode, line: int | None) -> tuple[Inline, ...]:
        outer = self._in_link
        self._in_link = True
        try:
            return self.inlines(node, line)
        finally:
            self._in_link = outer

    def _template_tag(self, typed: str, inner: str, line: int | None) -> list[Inline]:
        found = embed(inner)
        if found is not None:  # inside a link, only its words: no link in a link
            return [Text(found.text)] if self._in_link else [Link((Text(found.text),), found.url)]
        figure = figure_shortcode(inner)
        if figure is not None:  # alone in its paragraph, with a caption: a figure
            return self._image(figure.src, figure.alt or figure.caption, figure.caption, line)
        self.reports.append(
            Report(self.source, ReportKind.TEMPLATE, f"template tag {typed!r} shown as text, not run", line)
        )
        return [Code(typed)]

    def _link(self, children: tuple[Inline, ...], url: str, line: int | None) -> list[Inline]:
        if self._in_link:  # a link inside a link: keep the inner words, lose the inner link
            return list(children)
        if not children:
            children = (Text(url),)
        target = safe_url(url)
        if target is None and (site := site_target(url)) is not None:
            return [SiteLink(unlink(children), site.target, site.form, line)]
        if target is None:
            self.reports.append(
                Report(
                    self.source,
                    ReportKind.UNSAFE_LINK,
                    f"link target {url!r} is not an absolute web address; kept the text only",
                    line,
                )
            )
            return list(children)
        return [Link(unlink(children), target, line)]

    def _malformed_link(self, label: str, target: str, line: int | None) -> list[Inline]:
        site = site_target(target) if "{" in target else None
        if site is not None:  # [text]({% post_url x %}), [text]({{< ref "x.md" >}})
            return [SiteLink((Text(label),), site.target, site.form, line)]
        target_scheme = scheme(target)
        if target_scheme and target_scheme not in SAFE_SCHEMES and len(target_scheme) > 1:
            self.reports.append(
                Report(
                    self.source,
                    ReportKind.UNSAFE_LINK,
                    f"link [{label}] has a {target_scheme}: target; kept the text only",
                    line,
                )
            )
            return [Text(label)]
        same = " ".join(label.split()) == " ".join(target.split())
        what = "its own title" if same else f"{target!r}, not a web address"
        self.reports.append(
            Report(
                self.source,
                ReportKind.MALFORMED_LINK,
                f"link [{label}] points to {what}; kept as plain text",
                line,
            )
        )
        return [NamedRef(label)] if same else [NamedRef(label), Text(f" ({target})")]


_ALIGNMENTS = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}
_TASK_BOXES = {"[ ] ": False, "[x] ": True, "[X] ": True}


def _task_box(item: tuple[Block, ...]) -> bool | None:
    """A task list item's box ("[ ] do", "[x] done"): ticked or not; None if it has none."""
    if not item or not isinstance(item[0], Paragraph) or not item[0].children:
        return None
    first = item[0].children[0]
    return _TASK_BOXES.get(first.text[:4]) if isinstance(first, Text) else None


def _without_box(item: tuple[Block, ...]) -> tuple[Block, ...]:
    if _task_box(item) is None:
        return item
    paragraph = item[0]
    assert isinstance(paragraph, Paragraph) and isinstance(paragraph.children[0], Text)
    rest = paragraph.children[0].text[4:]
    children = ((Text(rest),) if rest else ()) + paragraph.children[1:]
    return (Paragraph(children), *item[1:])


# What can start something other than literal text in ``PLAIN_INLINE``: a link or a
# malformed one ("["), a template tag ("{"), and what markdown-it rewrites (CR, NUL).
_PLAIN_INLINE_STARTS = frozenset("[{\r\0")


def is_literal_line(line: str) -> bool:
    """A line ``PLAIN_INLINE`` would return as one text node, unchanged: most lines of a
    plain-text export. Answering no wrongly only costs a parse."""
    return (
        bool(line)
        and line == line.strip()
        and _PLAIN_INLINE_STARTS.isdisjoint(line)
        and not _may_hold_link(line)
    )


@dataclass(frozen=True)
class MarkdownBody:
    blocks: tuple[Block, ...]
    reports: list[Report]
    summary_blocks: int | None = None  # how many blocks come before a ``<!--more-->`` mark


def read_markdown(text: str, source: str, first_line: int) -> MarkdownBody:
    """Parse a Markdown body into blocks; ``first_line`` is the body's line in the file.

    A ``<!--more-->`` comment (Hugo, Jekyll, WordPress) ends the post's summary; it is
    no text of the post, so it is not shown."""
    reader = TreeReader(source, first_line)
    tokens = MARKDOWN.parse(text)
    _cap_inline_nesting(tokens)
    nodes = SyntaxTreeNode(tokens).children
    mark = next((i for i, node in enumerate(nodes) if _is_more_mark(node)), None)
    if mark is None:
        return MarkdownBody(reader.blocks(nodes), reader.finish())
    summary = reader.blocks(nodes[:mark])
    rest = reader.blocks(nodes[mark + 1 :])
    return MarkdownBody(summary + rest, reader.finish(), len(summary))


def _is_more_mark(node: SyntaxTreeNode) -> bool:
    if node.type != "html_block":
        return False
    content = node.content.strip()
    if not (content.startswith("<!--") and content.endswith("-->")):
        return False
    return content[4:-3].strip().lower() == "more"


def read_plain_inline(line: str, source: str, line_number: int) -> tuple[tuple[Inline, ...], list[Report]]:
    """Parse one line of a plain-text export: links and bare URLs, all else literal."""
    if is_literal_line(line):
        return (Text(line),), []
    return parse_plain_inline(line, source, line_number)


def parse_plain_inline(line: str, source: str, line_number: int) -> tuple[tuple[Inline, ...], list[Report]]:
    """``read_plain_inline`` without its shortcut for lines that are literal text."""
    reader = TreeReader(source, line_number)
    tokens = PLAIN_INLINE.parse(line)
    _cap_inline_nesting(tokens)
    tree = SyntaxTreeNode(tokens)
    inlines: list[Inline] = []
    for paragraph in tree.children:
        inlines.extend(reader.inlines(paragraph.children[0], line_number))
    return merge_text(inlines), reader.reports


DETAILS_SPAN_LIMIT = 500  # blocks between an opening <details> block and its closing one


def _details_end(nodes: Sequence[SyntaxTreeNode], start: int) -> int | None:
    """The index of the HTML block closing the ``<details>`` that ``nodes[start]`` leaves
    open, or None: the block opens none, or nothing within reach closes it."""
    if nodes[start].type != "html_block":
        return None
    depth = details_balance(nodes[start].content)
    if depth <= 0:
        return None
    for index in range(start + 1, min(len(nodes), start + 1 + DETAILS_SPAN_LIMIT)):
        if nodes[index].type == "html_block":
            depth += details_balance(nodes[index].content)
            if depth <= 0:
                return index
    return None
