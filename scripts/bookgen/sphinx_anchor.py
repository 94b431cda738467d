"""Shared by the mention roles: a reference that is also a link target.

A post's first mention of a glossary term or a resource is where the glossary's
"Used in" and a resource's "Mentioned in" lists link to, so the role that writes the
reference also places a named target just before it.
"""

from __future__ import annotations

from docutils import nodes
from docutils.nodes import Node, system_message
from docutils.parsers.rst.states import Inliner
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_id

_XREF = XRefRole(innernodeclass=nodes.inline, warn_dangling=True)


def anchored_reference(
    role: str, *, title: str, target: str, label: str, inliner: Inliner, lineno: int, rawtext: str
) -> tuple[nodes.target, list[Node], list[system_message]]:
    """A target named ``label``, and a ``role`` reference to ``target`` shown as ``title``."""
    env: BuildEnvironment = inliner.document.settings.env
    anchor = nodes.target("", "", ids=[make_id(env, inliner.document, "", label)], names=[label])
    inliner.document.note_explicit_target(anchor)
    references, messages = _XREF(role, rawtext, f"{title} <{target}>", lineno, inliner, {}, [])
    return anchor, references, messages
