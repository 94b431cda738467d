"""Blog platforms' export files read into post files the reader knows.

Most blogs live on a platform, and what the platform gives is an export: WordPress's
WXR (an RSS file), Blogger's Atom feed, Ghost's JSON, and Substack's and Medium's
zips (or their unpacked folders). Each importer is a pure function
from the export's bytes to an ``Export``: one post file per published post (YAML front
matter with its title, date, authors, tags, slug and address, then its HTML body, read
by ``read.html`` like any HTML post), the lines of what it left out, and the blog's own
address (links to it then land in the book). Unsafe input is refused whole with one
``ExportError`` line naming the file: XML is parsed with no document type, entities or
external references (defusedxml).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .archive import read_zip
from .blogger import is_blogger, read_blogger
from .common import Export, ExportError, ExportOptions
from .ghost import is_ghost, read_ghost
from .medium import is_medium, read_medium
from .substack import is_substack, read_substack
from .wordpress import is_wordpress, read_wordpress

__all__ = [
    "Export",
    "ExportError",
    "ExportOptions",
    "is_export_folder",
    "read_export",
    "read_export_files",
]


def read_export(name: str, data: bytes, options: ExportOptions | None = None) -> Export:
    """The export's posts; raises ``ExportError`` for an export that cannot be read."""
    options = options or ExportOptions()
    try:
        return _read(name, data, options)
    except ExportError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as error:
        # A shape no importer expects: one line, never a traceback.
        raise ExportError(
            f"{name}: could not be read ({type(error).__name__}: {error}); nothing imported"
        ) from None


def _read(name: str, data: bytes, options: ExportOptions) -> Export:
    if name.lower().endswith(".zip"):
        return read_export_files(name, read_zip(name, data), options)
    if is_wordpress(name, data):
        return read_wordpress(name, data, options)
    if is_blogger(name, data):
        return read_blogger(name, data, options)
    if is_ghost(name, data):
        return read_ghost(name, data, options)
    raise ExportError(
        f"{name}: not an export this converter reads (WordPress .xml, Blogger .xml or .atom, "
        "Ghost .json, a Substack or Medium .zip)"
    )


def read_export_files(name: str, files: Mapping[str, bytes], options: ExportOptions | None = None) -> Export:
    """An export of many files (a zip, or its unpacked folder), by path in it."""
    options = options or ExportOptions()
    if is_substack(files):
        return read_substack(name, files, options)
    if is_medium(files):
        return read_medium(name, files, options)
    raise ExportError(f"{name}: neither a Substack export (posts.csv) nor a Medium one (posts/*.html)")


def is_export_folder(names: Sequence[str]) -> bool:
    """Whether a folder holding these top-level entries is an unpacked export."""
    return "posts.csv" in names or ("README.html" in names and "posts" in names)
