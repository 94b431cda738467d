"""Reading the curated YAML files (book, glossary, resources) the same way.

One parse gives both the data and the node tree, whose marks say on which line each
entry starts; a syntax error becomes one line naming the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml


def load_yaml(text: str, source: str, error_type: type[ValueError]) -> tuple[object, yaml.Node | None]:
    """The file's data and its node tree; raise ``error_type`` with ``file:line: ...``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.SafeLoader("").construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise error_type(f"{where}: not valid YAML: {str(error).splitlines()[0]}") from None
    return data, root


def entry_lines(root: yaml.Node | None, key: str) -> list[int]:
    """The line each item of the top-level list ``key`` starts on (1-based)."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for name, value in root.value:
        if name.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def read_names(item: Mapping[str, object], key: str, where: str, error_type: type[ValueError]) -> list[str]:
    """An entry's optional list of names (aliases, see-also, terms): each non-empty text."""
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise error_type(f"{where}: {key}: expected a list of names")
    return value
