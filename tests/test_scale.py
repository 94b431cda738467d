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

from bookgen.book import assemble_book
from bookgen.cache import PreparedCache, source_digest
from bookgen.cli import main
from bookgen.corpus import glossary_terms, synthetic_posts, write_corpus
from bookgen.glossary import link_book, parse_glossary
from bookgen.model import Shape
from bookgen.output import load_pickle, store_pickle
from bookgen.pages import render_book
from bookgen.post import read_post
from bookgen.prepare import PostContext, prepare_post, settle
from bookgen.resources import cite_resources, parse_resources
from tests.conftest import BOOK_FILE, GLOSSARY_FILE, POSTS, RESOURCES_FILE, ROOT


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


def real_context() -> PostContext:
    glossary = parse_glossary(GLOSSARY_FILE.read_text(encoding="utf-8"), str(GLOSSARY_FILE))
    catalog = parse_resources(RESOURCES_FILE.read_text(encoding="utf-8"), str(RESOURCES_FILE), glossary)
    return PostContext("content/posts", glossary, catalog)


def test_cached_posts_equal_freshly_prepared(tmp_path: Path) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted(POSTS.iterdir())]
    context = real_context()
    fresh = [prepare_post(name, data, context) for name, data in files]
    cache = PreparedCache(tmp_path, source_digest())
    assert cache.prepare(files, context) == fresh and cache.hits == 0
    again = PreparedCache(tmp_path, source_digest())
    assert again.prepare(files, context) == fresh and again.hits == len(files)
    other_code = PreparedCache(tmp_path, "another converter")
    assert other_code.prepare(files, context) == fresh and other_code.hits == 0
    other_glossary = PostContext("content/posts", None, context.catalog)
    assert PreparedCache(tmp_path, "another converter").prepare(files, other_glossary)[0].mentions == ()


def test_damaged_cache_entry_is_prepared_again(tmp_path: Path) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted(POSTS.iterdir())]
    context = real_context()
    fresh = PreparedCache(tmp_path, "code").prepare(files, context)
    entries = load_pickle(tmp_path / "prepared.pickle")
    assert isinstance(entries, dict)
    store_pickle(tmp_path / "prepared.pickle", dict.fromkeys(entries, b"damaged"))
    cache = PreparedCache(tmp_path, "code")
    assert cache.prepare(files, context) == fresh and cache.hits == 0


def test_parallel_prepare_equals_serial(tmp_path: Path) -> None:
    corpus = synthetic_posts(70, seed=9, terms=glossary_terms(GLOSSARY_FILE))  # enough for workers
    files = [(p.name, p.text.encode()) for p in corpus]
    context = real_context()
    serial = [prepare_post(name, data, context) for name, data in files]
    assert PreparedCache(tmp_path, "code").prepare(files, context) == serial


# Posts whose citations depend on each other: a later post cites an address an earlier
# one found first (under another title), names an earlier find, names a find whose id
# an earlier find has ("Café Notes", "Cafe Notes"), or cites two long addresses that
# share their first 60 characters; two posts share a title, so the later one's slug is
# changed by the book and must stay so when its citations are found again.
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


def one_pass(files: list[tuple[str, bytes]], context: PostContext) -> dict[str, str]:
    """The book as citing and linking all posts in one process, in book order, makes it."""
    assert context.glossary is not None and context.catalog is not None
    book = assemble_book(None, [read_post(data, name) for name, data in files], "Book")
    book, catalog, citations = cite_resources(book, context.catalog)
    book, usage = link_book(book, context.glossary)
    return render_book(
        book, context.source_dir, "generated", glossary=context.glossary, usage=usage, catalog=catalog,
        citations=citations,
    )  # fmt: skip


def settled_pages(files: list[tuple[str, bytes]], context: PostContext) -> dict[str, str]:
    """The same book from posts prepared one by one, in reverse order."""
    prepared = {name: prepare_post(name, data, context) for name, data in reversed(files)}
    book = assemble_book(None, [prepared[name].post for name, _ in files], "Book")
    settled = settle(book, prepared, dict(files), context)
    return render_book(
        settled.book, context.source_dir, "generated", glossary=context.glossary, usage=settled.usage,
        catalog=settled.catalog, citations=settled.citations, post_pages=settled.pages,
    )  # fmt: skip


@pytest.mark.parametrize("book", ["entangled", "real"])
def test_posts_prepared_apart_settle_into_the_one_pass_book(book: str) -> None:
    if book == "entangled":
        files = [(name, text.encode()) for name, text in ENTANGLED.items()]
    else:
        files = [(p.name, p.read_bytes()) for p in sorted(POSTS.iterdir())]
    context = real_context()
    expected = one_pass(files, context)
    assert settled_pages(files, context) == expected
    if book == "entangled":
        uncurated = expected["resources/uncurated.md"]
        assert uncurated.count("## the Foo guide") == 1  # b and c share a's find
        assert "## Foo handbook" in uncurated  # b's name for it is a find of its own
        labels = [line for line in uncurated.split("\n") if line.startswith("(res-")]
        assert len(labels) == len(set(labels))  # every entry its own id, so its own label
        assert sum(label.startswith("(res-web-github") for label in labels) == 2
        assert {"(res-name-cafe-notes)=", "(res-name-cafe-notes-2)="} <= set(labels)
        speculative = prepare_post("c.txt", ENTANGLED["c.txt"].encode(), context)
        assert "name-the-foo-guide" in speculative.post.resources  # alone, c made its own entry
        page = expected[next(k for k in expected if k.startswith("posts/later-notes"))]
        assert "<res-web-example-org-foo>" in page and "name-the-foo-guide" not in page  # a's, settled


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


@pytest.mark.parametrize("cpus", [1, 2, 3, 4, 8])
def test_make_html_runs_sphinx_in_parallel_only_where_bench_says_it_does(cpus: int) -> None:
    """`make html` is serial below 4 CPUs (with 2 CPUs -j auto was the slower); the
    benchmark's no-op rebuild runs what the Makefile runs."""
    dry_run = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "html", f"NPROC={cpus}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sphinx = next(line for line in dry_run.splitlines() if "-m sphinx" in line)
    assert ("-j auto" in sphinx) == (cpus >= bench.PARALLEL_FROM_CPUS)
