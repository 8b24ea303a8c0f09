"""Writing a file whole or not at all.

Content goes to a temporary file beside the target, named for this process,
and is renamed over it: rename(2) within a directory is atomic, so a reader —
a concurrent ``mkdocs serve`` build, a test — sees the old file or the new one,
never half of one, and a failure leaves the target as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["write_whole", "write_whole_bytes"]


def write_whole(target: Path, text: str, encoding: str = "utf-8") -> None:
    write_whole_bytes(target, text.encode(encoding))


def write_whole_bytes(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
