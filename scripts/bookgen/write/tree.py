"""The one place that writes: generated files, atomically, listed in a manifest.

The converter writes only inside its output folder, rewrites a file only when its
content changed (so mtimes, and Sphinx's incremental build, stay put), removes only
files its manifest says it wrote, and refuses to overwrite anything else. The manifest
names the files a run is about to write before it writes them, so a killed run never
leaves a folder the next run refuses.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import MANIFEST
from .sealed import write_atomic


class OutputError(RuntimeError):
    """Writing the generated tree would harm a file the converter does not own."""


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def stale(self) -> list[str]:
        return self.written + self.removed


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class _Targets:
    """Files' paths in the output folder, each refused if it would land outside it.

    Each folder is resolved once, not once per file in it (resolving every file's whole
    path took 0.05 s of each run at 1,000 posts); a file that is itself a symbolic link
    is resolved on its own, so a link planted in the folder still counts as its target.
    """

    def __init__(self, out_dir: Path) -> None:
        self.root = out_dir.resolve()
        self._folders: dict[str, Path] = {}

    def __call__(self, relative: str) -> Path:
        folder, _, name = relative.rpartition("/")
        parent = self._folders.get(folder)
        if parent is None:
            parent = self._folders[folder] = (self.root / folder).resolve()
        path = parent / name
        if name in ("", ".", "..") or path.is_symlink():
            path = path.resolve()
        if path == self.root or self.root not in path.parents:
            raise OutputError(f"{relative}: refusing to write outside {self.root}")
        return path


@dataclass(frozen=True)
class Manifest:
    """What the converter owns in its folder.

    ``files``: what the last finished run wrote (name -> digest). ``pending``: what a
    run was about to write (name -> digests), recorded before it wrote anything and
    dropped when it finished; if the run was killed, the next one knows that those
    files, with those very contents, are its own and not someone's hand-written files.
    """

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)

    def may_overwrite(self, relative: str, current: bytes) -> bool:
        """The converter wrote this file: by name once finished, by content if pending."""
        return relative in self.files or _digest(current) in self.pending.get(relative, [])

    def unedited(self, relative: str, current: bytes) -> bool:
        """The file still holds what the converter wrote or was writing there."""
        digest = _digest(current)
        return digest == self.files.get(relative) or digest in self.pending.get(relative, [])

    def names(self) -> set[str]:
        return set(self.files) | set(self.pending)


def read_manifest(out_dir: Path) -> Manifest:
    path = out_dir / MANIFEST
    if not path.exists():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = {str(k): str(v) for k, v in data["files"].items()}
        pending = {str(k): [str(d) for d in v] for k, v in data.get("pending", {}).items()}
    except (ValueError, KeyError, AttributeError, TypeError) as error:
        raise OutputError(f"{path}: unreadable manifest ({error}); remove the folder to start over") from None
    return Manifest(files, pending)


def _write_manifest(out_dir: Path, manifest: Manifest) -> None:
    data: dict[str, object] = {"generator": "scripts/convert.py", "files": manifest.files}
    if manifest.pending:
        data["pending"] = manifest.pending
    write_atomic(out_dir / MANIFEST, (json.dumps(data, indent=1) + "\n").encode("utf-8"))


def tree_matches_manifest(out_dir: Path, stamps: Mapping[str, list[int]] | None = None) -> bool:
    """Every file the manifest lists is there, unedited: the tree is what the last run left.

    A file whose size and time are those ``stamps`` (``output_stamps`` of the last run)
    recorded is not read again: at 10,000 posts reading and hashing every page took 0.2 s
    of each no-op run."""
    try:
        manifest = read_manifest(out_dir)
        if not manifest.files or manifest.pending:
            return False  # nothing written yet, or the last run was cut short
        stamps = stamps or {}
        for relative, digest in manifest.files.items():
            path = out_dir / relative
            stamp = _stamp(path)
            if stamp is None:
                return False
            if stamp != stamps.get(relative) and _digest(path.read_bytes()) != digest:
                return False
    except (OutputError, OSError):
        return False  # unreadable: the run writes the folder again, or says why it cannot
    return True


def output_stamps(out_dir: Path) -> dict[str, list[int]]:
    """Each file the manifest lists, with its size and time (ns) as it is now."""
    try:
        files = read_manifest(out_dir).files
    except OutputError:
        return {}
    return {relative: stamp for relative in files if (stamp := _stamp(out_dir / relative)) is not None}


def _stamp(path: Path) -> list[int] | None:
    """A regular file's size and time (ns), or None for anything else."""
    try:
        status = path.stat()
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns] if stat.S_ISREG(status.st_mode) else None


def sync_tree(out_dir: Path, files: Mapping[str, str | bytes], check: bool = False) -> WriteResult:
    """Make ``out_dir`` hold exactly ``files`` (text is written as UTF-8); with ``check``
    only say what would change.

    Before the first write the manifest records, as pending, every file about to be
    written, so a run killed at any point leaves a folder the next run takes over.
    """
    manifest = read_manifest(out_dir)
    contents = {name: data.encode("utf-8") if isinstance(data, str) else data for name, data in files.items()}
    result, planned = _plan(out_dir, contents, manifest)
    if check:
        return result
    new_files = {rel: _digest(contents[rel]) for rel in sorted(contents)}
    journal = bool(planned or result.removed)
    if journal:
        pending = {rel: list(digests) for rel, digests in manifest.pending.items()}
        for relative in result.written:
            digests = pending.setdefault(relative, [])
            if new_files[relative] not in digests:
                digests.append(new_files[relative])
        _write_manifest(out_dir, Manifest(manifest.files, pending))
    for path, content in planned:
        write_atomic(path, content)
    target = _Targets(out_dir)
    for relative in result.removed:
        path = target(relative)
        path.unlink(missing_ok=True)
        _prune_empty_dirs(path.parent, target.root)
    if journal or new_files != manifest.files or manifest.pending or not (out_dir / MANIFEST).exists():
        _write_manifest(out_dir, Manifest(new_files))
    return result


def _plan(
    out_dir: Path, contents: Mapping[str, bytes], manifest: Manifest
) -> tuple[WriteResult, list[tuple[Path, bytes]]]:
    """What syncing would write, keep and remove; refuses to touch a file the converter
    did not write, or one edited since it did."""
    result = WriteResult()
    planned: list[tuple[Path, bytes]] = []
    target = _Targets(out_dir)
    for relative in sorted(contents):
        content = contents[relative]
        path = target(relative)
        if path.exists():
            current = path.read_bytes()
            if current == content:
                result.unchanged.append(relative)
                continue
            if not manifest.may_overwrite(relative, current):
                raise OutputError(
                    f"{path}: exists and was not generated by the converter; not overwriting it"
                )
        result.written.append(relative)
        planned.append((path, content))
    for relative in sorted(manifest.names() - set(contents)):
        path = target(relative)
        if path.exists() and not manifest.unedited(relative, path.read_bytes()):
            raise OutputError(f"{path}: generated earlier but edited since; move it away to go on")
        result.removed.append(relative)
    return result, planned


def _prune_empty_dirs(directory: Path, root: Path) -> None:
    while directory != root and root in directory.parents and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
