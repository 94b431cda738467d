"""Benchmark the pipeline on synthetic books: ``make bench`` (see ``--help``).

For each size N it writes N synthetic posts (``booktools.corpus``), then times, each in a
fresh process whose peak memory is read from the kernel (``wait4``):

- convert N posts, cold (empty cache), and again with nothing changed; and, from the
  converter's own clock (``convert --timings``), the seconds of each of its stages
  (read, links, pages, backlinks and related posts, render);
- the full HTML build with this project's configuration, serial and ``-j auto`` (the
  summary says which is faster here and which one ``make html`` runs);
- the same pages with the ``basic`` theme, serial;
- the stock book theme configuration (``book_fast_navigation = False``), serial, only
  at the smaller sizes of ``--stock-sizes``; at other sizes its time is extrapolated
  by a least-squares fit of ``t = a*N + b*N^2`` (the stock sidebar costs O(N) per page)
  and marked as such;
- a no-op rebuild (convert + incremental Sphinx, as ``make html`` runs them with
  ``booktools.htmlbuild``, serial or parallel as the Makefile chooses for this machine);
- the rebuild after one post is edited;
- the search of the built book in Chromium (``booktools.searchmeter``): the index's
  size, what a reader downloads before a query's first results, and the time from the
  last keystroke to the results, over ``SEARCH_QUERIES``.

It prints a table and writes the figures as JSON (``--json``). Timings are wall-clock
on this machine; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bookgen.sphinx.timings import ENVIRONMENT, read_timings
from booktools.corpus import glossary_terms, synthetic_posts, write_corpus
from booktools.searchmeter import TypingFigures, typing_figures

ROOT = Path(__file__).resolve().parent.parent

GLOSSARY = ROOT / "content" / "glossary.yaml"
RESOURCES = ROOT / "content" / "resources.yaml"
STRICT = ["-W", "--keep-going", "-n", "-q"]
# Typed into the search page of each synthetic book: words of its running text, phrases,
# glossary terms, a word typed in part and a mistyped one.
SEARCH_QUERIES = (
    "pipeline", "baseline metric", "training data", "notebook", "Kubernetes",
    "cluster deploy", "evaluation results", "research project team", "producti", "expermient",
)  # fmt: skip
# As the Makefile's SPHINXJOBS: `make html` runs Sphinx with -j auto from this many CPUs up.
PARALLEL_FROM_CPUS = 2


def cpus() -> int:
    return len(os.sched_getaffinity(0))


def make_html_jobs() -> list[str]:
    """The parallel option `make html` passes to Sphinx on this machine."""
    return ["-j", "auto"] if cpus() >= PARALLEL_FROM_CPUS else []


# A configuration directory that is the project's conf.py with the basic theme and
# Sphinx's own HTML builder (stock writing, its own search index): what the pages cost
# in Sphinx without this project's theme and builder.
BASIC_CONF = """\
import runpy
_project = runpy.run_path({conf!r})
globals().update({{k: v for k, v in _project.items() if not k.startswith("__")}})
extensions = [name for name in extensions if name != "bookgen.sphinx.parallel"]
html_theme = "basic"
html_theme_options = {{}}
html_sidebars = {{}}
"""


@dataclass(frozen=True)
class Run:
    """One measured command."""

    step: str
    posts: int
    seconds: float
    peak_rss_mb: float
    ok: bool
    extrapolated: bool = False


def measure(
    step: str, posts: int, command: Sequence[str], log: Path, env: dict[str, str] | None = None
) -> Run:
    """Run ``command``; its wall time and the peak RSS of it and its children."""
    os.sync()  # the setup's own writes and deletions are flushed before the clock starts
    with log.open("a", encoding="utf-8") as stream:
        stream.write(f"\n$ {' '.join(command)}\n")
        stream.flush()
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=stream, stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    run = Run(step, posts, round(seconds, 2), round(usage.ru_maxrss / 1024, 1), process.returncode == 0)
    note = "" if run.ok else "FAILED"
    print(f"  {step:<44} N={posts:<5} {run.seconds:8.2f} s {run.peak_rss_mb:8.1f} MB {note}")
    return run


def fit_quadratic(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares ``(a, b)`` for ``t = a*N + b*N^2`` through the measured points."""
    s11 = sum(n * n for n, _ in points)
    s12 = sum(n**3 for n, _ in points)
    s22 = sum(n**4 for n, _ in points)
    t1 = sum(n * t for n, t in points)
    t2 = sum(n * n * t for n, t in points)
    determinant = s11 * s22 - s12 * s12
    if len(points) < 2 or determinant == 0:
        n, t = points[0]
        return 0.0, t / (n * n)  # one point: assume the square dominates
    return (t1 * s22 - t2 * s12) / determinant, (s11 * t2 - s12 * t1) / determinant


class Bench:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.python = sys.executable
        self.runs: list[Run] = []
        self.search_figures: dict[int, TypingFigures] = {}
        self.log = work / "bench.log"
        self.basic_conf = work / "conf-basic"
        self.basic_conf.mkdir(parents=True, exist_ok=True)
        (self.basic_conf / "conf.py").write_text(BASIC_CONF.format(conf=str(ROOT / "conf.py")))

    def run(self, step: str, posts: int, command: Sequence[str], env: dict[str, str] | None = None) -> Run:
        result = measure(step, posts, command, self.log, env)
        self.runs.append(result)
        return result

    def book(self, count: int) -> Path:
        """A fresh folder with ``count`` posts and a copy of the hand-written pages."""
        folder = self.work / f"n{count}"
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder / "posts", synthetic_posts(count, seed=1, terms=glossary_terms(GLOSSARY)))
        shutil.copytree(ROOT / "docs", folder / "docs", ignore=shutil.ignore_patterns("generated"))
        return folder

    def convert_command(self, book: Path) -> list[str]:
        return [
            self.python, str(ROOT / "scripts" / "convert.py"), "--posts", str(book / "posts"),
            "--glossary", str(GLOSSARY), "--resources", str(RESOURCES),
            "--out", str(book / "docs" / "generated"), "--docs", str(book / "docs"),
            "--cache", str(book / "cache"), "-q",
        ]  # fmt: skip

    def sphinx_command(self, book: Path, out: str, *options: str, conf: Path = ROOT) -> list[str]:
        return [
            self.python, "-m", "sphinx", "-b", "html", "-c", str(conf), str(book / "docs"),
            str(book / out), "-d", str(book / f"{out}-doctrees"), *options,
        ]  # fmt: skip

    def stages(self, count: int, book: Path) -> None:
        """Where a cold conversion's time goes: the converter's own stage clock."""
        shutil.rmtree(book / "cache", ignore_errors=True)
        shutil.rmtree(book / "docs" / "generated", ignore_errors=True)
        output = subprocess.run(
            [*self.convert_command(book), "--timings"], capture_output=True, text=True, check=False, cwd=ROOT
        ).stdout
        line = next((line for line in output.splitlines() if line.startswith("stages: ")), "")
        for part in line.removeprefix("stages: ").split(" · ") if line else ():
            stage, _, seconds = part.rpartition(" ")[0].rpartition(" ")
            self.runs.append(Run(f"convert stage: {stage}", count, float(seconds), 0.0, True))
            print(f"  {'convert stage: ' + stage:<44} N={count:<5} {float(seconds):8.2f} s")

    def full_builds(self, count: int, book: Path, *, stock: bool, basic: bool) -> None:
        self.stages(count, book)
        self.run("convert (cold)", count, self.convert_command(book))
        self.run("convert (no change)", count, self.convert_command(book))
        self.run("html build, ours, serial", count, self.sphinx_command(book, "ours", *STRICT))
        timings = book / "timings.tsv"
        timings.unlink(missing_ok=True)
        self.run(
            "html build, ours, -j auto", count,
            self.sphinx_command(book, "make", *STRICT, "-j", "auto"), env={ENVIRONMENT: str(timings)},
        )  # fmt: skip
        for stage, seconds in read_timings(timings).items():
            self.runs.append(Run(f"html stage: {stage}", count, round(seconds, 2), 0.0, True))
            print(f"  {'html stage: ' + stage:<44} N={count:<5} {seconds:8.2f} s")
        self.search(count, book / "ours")
        if basic:
            self.run(
                "html build, basic theme, serial",
                count,
                self.sphinx_command(book, "basic", "-q", conf=self.basic_conf),
            )
        if stock:
            self.run("html build, stock book theme, serial", count,
                     self.sphinx_command(book, "stock", "-q", "-D", "book_fast_navigation=0"))  # fmt: skip

    def search(self, count: int, html: Path) -> None:
        figures = typing_figures(html, SEARCH_QUERIES)
        self.search_figures[count] = figures
        print(f"  {'search':<44} N={count:<5} {figures.summary()}")

    def rebuilds(self, count: int, book: Path) -> None:
        """As ``make html`` (``booktools.htmlbuild``): convert while Sphinx is imported,
        then Sphinx on the doctrees of the last build, unless the build stamp says nothing
        it reads changed."""
        options = [*STRICT, *make_html_jobs()]
        out, doctrees = book / "make", book / "make-doctrees"
        make_html = [
            self.python, "-m", "booktools.htmlbuild", str(out), str(doctrees), "--docs", str(book / "docs"),
            "--", *options, "--", *self.convert_command(book)[2:],
        ]  # fmt: skip
        stamp = [self.python, "-m", "booktools.buildstamp"]
        save = shlex.join([*stamp, "save", str(out), "--docs", str(book / "docs"), "--", "html", *options])
        scripts = shlex.quote(str(ROOT / "scripts"))
        self.run("make html stamp", count, ["sh", "-c", f"cd {scripts} && {save}"])
        in_scripts = ["sh", "-c", f"cd {scripts} && {shlex.join(make_html)}"]
        self.run("no-op make html", count, in_scripts)
        post = sorted((book / "posts").glob("*.md"))[0]
        post.write_text(post.read_text(encoding="utf-8") + "\nOne more paragraph, added for the benchmark.\n")
        self.run("make html after editing one post", count, in_scripts)

    def extrapolate_stock(self, sizes: Sequence[int]) -> None:
        measured = [
            (r.posts, r.seconds) for r in self.runs if r.step.startswith("html build, stock") and r.ok
        ]
        if not measured:
            return
        a, b = fit_quadratic(measured)
        for count in sizes:
            if count not in dict(measured):
                seconds = round(a * count + b * count * count, 1)
                self.runs.append(Run("html build, stock book theme, serial", count, seconds, 0.0, True, True))


def summary(runs: Sequence[Run], sizes: Sequence[int], search: dict[int, TypingFigures]) -> list[str]:
    """The table and the ratios the targets are stated in."""
    lines = [f"{'step':<40} {'posts':>6} {'seconds':>9} {'peak RSS':>10}", "-" * 68]
    for run in runs:
        memory = "-" if run.extrapolated or not run.peak_rss_mb else f"{run.peak_rss_mb:.0f} MB"
        note = " (extrapolated)" if run.extrapolated else ("" if run.ok else " FAILED")
        lines.append(f"{run.step:<40} {run.posts:>6} {run.seconds:>9.2f} {memory:>10}{note}")

    def seconds(step: str, count: int) -> float | None:
        found = [r.seconds for r in runs if r.step == step and r.posts == count]
        return found[0] if found else None

    lines.append("")
    make_html = "-j auto" if make_html_jobs() else "serial"
    ours_step = f"html build, ours, {make_html}"
    for count in sizes:
        lines.extend(_size_summary(count, seconds, ours_step, make_html))
        if count in search:
            lines.append(f"N={count}: search: {search[count].summary()} (target <= 300 ms at 1,000)")
        peaks = [r.peak_rss_mb for r in runs if r.posts == count and r.step in OUR_STEPS]
        if peaks:
            target = {3000: " (target <= 1 GB at 3,000)", 10000: " (target <= 2 GB at 10,000)"}.get(count, "")
            lines.append(f"N={count}: peak memory of any process of ours: {max(peaks):.0f} MB{target}")
    base = seconds(ours_step, 1000)
    for count in sizes:
        grown = seconds(ours_step, count)
        if base and grown and count > 1000:
            target = " (target <= 3.3x at 3,000)" if count == 3000 else ""
            lines.append(f"N={count}: cold build / the 1,000-post build = {grown / base:.2f}x{target}")
    largest = max(sizes)
    prefix = "html stage: "
    stages = {
        r.step.removeprefix(prefix): r.seconds
        for r in runs
        if r.posts == largest and r.step.startswith(prefix)
    }
    if stages:
        parts = " · ".join(f"{stage} {value:.1f} s" for stage, value in stages.items())
        lines.append(
            f"N={largest}: where the {make_html} build's time goes (resolve and translate are the "
            f"seconds of all processes, summed): {parts}"
        )
    return lines


# The steps whose peak memory the targets speak of: this project's conversion and builds.
OUR_STEPS = (
    "convert (cold)", "convert (no change)", "html build, ours, serial", "html build, ours, -j auto",
    "no-op make html", "make html after editing one post",
)  # fmt: skip


def _size_summary(count: int, seconds: Any, ours_step: str, make_html: str) -> list[str]:
    """One size's ratios: conversion, the cold build against the basic and stock themes,
    -j auto against serial, the no-op and one-edit rebuilds."""
    lines = []
    links = [seconds(f"convert stage: {stage}", count) for stage in ("links", "backlinks and related")]
    if all(value is not None for value in links):
        total = sum(value or 0.0 for value in links)
        lines.append(
            f"N={count}: links between posts, backlinks and related posts: {total:.2f} s "
            "of a cold conversion (target <= 2 s at 1,000)"
        )
    convert = seconds("convert (cold)", count)
    if convert:
        lines.append(f"N={count}: convert, cold: {convert:.2f} s (target <= 2 s at 1,000)")
    serial, parallel = seconds("html build, ours, serial", count), seconds("html build, ours, -j auto", count)
    if serial and parallel:
        faster = "-j auto" if parallel < serial else "serial"
        lines.append(
            f"N={count}: -j auto / serial = {parallel / serial:.2f}x: {faster} is faster here; "
            f"make html runs {make_html} on {cpus()} CPUs"
        )
    ours = seconds(ours_step, count)
    stock = seconds("html build, stock book theme, serial", count)
    basic = seconds("html build, basic theme, serial", count)
    if ours and stock:
        lines.append(
            f"N={count}: stock book theme / ours ({make_html}) = {stock / ours:.1f}x (target >= 10x)"
        )
    if ours and basic:
        lines.append(
            f"N={count}: ours ({make_html}) / basic theme (stock Sphinx, serial) = {ours / basic:.2f}x "
            "(target <= 0.6x at 1,000)"
        )
    noop, edit = seconds("no-op make html", count), seconds("make html after editing one post", count)
    if noop is not None:
        lines.append(f"N={count}: no-op make html: {noop:.2f} s (target <= 1 s)")
    if edit is not None:
        lines.append(f"N={count}: make html after editing one post: {edit:.2f} s (target <= 2 s at 1,000)")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1000, 3000],
        help="book sizes (posts); add 10000 for the largest",
    )
    parser.add_argument(
        "--stock-sizes", type=int, nargs="*", default=[100, 200, 400],
        help="sizes at which the stock book theme is measured (others are extrapolated)",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, default=ROOT / "_build" / "bench", help="scratch folder")
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "bench" / "results.json")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.work)
    print(f"benchmark on {cpus()} CPUs; log in {bench.log}")
    for count in sorted(set(args.sizes) | set(args.stock_sizes)):
        book = bench.book(count)
        if count in args.sizes:
            bench.full_builds(count, book, stock=count in args.stock_sizes, basic=True)
            bench.rebuilds(count, book)
        else:
            bench.run("convert (cold)", count, bench.convert_command(book))
            bench.run("html build, stock book theme, serial", count,
                      bench.sphinx_command(book, "stock", "-q", "-D", "book_fast_navigation=0"))  # fmt: skip
    bench.extrapolate_stock(args.sizes)
    lines = summary(bench.runs, args.sizes, bench.search_figures)
    print("\n" + "\n".join(lines))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "cpus": cpus(),
                "make_html_jobs": make_html_jobs(),
                "runs": [asdict(r) for r in bench.runs],
                "search": {count: asdict(figures) for count, figures in bench.search_figures.items()},
                "summary": lines,
            },
            indent=1,
        )
    )
    print(f"\nfigures: {args.json}")
    return 0 if all(r.ok for r in bench.runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
