"""Write: the one writer of the converter's output folder (``tree``), and files written
atomically or sealed (``sealed``) for the cache and the Sphinx side's stores."""
