"""Where the kernel lab's replay records live, for the site to read."""

from __future__ import annotations

__all__ = ["REPLAYS"]

REPLAYS = "replays"  # under diagrams/: one record per spec, written by netmodel lab --record
