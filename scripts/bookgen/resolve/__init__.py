"""Resolve: the curated files read, book-wide indexes built once, each post resolved.

``glossary`` and ``catalog`` read the curated files; ``index`` builds the indexes and
resolves one post against them (``terms`` links glossary terms, ``citations`` finds
resources, both over the shared ``walker``); ``curator`` reports what the curated
files miss.
"""
