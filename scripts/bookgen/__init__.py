"""Turn a folder of blog posts into a Sphinx/MyST book.

The library call is ``build_book(Sources.from_folder(...))`` (``api``); the CLI
(``cli``, ``scripts/convert.py``) is one client of it. The converter's stages are
subpackages, in the order the data flows: ``read`` -> ``assemble`` -> ``resolve`` ->
``render`` -> ``write``, over the document model (``model``). The Sphinx extensions
live in ``sphinx`` and share ``labels`` with the converter.
"""

from .api import BookBuild, CuratedFile, Sources, build_book

__all__ = ["BookBuild", "CuratedFile", "Sources", "build_book"]
__version__ = "0.2.0"
