"""Front matter (YAML ``---`` or TOML ``+++``) and the post fields read from it.

Malformed front matter is reported and the post still converts (as MyST-Parser
does): the block is then kept as body text, so none of its words are lost.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from .model import Report, ReportKind


class _TomlHandler(BaseHandler):
    """Hugo's ``+++`` TOML front matter, read with the standard library's ``tomllib``.

    python-frontmatter's own TOML handler exists only with the old ``toml`` package.
    """

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str) -> dict[str, Any]:
        return tomllib.loads(fm)


_HANDLERS: list[BaseHandler] = [YAMLHandler(), _TomlHandler()]


@dataclass(frozen=True)
class SplitPost:
    """A post's text split into its front matter fields and its body."""

    fields: Mapping[str, object]
    body: str
    body_line: int
    has_front_matter: bool
    reports: tuple[Report, ...] = ()


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
    if handler is None:
        return SplitPost({}, text, 1, has_front_matter=False)
    try:
        raw, body = handler.split(text)
    except ValueError:
        return SplitPost({}, text, 1, has_front_matter=False)
    body_line = text[: len(text) - len(body)].count("\n") + 1
    try:
        fields: object = handler.load(raw)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
        line = _error_line(error)
        message = str(error).splitlines()[0]
        report = Report(
            source,
            ReportKind.FRONT_MATTER,
            f"malformed front matter ({message}); kept as text",
            None if line is None else line + 1,
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
    return SplitPost(fields, body, body_line, has_front_matter=True)


def _error_line(error: Exception) -> int | None:
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    lineno = getattr(error, "lineno", None)
    return int(lineno) if lineno else None


def read_fields(fields: Mapping[str, object], source: str) -> PostFields:
    """Read title, date, tags and description, reporting wrongly typed values."""
    reports: list[Report] = []

    def bad(key: str, value: object, what: str) -> None:
        reports.append(Report(source, ReportKind.FRONT_MATTER, f"{key}: {value!r} is not {what}; ignored"))

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
            reports.append(Report(source, ReportKind.FRONT_MATTER, f"{key}: a string, read as a list"))
        elif isinstance(value, list | tuple):
            tags.extend(str(t).strip() for t in value if str(t).strip())
        else:
            bad(key, value, "a list")
    unique_tags = tuple(dict.fromkeys(tags))
    return PostFields(title, date, unique_tags, description, tuple(reports))


def _text_field(fields: Mapping[str, object], keys: tuple[str, ...], bad: Any) -> str:
    for key in keys:
        value = fields.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return " ".join(str(value).split())
        bad(key, value, "text")
    return ""


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
