"""Scale without surprises: the synthetic corpus, the converter's cache and no-op runs.

Speed itself is measured by ``make bench``, never here; these tests check that the fast
paths give the same answers as the slow ones.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bookgen.cache import PostCache, source_digest
from bookgen.cli import main
from bookgen.corpus import glossary_terms, synthetic_posts, write_corpus
from bookgen.model import Shape
from bookgen.post import read_post
from tests.conftest import BOOK_FILE, GLOSSARY_FILE, POSTS


def test_corpus_is_reproducible_and_has_both_shapes_over_years() -> None:
    first = synthetic_posts(40, seed=5, terms=glossary_terms(GLOSSARY_FILE))
    assert first == synthetic_posts(40, seed=5, terms=glossary_terms(GLOSSARY_FILE))
    assert first != synthetic_posts(40, seed=6)
    posts = [read_post(p.text.encode(), p.name) for p in first]
    assert {p.shape for p in posts} == {Shape.MARKDOWN, Shape.PLAIN_TEXT}
    years = {p.date.year for p in posts if isinstance(p.date, dt.date)}
    assert len(years) >= 5
    assert all(p.date is not None for p in posts)
    lengths = sorted(len(p.text.split()) for p in first)
    assert lengths[0] < 600 and lengths[-1] > 1200  # varied lengths around 1,000 words
    assert sum("•" in p.text for p in first) > 0 and sum("](http" in p.text for p in first) > 0
    assert all(p.reports == () for p in posts)  # clean input: every repair report would be noise


def test_corpus_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "mine.md").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_corpus(tmp_path, synthetic_posts(2))
    assert (tmp_path / "mine.md").read_text(encoding="utf-8") == "keep me"


def test_cached_posts_equal_freshly_parsed(tmp_path: Path) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted(POSTS.iterdir())]
    fresh = PostCache(None, source_digest()).read_posts(files)
    cache = PostCache(tmp_path, source_digest())
    assert cache.read_posts(files) == fresh and cache.hits == 0
    again = PostCache(tmp_path, source_digest())
    assert again.read_posts(files) == fresh and again.hits == len(files)
    other_code = PostCache(tmp_path, "another converter")
    assert other_code.read_posts(files) == fresh and other_code.hits == 0


def test_parallel_parse_equals_serial(tmp_path: Path) -> None:
    corpus = synthetic_posts(70, seed=9)  # over the threshold for worker processes
    files = [(p.name, p.text.encode()) for p in corpus]
    assert PostCache(tmp_path, "code").read_posts(files) == [read_post(data, name) for name, data in files]


def convert(posts: Path, out: Path, cache: Path) -> int:
    return main(["--posts", str(posts), "--book", str(BOOK_FILE), "--out", str(out), "--cache", str(cache)])


def test_no_op_run_replays_the_report_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, cache = tmp_path / "gen", tmp_path / "cache"
    assert convert(POSTS, out, cache) == 0
    first = capsys.readouterr().out
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    assert convert(POSTS, out, cache) == 0
    second = capsys.readouterr().out
    assert "inputs unchanged since the last run" in second
    assert "001_9aad6a735cc603e5.txt:19: mojibake: repaired" in second  # problems are shown again
    assert first.splitlines()[:-1] == second.splitlines()[:-1]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes


def test_no_op_shortcut_is_not_taken_when_output_was_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, cache = tmp_path / "gen", tmp_path / "cache"
    assert convert(POSTS, out, cache) == 0
    (out / "landing.md").unlink()
    assert convert(POSTS, out, cache) == 0
    assert "wrote 1," in capsys.readouterr().out
    assert (out / "landing.md").exists()


def test_edited_post_is_parsed_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts, out, cache = tmp_path / "posts", tmp_path / "gen", tmp_path / "cache"
    shutil.copytree(POSTS, posts)
    assert convert(posts, out, cache) == 0
    edited = posts / "004_e2167b30c0b0a9ce.txt"
    edited.chmod(0o644)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA sentence added today.\n", encoding="utf-8")
    capsys.readouterr()
    assert convert(posts, out, cache) == 0
    assert "wrote 1," in capsys.readouterr().out
    page = next((out / "posts").glob("hello*.md"))
    assert "A sentence added today" in page.read_text(encoding="utf-8")


def test_bench_fit_recovers_a_quadratic() -> None:
    from bench import fit_quadratic

    points = [(n, 0.05 * n + 0.001 * n * n) for n in (100, 200, 400)]
    a, b = fit_quadratic(points)
    assert a == pytest.approx(0.05) and b == pytest.approx(0.001)
    assert a * 1000 + b * 1000**2 == pytest.approx(1050)


def test_bench_summary_states_the_targets() -> None:
    from bench import Run, summary

    runs = [
        Run("html build, ours, serial", 1000, 100.0, 900.0, True),
        Run("html build, basic theme, serial", 1000, 80.0, 800.0, True),
        Run("html build, stock book theme, serial", 1000, 1500.0, 0.0, True, extrapolated=True),
    ]
    lines = summary(runs, [1000])
    assert any("(extrapolated)" in line for line in lines)
    assert "N=1000: stock book theme / ours = 15.0x (target >= 10x)" in lines
    assert "N=1000: ours / basic theme = 1.25x (target <= 2x)" in lines


def test_check_writes_no_cache(tmp_path: Path) -> None:
    out, cache = tmp_path / "gen", tmp_path / "cache"
    assert main(["--posts", str(POSTS), "--out", str(out), "--cache", str(cache), "--check"]) == 1
    assert not cache.exists() and not out.exists()
