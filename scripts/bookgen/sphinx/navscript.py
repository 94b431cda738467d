"""The sidebar of a large book, in one script file per folder instead of in every page.

The book theme puts the whole navigation into every page: about 160 bytes a post, so at
3,000 posts each page carried 430 KB of sidebar and the book's HTML grew with the
square of its posts (1.4 GB at 3,000). Past ``book_sidebar_inline_up_to`` links, each
page holds a script tag instead; the script, shared by the pages of a folder and cached
by the browser, inserts that folder's sidebar (the same HTML as ``nav`` draws inline)
and marks the page's own entry, its branch and the details around it, as the inline
sidebar does. mdBook does the same with its ``toc.js``. Without scripts a page shows a
line pointing to the contents on the book's first page.
"""

from __future__ import annotations

import hashlib
import html
import os
from pathlib import Path

from .scriptdata import script_literal

# The folder of the scripts in the HTML output.
SCRIPT_DIR = "_book_nav"

# Inserts the sidebar where its script tag stands and marks the current page, as
# nav.NavigationTemplate.render does (the entry links to "#"; "current" and "active"
# on its list items, "current" on its lists, its <details> open).
_SCRIPT = """\
(function () {
  var script = document.currentScript;
  var self = script.getAttribute("data-book-self");
  var holder = document.createElement("div");
  holder.innerHTML = %s;
  var links = holder.querySelectorAll("a.reference.internal");
  for (var i = 0; i < links.length; i++) {
    var link = links[i];
    if (link.getAttribute("href") !== self) continue;
    link.classList.add("current");
    link.setAttribute("href", "#");
    for (var node = link.parentElement; node && node !== holder; node = node.parentElement) {
      if (node.tagName === "LI") {
        node.classList.add("current", "active");
        var own = node.querySelector(":scope > details");
        if (own) own.open = true;
      } else if (node.tagName === "UL") {
        node.classList.add("current");
      } else if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }
  while (holder.firstChild) script.parentNode.insertBefore(holder.firstChild, script);
})();
"""


def script_text(sidebar: str) -> str:
    """The script that inserts ``sidebar`` (HTML Sphinx made from the book's toctree)."""
    return _SCRIPT % script_literal(sidebar)


def script_name(signature: str, sidebar: str) -> str:
    """The file name: the navigation's signature (older ones are pruned) and the content."""
    return f"{signature[:16]}-{hashlib.sha256(sidebar.encode()).hexdigest()[:16]}.js"


def write_script(outdir: Path, name: str, sidebar: str) -> None:
    """Write the script once; parallel workers may race, so it is renamed into place."""
    path = outdir / SCRIPT_DIR / name
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{name}.{os.getpid()}")
    partial.write_text(script_text(sidebar), encoding="utf-8")
    partial.replace(path)


def script_tag(src: str, self_href: str) -> str:
    """What a page holds in place of its sidebar."""
    note = "Every post is listed on the book's first page."
    return (
        f'<script src="{html.escape(src)}" data-book-self="{html.escape(self_href)}"></script>'
        f'<noscript><p class="book-nav-noscript">{html.escape(note)}</p></noscript>'
    )


def prune_scripts(outdir: Path, signature: str) -> None:
    """Drop the scripts of earlier navigations (a new one rewrote every page)."""
    folder = outdir / SCRIPT_DIR
    if folder.is_dir():
        for path in folder.glob("*.js"):
            if not path.name.startswith(signature[:16]):
                path.unlink(missing_ok=True)
