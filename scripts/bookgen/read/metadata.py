"""Front matter (YAML ``---`` or TOML ``+++``) and the post fields read from it.

Malformed front matter is reported and the post still converts (as MyST-Parser
does): the block is then kept as body text, so none of its words are lost.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from ..model import Report, ReportKind

# Front matter is a few short fields; these bounds only stop hostile input. Aliases may
# repeat at most ALIAS_BUDGET nodes in all: a few nested aliases otherwise expand
# exponentially ("billion laughs": 376 bytes, gigabytes of values).
ALIAS_BUDGET = 1_000
MAX_DEPTH = 50


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounded work: alias expansion and nesting are capped
    (a ``YAMLError`` beyond), and a date or number Python cannot hold (``2024-02-30``,
    5,000 digits) is kept as the text the author typed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._composed = 0  # nodes composed, counting every repetition by an alias
        self._repeated = 0  # of those, nodes repeated by aliases
        self._sizes: dict[int, int] = {}  # id of a node -> nodes it holds, itself included

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        alias = self.check_event(yaml.AliasEvent)
        mark: yaml.Mark | None = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if alias:
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node), 1)  # an alias inside its own anchor counts once
            self._composed += size
            self._repeated += size
            if self._repeated > ALIAS_BUDGET:
                raise yaml.composer.ComposerError(
                    None, None, f"aliases repeat more than {ALIAS_BUDGET} values", mark
                )
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
        before = self._composed
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._composed += 1
        self._sizes[id(node)] = self._composed - before
        return node


def _or_text(
    construct: Callable[[yaml.SafeLoader, yaml.ScalarNode], object],
) -> Callable[[yaml.SafeLoader, yaml.ScalarNode], object]:
    def construct_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        try:
            return construct(loader, node)
        except ValueError:  # a date like 2024-13-45, an integer over Python's digit limit
            return loader.construct_scalar(node)

    return construct_or_text


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _or_text(yaml.SafeLoader.construct_yaml_int))
_BoundedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _or_text(yaml.SafeLoader.construct_yaml_timestamp)
)


class _YamlHandler(YAMLHandler):
    """YAML front matter through the bounded loader, with the line of each top-level key."""

    def load_fields(self, fm: str) -> tuple[object, dict[str, int]]:
        loader = _BoundedLoader(fm)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            lines = {}
            if isinstance(node, yaml.MappingNode):
                for key, _ in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value not in lines:
                        lines[str(key.value)] = key.start_mark.line
            return loader.construct_document(node), lines
        finally:
            loader.dispose()


class _TomlHandler(BaseHandler):
    """Hugo's ``+++`` TOML front matter, read with the standard library's ``tomllib``.

    python-frontmatter's own TOML handler exists only with the old ``toml`` package.
    """

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"
    # Zola and Hugo read ``+++`` front matter after blank lines too (Zola's theme pages
    # start with one); a ``+++`` line is no Markdown, so nothing else could be meant.
    _START = re.compile(r"(?:[ \t]*\n)*\+{3,}[ \t]*$", re.MULTILINE)

    def detect(self, text: str) -> bool:
        return self._START.match(text) is not None

    def load(self, fm: str) -> dict[str, Any]:
        return tomllib.loads(fm)

    def load_fields(self, fm: str) -> tuple[object, dict[str, int]]:
        return self.load(fm), {}


_HANDLERS: list[BaseHandler] = [_YamlHandler(), _TomlHandler()]


@dataclass(frozen=True)
class SplitPost:
    """A post's text split into its front matter fields and its body."""

    fields: Mapping[str, object]
    body: str
    body_line: int
    has_front_matter: bool
    reports: tuple[Report, ...] = ()
    field_lines: Mapping[str, int] = field(default_factory=dict)  # key -> its line in the file


@dataclass(frozen=True)
class PostFields:
    title: str = ""
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    description: str = ""
    reports: tuple[Report, ...] = ()
    authors: tuple[str, ...] = ()
    draft: bool = False
    addresses: tuple[str, ...] = ()  # where the blog served it: url, permalink, path, aliases
    slug: str = ""  # the slug the blog gave it


# Where generators keep a post's fields, in order of preference. Hugo: publishDate,
# lastmod, keywords, series; Jekyll: categories, category, author; Zola: [taxonomies],
# updated, and a date in ``path``; Astro and others: pubDate, published, authors.
DATE_KEYS = ("date", "publishDate", "published", "pubDate", "created", "lastmod", "updated", "modified")
TAG_KEYS = ("tags", "categories", "category", "keywords", "series", "topics")
AUTHOR_KEYS = ("author", "authors")
ONE_WORD_KEYS = frozenset({"category", "author"})  # a single name, not a list
DATED_PATH_KEYS = ("path", "permalink", "url", "slug", "aliases")
# Where a post says the blog served it (Hugo: url, aliases; Jekyll: permalink, redirect_from;
# Zola: path, aliases); links from other posts may name any of them.
ADDRESS_KEYS = ("url", "permalink", "path", "aliases", "redirect_from")


def split_front_matter(text: str, source: str) -> SplitPost:
    """Split off front matter; on malformed front matter report it and keep it as text."""
    handler = frontmatter.detect_format(text, _HANDLERS)
    if not isinstance(handler, _YamlHandler | _TomlHandler):
        return SplitPost({}, text, 1, has_front_matter=False)
    try:
        raw, body = handler.split(text)
    except ValueError:
        return SplitPost({}, text, 1, has_front_matter=False)
    body_line = text[: len(text) - len(body)].count("\n") + 1
    raw_line = text[: text.find(raw)].count("\n")  # lines before the front matter text
    try:
        fields, key_lines = handler.load_fields(raw)
    except (yaml.YAMLError, ValueError, RecursionError) as error:  # TOMLDecodeError is a ValueError
        line = _error_line(error)
        message = "nested too deeply" if isinstance(error, RecursionError) else _first_line(error)
        report = Report(
            source,
            ReportKind.FRONT_MATTER,
            f"malformed front matter ({message}); kept as text",
            None if line is None else line + raw_line,
        )
        return SplitPost({}, text, 1, has_front_matter=False, reports=(report,))
    if fields is None:
        return SplitPost({}, body, body_line, has_front_matter=True)
    if not isinstance(fields, Mapping):
        report = Report(
            source,
            ReportKind.FRONT_MATTER,
            f"front matter is a {type(fields).__name__}, not a mapping; kept as text",
            2,
        )
        return SplitPost({}, text, 1, has_front_matter=False, reports=(report,))
    lines = {key: line + raw_line + 1 for key, line in key_lines.items()}
    return SplitPost(fields, body, body_line, has_front_matter=True, field_lines=lines)


def _first_line(error: Exception, max_length: int = 200) -> str:
    lines = str(error).splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= max_length else line[:max_length] + "…"


def _shown(value: object) -> str:
    """A short ``repr`` of a value, however large or deep the value is."""
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 3, 60, 60
    try:
        return short.repr(value)
    except ValueError:  # an integer over Python's digit limit
        return f"a {type(value).__name__} too large to show"


def _error_line(error: Exception) -> int | None:
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    lineno = getattr(error, "lineno", None)
    if lineno:
        return int(lineno)
    # tomllib before Python 3.14 gives the place in its message only: "... (at line 3, column 8)"
    number = str(error).rpartition("(at line ")[2].partition(",")[0]
    return int(number) if number.isdigit() else None


def read_fields(
    fields: Mapping[str, object], source: str, lines: Mapping[str, int] | None = None
) -> PostFields:
    """Read title, date, tags, authors, description and draft wherever the common
    generators keep them, reporting wrongly typed values (at the key's line in the
    file, where ``lines`` knows it)."""
    read = _FieldReader(source, lines or {})
    title = read.text(fields, ("title",))
    description = read.text(fields, ("description", "summary", "subtitle", "excerpt"))
    date = read.date(fields)
    taxonomies = _table(fields, "taxonomies")  # Zola: [taxonomies] tags = [...], categories = [...]
    tags = read.words(fields, TAG_KEYS) + read.words(taxonomies, tuple(taxonomies))
    authors = read.words(fields, AUTHOR_KEYS, split=False)
    authors = authors or read.words(_table(fields, "extra"), AUTHOR_KEYS, split=False)  # Zola's [extra]
    addresses = read.words(fields, ADDRESS_KEYS, split=False)
    return PostFields(
        title=title,
        date=date,
        tags=tuple(dict.fromkeys(tags)),
        description=description,
        authors=tuple(dict.fromkeys(authors)),
        draft=fields.get("draft") in (True, "true", "yes"),
        reports=tuple(read.reports),
        addresses=tuple(dict.fromkeys(address.strip() for address in addresses)),
        slug=read.text(fields, ("slug",)),
    )


def _table(fields: Mapping[str, object], key: str) -> dict[str, object]:
    """A nested table of the front matter (TOML ``[extra]``), keyed by text."""
    value = fields.get(key)
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


class _FieldReader:
    """Reads fields of one post's front matter, one report per value it cannot use."""

    def __init__(self, source: str, lines: Mapping[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.reports: list[Report] = []

    def report(self, key: str, message: str, *, item: bool = False) -> None:
        where = self.lines.get(key)
        text = f"{key}{' item' * item}: {message}"
        self.reports.append(Report(self.source, ReportKind.FRONT_MATTER, text, where))

    def bad(self, key: str, value: object, what: str, *, item: bool = False) -> None:
        self.report(key, f"{_shown(value)} is not {what}; ignored", item=item)

    def text(self, fields: Mapping[str, object], keys: tuple[str, ...]) -> str:
        for key in keys:
            value = fields.get(key)
            if value is None or value == "":
                continue
            scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
            text = _as_text(value) if scalar else None
            if text is not None:
                return " ".join(text.split())
            self.bad(key, value, "text")
        return ""

    def words(self, fields: Mapping[str, object], keys: tuple[str, ...], *, split: bool = True) -> list[str]:
        """The words (tags, authors) under ``keys``: a list, or one string (tags split
        at commas, with a report: generators want a list)."""
        words: list[str] = []
        for key in keys:
            value = fields.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                words.extend([value] if not split or key in ONE_WORD_KEYS else value.split(","))
                if split and key not in ONE_WORD_KEYS:
                    self.report(key, "a string, read as a list")
            elif isinstance(value, list | tuple):
                for item in value:
                    text = _as_text(item) if isinstance(item, str | int | float | dt.date) else None
                    if text is None:
                        self.bad(key, item, "a word", item=True)
                    else:
                        words.append(text)
            else:
                self.bad(key, value, "a list")
        return [word.strip() for word in words if word.strip()]

    def date(self, fields: Mapping[str, object]) -> dt.date | None:
        """The first of the post's dates that reads as one; else a date in its address
        (Zola's ``path = "2014/12/12/x"``, a permalink ``/2017/10/05/x/``)."""
        for key in DATE_KEYS:
            date = self._date(key, fields.get(key))
            if date is not None:
                return date
        for key in DATED_PATH_KEYS:
            value = fields.get(key)
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and (date := date_in_path(text)) is not None:
                    return date
        return None

    def _date(self, key: str, value: object) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            for text in (value.strip(), value.strip()[:10]):  # "2019-01-02 10:00:00 +01:00 CET"
                try:
                    return dt.datetime.fromisoformat(text).date()
                except ValueError:
                    pass
        self.bad(key, value, "a date (YYYY-MM-DD)")
        return None


def _as_text(value: object) -> str | None:
    try:
        return str(value)
    except ValueError:  # an integer over Python's digit limit
        return None


_DATE_IN_PATH = re.compile(r"(?<!\d)(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?!\d)")


def date_in_path(path: str) -> dt.date | None:
    """A ``YYYY/MM/DD`` (or ``YYYY-MM-DD``) date inside an address or file path."""
    for match in _DATE_IN_PATH.finditer(path):
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            continue
    return None


def date_from_file_name(name: str) -> dt.date | None:
    """Jekyll names posts ``YYYY-MM-DD-slug.md``; the prefix is the post's date."""
    try:
        return dt.date.fromisoformat(name[:10]) if name[10:11] in ("-", "_", ".") else None
    except ValueError:
        return None


_MONTH_FOLDERS = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/")


def date_from_path(path: str) -> tuple[dt.date | None, bool]:
    """The date a post's path in the posts folder records, and whether it gives only the
    month: a Jekyll file name, ``2020/05/12/x.md``, ``2014-12-12-x/index.md`` (a bundle),
    or the month of ``2020/05/x.md``."""
    date = date_from_file_name(PurePosixPath(path).name) or date_in_path(path)
    if date is not None:
        return date, False
    for match in _MONTH_FOLDERS.finditer(path):
        year, month = map(int, match.groups())
        if 1 <= month <= 12:
            return dt.date(year, month, 1), True
    return None, False
