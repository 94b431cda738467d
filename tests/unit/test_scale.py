"""Scale without surprises: the synthetic corpus, the converter's cache and no-op runs.

Speed itself is measured by ``make bench``, never here; these tests check that the fast
paths give the same answers as the slow ones.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import bench
import pytest

from bookgen import api, jobs
from bookgen.api import CuratedFile, Sources, build_book
from bookgen.cli import main
from bookgen.jobs import JOBS_FILE
from bookgen.model import Shape
from bookgen.read.post import read_post
from bookgen.write.sealed import load_pickle, store_pickle
from booktools.corpus import glossary_terms, synthetic_posts, write_corpus
from tests.helpers import BOOK_FILE, GLOSSARY_FILE, POSTS, RESOURCES_FILE, ROOT


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


def sources(files: list[tuple[str, bytes]], *, glossary: bool = True) -> Sources:
    """The files as posts, with the real curated glossary and resources."""

    def curated(path: Path) -> CuratedFile:
        return CuratedFile(str(path), path.read_bytes())

    return Sources(
        files, "content/posts", glossary=curated(GLOSSARY_FILE) if glossary else None,
        resources=curated(RESOURCES_FILE), title="Book",
    )  # fmt: skip


def real_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(POSTS.iterdir())]


def test_cached_posts_equal_freshly_prepared(tmp_path: Path) -> None:
    files = real_files()
    fresh = build_book(sources(files))
    first = build_book(sources(files), cache=tmp_path)
    assert first.pages == fresh.pages and first.reused == {"read": 0, "page": 0}
    again = build_book(sources(files), cache=tmp_path)
    assert again.pages == fresh.pages and again.reused == {"read": len(files), "page": len(files)}
    other_glossary = build_book(sources(files, glossary=False), cache=tmp_path)
    assert other_glossary.reused == {"read": len(files), "page": 0}  # read again only what it must
    assert "{gloss}" not in "".join(other_glossary.pages.values())


def test_other_code_reuses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = real_files()
    fresh = build_book(sources(files), cache=tmp_path)
    monkeypatch.setattr(api, "converter_digest", lambda: "another converter")
    other_code = build_book(sources(files), cache=tmp_path)
    assert other_code.pages == fresh.pages and other_code.reused == {"read": 0, "page": 0}


def test_damaged_cache_entry_is_prepared_again(tmp_path: Path) -> None:
    files = real_files()
    fresh = build_book(sources(files), cache=tmp_path)
    entries = load_pickle(tmp_path / JOBS_FILE)
    assert isinstance(entries, dict)
    store_pickle(tmp_path / JOBS_FILE, dict.fromkeys(entries, b"damaged"))
    again = build_book(sources(files), cache=tmp_path)
    assert again.pages == fresh.pages and again.reused == {"read": 0, "page": 0}


def test_parallel_build_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = synthetic_posts(70, seed=9, terms=glossary_terms(GLOSSARY_FILE))  # enough for workers
    files = [(p.name, p.text.encode()) for p in corpus]
    parallel = build_book(sources(files))
    monkeypatch.setattr(jobs, "PARALLEL_THRESHOLD", len(files) + 1)
    assert build_book(sources(files)).pages == parallel.pages


# Posts whose citations depend on each other: a later post cites an address an earlier
# one found first (under another title), names an earlier find, names a find whose id
# an earlier find has ("Café Notes", "Cafe Notes"), or cites two long addresses that
# share their first 60 characters; two posts share a title, so the later one's slug is
# changed by the book and its labels must follow.
ENTANGLED = {
    "a.md": "---\ndate: 2020-01-01\n---\nSee [the Foo guide](https://example.org/foo) and "
    "[Machine Learning](https://example.org/ml) notes.\n",
    "b.md": "---\ndate: 2020-02-01\n---\nRead [Foo handbook](https://www.example.org/foo/) today.\n\n"
    "## Links\n\n- Foo handbook\n- the Foo guide\n",
    "c.txt": "Later notes\n\nAbout machine learning, see https://example.org/foo?utm_source=x again.\n\n"
    "Links\n\n• the Foo guide\n",
    "e.md": "---\ndate: 2020-04-01\n---\nText.\n\n## Links\n\n- Café Notes\n",
    "f.md": "---\ndate: 2020-05-01\n---\nMore text.\n\n## Links\n\n- Cafe Notes\n",
    "g.txt": "Later notes\n\nSee [Foo, the site](https://example.org/foo) and the [Taylor series](x).\n",
    "d.md": "---\ndate: 2021-01-01\n---\nTwo [first](https://github.com/someone/some-project/blob/main/docs/"
    "very/long/path/number/one) and [second](https://github.com/someone/some-project/blob/main/docs/"
    "very/long/path/number/two).\n",
}


@pytest.mark.parametrize("book", ["entangled", "real"])
def test_book_is_the_same_whatever_order_process_or_cache(
    book: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = (
        [(name, text.encode()) for name, text in ENTANGLED.items()] if book == "entangled" else real_files()
    )
    expected = build_book(sources(files)).pages
    assert build_book(sources(files[::-1]), cache=tmp_path).pages == expected  # another order, cached
    monkeypatch.setattr(jobs, "PARALLEL_THRESHOLD", 1)  # every post in a worker process
    assert build_book(sources(files), cache=tmp_path).pages == expected  # from the cache
    assert build_book(sources(files)).pages == expected
    if book == "entangled":
        uncurated = expected["resources/uncurated.md"]
        assert uncurated.count("## the Foo guide") == 1  # b and c share a's find
        assert "## Foo handbook" in uncurated  # b's name for it is a find of its own
        labels = [line for line in uncurated.split("\n") if line.startswith("(res-")]
        assert len(labels) == len(set(labels))  # every entry its own id, so its own label
        assert sum(label.startswith("(res-web-github") for label in labels) == 2
        assert {"(res-name-cafe-notes)=", "(res-name-cafe-notes-2)="} <= set(labels)
        alone = build_book(sources([("c.txt", ENTANGLED["c.txt"].encode())])).pages
        assert "name-the-foo-guide" in next(page for k, page in alone.items() if k.startswith("posts/"))
        page = expected[next(k for k in expected if k.startswith("posts/later-notes"))]
        assert "<res-web-example-org-foo>" in page and "name-the-foo-guide" not in page  # a's find
        assert any(k.startswith("posts/later-notes-2") for k in expected)  # the book renamed one


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


def test_edited_post_is_prepared_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
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


def test_a_no_op_run_reads_no_post_and_a_same_size_edit_is_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inputs with the names, sizes and times of the last run (and its output as it was
    left) are a no-op known without reading a post; an edit that keeps a post's size
    changes its time, and a touched post with the same words is read and found unchanged."""
    import os

    from bookgen import cli

    posts, out, cache = tmp_path / "posts", tmp_path / "gen", tmp_path / "cache"
    shutil.copytree(POSTS, posts)
    assert convert(posts, out, cache) == 0
    count = len(list(posts.iterdir()))
    real_read = cli.read_sources

    def no_reading(args: object) -> None:
        raise AssertionError("a no-op run read the posts")

    monkeypatch.setattr(cli, "read_sources", no_reading)
    with pytest.raises(AssertionError, match="read the posts"):
        convert(posts, out, cache)  # copied a moment ago: too recent to be known by its times
    monkeypatch.setattr(cli, "SETTLED_AFTER", 0)  # the rest as if seconds went by each time
    monkeypatch.setattr(cli, "read_sources", real_read)
    assert convert(posts, out, cache) == 0  # read: nothing changed, and now known by its times
    monkeypatch.setattr(cli, "read_sources", no_reading)
    capsys.readouterr()
    assert convert(posts, out, cache) == 0
    assert f"converted {count} posts: nothing to write" in capsys.readouterr().out
    edited = posts / "004_e2167b30c0b0a9ce.txt"
    edited.chmod(0o644)
    text = edited.read_text(encoding="utf-8")
    assert "Hello" in text
    os.utime(edited, ns=(1_000_000_000, 1_000_000_000))
    with pytest.raises(AssertionError, match="read the posts"):
        convert(posts, out, cache)  # a time changed: the posts are read
    monkeypatch.setattr(cli, "read_sources", real_read)
    assert convert(posts, out, cache) == 0  # read, the same words: nothing written
    assert "nothing to write" in capsys.readouterr().out
    monkeypatch.setattr(cli, "read_sources", no_reading)
    assert convert(posts, out, cache) == 0  # known again by its new time
    edited.write_text(text.replace("Hello", "Howdy", 1), encoding="utf-8")  # the same size
    monkeypatch.setattr(cli, "read_sources", real_read)
    capsys.readouterr()
    assert convert(posts, out, cache) == 0
    assert "nothing to write" not in capsys.readouterr().out
    assert "Howdy" in next((out / "posts").glob("howdy*.md")).read_text(encoding="utf-8")


def test_bench_fit_recovers_a_quadratic() -> None:
    from bench import fit_quadratic

    points = [(n, 0.05 * n + 0.001 * n * n) for n in (100, 200, 400)]
    a, b = fit_quadratic(points)
    assert a == pytest.approx(0.05) and b == pytest.approx(0.001)
    assert a * 1000 + b * 1000**2 == pytest.approx(1050)


def test_bench_summary_states_the_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import Run, summary

    from booktools.searchmeter import TypingFigures

    monkeypatch.setattr(bench, "cpus", lambda: 2)  # make html runs -j auto
    runs = [
        Run("convert (cold)", 1000, 1.5, 150.0, True),
        Run("html build, ours, serial", 1000, 70.0, 600.0, True),
        Run("html build, ours, -j auto", 1000, 45.0, 400.0, True),
        Run("html build, basic theme, serial", 1000, 80.0, 800.0, True),
        Run("html build, stock book theme, serial", 1000, 1500.0, 0.0, True, extrapolated=True),
        Run("no-op make html", 1000, 0.4, 60.0, True),
        Run("make html after editing one post", 1000, 3.0, 300.0, True),
        Run("html build, ours, -j auto", 3000, 135.0, 900.0, True),
        Run("html stage: read", 3000, 60.0, 0.0, True),
        Run("html stage: search index", 3000, 9.0, 0.0, True),
    ]
    search = {1000: TypingFigures(12_000_000, 300, [400_000, 500_000, 900_000], [40.0, 60.0, 250.0])}
    lines = summary(runs, [1000, 3000], search)
    assert any("(extrapolated)" in line for line in lines)
    assert (
        "N=1000: search: index 12.0 MB in 300 files; downloaded before the first results of a query, "
        "median 500 kB (most 900 kB); results after the last keystroke: median 60 ms, worst 250 ms "
        "(target <= 300 ms at 1,000)"
    ) in lines
    assert "N=1000: convert, cold: 1.50 s (target <= 2 s at 1,000)" in lines
    assert "N=1000: stock book theme / ours (-j auto) = 33.3x (target >= 10x)" in lines
    assert (
        "N=1000: ours (-j auto) / basic theme (stock Sphinx, serial) = 0.56x (target <= 0.6x at 1,000)"
    ) in lines
    assert "N=1000: no-op make html: 0.40 s (target <= 1 s)" in lines
    assert "N=1000: make html after editing one post: 3.00 s (target <= 2 s at 1,000)" in lines
    assert "N=1000: peak memory of any process of ours: 600 MB" in lines  # the basic theme's is not ours
    assert "N=3000: peak memory of any process of ours: 900 MB (target <= 1 GB at 3,000)" in lines
    assert "N=3000: cold build / the 1,000-post build = 3.00x (target <= 3.3x at 3,000)" in lines
    assert lines[-1].startswith("N=3000: where the -j auto build's time goes") and "read 60.0 s" in lines[-1]


def test_check_writes_no_cache(tmp_path: Path) -> None:
    out, cache = tmp_path / "gen", tmp_path / "cache"
    assert main(["--posts", str(POSTS), "--out", str(out), "--cache", str(cache), "--check"]) == 1
    assert not cache.exists() and not out.exists()


@pytest.mark.parametrize("cpus", [1, 2, 3, 4, 8])
def test_make_html_runs_sphinx_in_parallel_only_where_bench_says_it_does(cpus: int) -> None:
    """`make html` is parallel from 2 CPUs (every worker resolves and writes); the
    benchmark's no-op rebuild runs what the Makefile runs."""
    dry_run = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "html", f"NPROC={cpus}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # booktools.htmlbuild's second line: -- SPHINXOPTS -- the converter's arguments
    sphinx = next(line for line in dry_run.splitlines() if "--posts" in line).split(" -- ")[1]
    assert ("-j auto" in sphinx) == (cpus >= bench.PARALLEL_FROM_CPUS)


def test_progress_is_told_per_job_and_ends_at_every_post(tmp_path: Path) -> None:
    posts = [(post.name, post.text.encode()) for post in synthetic_posts(30, seed=3)]
    told: list[tuple[str, int, int]] = []
    build_book(Sources(posts), cache=tmp_path / "cache", progress=lambda *step: told.append(step))
    for job in ("read", "page"):
        steps = [(done, total) for name, done, total in told if name == job]
        assert steps[-1] == (30, 30) and [done for done, _ in steps] == sorted(done for done, _ in steps)
    told.clear()  # a second run finds every post in the cache: done at once
    build_book(Sources(posts), cache=tmp_path / "cache", progress=lambda *step: told.append(step))
    assert [step for step in told if step[0] == "read"] == [("read", 30, 30)]


def test_progress_bars_on_a_terminal_only(tmp_path: Path) -> None:
    import io

    from bookgen.cli import terminal_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with terminal_progress(io.StringIO()) as progress:
        assert progress is None  # not a terminal: the summary line alone
    with terminal_progress(Terminal(), quiet=True) as progress:
        assert progress is None
    screen = Terminal()
    with terminal_progress(screen) as progress:
        assert progress is not None
        progress("read", 0, 4)
        progress("read", 4, 4)
    shown = screen.getvalue()
    assert "reading posts" in shown and "/4 " in shown and shown.endswith("\r")  # drawn, then cleared


def test_the_build_stamp_signs_what_a_build_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from booktools.buildstamp import save, signature, up_to_date

    docs, out = tmp_path / "docs", tmp_path / "html"
    (docs / "__pycache__").mkdir(parents=True)
    out.mkdir()
    page = docs / "page.md"
    page.write_text("# A page\n", encoding="utf-8")
    sources = [docs, tmp_path / "conf.py"]
    assert not up_to_date(out, sources, ["html"])  # never built
    (out / "index.html").write_text("built", encoding="utf-8")
    save(out, sources, ["html"])
    assert up_to_date(out, sources, ["html"])
    assert not up_to_date(out, sources, ["html", "-j", "auto"])  # other options
    (docs / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert up_to_date(out, sources, ["html"])  # Python's caches are not the book
    before = signature(sources, ["html"])
    page.write_text("# A page, edited\n", encoding="utf-8")
    assert signature(sources, ["html"]) != before and not up_to_date(out, sources, ["html"])
    save(out, sources, ["html"])
    (tmp_path / "conf.py").write_text("x = 1\n", encoding="utf-8")  # a file that was missing
    assert not up_to_date(out, sources, ["html"])
    save(out, sources, ["html"])
    monkeypatch.setenv("BOOK_URL", "https://book.example/")  # conf.py reads it
    assert not up_to_date(out, sources, ["html"])
    save(out, sources, ["html"])
    (out / "index.html").unlink()
    assert not up_to_date(out, sources, ["html"])


def test_read_shares_are_balanced_by_size_and_keep_their_order() -> None:
    from bookgen.sphinx.parallel import balanced_shares, chunks, first_of_each_folder

    sizes = {"a/big": 100, "a/x": 10, "b/y": 30, "b/z": 40, "c/w": 25, "c/v": 5}
    shares = balanced_shares(list(sizes), 2, sizes.__getitem__)
    assert sorted(d for share in shares for d in share) == sorted(sizes)
    assert [sum(sizes[d] for d in share) for share in shares] == [105, 105]
    assert all(share == [d for d in sizes if d in share] for share in shares)  # in the given order
    assert balanced_shares(["one"], 4, lambda _: 1) == [["one"]]  # no empty shares
    assert first_of_each_folder(["a/1", "a/2", "b/1", "c", "d"]) == ["a/1", "b/1", "c"]
    assert chunks(list("abcde"), 2) == [["a", "b"], ["c", "d"], ["e"]]


def test_a_large_category_is_a_page_of_pages_holding_every_entry_once() -> None:
    from bookgen.render.resource_pages import ENTRIES_PER_PAGE

    corpus = synthetic_posts(100, seed=4, terms=glossary_terms(GLOSSARY_FILE))
    pages = build_book(sources([(p.name, p.text.encode()) for p in corpus])).pages
    parts = sorted(name for name in pages if name.startswith("resources/uncurated-"))
    overview = pages["resources/uncurated.md"]
    assert len(parts) >= 2 and "```{toctree}" in overview and "(res-" not in overview
    labels = [line for name in parts for line in pages[name].splitlines() if line.startswith("(res-")]
    assert len(labels) == len(set(labels)) > ENTRIES_PER_PAGE
    assert all(pages[name].count("\n(res-") <= ENTRIES_PER_PAGE for name in parts)
    assert [f"uncurated-{n}" for n in range(1, len(parts) + 1)] == [
        line for line in overview.splitlines() if line.startswith("uncurated-")
    ]
    first_titles = [pages[name].split("\n# ", 1)[1].split("\n", 1)[0] for name in parts]
    assert all(title.startswith("Not yet curated: ") and " – " in title for title in first_titles)


def test_the_glossary_says_when_its_lists_are_cut() -> None:
    small = build_book(sources(real_files())).pages["glossary.md"]
    assert "*Used in* lists the posts that mention it, with the sentence where it first appears." in small
    corpus = synthetic_posts(60, seed=4, terms=glossary_terms(GLOSSARY_FILE))
    large = build_book(sources([(p.name, p.text.encode()) for p in corpus])).pages["glossary.md"]
    assert "that mention it, the first ones with the sentence where it first appears." in large


def test_a_post_edited_behind_a_linked_posts_folder_is_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The posts folder given as a link is read through it, and so known through it."""
    from bookgen import cli

    monkeypatch.setattr(cli, "SETTLED_AFTER", 0)
    real, out, cache = tmp_path / "blog", tmp_path / "gen", tmp_path / "cache"
    shutil.copytree(POSTS, real)
    posts = tmp_path / "posts"
    posts.symlink_to(real, target_is_directory=True)
    assert convert(posts, out, cache) == 0
    assert convert(posts, out, cache) == 0
    capsys.readouterr()
    edited = real / "004_e2167b30c0b0a9ce.txt"
    edited.chmod(0o644)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nWritten behind the link.\n", encoding="utf-8")
    assert convert(posts, out, cache) == 0
    assert "nothing to write" not in capsys.readouterr().out
    assert any("Written behind the link" in page.read_text(encoding="utf-8") for page in out.rglob("*.md"))
