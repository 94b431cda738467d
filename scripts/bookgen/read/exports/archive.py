"""A zip export's files, read in memory with its bombs and tricks refused.

Nothing of an archive is ever written to disk, so no member can land outside a folder;
a member named with ``..``, an absolute path or a drive, a link, more than
``MAX_FILES`` members, a member over ``MAX_FILE_BYTES`` or a ratio of unpacked to packed
size over ``MAX_RATIO`` (a zip bomb) refuses the whole archive in one line.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile

from .common import ExportError

MAX_FILES = 20_000
MAX_FILE_BYTES = 50_000_000
MAX_TOTAL_BYTES = 500_000_000
MAX_RATIO = 200


def _safe_name(member: zipfile.ZipInfo) -> bool:
    name = member.filename.replace("\\", "/")
    parts = name.split("/")
    return not (name.startswith("/") or ".." in parts or (parts and ":" in parts[0]))


def _check(name: str, member: zipfile.ZipInfo) -> None:
    """Refuses a member that points out of the archive, is a link, or unpacks too big."""
    if not _safe_name(member):
        raise ExportError(f"{name}: refused: member {member.filename!r} points out of the archive")
    if member.flag_bits & 0x1:
        raise ExportError(f"{name}: refused: member {member.filename!r} is encrypted (a password is needed)")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise ExportError(f"{name}: refused: member {member.filename!r} is a link")
    if member.file_size > MAX_FILE_BYTES:
        raise ExportError(f"{name}: refused: member {member.filename!r} unpacks to {member.file_size} bytes")
    if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
        raise ExportError(
            f"{name}: refused: member {member.filename!r} is packed over {MAX_RATIO} times (a bomb)"
        )


def read_zip(
    name: str, data: bytes, wanted: tuple[str, ...] = ("posts.csv", "posts/", "README.html")
) -> dict[str, bytes]:
    """The archive's files whose path (below one top folder, if all share one) starts
    with one of ``wanted``; raises ``ExportError`` for an archive refused or unreadable."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ExportError(f"{name}: not a readable zip archive ({error}); nothing imported") from None
    members = archive.infolist()
    if len(members) > MAX_FILES:
        raise ExportError(f"{name}: refused: {len(members)} files, over {MAX_FILES}; nothing imported")
    for member in members:
        _check(name, member)
    total = sum(member.file_size for member in members)
    if total > MAX_TOTAL_BYTES:
        raise ExportError(f"{name}: refused: it unpacks to {total} bytes; nothing imported")
    names = [member.filename for member in members if not member.is_dir()]
    tops = {path.split("/", 1)[0] for path in names}
    prefix = f"{tops.pop()}/" if len(tops) == 1 and all("/" in path for path in names) else ""
    files: dict[str, bytes] = {}
    for member in members:
        if member.is_dir():
            continue
        path = posixpath.normpath(member.filename.replace("\\", "/")).removeprefix(prefix)
        if path.startswith(wanted):
            try:
                with archive.open(member) as stream:
                    content = stream.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as error:
                raise ExportError(
                    f"{name}: member {member.filename!r} unreadable ({error}); nothing imported"
                ) from None
            if len(content) > MAX_FILE_BYTES:  # a size the header understated
                raise ExportError(f"{name}: refused: member {member.filename!r} is larger than it says")
            files[path] = content
    return files
