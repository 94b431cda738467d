"""``make html``: convert the posts, then build the HTML book unless nothing changed.

    python -m booktools.htmlbuild OUTDIR DOCTREES [--docs DIR] -- SPHINX-OPTIONS... -- CONVERT-ARGS...

The converter runs in a process of its own (``scripts/convert.py CONVERT-ARGS``). With
two CPUs or more, this one meanwhile imports Sphinx, its built-in extensions, the
book's extensions and its theme, and every module the last build imported besides (the
extensions import most of theirs only when Sphinx sets them up; the extension
``bookgen.sphinx.imports`` names them in the doctrees folder): work every build needs
that does not depend on the converted pages, at 1,000 posts 0.45 s of an edit's
rebuild, done on the second CPU while the converter uses the first. No build is
started: when the converter is done, the build stamp (``buildstamp``) says whether
anything the book is made of changed; if not, Sphinx is not run, else it builds here,
in this process, and the stamp is saved after a successful build. The options are
words as the shell split them, as ``sphinx-build`` and ``scripts/convert.py`` get them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bookgen.labels import IMPORTED_MODULES

from .buildstamp import ROOT, book_sources, save, up_to_date

CONVERT = ROOT / "scripts" / "convert.py"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="htmlbuild", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="where the HTML book is written")
    parser.add_argument("doctrees", type=Path, help="Sphinx's doctrees and environment")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="the Sphinx source folder")
    return parser


def sections(argv: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """The driver's own words, Sphinx's options and the converter's arguments: the
    parts of ``argv`` between its first two ``--``."""
    words = list(argv)
    first = words.index("--") if "--" in words else len(words)
    rest = words[first + 1 :]
    second = rest.index("--") if "--" in rest else len(rest)
    return words[:first], rest[:second], rest[second + 1 :]


def preload_sphinx(conf: Path, imported: Path) -> None:
    """Import what the build will import: Sphinx, its built-in extensions, the book's
    extensions (as ``conf.py`` lists them), its theme, and the modules named in the file
    ``imported`` (what the last build imported). Nothing is written, and nothing that
    fails here matters: Sphinx imports, and reports, what it needs itself."""
    # Imported here, once the converter runs: overlapping the two is this module's point.
    from sphinx import application  # noqa: PLC0415
    from sphinx.config import eval_config_file  # noqa: PLC0415
    from sphinx.util.tags import Tags  # noqa: PLC0415

    names: list[object] = list(application.builtin_extensions)
    with contextlib.suppress(Exception):  # a broken conf.py is Sphinx's to report
        namespace = eval_config_file(conf, Tags())
        names += [*namespace.get("extensions", ()), namespace.get("html_theme")]
    with contextlib.suppress(OSError, UnicodeDecodeError):
        names += imported.read_text(encoding="utf-8").split()
    for name in names:
        if isinstance(name, str):
            with contextlib.suppress(Exception, SystemExit):  # gone, or broken: no build imports it
                importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    own, options, convert_args = sections(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(own)
    converter = subprocess.Popen([sys.executable, str(CONVERT), *convert_args])
    try:
        if (os.cpu_count() or 1) > 1:  # on one CPU the imports would only make a no-op slower
            preload_sphinx(ROOT / "conf.py", args.doctrees / IMPORTED_MODULES)
    finally:
        status = converter.wait()
    if status != 0:
        return status
    stamp_words = ["html", *options]
    sources = book_sources(docs=args.docs)
    if up_to_date(args.outdir, sources, stamp_words):
        print(f"{args.outdir}: nothing the book is made of changed since its last build; Sphinx not run")
        return 0
    from sphinx.cmd.build import main as sphinx_build  # noqa: PLC0415  (imported by preload_sphinx)

    sphinx_args = ["-b", "html", "-c", str(ROOT), "-d", str(args.doctrees), str(args.docs), str(args.outdir)]
    status = sphinx_build([*sphinx_args, *options])
    if status == 0:
        save(args.outdir, sources, stamp_words)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
