"""Files written whole or not at all, and sealed ones whose damage is found before use.

The converter's cache and the sidebar store are written here: a reader never sees half
a file, and a flipped byte on disk is never unpickled or trusted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so that no reader ever sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_SEAL = b"bookgen-sealed-1\0"
_SEAL_DIGEST = 32


def seal(payload: bytes) -> bytes:
    """``payload`` behind a checksum, so damage on disk is found before it is used."""
    return _SEAL + hashlib.blake2b(payload, digest_size=_SEAL_DIGEST).digest() + payload


def unseal(data: bytes) -> bytes | None:
    """The payload ``seal`` wrapped, or None if any byte of it changed since."""
    if not data.startswith(_SEAL):
        return None
    digest, payload = data[len(_SEAL) : len(_SEAL) + _SEAL_DIGEST], data[len(_SEAL) + _SEAL_DIGEST :]
    if hashlib.blake2b(payload, digest_size=_SEAL_DIGEST).digest() != digest:
        return None
    return payload


def load_pickle(path: Path) -> object | None:
    """What ``store_pickle`` left at ``path``, or None if it is missing, damaged or unreadable.

    The checksum is verified before unpickling: damaged bytes are never unpickled, so
    a flipped byte can neither crash the run nor slip changed words into the book.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = unseal(data)
    return None if payload is None else unpickle(payload)


def unpickle(data: bytes) -> object | None:
    """The pickled value, or None if the bytes are damaged or from other code."""
    try:
        value: object = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None  # a damaged entry is simply computed again
    return value


def store_pickle(path: Path, value: object) -> None:
    write_atomic(path, seal(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
