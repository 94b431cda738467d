"""Substack's export: ``posts.csv`` (one row a post) and ``posts/<post_id>.html`` (its
body), in the zip Substack sends or its unpacked folder.

A published row becomes a post file with its date, title and subtitle; an unpublished
one (a draft) is left out with a line; a row whose body file is missing is reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping

from .common import Export, ExportedPost, ExportError, ExportOptions, post_file


def is_substack(files: Mapping[str, bytes]) -> bool:
    return "posts.csv" in files


def _date(value: str) -> dt.date | None:
    try:
        return (
            dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date() if value.strip() else None
        )
    except ValueError:
        return None


def read_substack(name: str, files: Mapping[str, bytes], options: ExportOptions) -> Export:
    """The posts of a Substack export (its files by path); raises ``ExportError``."""
    try:
        text = files["posts.csv"].decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(f"{name}: posts.csv is not UTF-8 (byte {error.start}); nothing imported") from None
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as error:
        raise ExportError(f"{name}: posts.csv: {error}; nothing imported") from None
    export = Export()
    taken: set[str] = set()
    for line, row in enumerate(rows, start=2):
        post_id = (row.get("post_id") or "").strip()
        title = " ".join((row.get("title") or "").split()) or post_id
        where = f"{name}: posts.csv:{line}: {title!r}"
        if (row.get("is_published") or "").strip().lower() != "true":
            export.skipped.append(f"{where}: not published; left out")
            continue
        body = files.get(f"posts/{post_id}.html")
        if body is None:
            export.skipped.append(f"{where}: no posts/{post_id}.html in the export; left out")
            continue
        slug = post_id.partition(".")[2] or post_id
        post = ExportedPost(
            title=title,
            html=body.decode("utf-8", "replace"),
            slug=slug,
            date=_date(row.get("post_date") or ""),
            description=" ".join((row.get("subtitle") or "").split()),
        )
        export.posts.append(post_file(post, "", taken))
    return export
