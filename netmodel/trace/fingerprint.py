"""A trace's fingerprint: what a kernel replay checks of it, hashed.

The lab records the fingerprints of the walks the kernel matched; the site
shows a walk as replayed when its fingerprint is in that record. A model change
that alters what a walk claims changes its fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from netmodel.trace.hops import Action, Trace

__all__ = ["fingerprint"]


def fingerprint(trace: Trace) -> str:
    """What the lab checks of a trace (claims, disposition, the reply, a second
    connection), hashed: equal fingerprints make equal claims."""
    def leg(t: Trace) -> list[Any]:
        return [[str(hop.netns_id), str(step.action), step.device, step.packet.to_json()]
                for hop in t.hops for step in hop.steps
                if step.action in (Action.TRANSMIT, Action.RECEIVE)]
    parts: list[Any] = []
    current: Trace | None = trace
    while current is not None:
        parts.append([str(current.disposition), leg(current),
                      leg(current.reply) if current.reply else None])
        current = current.next
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
