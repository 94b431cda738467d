"""Whether an HTML build would change nothing, so ``make html`` need not start Sphinx.

    python -m booktools.buildstamp check OUTDIR [--docs DIR] -- OPTIONS...   # 0: up to date
    python -m booktools.buildstamp save OUTDIR [--docs DIR] -- OPTIONS...

A no-op Sphinx run of a 1,000-post book still takes seconds (it loads its environment
and checks every page). What a build reads is signed instead: the name, size and time
of every file of the source folder (hand-written pages, generated ones, templates,
static files), of the book's Sphinx extensions and of the HTML extras (PDF, EPUB), the
configuration, the pinned requirements, the environment variables ``conf.py`` reads, and
the words given after ``--`` (the build's options). The converter rewrites only files
whose content changed, so an unchanged book keeps its signature. ``save`` records it
after a successful build; ``check`` compares. A missing or damaged stamp, or a missing
page, means "build".
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
STAMP = ".book-stamp"
# What conf.py reads from the environment.
ENVIRONMENT = ("BOOK_URL", "BOOK_EXTRA", "READTHEDOCS_CANONICAL_URL", "SOURCE_DATE_EPOCH")


def _files(folder: Path) -> Iterable[str]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:  # Python's own caches
            status = path.stat()
            yield f"{path.relative_to(folder).as_posix()}\0{status.st_size}\0{status.st_mtime_ns}"


def signature(sources: Sequence[Path], words: Sequence[str]) -> str:
    """The signature of the folders and files ``sources`` (each file's path, size and
    time), the environment ``conf.py`` reads and ``words``."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(f"\1{source}\1".encode("utf-8", "surrogateescape"))
        entries = _files(source) if source.is_dir() else _files_of_file(source)
        for entry in entries:
            digest.update(entry.encode("utf-8", "surrogateescape") + b"\n")
    for name in ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name, '')}\n".encode("utf-8", "surrogateescape"))
    digest.update("\0".join(words).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _files_of_file(path: Path) -> Iterable[str]:
    if path.is_file():
        status = path.stat()
        yield f"{path.name}\0{status.st_size}\0{status.st_mtime_ns}"


def book_sources(root: Path = ROOT, docs: Path | None = None) -> list[Path]:
    """What an HTML build of the book reads (its source folder ``docs``), besides Python
    packages (signed through the pinned requirements)."""
    extra = Path(os.environ.get("BOOK_EXTRA", root / "_build" / "extra"))
    return [
        docs or root / "docs",
        root / "conf.py",
        root / "scripts" / "bookgen",
        root / "requirements.txt",
        extra,
    ]


def up_to_date(outdir: Path, sources: Sequence[Path], words: Sequence[str]) -> bool:
    stamp = outdir / STAMP
    if not stamp.is_file() or not (outdir / "index.html").is_file():
        return False
    return stamp.read_text(encoding="utf-8", errors="replace").strip() == signature(sources, words)


def save(outdir: Path, sources: Sequence[Path], words: Sequence[str]) -> None:
    (outdir / STAMP).write_text(signature(sources, words) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] not in ("check", "save"):
        print("usage: buildstamp check|save OUTDIR [--docs DIR] [-- WORDS...]", file=sys.stderr)
        return 2
    action, outdir = args[0], Path(args[1])
    words = args[args.index("--") + 1 :] if "--" in args else []
    options = args[: args.index("--")] if "--" in args else args
    docs = Path(options[options.index("--docs") + 1]) if "--docs" in options[:-1] else None
    sources = book_sources(docs=docs)
    if action == "save":
        save(outdir, sources, words)
        return 0
    if up_to_date(outdir, sources, words):
        print(f"{outdir}: nothing the book is made of changed since its last build; Sphinx not run")
        return 0
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
