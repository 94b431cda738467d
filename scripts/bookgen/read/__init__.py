"""Read: one post file's bytes to a ``Post`` (``post.read_post``), and the posts folder's
files to bytes (``files.read_post_files``), the only place posts are read from disk."""
