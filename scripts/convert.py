"""Convert the raw posts into the book's generated MyST pages (see ``--help``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bookgen.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
