"""Where a fence's captures are, what they are named on the page, and their digest.

A fence reads a capture (``diff: node-2`` with ``capture: captures/…``, or a
walk's ``state: {node-2: captures/…}``) from the diagrams directory, as it reads
its spec: a path that leads out of it is refused, so a page cannot make the
site read, or quote in an error, a file elsewhere. Light on purpose (no model):
a warm build resolves and hashes every capture to find its cache entries, and
computes nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from netmodel.errors import NetmodelError
from netmodel.site.disk_cache import file_digest

__all__ = ["capture_digest", "capture_files", "resolve_capture", "shown_capture"]


def resolve_capture(diagrams: Path, name: str) -> Path:
    """``name`` (relative to ``diagrams``, an absolute resolved path) as an
    absolute path in it; one that leads out of it is refused."""
    try:
        path = (diagrams / name).resolve()
    except (OSError, ValueError):  # a NUL in the name, a symlink loop
        raise NetmodelError(f"capture {name!r}: not a usable path") from None
    if not path.is_relative_to(diagrams):
        raise NetmodelError(f"capture {name!r}: not in {diagrams.name}/")
    return path


def shown_capture(path: Path, diagrams: Path) -> str:
    """How the page names the capture: from the project's root, as a user there
    types it (``diagrams/captures/…``), the same on every machine."""
    return Path(os.path.relpath(path, diagrams.parent)).as_posix()


def capture_files(path: Path) -> list[Path]:
    """The files a capture is made of: an archive, or a directory's regular files
    (``netmodel collect`` writes no subdirectory). Missing: none."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.is_file())


def capture_digest(path: Path) -> str | None:
    """One digest of every file of the capture, each with its name, so editing,
    adding or removing one changes it; None when there is no capture there (the
    capture's reader then says why)."""
    files = capture_files(path)
    if not files:
        return None
    digest = hashlib.sha256()
    for file in files:
        content = file_digest(file)
        digest.update(f"{file.name}\0{content}\0".encode())
    return digest.hexdigest()
