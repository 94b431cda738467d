"""The converter's private cache: what makes a re-run with one edited post cheap.

Kept in ``--cache`` (``make`` uses ``_build/cache/convert``), all keyed by content and
by the converter's own source, so a code change invalidates them:

- each parsed post, under the digest of its name and bytes (``PostCache``);
- each rendered post page, under the digest of what it is made from (``Memo``);
- the fingerprint of all inputs of the last run and its report, which lets a no-op
  run stop early and say the same.

The cache is never a source of truth: deleting it only costs time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from .model import Post
from .output import load_pickle, store_pickle, write_atomic
from .post import read_post

T = TypeVar("T")

# Below this many posts to parse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


Mapper = Callable[..., Iterable[Any]]


@contextlib.contextmanager
def worker_map(count: int) -> Iterator[Mapper]:
    """``map`` over worker processes when there are enough posts and CPUs, else ``map``.

    Results come back in order, so output never depends on the number of workers.
    """
    if count < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        yield map
        return
    with ProcessPoolExecutor() as pool:
        yield functools.partial(pool.map, chunksize=16)


def source_digest() -> str:
    """Digest of the converter's own code: output made by other code is not reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name.startswith("sphinx_"):
            continue  # the Sphinx extensions do not take part in converting
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
        entries = load_pickle(self.folder / "posts.pickle") if self.folder else None
        return entries if isinstance(entries, dict) else {}

    def read_posts(self, files: list[tuple[str, bytes]], map_posts: Mapper = map) -> list[Post]:
        """Every file as a ``Post``, in order: cached ones loaded, the rest parsed
        (with ``map_posts``: ``worker_map`` spreads them over processes) and stored."""
        stored = self._load()
        keys = [_post_key(self.code, name, data) for name, data in files]
        missing = [index for index, key in enumerate(keys) if key not in stored]
        self.hits = len(files) - len(missing)
        jobs = [(files[i][1], files[i][0]) for i in missing]
        parsed = list(map_posts(_read_one, jobs))
        fresh = dict(zip((keys[i] for i in missing), parsed, strict=True))
        posts = [stored.get(key) or fresh[key] for key in keys]
        if self.folder is not None and (fresh or len(stored) != len(set(keys))):
            kept = dict(zip(keys, posts, strict=True))
            store_pickle(self.folder / "posts.pickle", kept)
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
            write_atomic(self.folder / "last-run.json", json.dumps(data, indent=1).encode())


class Memo(Generic[T]):
    """Results of a pure per-post step, by the digest of everything it reads.

    One pickle per step (``<kind>.pickle``); entries not asked for in a run are dropped
    when it is saved. With no folder it only computes.
    """

    def __init__(self, folder: Path | None, kind: str, code: str) -> None:
        self.path = folder / f"{kind}.pickle" if folder else None
        self.code = code.encode()
        self.stored: dict[str, T] = {}
        self.used: dict[str, T] = {}
        self.fresh = 0
        loaded = load_pickle(self.path) if self.path is not None else None
        if isinstance(loaded, dict):
            self.stored = loaded

    def __call__(self, inputs: object, compute: Callable[[], T]) -> T:
        if self.path is None:
            return compute()
        key = hashlib.sha256(self.code + pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
        if key in self.stored:
            result = self.stored[key]
        else:
            result = compute()
            self.fresh += 1
        self.used[key] = result
        return result

    def save(self) -> None:
        if self.path is not None and (self.fresh or len(self.used) != len(self.stored)):
            store_pickle(self.path, self.used)
