"""Packet headers as frozen values, and their JSON form.

A packet is an optional Ethernet header, an IPv4 header, an L4 header, and, when
encapsulated, the outer headers the tunnel added. Functions that route or
transmit act on the *active* layer: the outer one while it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address
from typing import Any

from netmodel.spec.protocol import IpProto

__all__ = ["ICMP_ECHO_REPLY", "ICMP_ECHO_REQUEST", "L4", "Ethernet", "IPv4", "Outer", "Packet"]

ICMP_ECHO_REQUEST = 8
ICMP_ECHO_REPLY = 0
DEFAULT_TTL = 64  # net.ipv4.ip_default_ttl


@dataclass(frozen=True, slots=True)
class Ethernet:
    src: str
    dst: str

    def __str__(self) -> str:
        return f"eth {self.src} → {self.dst}"


@dataclass(frozen=True, slots=True)
class IPv4:
    src: IPv4Address | None  # None until the kernel selects a source address
    dst: IPv4Address
    ttl: int = DEFAULT_TTL

    def __str__(self) -> str:
        src = "(unset)" if self.src is None else self.src
        return f"ip {src} → {self.dst} ttl {self.ttl}"


@dataclass(frozen=True, slots=True)
class L4:
    """TCP/UDP ports, or an ICMP type (echo request 8, echo reply 0) and id."""

    proto: IpProto
    sport: int = 0
    dport: int = 0

    def reversed(self) -> L4:
        if self.proto is IpProto.ICMP:
            return L4(IpProto.ICMP, ICMP_ECHO_REPLY, self.dport)
        return L4(self.proto, self.dport, self.sport)

    def __str__(self) -> str:
        if self.proto is IpProto.ICMP:
            kind = {ICMP_ECHO_REQUEST: "echo-request", ICMP_ECHO_REPLY: "echo-reply"}
            return f"icmp {kind.get(self.sport, self.sport)} id {self.dport}"
        return f"{self.proto} {self.sport} → {self.dport}"


@dataclass(frozen=True, slots=True)
class Outer:
    """Headers a tunnel put around the packet: IP/UDP, plus VXLAN's VNI."""

    ip: IPv4
    sport: int
    dport: int
    eth: Ethernet | None = None
    vni: int | None = None

    def __str__(self) -> str:
        vxlan = f" vxlan vni {self.vni}" if self.vni is not None else ""
        eth = f"{self.eth} | " if self.eth is not None else ""
        return f"{eth}{self.ip} | udp {self.sport} → {self.dport}{vxlan}"


@dataclass(frozen=True, slots=True)
class Packet:
    ip: IPv4
    l4: L4
    eth: Ethernet | None = None
    outer: Outer | None = None

    @property
    def active_ip(self) -> IPv4:
        return self.outer.ip if self.outer is not None else self.ip

    @property
    def active_eth(self) -> Ethernet | None:
        return self.outer.eth if self.outer is not None else self.eth

    def with_active_ip(self, ip: IPv4) -> Packet:
        if self.outer is not None:
            return replace(self, outer=replace(self.outer, ip=ip))
        return replace(self, ip=ip)

    def with_active_eth(self, eth: Ethernet | None) -> Packet:
        if self.outer is not None:
            return replace(self, outer=replace(self.outer, eth=eth))
        return replace(self, eth=eth)

    def __str__(self) -> str:
        inner = " | ".join(str(h) for h in (self.eth, self.ip, self.l4) if h is not None)
        return f"[{self.outer}] {inner}" if self.outer is not None else inner

    def to_json(self) -> dict[str, Any]:
        outer = None
        if self.outer is not None:
            outer = {"eth": _eth(self.outer.eth), "ip": _ip(self.outer.ip),
                     "udp": {"sport": self.outer.sport, "dport": self.outer.dport}}
            if self.outer.vni is not None:
                outer["vxlan"] = {"vni": self.outer.vni}
        l4: dict[str, Any] = {"proto": self.l4.proto}
        if self.l4.proto is IpProto.ICMP:
            l4.update(type=self.l4.sport, id=self.l4.dport)
        else:
            l4.update(sport=self.l4.sport, dport=self.l4.dport)
        return {"eth": _eth(self.eth), "ip": _ip(self.ip), "l4": l4, "outer": outer}


def _eth(eth: Ethernet | None) -> dict[str, str] | None:
    return None if eth is None else {"src": eth.src, "dst": eth.dst}


def _ip(ip: IPv4) -> dict[str, Any]:
    return {"src": None if ip.src is None else str(ip.src), "dst": str(ip.dst), "ttl": ip.ttl}
