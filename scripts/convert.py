"""Convert the raw posts into the book's generated MyST pages (see ``--help``)."""

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bookgen.cli import main

if __name__ == "__main__":
    # A short-lived process that keeps most of what it makes: the collector runs a
    # twentieth as often as by default (a tenth of an edit's conversion at 1,000 posts
    # was spent collecting), and the heap is frozen before exit, whose last collection
    # walked it all for memory the system frees anyway.
    gc.set_threshold(20_000, 10, 10)
    status = main()
    gc.freeze()
    raise SystemExit(status)
