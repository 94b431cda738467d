"""The posts folder's files, read safely: the only place a post's bytes come from disk."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (surrogate-escaped by ``os``) as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# A folder holding one of these is a page bundle (Hugo, Zola): that file is the post, and
# every other file in the folder, and below it, is one of the post's assets.
BUNDLE_INDEXES = (
    "index.md",
    "index.markdown",
    "index.mdown",
    "index.mkd",
    "index.txt",
    "index.html",
    "index.htm",
)
MAX_DEPTH = 32  # folders nested deeper are reported, not read
# Files a post may show as images: outside a bundle they are assets of no one post, not posts.
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".ico", ".tif", ".tiff"}
)


@dataclass
class PostFiles:
    """What a posts folder holds: posts, their assets, and what was skipped."""

    posts: list[tuple[str, bytes]] = field(default_factory=list)  # (path in the folder, bytes)
    assets: list[tuple[str, str]] = field(default_factory=list)  # (asset's path, its post's path or "")
    skipped: list[str] = field(default_factory=list)  # one line per entry that is no post


def read_post_files(folder: Path) -> PostFiles:
    """Every post of the folder and its subfolders, by its path in the folder (``a/b.md``).

    A page bundle (a folder with an ``index.md``) is one post; its other files are the
    post's assets. Every other regular file is read as a post. Links are never followed
    (a link could publish any file of the machine), and a FIFO, socket or device is never
    opened (reading one could hang): each gets one line in ``skipped``. Hidden entries
    (``.name``, such as ``.git``) are passed over quietly.
    """
    found = PostFiles()
    _read_folder(str(folder), "", found, 0)
    return found


def _read_folder(directory: str, prefix: str, found: PostFiles, depth: int) -> None:
    try:
        entries = _visible_entries(directory, prefix, found)
    except OSError as error:
        if not prefix:
            raise  # the posts folder itself: the caller says so
        found.skipped.append(f"{prefix.rstrip('/')}: unreadable folder ({error.strerror or error}); skipped")
        return
    bundle = next((e for e in entries if e[0] in BUNDLE_INDEXES and _is_regular(e[2])), None)
    if bundle is not None:
        _read_post(bundle, found)
        for entry in entries:
            if entry is not bundle:
                _list_assets(entry, prefix + bundle[0], found, depth)
        return
    for shown, _, path in entries:
        if _is_folder(path):
            if depth >= MAX_DEPTH:
                found.skipped.append(f"{prefix}{shown}: folder nested over {MAX_DEPTH} deep; skipped")
            else:
                _read_folder(path, f"{prefix}{shown}/", found, depth + 1)
        elif PurePosixPath(shown).suffix.lower() in IMAGE_SUFFIXES:
            _list_assets((shown, prefix, path), "", found, depth)
        else:
            _read_post((shown, prefix, path), found)


def list_static_files(folder: Path) -> PostFiles:
    """Every regular file of a site's static folder (``/images/x.png`` in a post is
    ``images/x.png`` there), as assets of no one post; read as safely as posts."""
    found = PostFiles()
    for entry in _visible_entries(str(folder), "", found):
        _list_assets(entry, "", found, 0)
    return found


def _visible_entries(directory: str, prefix: str, found: PostFiles) -> list[tuple[str, str, str]]:
    """(shown name, prefix, path) of each visible entry, by name; a name that is not
    UTF-8 is shown with its bytes escaped, and skipped if that form is taken."""
    with os.scandir(directory) as scan:
        names = sorted((entry.name, entry.path) for entry in scan if not entry.name.startswith("."))
    taken = {name for name, _ in names}
    entries = []
    for name, path in names:
        shown = display_name(name)
        if shown != name:
            if shown in taken:
                found.skipped.append(
                    f"{prefix}{shown}: file name is not valid UTF-8 and its safe form is taken; skipped"
                )
                continue
            found.skipped.append(f"{prefix}{shown}: file name is not valid UTF-8; read as {shown!r}")
        entries.append((shown, prefix, path))
    return entries


def _read_post(entry: tuple[str, str, str], found: PostFiles) -> None:
    shown, prefix, path = entry
    try:
        data = _read_regular_file(path)
    except _NotAPost as why:
        found.skipped.append(f"{prefix}{shown}: {why}; skipped")
    except OSError as error:
        found.skipped.append(f"{prefix}{shown}: unreadable ({error.strerror or error}); skipped")
    else:
        found.posts.append((prefix + shown, data))


def _list_assets(entry: tuple[str, str, str], post: str, found: PostFiles, depth: int) -> None:
    """A bundle's file (or every file of its subfolder) as an asset of ``post``."""
    shown, prefix, path = entry
    if _is_folder(path) and depth < MAX_DEPTH:
        try:
            inner_entries = _visible_entries(path, f"{prefix}{shown}/", found)
        except OSError as error:
            found.skipped.append(f"{prefix}{shown}: unreadable folder ({error.strerror or error}); skipped")
            return
        for inner in inner_entries:
            _list_assets(inner, post, found, depth + 1)
    elif _is_regular(path):
        found.assets.append((prefix + shown, post))
    else:
        found.skipped.append(f"{prefix}{shown}: {_describe(path)}; skipped")


def _is_folder(path: str) -> bool:
    return stat.S_ISDIR(os.lstat(path).st_mode)


def _is_regular(path: str) -> bool:
    return stat.S_ISREG(os.lstat(path).st_mode)


def _describe(path: str) -> str:
    mode = os.lstat(path).st_mode
    return _describe_link(path) if stat.S_ISLNK(mode) else _describe_mode(mode)


class _NotAPost(Exception):
    """The entry is no regular file of the folder; the message says what it is."""


def read_regular_file(path: str) -> bytes:
    """A listed file's bytes (an image to copy), as safely as a post's: ``OSError`` if it
    is no longer a regular file."""
    try:
        return _read_regular_file(path)
    except _NotAPost as why:
        raise OSError(f"{display_name(path)}: {why}") from None


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
    return "symbolic link, not followed (posts must be files in the posts folder itself)"


def _describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device, not a file"
    return "not a regular file"


def read_export_folder(folder: Path) -> dict[str, bytes]:
    """An unpacked export's files an importer reads (``posts.csv``, ``README.html`` and
    ``posts/*``), by path in the folder, read as safely as posts; others are not read."""
    files: dict[str, bytes] = {}
    for name in ("posts.csv", "README.html"):
        path = folder / name
        if path.exists():
            files[name] = read_regular_file(str(path))
    posts = folder / "posts"
    if posts.is_dir() and not posts.is_symlink():
        for path in sorted(posts.iterdir()):
            if not path.name.startswith(".") and path.is_file() and not path.is_symlink():
                files[f"posts/{path.name}"] = read_regular_file(str(path))
    return files


@dataclass(frozen=True)
class InputStamps:
    """What a run would read, known without reading it: one line per file and folder."""

    lines: list[str]
    newest: int  # the latest time (ns) among them: a stamp that recent may not be settled


def input_stamps(paths: Sequence[Path | None]) -> InputStamps:
    """Each given file, and each folder with every visible entry below it (as the readers
    see them: the given paths followed if links, hidden entries aside, links below them
    not followed), with its mode, size, inode and times (ns, change time included, so a
    permission fixed counts). A file changed or added, removed or renamed changes its
    own line or its folder's. Raises ``OSError`` if a given path cannot be looked at."""
    lines: list[str] = []
    newest = 0
    for index, top in enumerate(paths):
        if top is None:
            continue
        entries = [(f"{index}:", str(top), True)]
        if top.is_dir():
            for directory, folders, names in os.walk(top):
                folders[:] = sorted(name for name in folders if not name.startswith("."))
                inside = directory[len(str(top)) :]
                for name in [*folders, *sorted(n for n in names if not n.startswith("."))]:
                    entries.append((f"{index}:{inside}/{name}", f"{directory}/{name}", False))
        for label, path, follow in entries:
            line, time = _stamp_line(label, path, follow)
            lines.append(line)
            newest = max(newest, time)
    return InputStamps(lines, newest)


def _stamp_line(label: str, path: str, follow: bool) -> tuple[str, int]:
    label = display_name(label)  # a name that is not UTF-8, with its bytes escaped
    try:
        status = Path(path).stat(follow_symlinks=follow)
    except OSError:
        return f"{label}\0missing", 0
    changed = max(status.st_mtime_ns, status.st_ctime_ns)
    fields = (status.st_mode, status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns)
    return label + "".join(f"\0{field}" for field in fields), changed
