"""Sphinx extension: links between chapters, and the sections that end a chapter.

The converter writes a link from one post to another (and each backlink) as a
reference to the target chapter's label (``labels.chapter_label``). On screen the link
is enough; on paper a reader cannot click, so LaTeX adds the page: "the plan (page 12)".
Only these references get one: a page number after every glossary mention would
clutter the text, which is why Sphinx's ``latex_show_pagerefs`` stays off.

A chapter's closing sections ("Linked from", "Related posts") quote other posts; they
are marked ``no-search``, so the search index and its snippets keep to the post's text.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.latex import LaTeXTranslator

from ..labels import CHAPTER_ENDS, CHAPTER_PREFIX


class chapter_page(nodes.Inline, nodes.Element):
    """The page of a chapter link's target, after the link (LaTeX only)."""


class ChapterPages(SphinxPostTransform):
    """After each reference to a chapter's label, its page number."""

    default_priority = 20  # after references are resolved (10)
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for reference in list(self.document.findall(nodes.reference)):
            uri = reference.get("refuri", "") or ("#" + reference["refid"] if reference.get("refid") else "")
            if "#" not in uri or not uri.partition("#")[2].startswith(CHAPTER_PREFIX):
                continue
            reference.parent.insert(reference.parent.index(reference) + 1, chapter_page("", uri=uri))


def unsearched_chapter_ends(app: Sphinx, doctree: nodes.document) -> None:
    """The sections labelled as a chapter's ends are left out of the search index."""
    ends = tuple(f"--{end}" for end in CHAPTER_ENDS)
    for section in doctree.findall(nodes.section):
        if any(name.startswith(CHAPTER_PREFIX) and name.endswith(ends) for name in section["names"]):
            section["classes"].append("no-search")


def visit_chapter_page(translator: LaTeXTranslator, node: chapter_page) -> None:
    """`` (page N)``: the label's id spelled as the LaTeX writer spells it."""
    uri: str = node["uri"]
    document = uri[1:].partition("#")[0] if uri.startswith("%") else translator.curfilestack[-1]
    label = f"{document}:{uri.partition('#')[2]}"
    translator.body.append(f" ({translator.hyperpageref(label)})")
    raise nodes.SkipNode


def _skip(translator: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(chapter_page, latex=(visit_chapter_page, None), html=(_skip, None), text=(_skip, None))
    app.add_post_transform(ChapterPages)
    app.connect("doctree-read", unsearched_chapter_ends)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
