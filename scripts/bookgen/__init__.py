"""Turn a folder of blog posts into a Sphinx/MyST book.

The library call is ``bookgen.api.build_book(Sources.from_folder(...))``; the CLI
(``cli``, ``scripts/convert.py``) is one client of it. The converter's stages are
subpackages, in the order the data flows: ``read`` -> ``assemble`` -> ``resolve`` ->
``render`` -> ``write``, over the document model (``model``). The Sphinx extensions
live in ``sphinx`` and share ``labels`` with the converter; importing them does not
import the converter (this module imports nothing).
"""

__version__ = "0.2.0"
