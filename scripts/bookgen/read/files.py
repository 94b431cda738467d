"""The posts folder's files, read safely: the only place a post's bytes come from disk."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by ``os``) as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_post_files(folder: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Name and bytes of every visible regular file of the folder, and one line for each
    entry skipped: links are never followed (a link could publish any file of the
    machine), and a FIFO, socket or device is never opened (reading one could hang).

    Hidden files (``.name``) are not posts and are passed over quietly.
    """
    files: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    with os.scandir(folder) as entries:
        found = sorted((entry.name, entry.path) for entry in entries if not entry.name.startswith("."))
    names = {name for name, _ in found}
    for name, path in found:
        shown = display_name(name)
        if shown != name:
            if shown in names:
                skipped.append(f"{shown}: file name is not valid UTF-8 and its safe form is taken; skipped")
                continue
            skipped.append(f"{shown}: file name is not valid UTF-8; read as {shown!r}")
        try:
            data = _read_regular_file(path)
        except _NotAPost as why:
            skipped.append(f"{shown}: {why}; skipped")
            continue
        except OSError as error:
            skipped.append(f"{shown}: unreadable ({error.strerror or error}); skipped")
            continue
        files.append((shown, data))
    return files, skipped


class _NotAPost(Exception):
    """The entry is no regular file of the folder; the message says what it is."""


def _read_regular_file(path: str) -> bytes:
    """The bytes of a regular file, opened without following a link or blocking on a FIFO;
    the open file itself is checked, so an entry swapped after listing is still refused."""
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        raise _NotAPost(_describe_link(path))
    if not stat.S_ISREG(status.st_mode):
        raise _NotAPost(_describe_mode(status.st_mode))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there after the lstat
            raise _NotAPost(_describe_link(path)) from None
        raise
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _NotAPost(_describe_mode(mode))
        return file.read()


def _describe_link(path: str) -> str:
    try:
        Path(path).stat()  # follows the link, only to say what it points to
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop, not followed"
        if error.errno == errno.ENOENT:
            return "dangling symbolic link, not followed"
        return "symbolic link, not followed"
    return "symbolic link, not followed (posts must be files in the folder itself)"


def _describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "subfolder (subfolders of posts are not supported yet)"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device, not a file"
    return "not a regular file"
