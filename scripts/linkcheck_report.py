"""Summarise a linkcheck build: ``linkcheck_report.py _build/linkcheck`` writes report.md.

Exits 1 when any address is broken, so ``make linkcheck`` fails on a dead link.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from booktools.linkreport import BROKEN, read_results, render_report


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: linkcheck_report.py LINKCHECK_BUILD_DIR", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    output = folder / "output.json"
    if not output.exists():
        print(f"linkcheck_report: {output}: missing; run the linkcheck builder first", file=sys.stderr)
        return 2
    results = read_results(output.read_text(encoding="utf-8").splitlines())
    (folder / "report.md").write_text(render_report(results), encoding="utf-8")
    broken = [r for r in results if r.status in BROKEN]
    print(f"linkcheck: {len(results)} addresses, {len(broken)} broken; report in {folder / 'report.md'}")
    for result in broken:
        print(f"  broken: {result.uri} ({result.info}) in {', '.join(result.pages)}")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
