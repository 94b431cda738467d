"""The Sphinx extensions, one module per feature, each with its own ``setup``: the
book's metadata and parts (``book``), paper output (``paper``), glossary tooltips
(``glossary``), mention roles (``mentions``), the fast sidebar (``nav``) and honest
output folders (``outputs``). They share ``bookgen.labels`` with the converter."""
