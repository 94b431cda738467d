"""Turn a folder of blog posts into a Sphinx/MyST book.

The package is a pure core (``decode`` -> ``metadata`` -> ``plaintext`` /
``markdown`` -> ``model`` -> ``render``) behind a thin I/O edge (``output``,
``cli``).  Nothing outside ``output`` and ``cli`` touches the filesystem.
"""

__version__ = "0.1.0"
