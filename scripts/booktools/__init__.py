"""Tools around the product, not part of it: a synthetic corpus for tests and the
benchmark (``corpus``), and the link-check report (``linkreport``)."""
