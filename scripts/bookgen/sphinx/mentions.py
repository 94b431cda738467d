"""Sphinx extension: a post's first mention of a term or resource, as a link and a target.

The converter writes a post's first mention of a glossary term as ``{gloss}`text <Term>```
and its first citation of a resource as ``{resref}`text <id>```. Each role makes the
usual reference (to the term, or to the resource's entry) with a named target just in
front of it, so the glossary's "Used in" and a resource's "Mentioned in" lists can link
to the very spot. The target's name is ``labels``', as the converter links to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docutils import nodes
from docutils.nodes import Node, system_message
from docutils.parsers.rst.states import Inliner
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_id, split_explicit_title

from ..labels import citation_label, entry_label, slug_of_docname

_XREF = XRefRole(innernodeclass=nodes.inline, warn_dangling=True)


class MentionRole:
    """``{role}`text <key>```: a ``reftype`` reference to ``target(key)``, after a target
    named ``label(post slug, key)``."""

    def __init__(self, reftype: str, target: Callable[[str], str], label: Callable[[str, str], str]) -> None:
        self.reftype = reftype
        self.target = target
        self.label = label

    def __call__(  # noqa: PLR0917  (the docutils role signature)
        self,
        name: str,
        rawtext: str,
        text: str,
        lineno: int,
        inliner: Inliner,
        options: dict[str, Any] | None = None,
        content: list[str] | None = None,
    ) -> tuple[list[Node], list[system_message]]:
        _, title, key = split_explicit_title(text)
        env: BuildEnvironment = inliner.document.settings.env
        label = self.label(slug_of_docname(env.docname), key)
        anchor = nodes.target("", "", ids=[make_id(env, inliner.document, "", label)], names=[label])
        inliner.document.note_explicit_target(anchor)
        references, messages = _XREF(
            self.reftype, rawtext, f"{title} <{self.target(key)}>", lineno, inliner, {}, []
        )
        return [anchor, *self.wrap(references, key)], messages

    def wrap(self, references: list[Node], key: str) -> list[Node]:
        """The reference as placed in the page; a subclass may wrap it."""
        return references


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_role("resref", MentionRole("std:ref", entry_label, citation_label))
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
