"""Assemble: the posts placed into the book's parts, in order, each with its slug."""
