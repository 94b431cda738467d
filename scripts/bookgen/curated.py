"""Reading the curated YAML files (book, glossary, resources) the same way.

One parse gives both the data and the node tree, whose marks say on which line each
entry starts; a syntax error becomes one line naming the file and line.
"""

from __future__ import annotations

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
