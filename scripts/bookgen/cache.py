"""The converter's private cache: what makes a re-run with one edited post cheap.

Two things are kept in ``--cache`` (``make`` uses ``_build/cache/convert``), both keyed
by content and by the converter's own source, so a code change invalidates them:

- each parsed post, pickled under the digest of its name and bytes;
- the fingerprint of all inputs of the last run, which lets a no-op run stop early.

The cache is never a source of truth: deleting it only costs time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .model import Post
from .post import read_post

# Below this many posts to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


def source_digest() -> str:
    """Digest of the converter's own code: output made by other code is not reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(code: str, settings: Iterable[str], files: Iterable[tuple[str, bytes]]) -> str:
    """One digest of everything a run reads: code, options and every input file."""
    digest = hashlib.sha256(code.encode())
    for setting in settings:
        digest.update(b"\0setting\0" + setting.encode())
    for name, data in files:
        digest.update(b"\0file\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _post_key(code: str, name: str, data: bytes) -> str:
    return hashlib.sha256(code.encode() + b"\0" + name.encode() + b"\0" + data).hexdigest()


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(content)
    Path(temporary).replace(path)


def _read_one(item: tuple[bytes, str]) -> Post:
    return read_post(*item)


class PostCache:
    """Parsed posts by content; with no folder it caches nothing and only parses.

    All entries live in one pickle (``posts.pickle``): one read and one write per run
    is far cheaper than a thousand small files. Entries of posts no longer read are
    dropped on each write, so the cache stays the size of the book.
    """

    def __init__(self, folder: Path | None, code: str) -> None:
        self.folder = folder
        self.code = code
        self.hits = 0

    def _load(self) -> dict[str, Post]:
        path = self.folder / "posts.pickle" if self.folder else None
        if path is None or not path.exists():
            return {}
        try:
            entries = pickle.loads(path.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            return {}  # a damaged cache is rebuilt
        return entries if isinstance(entries, dict) else {}

    def read_posts(self, files: list[tuple[str, bytes]]) -> list[Post]:
        """Every file as a ``Post``, in order: cached ones loaded, the rest parsed
        (in worker processes when there are many) and stored."""
        stored = self._load()
        keys = [_post_key(self.code, name, data) for name, data in files]
        missing = [index for index, key in enumerate(keys) if key not in stored]
        self.hits = len(files) - len(missing)
        jobs = [(files[i][1], files[i][0]) for i in missing]
        if len(jobs) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
            with ProcessPoolExecutor() as pool:
                parsed = list(pool.map(_read_one, jobs, chunksize=16))
        else:
            parsed = [_read_one(job) for job in jobs]
        fresh = dict(zip((keys[i] for i in missing), parsed, strict=True))
        posts = [stored.get(key) or fresh[key] for key in keys]
        if self.folder is not None and (fresh or len(stored) != len(set(keys))):
            kept = dict(zip(keys, posts, strict=True))
            _write_atomic(self.folder / "posts.pickle", pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        return posts

    def last_run(self, fingerprint: str) -> tuple[int, list[str]] | None:
        """Exit status and printed lines of the last run, if it had these very inputs."""
        if self.folder is None or not (self.folder / "last-run.json").exists():
            return None
        try:
            data = json.loads((self.folder / "last-run.json").read_text(encoding="utf-8"))
        except ValueError:
            return None
        if data.get("fingerprint") != fingerprint:
            return None
        return int(data["status"]), [str(line) for line in data["output"]]

    def store_run(self, fingerprint: str, status: int, output: list[str]) -> None:
        if self.folder is not None:
            data = {"fingerprint": fingerprint, "status": status, "output": output}
            _write_atomic(self.folder / "last-run.json", json.dumps(data, indent=1).encode())
