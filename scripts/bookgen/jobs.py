"""Per-post work, done once per content: in worker processes when there are many posts,
and kept in the converter's cache folder so that an unchanged post costs a lookup.

The cache (``--cache``; ``make`` uses ``_build/cache/convert``) holds each job's result
under a key made of the job's inputs and the converter's own code, so a code change
invalidates it, and the last run's report, its output files' sizes and times, and
two fingerprints of its inputs (their contents, and their names, sizes and times),
which let a no-op run stop early, most often before reading a post, and say the same.
It is never a source of truth: deleting it only costs time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .collector import collector_paused
from .write.sealed import load_pickle, seal, store_pickle, unpickle, unseal, write_atomic

# Below this many jobs to run, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64
JOBS_FILE = "jobs.pickle"
# The last run's fingerprint, status and report, as sealed JSON (``write.sealed.seal``).
LAST_RUN = "last-run.sealed"
PACKAGE = Path(__file__).resolve().parent
# The Sphinx extensions take no part in converting: a change to them keeps the cache.
NOT_CONVERTER = PACKAGE / "sphinx"

Item = TypeVar("Item")
Result = TypeVar("Result")


def converter_digest() -> str:
    """Digest of the converter's own code: work done by other code is not reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        if NOT_CONVERTER in path.parents:
            continue
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def job_key(*parts: str | bytes) -> str:
    """A cache key: the digest of a job's inputs, each part delimited."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


class Job(Generic[Item, Result]):
    """A function of one item, run over many items; ``name`` keeps its results apart, and
    a stored result not of ``result_type`` (left by other code) is run again."""

    def __init__(self, name: str, function: Callable[[Item], Result], result_type: type[Result]) -> None:
        self.name = name
        self.function = function
        self.result_type = result_type


@contextlib.contextmanager
def _worker_map(
    job: Job[Item, Result], items: Sequence[Item], count: int
) -> Iterator[Callable[[list[int]], Iterable[bytes]]]:
    """Runs the job on items (by position) in worker processes when there are enough
    (``count``) to run and CPUs, else here; results come back pickled, in order, so output never
    depends on the number of workers. Each worker receives the job and the items once,
    when it starts (inherited, not sent, where processes fork)."""
    if count < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        yield lambda positions: [_pickled(job.function(items[i])) for i in positions]
        return
    with ProcessPoolExecutor(initializer=functools.partial(_start_worker, job, items)) as pool:
        yield lambda positions: pool.map(_run_in_worker, positions, chunksize=16)


_worker_job: list[tuple[Job[Any, Any], Sequence[Any]]] = []  # in a worker: its job


def _start_worker(job: Job[Any, Any], items: Sequence[Any]) -> None:
    _worker_job.append((job, items))


def _run_in_worker(position: int) -> bytes:
    job, items = _worker_job[0]
    return _pickled(job.function(items[position]))


def _pickled(result: object) -> bytes:
    """Results travel and are stored pickled: the bytes a worker sends back are the cache
    entry, so no result is pickled twice."""
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


# Told how far a job is: its name, the items done (stored ones count), and all of them.
Progress = Callable[[str, int, int], None]


class JobCache:
    """Job results by key; with no folder it caches nothing and only runs the jobs.

    All entries live in one sealed pickle: one read and one write per run is far cheaper
    than a thousand small files. Entries no job of this run asked for are dropped when it
    is saved, so the cache stays the size of the book.
    """

    def __init__(self, folder: Path | None, code: str, progress: Progress | None = None) -> None:
        self.folder = folder
        self.code = code
        self.progress = progress
        self.hits: dict[str, int] = {}
        self._stored: dict[str, bytes] | None = None
        self._used: dict[str, bytes] = {}

    def _entries(self) -> dict[str, bytes]:
        if self._stored is None:
            entries = load_pickle(self.folder / JOBS_FILE) if self.folder else None
            self._stored = entries if isinstance(entries, dict) else {}
        return self._stored

    def run(self, job: Job[Item, Result], items: Sequence[Item], keys: Sequence[str]) -> list[Result]:
        """The job's result for every item, in order: stored ones loaded, the rest run
        (in worker processes when there are many)."""
        stored = self._entries()
        keys = [job_key(self.code, job.name, key) for key in keys]
        results: dict[int, object] = {}
        with collector_paused():
            for position, key in enumerate(keys):
                entry = unpickle(stored[key]) if key in stored else None
                if isinstance(entry, job.result_type):
                    results[position] = entry
                    self._used[key] = stored[key]
        self.hits[job.name] = len(results)
        missing = [position for position in range(len(items)) if position not in results]
        if self.progress is not None:
            self.progress(job.name, len(results), len(items))
        with _worker_map(job, items, len(missing)) as run:
            for position, data in zip(missing, run(missing), strict=True):
                results[position] = pickle.loads(data)
                self._used[keys[position]] = data
                if self.progress is not None:
                    self.progress(job.name, len(results), len(items))
        return [results[position] for position in range(len(items))]  # type: ignore[misc]

    def save(self) -> None:
        """Keep the entries this run used, and only those."""
        if self.folder is not None and self._used.keys() != self._entries().keys():
            store_pickle(self.folder / JOBS_FILE, self._used)

    def last_run(self, fingerprint: str) -> LastRun | None:
        """Exit status, printed lines and output stamps of the last run, if its inputs had
        this fingerprint (of their contents, or of their names, sizes and times).

        A damaged file, or one of another shape, is ignored: the run is simply done again.
        """
        if self.folder is None:
            return None
        try:
            sealed = (self.folder / LAST_RUN).read_bytes()
        except OSError:
            return None
        return read_last_run(sealed, fingerprint)

    def store_run(self, fingerprint: str, run: LastRun, stamped: str = "") -> None:
        """Record ``run`` under ``fingerprint`` (the inputs' contents) and ``stamped``
        (their names, sizes and times, known without reading them)."""
        if self.folder is not None:
            data = {
                "fingerprint": fingerprint,
                "stamped": stamped,
                "status": run.status,
                "output": run.output,
                "stamps": run.stamps,
                "posts": run.posts,
            }
            write_atomic(self.folder / LAST_RUN, seal(json.dumps(data, indent=1).encode()))


@dataclass(frozen=True)
class LastRun:
    """What the last run said and left: its exit status, its printed lines, each file it
    left in the output folder with its size and time (``write.tree.output_stamps``), and
    its number of posts."""

    status: int
    output: list[str]
    stamps: dict[str, list[int]]
    posts: int = 0


def read_last_run(sealed: bytes, fingerprint: str) -> LastRun | None:
    """What ``store_run`` recorded for ``fingerprint`` (either of the two it was stored
    under), or None for anything else: another run's inputs, damaged bytes, or JSON of
    another shape."""
    payload = unseal(sealed)
    if payload is None:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    known_as = (data.get("fingerprint"), data.get("stamped") or None) if isinstance(data, dict) else ()
    if fingerprint not in known_as:  # a record stored with no stamped fingerprint ("") has one
        return None
    status, output = data.get("status"), data.get("output")
    if type(status) is not int or not isinstance(output, list):
        return None
    if not all(isinstance(line, str) for line in output):
        return None
    stamps, posts = data.get("stamps"), data.get("posts")
    if not isinstance(stamps, dict):
        stamps = {}  # a record from before stamps: every file is read instead
    return LastRun(status, output, stamps, posts if type(posts) is int else 0)


def inputs_fingerprint(code: str, settings: Iterable[str], files: Iterable[tuple[str, bytes]]) -> str:
    """One digest of everything a run reads: code, options and every input file."""
    digest = hashlib.sha256(code.encode())
    for setting in settings:
        digest.update(b"\0setting\0" + setting.encode())
    for name, data in files:
        digest.update(b"\0file\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()
