"""The converter's private cache and its worker processes: what makes runs cheap.

Kept in ``--cache`` (``make`` uses ``_build/cache/convert``), keyed by content and by
the converter's own source, so a code change invalidates them:

- each post's prepared work (parsed, cited, linked, its page rendered), under the digest
  of its name and bytes and of what preparing it reads (``PreparedCache``);
- the fingerprint of all inputs of the last run and its report, which lets a no-op
  run stop early and say the same.

The cache is never a source of truth: deleting it only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .output import load_pickle, seal, store_pickle, unpickle, unseal, write_atomic
from .prepare import PostContext, PreparedPost, prepare_post

# Below this many posts to prepare, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64

Preparer = Callable[[list[tuple[str, bytes]]], Iterable[bytes]]


@contextlib.contextmanager
def worker_map(count: int, context: PostContext) -> Iterator[Preparer]:
    """Prepares posts in worker processes when there are enough posts and CPUs, else here.

    Each worker receives the context once, when it starts (inherited, not sent, where
    processes fork); results come back in order, so output never depends on the number
    of workers.
    """
    if count < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        yield lambda files: [_pickled(prepare_post(name, data, context)) for name, data in files]
        return
    with ProcessPoolExecutor(initializer=_start_worker, initargs=(context,)) as pool:
        yield lambda files: pool.map(_prepare_in_worker, files, chunksize=16)


_worker_context: list[PostContext] = []  # in a worker process: the context it was started with


def _start_worker(context: PostContext) -> None:
    _worker_context.append(context)


def _prepare_in_worker(file: tuple[str, bytes]) -> bytes:
    return _pickled(prepare_post(*file, _worker_context[0]))


def _pickled(prepared: PreparedPost) -> bytes:
    """Prepared posts travel and are stored pickled: the bytes a worker sends back are
    the cache entry, so the book's posts are never pickled twice."""
    return pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)


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


# The last run's fingerprint, status and report, as sealed JSON (``output.seal``).
LAST_RUN = "last-run.sealed"


class PreparedCache:
    """Prepared posts by content; with no folder it caches nothing and only prepares.

    All entries live in one pickle (``prepared.pickle``): one read and one write per run
    is far cheaper than a thousand small files. Entries of posts no longer read are
    dropped on each write, so the cache stays the size of the book.
    """

    def __init__(self, folder: Path | None, code: str) -> None:
        self.folder = folder
        self.code = code
        self.hits = 0

    def _load(self) -> dict[str, bytes]:
        entries = load_pickle(self.folder / "prepared.pickle") if self.folder else None
        return entries if isinstance(entries, dict) else {}

    def _key(self, context: PostContext, name: str, data: bytes) -> str:
        digest = hashlib.sha256(f"{self.code}\0{context.signature}\0{name}\0".encode())
        digest.update(data)
        return digest.hexdigest()

    def prepare(self, files: list[tuple[str, bytes]], context: PostContext) -> list[PreparedPost]:
        """Every file prepared, in order: cached ones loaded, the rest prepared (in worker
        processes when there are many) and stored."""
        stored = self._load()
        keys = [self._key(context, name, data) for name, data in files]
        prepared: dict[int, PreparedPost] = {}
        for index, key in enumerate(keys):
            entry = unpickle(stored[key]) if key in stored else None
            if isinstance(entry, PreparedPost):
                prepared[index] = entry
        missing = [index for index in range(len(files)) if index not in prepared]
        self.hits = len(prepared)
        with worker_map(len(missing), context) as prepare:
            fresh = dict(zip(missing, prepare([files[index] for index in missing]), strict=True))
        for index, entry in fresh.items():
            prepared[index] = pickle.loads(entry)
        if self.folder is not None and (fresh or len(stored) != len(keys)):
            entries = {key: fresh[index] if index in fresh else stored[key] for index, key in enumerate(keys)}
            store_pickle(self.folder / "prepared.pickle", entries)
        return [prepared[index] for index in range(len(files))]

    def last_run(self, fingerprint: str) -> tuple[int, list[str]] | None:
        """Exit status and printed lines of the last run, if it had these very inputs.

        A damaged file, or one of another shape, is ignored: the run is simply done again.
        """
        if self.folder is None:
            return None
        try:
            sealed = (self.folder / LAST_RUN).read_bytes()
        except OSError:
            return None
        return read_last_run(sealed, fingerprint)

    def store_run(self, fingerprint: str, status: int, output: list[str]) -> None:
        if self.folder is not None:
            data = {"fingerprint": fingerprint, "status": status, "output": output}
            write_atomic(self.folder / LAST_RUN, seal(json.dumps(data, indent=1).encode()))


def read_last_run(sealed: bytes, fingerprint: str) -> tuple[int, list[str]] | None:
    """The status and lines ``store_run`` recorded for ``fingerprint``, or None for
    anything else: another run's inputs, damaged bytes, or JSON of another shape."""
    payload = unseal(sealed)
    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
        return None
    status, output = data.get("status"), data.get("output")
    if type(status) is not int or not isinstance(output, list):
        return None
    if not all(isinstance(line, str) for line in output):
        return None
    return status, output
