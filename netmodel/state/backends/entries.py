"""What a backend programs for one remote node's lease."""

from __future__ import annotations

from dataclasses import dataclass

from netmodel.state.kernel import FdbEntry, Neighbor, RejectedRoute, Route

__all__ = ["RemoteEntries"]


@dataclass(frozen=True, slots=True)
class RemoteEntries:
    routes: tuple[Route, ...] = ()
    neighbors: tuple[Neighbor, ...] = ()
    fdb: tuple[FdbEntry, ...] = ()
    rejected: tuple[RejectedRoute, ...] = ()
