"""Which network namespace: a node's host netns, a pod's, the router's, a client's.

A :class:`NetnsId` is a value with a kind and a name, never a string to slice:
code asks ``netns_id.kind`` and ``netns_id.name``. Its ``str`` is the id the
model has always printed (``node:node-1``, ``pod:default/web-1``, ``router``,
``external:198.51.100.7``), which JSON output, DOT ids and the lab's replay
fingerprints carry, so they stay byte for byte what they were. How a detail
names the netns in a language ("node node-1", "节点 node-1") is the i18n
catalogue's (:func:`netmodel.i18n.place_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address

from netmodel.i18n import place_text

__all__ = ["NetnsId", "NetnsKind"]


class NetnsKind(StrEnum):
    NODE = "node"  # a node's host netns (hostNetwork pods share it)
    POD = "pod"
    ROUTER = "router"  # the underlay router joining the segments, with the uplink
    EXTERNAL = "external"  # a client beyond the router's uplink


@dataclass(frozen=True, slots=True, order=True)
class NetnsId:
    """A netns, by kind and name: a node's name, a pod's ``namespace/name`` key,
    an external client's address, nothing for the one router. Ordered as its
    string is (kinds sort by their value, then names)."""

    kind: NetnsKind
    name: str = ""

    def __post_init__(self) -> None:
        if (self.kind is NetnsKind.ROUTER) != (not self.name):
            raise ValueError(f"netns id {self.kind}: the router has no name, every other "
                             f"netns has one (got {self.name!r})")

    @classmethod
    def node(cls, name: str) -> NetnsId:
        return cls(NetnsKind.NODE, name)

    @classmethod
    def pod(cls, key: str) -> NetnsId:
        return cls(NetnsKind.POD, key)

    @classmethod
    def router(cls) -> NetnsId:
        return cls(NetnsKind.ROUTER)

    @classmethod
    def external(cls, address: IPv4Address) -> NetnsId:
        return cls(NetnsKind.EXTERNAL, str(address))

    @property
    def address(self) -> IPv4Address:
        """An external client's address."""
        if self.kind is not NetnsKind.EXTERNAL:
            raise ValueError(f"{self} is not an external client's netns")
        return IPv4Address(self.name)

    def render(self, lang: str) -> str:
        """How a detail names this netns: "node node-1", "the underlay router"…"""
        return place_text(self.kind.value, self.name, lang)

    def __str__(self) -> str:
        return str(self.kind) if self.kind is NetnsKind.ROUTER else f"{self.kind}:{self.name}"
