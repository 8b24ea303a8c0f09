"""How a walk ends: delivered, out of the cluster, or which failure.

Its own module, importing nothing: a page's ``expect:`` is checked against it
while reading fences, which must stay light.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Disposition"]


class Disposition(StrEnum):
    DELIVERED = "DELIVERED"
    EXITS_CLUSTER = "EXITS_CLUSTER"
    NO_ROUTE = "NO_ROUTE"
    NEIGHBOR_UNREACHABLE = "NEIGHBOR_UNREACHABLE"
    DROPPED = "DROPPED"
    REJECTED = "REJECTED"
    TTL_EXCEEDED = "TTL_EXCEEDED"
    LOOP = "LOOP"

    @property
    def success(self) -> bool:
        return self in (Disposition.DELIVERED, Disposition.EXITS_CLUSTER)
