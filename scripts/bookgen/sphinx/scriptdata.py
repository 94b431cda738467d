"""Data written into the book's own script files (the search index, the sidebar)."""

from __future__ import annotations

import json
from typing import Any


def script_literal(value: Any) -> str:
    """``value`` as a JavaScript literal (compact JSON). Post text may hold "</" and the
    line separators U+2028 and U+2029; escaped, they cannot end or break the script."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
