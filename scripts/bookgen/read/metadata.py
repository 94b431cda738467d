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
    """Read title, date, tags and description, reporting wrongly typed values (at the
    key's line in the file, where ``lines`` knows it)."""
    reports: list[Report] = []
    where = lines or {}

    def bad(key: str, value: object, what: str, *, item: bool = False) -> None:
        message = f"{key}{' item' * item}: {_shown(value)} is not {what}; ignored"
        reports.append(Report(source, ReportKind.FRONT_MATTER, message, where.get(key)))

    title = _text_field(fields, ("title",), bad)
    description = _text_field(fields, ("description", "summary", "subtitle", "excerpt"), bad)
    date = _date_field(fields.get("date"), bad)
    tags: list[str] = []
    for key in ("tags", "categories"):
        value = fields.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            tags.extend(t.strip() for t in value.split(",") if t.strip())
            message = f"{key}: a string, read as a list"
            reports.append(Report(source, ReportKind.FRONT_MATTER, message, where.get(key)))
        elif isinstance(value, list | tuple):
            for item in value:
                text = _as_text(item) if isinstance(item, str | int | float | dt.date) else None
                if text is None:
                    bad(key, item, "a word", item=True)
                elif text.strip():
                    tags.append(text.strip())
        else:
            bad(key, value, "a list")
    unique_tags = tuple(dict.fromkeys(tags))
    return PostFields(title, date, unique_tags, description, tuple(reports))


def _text_field(fields: Mapping[str, object], keys: tuple[str, ...], bad: Any) -> str:
    for key in keys:
        value = fields.get(key)
        if value is None or value == "":
            continue
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        text = _as_text(value) if scalar else None
        if text is not None:
            return " ".join(text.split())
        bad(key, value, "text")
    return ""


def _as_text(value: object) -> str | None:
    try:
        return str(value)
    except ValueError:  # an integer over Python's digit limit
        return None


def _date_field(value: object, bad: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    bad("date", value, "a date (YYYY-MM-DD)")
    return None


def date_from_file_name(name: str) -> dt.date | None:
    """Jekyll names posts ``YYYY-MM-DD-slug.md``; the prefix is the post's date."""
    try:
        return dt.date.fromisoformat(name[:10]) if name[10:11] in ("-", "_", ".") else None
    except ValueError:
        return None
