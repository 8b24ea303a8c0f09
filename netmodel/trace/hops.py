"""Traces as data, shaped like Batfish's: Trace(disposition, hops) → Hop → Step.

A :class:`Flow` says what is sent; a :class:`Trace` says what the kernels on the
way did with it, one :class:`Step` per lookup or rewrite, grouped in one
:class:`Hop` per network namespace crossed. Step details are :class:`Detail`
values (a catalog key and its arguments) so the same trace reads in English or
Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Address
from typing import Any

from netmodel.i18n import Detail
from netmodel.i18n.output import word
from netmodel.spec.protocol import IpProto
from netmodel.state.netns_id import NetnsId
from netmodel.trace.conntrack import CtEntry
from netmodel.trace.disposition import Disposition
from netmodel.trace.netfilter_walk import RuleHit
from netmodel.trace.packet import Packet

__all__ = ["Action", "Disposition", "Flow", "Hop", "Step", "Trace"]


class Action(StrEnum):
    SEND = "SEND"  # a socket hands the packet to the kernel
    ROUTE = "ROUTE"  # a routing-table lookup
    NEIGHBOR = "NEIGHBOR"  # ARP / neighbour table resolution
    TRANSMIT = "TRANSMIT"
    RECEIVE = "RECEIVE"
    BRIDGE = "BRIDGE"  # a bridge FDB decision
    FORWARD = "FORWARD"  # IP forwarding: TTL decremented
    ENCAPSULATE = "ENCAPSULATE"
    DECAPSULATE = "DECAPSULATE"
    USERSPACE = "USERSPACE"  # flanneld's udp proxy handles the packet
    NETFILTER = "NETFILTER"  # an iptables hook: rules tested, matched, NAT
    CONNTRACK = "CONNTRACK"  # an entry created, or a reply un-NATed by it
    DELIVER = "DELIVER"
    DROP = "DROP"


@dataclass(frozen=True, slots=True)
class Flow:
    src: IPv4Address | None  # None: the sending kernel selects it
    dst: IPv4Address
    proto: IpProto
    sport: int
    dport: int

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str) -> str:
        """``tcp 10.244.0.2:40000 → 10.96.1.2:5432``; a source the sending kernel
        has not chosen yet (the walk stopped before a route lookup) is said in words."""
        src = str(self.src) if self.src is not None else word("flow.unchosen", lang)
        if self.proto is IpProto.ICMP:
            return f"icmp echo {src} → {self.dst}"
        return f"{self.proto} {src}:{self.sport} → {self.dst}:{self.dport}"

    def to_json(self) -> dict[str, Any]:
        return {"src": None if self.src is None else str(self.src), "dst": str(self.dst),
                "proto": self.proto, "sport": self.sport, "dport": self.dport}


@dataclass(frozen=True, slots=True)
class Step:
    action: Action
    device: str | None
    detail: Detail
    packet: Packet
    rules: tuple[RuleHit, ...] = ()  # NETFILTER: the rules that matched, in order

    def __str__(self) -> str:
        return f"{self.action} {self.device or '-'}: {self.detail.render('en')}"

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {"action": str(self.action), "device": self.device,
                               "detail": self.detail.render(lang),
                               "detail_key": self.detail.key, "packet": self.packet.to_json()}
        if self.rules:
            out["rules"] = [{"table": h.table, "chain": h.chain, "position": h.position,
                             "rule": h.rule.save(), "probability": h.probability}
                            for h in self.rules]
        return out


@dataclass(frozen=True, slots=True)
class Hop:
    node: str
    netns: str  # its label: "host", "pod default/web-1", "router"
    netns_id: NetnsId
    steps: tuple[Step, ...]

    def __str__(self) -> str:
        return f"{self.node} · {self.netns} ({len(self.steps)} steps)"

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {"node": self.node, "netns": self.netns,
                "steps": [s.to_json(lang) for s in self.steps]}


@dataclass(frozen=True, slots=True)
class Trace:
    flow: Flow
    disposition: Disposition
    reason: Detail
    hops: tuple[Hop, ...]
    reply: Trace | None = field(default=None)
    rules_tested: int = 0
    probability: float = 1.0  # of the endpoint choices this trace took
    conntrack: tuple[CtEntry, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()  # endpoints a statistic match could pick
    next: Trace | None = None  # a second connection this one causes (an Ingress proxy's)

    @property
    def path(self) -> tuple[tuple[str, str], ...]:
        """The (node, netns) sequence the packet crossed."""
        return tuple((h.node, h.netns) for h in self.hops)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for h in self.hops for s in h.steps)

    @property
    def final_packet(self) -> Packet:
        return self.hops[-1].steps[-1].packet

    def __str__(self) -> str:
        path = " → ".join(f"{n}/{ns}" for n, ns in self.path)
        return f"{self.flow}: {self.disposition} via {path}"

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {
            "flow": self.flow.to_json(),
            "disposition": str(self.disposition),
            "reason": self.reason.render(lang),
            "rules_tested": self.rules_tested,
            "probability": self.probability,
            "conntrack": [str(e) for e in self.conntrack],
            "hops": [h.to_json(lang) for h in self.hops],
        }
        if self.alternatives:
            out["endpoints"] = [{"endpoint": e, "probability": p} for e, p in self.alternatives]
        if self.next is not None:
            out["next"] = self.next.to_json(lang)
        if self.reply is not None:
            reply = self.reply.to_json(lang)
            reply.pop("reply", None)
            out["reply"] = reply
        else:
            out["reply"] = None
        return out
