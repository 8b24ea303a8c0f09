"""Which broadcast domain a device sits on: a node's cni0, an underlay segment, the wan.

An :class:`L2Domain` is a value (kind and name) rather than a string sliced
apart. Its ``str`` is the name details print and the device graph uses for a
segment's vertex: ``bridge:node-1``, ``segment:rack-a``, ``wan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["L2Domain", "L2Kind"]


class L2Kind(StrEnum):
    BRIDGE = "bridge"  # a node's cni0 and its pods' eth0s
    SEGMENT = "segment"  # an underlay segment: node NICs and a router leg
    WAN = "wan"  # beyond the router's uplink: the external clients


@dataclass(frozen=True, slots=True, order=True)
class L2Domain:
    kind: L2Kind
    name: str = ""  # the bridge's node, the segment's name; none for the wan

    @classmethod
    def bridge(cls, node: str) -> L2Domain:
        return cls(L2Kind.BRIDGE, node)

    @classmethod
    def segment(cls, name: str) -> L2Domain:
        return cls(L2Kind.SEGMENT, name)

    @classmethod
    def wan(cls) -> L2Domain:
        return cls(L2Kind.WAN)

    def __str__(self) -> str:
        return str(self.kind) if self.kind is L2Kind.WAN else f"{self.kind}:{self.name}"
