"""The converter's command line: idempotent, honest about what it writes, --check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookgen.cli import main
from tests.helpers import BOOK_FILE, POSTS


def convert(tmp_path: Path, *extra: str) -> int:
    return main(["--posts", str(POSTS), "--book", str(BOOK_FILE), "--out", str(tmp_path / "gen"), *extra])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_second_run_rewrites_nothing_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert convert(tmp_path) == 0
    first = snapshot(tmp_path / "gen")
    capsys.readouterr()
    assert convert(tmp_path) == 0
    assert snapshot(tmp_path / "gen") == first
    # Every file the converter keeps, its manifest aside: a page per post and the others.
    kept = [name for name in first if not Path(name).name.startswith(".")]
    assert len([name for name in kept if name.startswith("posts/")]) == len(list(POSTS.iterdir()))
    assert f"nothing to write, all {len(kept)} files up to date" in capsys.readouterr().out


def test_summary_line_per_post(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert convert(tmp_path) == 0
    out = capsys.readouterr().out
    for path in POSTS.iterdir():
        assert f"{path.name}: " in out
    assert "001_9aad6a735cc603e5.txt: plain-text, " in out
    assert "001_9aad6a735cc603e5.txt:19: mojibake: repaired 'Â' -> ''" in out
    assert "003_2182caf3d05cd679.txt:8: malformed-link:" in out
    assert "003_2182caf3d05cd679.txt:30: empty-section: section 'Links' is empty" in out


def test_check_exits_1_when_stale_and_0_when_fresh(tmp_path: Path) -> None:
    assert convert(tmp_path, "--check") == 1
    assert not (tmp_path / "gen").exists()
    assert convert(tmp_path) == 0
    assert convert(tmp_path, "--check") == 0
    (tmp_path / "gen" / "landing.md").write_text("stale", encoding="utf-8")
    assert convert(tmp_path, "--check") == 1


def test_strict_fails_on_repairs(tmp_path: Path) -> None:
    assert convert(tmp_path, "--strict") == 1


def test_removed_post_removes_only_its_page(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    shutil.copytree(POSTS, posts)
    out = tmp_path / "gen"
    assert main(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    (out / "notes.md").write_text("hand-written", encoding="utf-8")
    (posts / "004_e2167b30c0b0a9ce.txt").unlink()
    assert main(["--posts", str(posts), "--out", str(out), "-q"]) == 0
    assert not (out / "posts" / "hello-ml-world.md").exists()
    assert (out / "notes.md").read_text(encoding="utf-8") == "hand-written"


def test_errors_are_one_line_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book.yaml"
    book.write_text("title: B\nparts:\n  - title: P\n    posts: [missing.txt]\n", encoding="utf-8")
    assert main(["--posts", str(POSTS), "--book", str(book), "--out", str(tmp_path / "gen")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == f"convert: {book}: parts[0].posts[0]: no post file named 'missing.txt'"


def test_curated_file_not_in_utf8_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_bytes(b"terms:\n  - term: Caf\xe9\n")
    assert main(["--posts", str(POSTS), "--glossary", str(glossary), "--out", str(tmp_path / "gen")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == f"convert: {glossary}:2: not valid UTF-8"


def test_help() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
