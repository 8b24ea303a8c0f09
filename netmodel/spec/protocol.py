"""Protocols, spelled once each way.

Kubernetes spells them in upper case (``protocol: TCP`` in a manifest:
:class:`Protocol`); the kernel, iptables (``-p tcp``), conntrack and
``netmodel trace --proto`` in lower case (:class:`IpProto`). Each side converts
through the other's property, so no code lower- or upper-cases a protocol name.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TRACEABLE", "IpProto", "Protocol"]


class Protocol(StrEnum):
    """Kubernetes' ``protocol`` values (upper case, as in a manifest)."""

    SCTP = "SCTP"
    TCP = "TCP"
    UDP = "UDP"

    @property
    def ip(self) -> IpProto:
        """The same protocol as the kernel names it (``-p tcp``)."""
        return IpProto(self.value.lower())


class IpProto(StrEnum):
    """An IP protocol as the kernel, iptables and conntrack name it."""

    ICMP = "icmp"
    SCTP = "sctp"
    TCP = "tcp"
    UDP = "udp"

    @property
    def number(self) -> int:
        """The IANA protocol number, as conntrack prints it (``tcp 6``)."""
        return _NUMBERS[self]

    @property
    def kubernetes(self) -> Protocol | None:
        """The Service/container port protocol, None for ICMP (no ports)."""
        return None if self is IpProto.ICMP else Protocol(self.value.upper())


_NUMBERS = {IpProto.ICMP: 1, IpProto.TCP: 6, IpProto.UDP: 17, IpProto.SCTP: 132}

# What `netmodel trace --proto` can send: SCTP is accepted in a spec (the API
# allows it) but no walk models its handshake.
TRACEABLE = (IpProto.TCP, IpProto.UDP, IpProto.ICMP)
