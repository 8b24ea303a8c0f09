"""The plugin's disk cache, without MkDocs: what an entry's key covers and how an
entry proves it is whole.

A key covers the spec's content and netmodel's own code (:func:`source_digest`),
so an edit to either draws afresh. Every entry starts with a line naming it and
the sha256 of what follows (:func:`entry`); :func:`checked` refuses anything else,
so a truncated, overwritten or copied entry is computed again, never inlined.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

__all__ = ["PACKAGE", "checked", "entry", "file_digest", "source_digest", "tree_digest"]

# The whole netmodel package (this module is in its site/ stage): any model edit
# must invalidate the cache, and mkdocs serve must watch all of it.
PACKAGE = Path(__file__).resolve().parents[1]


def source_digest() -> str:
    """netmodel's own code, and the figures' style and script: a change to any
    must invalidate the cache."""
    digest = hashlib.sha256()
    files = [f for f in PACKAGE.rglob("*") if f.suffix in (".py", ".css", ".js")]
    for file in sorted(files):
        digest.update(file.relative_to(PACKAGE).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def tree_digest(root: Path, skip: tuple[str, ...] = ()) -> str:
    """Every regular file under ``root`` (not under its subdirectories ``skip``),
    names and contents: what a page can draw from (specs, captures, replay
    records). A missing root is the empty tree."""
    digest = hashlib.sha256()
    if not root.is_dir():
        return digest.hexdigest()
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if relative.parts[0] in skip or not file.is_file():  # a FIFO is never opened
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError:  # unreadable: the fences that use it say so, every build
            digest.update(b"\0unreadable")
    return digest.hexdigest()


def file_digest(spec: Path) -> str | None:
    """A spec's content hash, or None if it is not a regular file that can be read
    (missing, a FIFO that would block, a device): loading it then says why."""
    try:
        fd = os.open(spec, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return hashlib.sha256(handle.read()).hexdigest()


# Every cache entry's first line: what it is (its file name holds its key) and
# the digest of the text below it. A truncated, overwritten or copied entry fails
# the check and is computed again, never inlined.
_ENTRY = "netmodel-cache v1"


def entry(name: str, text: str) -> str:
    return f"{_ENTRY} {name} {hashlib.sha256(text.encode('utf-8')).hexdigest()}\n{text}"


def checked(name: str, data: bytes) -> str | None:
    """The text of a cache entry read as ``data``, or None unless it is whole."""
    header, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        expected = f"{_ENTRY} {name} {hashlib.sha256(body).hexdigest()}".encode("ascii")
        return body.decode("utf-8") if header == expected else None
    except UnicodeError:
        return None
