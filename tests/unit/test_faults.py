"""After a fault in the converter the next run makes the complete, correct book.

Faults are injected at points the test chooses, never by timing: the converter is run in
a subprocess that ends itself with ``os._exit`` right after its Nth write, as a kill
would leave it; the cache is damaged byte by byte. Sphinx killed mid-build:
``tests/build/test_faults.py``.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bookgen.cli import main as convert
from bookgen.jobs import JOBS_FILE, LAST_RUN
from bookgen.write.sealed import seal
from tests.helpers import CORPUS_A, CORPUS_B, ROOT, write_posts

CORPUS_C = {**CORPUS_B, "2023-01-15-winter.md": CORPUS_B["2023-01-15-winter.md"].replace("Winter", "Cold")}

# Runs the converter and ends the process right after its Nth atomic write (any file).
KILLED_CONVERTER = """
import os, sys
sys.path.insert(0, sys.argv[1])
from bookgen import jobs
from bookgen.write import sealed, tree
from bookgen.cli import main
limit, writes, write = int(sys.argv[2]), [], sealed.write_atomic
def write_then_die(path, content):
    write(path, content)
    writes.append(path)
    if len(writes) == limit:
        os._exit(17)
sealed.write_atomic = tree.write_atomic = jobs.write_atomic = write_then_die
raise SystemExit(main(sys.argv[3:]))
"""


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def convert_args(work: Path, posts: Path | None = None) -> list[str]:
    docs = work / "docs"
    return [
        "--posts", str(posts or work / "posts"), "--out", str(docs / "generated"), "--docs", str(docs),
        "--cache", str(work / "cache"), "-q",
    ]  # fmt: skip


def clean_conversion(work: Path) -> dict[str, bytes]:
    """What one uninterrupted run on the same posts writes into a new folder."""
    clean = work.parent / "clean"
    assert convert(convert_args(clean, work / "posts")) == 0
    return tree(clean / "docs" / "generated")


@pytest.mark.parametrize("before", ["nothing", "corpus A"])
@pytest.mark.parametrize("kill_after", [2, 5])
@pytest.mark.parametrize("then", ["same posts", "edited posts"])
def test_killed_converter_is_followed_by_a_complete_book(
    tmp_path: Path, before: str, kill_after: int, then: str
) -> None:
    work = tmp_path / "work"
    if before == "corpus A":
        write_posts(work / "posts", CORPUS_A)
        assert convert(convert_args(work)) == 0
    write_posts(work / "posts", CORPUS_B)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_CONVERTER, str(ROOT / "scripts"), str(kill_after), *convert_args(work)],
        capture_output=True,
        check=False,
    )
    assert killed.returncode == 17, killed.stderr.decode()  # 1: the cache, 2: the manifest, then pages
    if then == "edited posts":
        write_posts(work / "posts", CORPUS_C)
    assert convert(convert_args(work)) == 0
    assert tree(work / "docs" / "generated") == clean_conversion(work)


def test_a_file_never_generated_is_still_refused_after_a_killed_run(tmp_path: Path) -> None:
    work = tmp_path / "work"
    write_posts(work / "posts", CORPUS_B)
    args = [sys.executable, "-c", KILLED_CONVERTER, str(ROOT / "scripts"), "3", *convert_args(work)]
    assert subprocess.run(args, capture_output=True, check=False).returncode == 17
    generated = work / "docs" / "generated"
    manifest = json.loads((generated / ".manifest.json").read_text(encoding="utf-8"))
    hand_written = sorted(set(manifest["pending"]) - set(tree(generated)))[0]
    (generated / hand_written).parent.mkdir(parents=True, exist_ok=True)
    (generated / hand_written).write_text("mine", encoding="utf-8")
    assert convert(convert_args(work)) == 2
    assert (generated / hand_written).read_text(encoding="utf-8") == "mine"


def flip(path: Path, positions: list[int]) -> None:
    data = bytearray(path.read_bytes())
    for position in positions:
        data[position] ^= 0x20
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", range(4))
def test_damaged_cache_is_prepared_again_not_published(tmp_path: Path, seed: int) -> None:
    work = tmp_path / "work"
    write_posts(work / "posts", CORPUS_B)
    assert convert(convert_args(work)) == 0
    cache = work / "cache" / JOBS_FILE
    data = cache.read_bytes()
    if seed == 0:  # one letter of a word, the worst case: a pickle of other words
        positions = [data.index(b"Zanzibarian") + 3]
    else:
        rng = random.Random(seed)
        positions = [rng.randrange(len(data)) for _ in range(seed * 3)]
    flip(cache, positions)
    (work / "docs" / "generated" / "book.json").unlink()  # the run must not stop early
    assert convert(convert_args(work)) == 0
    assert tree(work / "docs" / "generated") == clean_conversion(work)


@pytest.mark.parametrize("sealed", [False, True], ids=["as-is", "sealed"])
@pytest.mark.parametrize("content", ["[]", "null", '"a string"', "3", '{"fingerprint": 1}', "{", "\xff"])
def test_last_run_file_of_another_shape_is_ignored(tmp_path: Path, content: str, sealed: bool) -> None:
    """Damaged bytes fail the checksum; a sealed record of another shape fails its check."""
    work = tmp_path / "work"
    write_posts(work / "posts", CORPUS_B)
    assert convert(convert_args(work)) == 0
    data = content.encode("latin-1")
    (work / "cache" / LAST_RUN).write_bytes(seal(data) if sealed else data)
    assert convert(convert_args(work)) == 0
    assert tree(work / "docs" / "generated") == clean_conversion(work)


def test_edited_last_run_report_is_not_repeated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    write_posts(work / "posts", {**CORPUS_B, "empty.md": ""})
    assert convert(convert_args(work)) == 0
    first = capsys.readouterr().out
    last_run = work / "cache" / LAST_RUN
    assert b"empty" in last_run.read_bytes()
    last_run.write_bytes(last_run.read_bytes().replace(b"empty", b"EMPTY"))
    assert convert(convert_args(work)) == 0
    again = capsys.readouterr().out
    assert "EMPTY" not in again and "empty.md" in first and "empty.md" in again
