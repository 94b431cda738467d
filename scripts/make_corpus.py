"""Write N synthetic posts into a folder, for benchmarks and scale tests (see ``--help``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from booktools.corpus import main

if __name__ == "__main__":
    raise SystemExit(main())
