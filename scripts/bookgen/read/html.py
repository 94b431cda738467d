"""HTML in a post to the document model, as the blog's readers saw it.

Raw HTML is untrusted. nh3 (an allowlist sanitizer on html5ever, the parser browsers
follow) keeps only the elements and attributes listed here, and the standard library's
parser reads its well-formed output into a small tree that ``HtmlReader`` walks into
model nodes (``_block_<tag>``, ``_inline_<tag>``): nothing of the HTML reaches the book
but words, links, images and structure, which the MyST writer escapes. Comments,
scripts, styles, objects and forms were never seen by a reader: they are dropped and
counted, in one report line per post. Work is bounded: a block of more than
``MAX_BLOCK_TAGS`` tags, or a post's tags beyond ``MAX_POST_TAGS``, is shown as source.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from ..model import (
    CONTAINERS,
    Block,
    Code,
    DefinitionList,
    Details,
    Emphasis,
    Figure,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
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
from .embeds import embed
from .highlight import checked_code
from .shared import (
    LANGUAGE_CHARS,
    MAX_BLOCK_NESTING,
    MAX_INLINE_NESTING,
    image_source,
    merge_text,
    safe_url,
    unlink,
)
from .site_links import site_target

# Elements inside running text; what each becomes is its ``_inline_<tag>`` method.
INLINE_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em",
        "font", "i", "iframe", "img", "ins", "kbd", "mark", "math", "picture", "q", "s", "samp",
        "small", "span", "strike", "strong", "sub", "sup", "svg", "time", "tt", "u", "var", "wbr",
    }
)  # fmt: skip
# Blocks that are their children (a <li> or <td> outside its list or table, too).
TRANSPARENT_BLOCKS = frozenset(
    {
        "address", "article", "aside", "caption", "center", "dd", "div", "dt", "figcaption",
        "footer", "header", "hgroup", "li", "main", "nav", "p", "section", "summary", "tbody",
        "td", "tfoot", "th", "thead", "tr",
    }
)  # fmt: skip
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK_TAGS = TRANSPARENT_BLOCKS | HEADINGS | {"blockquote", "details", "dl", "figure", "hr", "ol", "pre"}
BLOCK_TAGS |= {"listing", "table", "ul", "xmp"}  # <xmp> shows its content as typed
ALLOWED = INLINE_TAGS | BLOCK_TAGS
# Removed with all they hold: a reader never saw them as text.
REMOVED = frozenset(
    {
        "applet", "embed", "form", "frame", "frameset", "noembed", "noframes", "noscript",
        "object", "script", "select", "style", "template", "textarea",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "title"},
    "iframe": {"src"},
    "ol": {"start"},
    "code": {"class"},
    "pre": {"class"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Schemes the survey keeps so it can report a link or image that the sanitizer drops.
SURVEY_SCHEMES = {
    *URL_SCHEMES, "about", "blob", "chrome", "data", "file", "ftp", "javascript", "jar",
    "livescript", "mhtml", "ms-its", "res", "tel", "vbscript", "view-source", "ws", "wss",
}  # fmt: skip
VOID = frozenset({"br", "hr", "img", "wbr"})
# Work bounds: html5ever's tree building is quadratic in the depth of some nestings, so
# a block is sanitized only up to this many tags (counted as "<"), a post up to its total.
MAX_BLOCK_TAGS = 5_000
MAX_POST_TAGS = 50_000
MAX_DEPTH = 32  # elements inside one another that the tree keeps; deeper ones are their text
VIDEO_HOSTS = {
    "youtube.com": ("youtube", "/embed/"),
    "youtube-nocookie.com": ("youtube", "/embed/"),
    "player.vimeo.com": ("vimeo", "/video/"),
}


@dataclass
class Element:
    """An element of sanitized HTML: its tag, kept attributes and children."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)


def _language_class(tag: str, name: str, value: str) -> str | None:
    """nh3's attribute filter: of a class, only ``language-xx`` (a code block's language)."""
    if name != "class":
        return value
    for word in value.split():
        language = word.removeprefix("language-")
        if word.startswith("language-") and language and all(c in LANGUAGE_CHARS for c in language):
            return word
    return None


def sanitize(html: str) -> str:
    """``html`` with only the allowed elements and attributes; comments and the removed
    elements gone, whole; addresses only http, https, mailto or relative."""
    return nh3.clean(
        html,
        tags=set(ALLOWED),
        clean_content_tags=set(REMOVED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_language_class,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(URL_SCHEMES),
    )


class _Survey(HTMLParser):
    """What sanitizing will drop, for the report: comments, removed elements, link and
    image addresses. Reads nh3's well-formed output, never the raw HTML (the standard
    library's parser is quadratic on some malformed input)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: Counter[str] = Counter()
        self.links: list[str] = []
        self.images: list[str] = []

    @classmethod
    def of(cls, html: str) -> _Survey:
        survey = cls()
        survey.feed(
            nh3.clean(
                html,
                tags=set(ALLOWED | REMOVED),
                clean_content_tags=set(),
                attributes={"a": {"href"}, "img": {"src"}},
                strip_comments=False,
                link_rel=None,
                url_schemes=set(SURVEY_SCHEMES),
            )
        )
        survey.close()
        return survey

    def handle_comment(self, data: str) -> None:
        self.removed["comment"] += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "xmp":  # its content is text, as for the tree
            self.set_cdata_mode(tag)
        if tag in REMOVED:
            self.removed[f"<{tag}>"] += 1
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "img" and values.get("src"):
            self.images.append(values["src"])


class _TreeBuilder(HTMLParser):
    """Sanitized HTML to an ``Element`` tree, at most ``MAX_DEPTH`` deep: a deeper
    element is its content (a block also a space, so words stay apart). An iframe's
    content is not kept (a browser shows it only without frames)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("", {})
        self.flattened = False
        self._stack: list[Element] = [self.root]
        self._deep: list[str] = []  # tags open beyond MAX_DEPTH
        self._open: Counter[str] = Counter()
        self._in_iframe = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._in_iframe:
            return
        element = Element(tag, {name: value or "" for name, value in attrs})
        if tag in VOID or tag == "iframe":
            self._stack[-1].children.append(element)
            self._in_iframe = tag == "iframe"
        elif len(self._stack) > MAX_DEPTH:
            self.flattened = True
            self._deep.append(tag)
            self._open[tag] += 1
            self._space(tag)
        else:
            self._stack[-1].children.append(element)
            self._stack.append(element)
            self._open[tag] += 1
            if tag == "xmp":  # its content is text, tags and all, up to </xmp>
                self.set_cdata_mode(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "iframe" or self._in_iframe:
            self._in_iframe = self._in_iframe and tag != "iframe"
            return
        if not self._open[tag]:
            return  # nothing of that name is open: a stray end tag
        while True:
            closed = self._deep.pop() if self._deep else self._stack.pop().tag
            self._open[closed] -= 1
            if self._deep or len(self._stack) > MAX_DEPTH:
                self._space(closed)
            if closed == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self._in_iframe:
            self._stack[-1].children.append(data)

    def _space(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._stack[-1].children.append(" ")


class _DetailsBalance(HTMLParser):
    """How many ``<details>`` an HTML block opens and leaves open (negative: closes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.balance = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balance += tag == "details"

    def handle_endtag(self, tag: str) -> None:
        self.balance -= tag == "details"


DETAILS_PROBE_LIMIT = 4_000  # characters: an opening or closing block is a line or two


def details_balance(html: str) -> int:
    """``<details>`` opened minus closed in a raw HTML block: GitHub-style details hold
    Markdown between an opening block and a closing one. Long blocks are not probed."""
    if len(html) > DETAILS_PROBE_LIMIT or "details" not in html.lower():
        return 0
    parser = _DetailsBalance()
    parser.feed(html)
    parser.close()
    return parser.balance


def build_tree(html: str) -> tuple[Element, bool]:
    """The sanitized ``html`` as a tree, and whether it was flattened for depth."""
    builder = _TreeBuilder()
    builder.feed(sanitize(html))
    builder.close()
    return builder.root, builder.flattened


# --- whitespace and running text --------------------------------------------------------


def _collapse(text: str) -> str:
    """HTML's white space: any run is one space."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def _blank(node: Inline) -> bool:
    return isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip())


def _trimmed(nodes: Sequence[Inline]) -> tuple[Inline, ...]:
    """Running text without white space or line breaks at its ends."""
    nodes = list(merge_text(list(nodes)))
    while nodes and _blank(nodes[0]):
        nodes.pop(0)
    while nodes and _blank(nodes[-1]):
        nodes.pop()
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].text.lstrip())
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text.rstrip())
    return tuple(nodes)


def _visible(nodes: Iterable[Inline]) -> bool:
    return any(isinstance(node, Image) or plain_text((node,)).strip() for node in nodes)


def _one_line(nodes: Sequence[Inline]) -> tuple[Inline, ...]:
    """Text that must stay on one line (a heading, a table cell): breaks become spaces."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, LineBreak):
            out.append(Text(" "))
        elif isinstance(node, CONTAINERS):
            out.append(dataclasses.replace(node, children=_one_line(node.children)))
        else:
            out.append(node)
    return merge_text(out)


def _wrapped(
    kind: type[Emphasis] | type[Strong] | type[Strikethrough], nodes: Sequence[Inline]
) -> list[Inline]:
    """``kind`` around the text, its white space outside: ``** a **`` is no emphasis."""
    inner = _trimmed(nodes)
    if not _visible(inner):
        return list(nodes)
    merged = merge_text(list(nodes))
    lead = [Text(" ")] if (merged and _blank(merged[0])) or _starts_blank(merged) else []
    trail = [Text(" ")] if (merged and _blank(merged[-1])) or _ends_blank(merged) else []
    return [*lead, kind(inner), *trail]


def _starts_blank(nodes: tuple[Inline, ...]) -> bool:
    return bool(nodes) and isinstance(nodes[0], Text) and nodes[0].text[:1].isspace()


def _ends_blank(nodes: tuple[Inline, ...]) -> bool:
    return bool(nodes) and isinstance(nodes[-1], Text) and nodes[-1].text[-1:].isspace()


def _video(src: str) -> Link | None:
    """A link to the video an embedded player shows (YouTube, Vimeo), else None."""
    try:
        parts = urlsplit(src.strip() if "//" in src else "")
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    site, prefix = VIDEO_HOSTS.get(host, ("", ""))
    if not site or not parts.path.startswith(prefix):
        return None
    found = embed(f"{site} {parts.path[len(prefix) :].strip('/')}")
    return None if found is None else Link((Text(found.text),), found.url)


def _shortened(address: str, limit: int = 60) -> str:
    """An address for a report line: a ``data:`` image can be megabytes."""
    return address if len(address) <= limit else address[:limit] + "…"


def _start(value: str) -> int:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 10 else 1


def _text_of(nodes: Sequence[Element | str]) -> str:
    """Preformatted text: the data of the nodes, line breaks as new lines."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif node.tag == "br":
            parts.append("\n")
        elif node.tag == "img":
            parts.append(node.attrs.get("alt", ""))
        else:
            parts.append(_text_of(node.children))
    return "".join(parts)


def _elements(nodes: Sequence[Element | str], tag: str) -> list[Element]:
    """The elements named ``tag`` among the nodes and inside them, in document order."""
    found: list[Element] = []
    for node in nodes:
        if isinstance(node, Element):
            found.extend([node] if node.tag == tag else _elements(node.children, tag))
    return found


def _language(pre: Element) -> str:
    codes = [child for child in pre.children if isinstance(child, Element) and child.tag == "code"]
    for element in [pre, *codes]:
        name = element.attrs.get("class", "")
        if name.startswith("language-"):
            return name.removeprefix("language-")
    return ""


# --- the reader -------------------------------------------------------------------------


class HtmlReader:
    """Reads the HTML of one post into model nodes, keeping one tally of what was not
    shown (comments, scripts, styles...) for the post's single ``html`` report line."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.reports: list[Report] = []
        self.removed: Counter[str] = Counter()
        self._first_removal: int | None = None
        self._line: int | None = None
        self._nesting = 0
        self._flattening = False
        self._inline_depth = 0
        self._tags_read = 0
        self._warned: set[str] = set()

    # -- entry points ------------------------------------------------------------------

    def afford(self, html: str, line: int | None) -> bool:
        """Whether ``html`` is within the work bounds; if not, reported (once a post)."""
        tags = html.count("<")
        if tags <= MAX_BLOCK_TAGS and self._tags_read + tags <= MAX_POST_TAGS:
            self._tags_read += tags
            return True
        self._report_once(
            ReportKind.HTML,
            f"HTML of over {MAX_BLOCK_TAGS} tags in a block, or {MAX_POST_TAGS} in the post; "
            "shown as its source",
            line,
        )
        return False

    def read_block(self, html: str, line: int | None, nesting: int = 0) -> tuple[Block, ...]:
        """An HTML block as blocks; ``nesting`` is how deep in quotes and lists it stands."""
        root = self._tree(html, line)
        outer = self._nesting
        self._nesting = nesting
        try:
            return tuple(self._blocks(root.children))
        finally:
            self._nesting = outer

    def read_inline(self, html: str, line: int | None) -> tuple[Inline, ...]:
        """HTML inside running text (an ``<img>``, an ``<iframe>``) as inline nodes."""
        return merge_text(self._inlines(self._tree(html, line).children))

    def count(self, what: str, line: int | None, times: int = 1) -> None:
        """Note that ``what`` (``comment``, ``<script>``) was not shown."""
        if times:
            self.removed[what] += times
            self._first_removal = line if self._first_removal is None else self._first_removal

    def summary(self) -> Report | None:
        """The post's one line on the HTML it did not show, if any."""
        if not self.removed:
            return None
        comments = self.removed["comment"]
        parts = [f"{comments} comment{'s' if comments != 1 else ''} not shown"] if comments else []
        parts.extend(
            f"{what} ({n})" if what.startswith("links") else f"{what} removed ({n})"
            for what, n in sorted(self.removed.items())
            if what != "comment"
        )
        return Report(self.source, ReportKind.HTML, "; ".join(parts), self._first_removal)

    def _tree(self, html: str, line: int | None) -> Element:
        self._line = line
        survey = _Survey.of(html)
        for what, times in survey.removed.items():
            self.count(what, line, times)
        for href in survey.links:
            self.check_link(href, line)
        for src in survey.images:
            if image_source(src) is None:
                self._report(
                    ReportKind.IMAGE,
                    f"image {_shortened(src)!r} is neither a web address nor a file of the blog; "
                    "shown as its text",
                )
        root, flattened = build_tree(html)
        if flattened:
            self._report_once(
                ReportKind.STRUCTURE, f"HTML nested over {MAX_DEPTH} deep; the inner elements as text"
            )
        return root

    def check_link(self, href: str, line: int | None) -> None:
        """Report a link the book cannot keep: an unsafe scheme one by one, a link to a
        page of the blog itself (not in the book; its words stay) in the tally."""
        if not href or safe_url(href) is not None or site_target(href) is not None:
            return
        self.reports.append(
            Report(
                self.source,
                ReportKind.UNSAFE_LINK,
                f"link target {_shortened(href)!r} is not an absolute web address; kept the text only",
                line,
            )
        )

    def _report(self, kind: ReportKind, message: str) -> None:
        self.reports.append(Report(self.source, kind, message, self._line))

    def _report_once(self, kind: ReportKind, message: str, line: int | None = None) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.reports.append(Report(self.source, kind, message, line if line is not None else self._line))

    # -- blocks ------------------------------------------------------------------------

    def _blocks(self, nodes: Sequence[Element | str]) -> list[Block]:
        """Blocks in order; the running text between them becomes paragraphs."""
        out: list[Block] = []
        run: list[Element | str] = []
        for node in nodes:
            if isinstance(node, Element) and node.tag in BLOCK_TAGS:
                out.extend(self._paragraph(run))
                run = []
                out.extend(self._block(node))
            else:
                run.append(node)
        out.extend(self._paragraph(run))
        return out

    def _block(self, node: Element) -> Sequence[Block]:
        read: Callable[[Element], Sequence[Block]] | None = getattr(self, f"_block_{node.tag}", None)
        if read is not None:
            return read(node)
        if node.tag in TRANSPARENT_BLOCKS:
            return self._blocks(node.children)
        self._report_once(ReportKind.STRUCTURE, f"unexpected HTML <{node.tag}>; kept its text")
        return self._blocks(node.children)

    def _paragraph(self, run: Sequence[Element | str]) -> list[Block]:
        children = _trimmed(self._inlines(run))
        return [Paragraph(children)] if _visible(children) else []

    def _running_text(self, nodes: Sequence[Element | str]) -> tuple[Inline, ...]:
        return _one_line(_trimmed(self._inlines(nodes)))

    def _block_h1(self, node: Element) -> Sequence[Block]:
        children = self._running_text(node.children)
        if not _visible(children):
            return []
        if self._nesting:  # a section cannot start inside a list or quote: the words, in bold
            return [Paragraph((Strong(children),))]
        return [Heading(int(node.tag[1]), children, self._line)]

    _block_h2 = _block_h3 = _block_h4 = _block_h5 = _block_h6 = _block_h1

    def _nested(self, nodes: Sequence[Element | str]) -> tuple[Block, ...]:
        self._nesting += 1
        try:
            return tuple(self._blocks(nodes))
        finally:
            self._nesting -= 1

    def _too_deep(self) -> bool:
        return self._nesting >= MAX_BLOCK_NESTING

    def _flattened(self, node: Element) -> list[Block]:
        """The blocks of a list, quote, details or definition list nested too deep."""
        if not self._flattening:
            self._report_once(
                ReportKind.STRUCTURE,
                f"HTML quotes and lists nested over {MAX_BLOCK_NESTING} deep; the inner ones shown unnested",
            )
        outer, self._flattening = self._flattening, True
        try:
            return self._blocks(node.children)
        finally:
            self._flattening = outer

    def _block_ul(self, node: Element) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node)
        items: list[tuple[Block, ...]] = []
        for child in node.children:
            if isinstance(child, Element) and child.tag == "li":
                items.append(self._nested(child.children))
            elif _visible(self._inlines([child])):
                items.append(self._nested([child]))
        if not items:
            return []
        ordered = node.tag == "ol"
        return [ListBlock(tuple(items), ordered, _start(node.attrs.get("start", "")) if ordered else 1)]

    _block_ol = _block_ul

    def _block_blockquote(self, node: Element) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node)
        children = self._nested(node.children)
        return [Quote(children)] if children else []

    def _block_pre(self, node: Element) -> Sequence[Block]:
        text = _text_of(node.children).removeprefix("\n")
        if not text.strip():
            return []
        block, report = checked_code(text, _language(node), self.source, self._line)
        if report is not None:
            self.reports.append(report)
        return [block]

    _block_listing = _block_xmp = _block_pre

    def _block_hr(self, node: Element) -> Sequence[Block]:
        return [] if self._nesting else [ThematicBreak()]

    def _block_table(self, node: Element) -> Sequence[Block]:
        captions = [c for c in node.children if isinstance(c, Element) and c.tag == "caption"]
        before = [block for caption in captions for block in self._blocks(caption.children)]
        rows = _elements([c for c in node.children if c not in captions], "tr")
        if not rows:
            return before
        if not _text_of(rows).strip() and not _elements(rows, "img"):
            return before  # a table of no words (a layout, a script's template): nothing to show
        cells = [
            [c for c in row.children if isinstance(c, Element) and c.tag in ("th", "td")] for row in rows
        ]
        first_is_header = any(cell.tag == "th" for cell in cells[0])
        header = tuple(self._running_text(cell.children) for cell in cells[0]) if first_is_header else ()
        body = tuple(
            tuple(self._running_text(cell.children) for cell in row) for row in cells[first_is_header:]
        )
        align = tuple(_ALIGN.get(cell.attrs.get("align", "").lower(), "") for cell in cells[0])
        return [*before, Table(header, body, align if any(align) else ())]

    def _block_figure(self, node: Element) -> Sequence[Block]:
        captions = [c for c in node.children if isinstance(c, Element) and c.tag == "figcaption"]
        shown = _trimmed(self._inlines([c for c in node.children if c not in captions]))
        if len(shown) == 1 and isinstance(shown[0], Link) and len(shown[0].children) == 1:
            shown = shown[0].children  # an image linked to itself, as blogs do: the image
        if len(shown) != 1 or not isinstance(shown[0], Image):
            return self._blocks(node.children)  # not just an image: its blocks, caption too
        caption = _trimmed([i for c in captions for i in self._inlines(c.children)])
        return [Figure(Image(shown[0].src, shown[0].alt), caption)]

    def _block_details(self, node: Element) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node)
        summaries = [c for c in node.children if isinstance(c, Element) and c.tag == "summary"]
        summary = self._running_text(summaries[0].children) if summaries else ()
        return [Details(summary, self._nested([c for c in node.children if c not in summaries[:1]]))]

    def _block_dl(self, node: Element) -> Sequence[Block]:
        if self._too_deep():
            return self._flattened(node)
        items: list[tuple[tuple[Inline, ...], list[tuple[Block, ...]]]] = []
        for child in _definition_parts(node.children):
            if isinstance(child, Element) and child.tag == "dt":
                items.append((self._running_text(child.children), []))
                continue
            definition = self._nested(child.children if isinstance(child, Element) else [child])
            if definition and not items:
                items.append(((), []))
            if definition:
                items[-1][1].append(definition)
        return [DefinitionList(tuple((term, tuple(ds)) for term, ds in items))] if items else []

    # -- inlines -----------------------------------------------------------------------

    def _inlines(self, nodes: Sequence[Element | str]) -> list[Inline]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(Text(_collapse(node)))
            elif node.tag in BLOCK_TAGS:  # a block inside running text: its words, apart
                out.extend([Text(" "), *self._inlines(node.children), Text(" ")])
            else:
                out.extend(self._inline_element(node))
        return out

    def _inline_element(self, node: Element) -> list[Inline]:
        self._inline_depth += 1
        try:
            children = merge_text(self._inlines(node.children))
        finally:
            self._inline_depth -= 1
        if self._inline_depth >= MAX_INLINE_NESTING:
            self._report_once(
                ReportKind.STRUCTURE,
                f"HTML emphasis or links nested over {MAX_INLINE_NESTING} deep; inner ones as plain words",
            )
            return list(children)
        return self.wrap(node.tag, node.attrs, children)

    def wrap(self, tag: str, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        """What the inline element ``tag`` around ``children`` becomes."""
        read: Callable[[dict[str, str], tuple[Inline, ...]], list[Inline]] | None = getattr(
            self, f"_inline_{tag}", None
        )
        if read is None:
            self._report_once(ReportKind.STRUCTURE, f"unexpected HTML <{tag}>; kept its text")
            return list(children)
        return read(attrs, children)

    def _inline_b(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        return _wrapped(Strong, children)

    _inline_strong = _inline_b

    def _inline_i(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        return _wrapped(Emphasis, children)

    _inline_em = _inline_cite = _inline_dfn = _inline_var = _inline_i

    def _inline_s(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        return _wrapped(Strikethrough, children)

    _inline_del = _inline_strike = _inline_s

    def _inline_code(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        text = plain_text(children)
        return [Code(" ".join(text.split()))] if text.strip() else list(children)

    _inline_kbd = _inline_samp = _inline_tt = _inline_code

    def _inline_span(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        """Elements that only style their words (sizes, marks, superscripts): the words."""
        return list(children)

    _inline_abbr = _inline_bdi = _inline_bdo = _inline_big = _inline_data = _inline_font = _inline_span
    _inline_ins = _inline_mark = _inline_math = _inline_picture = _inline_small = _inline_span
    _inline_sub = _inline_sup = _inline_svg = _inline_time = _inline_u = _inline_span

    def _inline_q(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        return [Text("“"), *children, Text("”")]

    def _inline_a(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        children = unlink(children)
        href = attrs.get("href", "")
        target = safe_url(href)
        if target is None and (site := site_target(href)) is not None:
            return [SiteLink(children if _visible(children) else (Text(href),), site.target, site.form)]
        if target is None:  # reported by the survey (an unsafe address) or never a link
            return list(children)
        return [Link(children if _visible(children) else (Text(target),), target)]

    def _inline_img(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        alt = " ".join(attrs.get("alt", "").split())
        title = " ".join(attrs.get("title", "").split())
        target = image_source(attrs.get("src", ""))
        if target is None:  # reported by the survey, or no address at all
            text = " ".join(part for part in (alt, title) if part)
            return [Text(text)] if text else []
        return [Image(target, alt, title)]

    def _inline_br(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        return [LineBreak()]

    def _inline_wbr(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        return []

    def _inline_iframe(self, attrs: dict[str, str], children: tuple[Inline, ...]) -> list[Inline]:
        link = _video(attrs.get("src", ""))
        if link is None:
            self.count("<iframe>", self._line)
            return []
        return [link]


_ALIGN = {"left": "left", "center": "center", "right": "right"}


def _definition_parts(nodes: Sequence[Element | str]) -> list[Element | str]:
    """A definition list's terms and definitions, a ``<div>`` grouping them opened."""
    parts: list[Element | str] = []
    for node in nodes:
        if isinstance(node, Element) and node.tag == "div":
            parts.extend(node.children)
        elif isinstance(node, Element) or node.strip():
            parts.append(node)
    return parts


# --- inline tags of Markdown text -------------------------------------------------------


@dataclass
class _Frame:
    tag: str
    attrs: dict[str, str]
    nodes: list[Inline] = field(default_factory=list)
    hidden: bool = False  # a removed element (an inline <script>): its content is not shown


class _OneTag(HTMLParser):
    """The one tag of an ``html_inline`` token: its kind, name and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.kind = ""
        self.tag = ""
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.kind:
            self.kind, self.tag, self.attrs = "start", tag, {k: v or "" for k, v in attrs}

    def handle_endtag(self, tag: str) -> None:
        if not self.kind:
            self.kind, self.tag = "end", tag

    def handle_comment(self, data: str) -> None:
        if not self.kind:
            self.kind = "comment"


def _one_tag(html: str) -> _OneTag:
    parser = _OneTag()
    parser.feed(html)
    parser.close()
    return parser


# Tags that are whole in their one token: read through the sanitizer as a fragment.
SELF_CONTAINED = frozenset({"img", "iframe"})


class InlineTags:
    """The HTML tags of one run of Markdown inlines (markdown-it gives ``<b>``, the text,
    ``</b>`` as separate tokens), paired as a browser pairs them: emphasis, code and
    links around the Markdown between them; removed elements hide what they hold."""

    def __init__(self, reader: HtmlReader, line: int | None) -> None:
        self.reader = reader
        self.line = line
        self._frames = [_Frame("", {})]

    def add(self, nodes: Iterable[Inline]) -> None:
        if not self._frames[-1].hidden:
            self._frames[-1].nodes.extend(nodes)

    def tag(self, html: str) -> None:
        """One ``html_inline`` token."""
        top = self._frames[-1]
        parsed = _one_tag(html)
        if top.hidden:
            if parsed.kind == "end" and parsed.tag == top.tag:
                self._frames.pop()
            return
        if parsed.kind == "comment":
            self.reader.count("comment", self.line)
        elif parsed.kind == "end":
            self._close(parsed.tag)
        elif parsed.kind == "start":
            self._open(html, parsed)

    def _open(self, html: str, parsed: _OneTag) -> None:
        if parsed.tag in REMOVED:
            self.reader.count(f"<{parsed.tag}>", self.line)
            self._frames.append(_Frame(parsed.tag, {}, hidden=True))
        elif parsed.tag == "br":
            self.add([LineBreak()])
        elif parsed.tag in SELF_CONTAINED:
            if self.reader.afford(html, self.line):
                self.add(self.reader.read_inline(html, self.line))
            else:
                self.add([Code(html)])
        elif parsed.tag in INLINE_TAGS and len(self._frames) <= MAX_INLINE_NESTING:
            if parsed.tag == "a":
                self.reader.check_link(parsed.attrs.get("href", ""), self.line)
            self._frames.append(_Frame(parsed.tag, parsed.attrs))
        # Any other tag (a block, an unknown one) is dropped; the text around it stays.

    def _close(self, tag: str) -> None:
        if not any(frame.tag == tag for frame in self._frames[1:]):
            return  # a stray end tag
        while True:
            frame = self._frames.pop()
            self.add(self.reader.wrap(frame.tag, frame.attrs, merge_text(frame.nodes)))
            if frame.tag == tag:
                return

    def close(self) -> list[Inline]:
        """The run's inlines; an element left open runs to its end, as in a browser."""
        while len(self._frames) > 1:
            frame = self._frames.pop()
            if not frame.hidden:
                self.add(self.reader.wrap(frame.tag, frame.attrs, merge_text(frame.nodes)))
        return self._frames[0].nodes


def read_html_block(html: str, source: str, line: int | None) -> tuple[tuple[Block, ...], list[Report]]:
    """One block of a post's HTML as blocks, with its reports (the ``html`` line last)."""
    reader = HtmlReader(source)
    blocks = reader.read_block(html, line)
    summary = reader.summary()
    return blocks, reader.reports + ([summary] if summary else [])


def read_html_inline(html: str, source: str, line: int | None) -> tuple[tuple[Inline, ...], list[Report]]:
    """HTML inside running text as inline nodes, with its reports."""
    reader = HtmlReader(source)
    inlines = reader.read_inline(html, line)
    summary = reader.summary()
    return inlines, reader.reports + ([summary] if summary else [])
