"""The netfilter side of a packet walk: which hook runs where, conntrack, NAT.

Only a node's host netns has rules (kube-proxy's, kubelet's, flanneld's); pods
and the router have none. The first packet of a connection walks the nat table
and leaves a conntrack entry; a reply matching an entry is un-NATed by
conntrack without touching the rules. The skb mark (KUBE-MARK-MASQ's 0x4000)
lives while the packet is in one netns: crossing a veth or a tunnel scrubs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address

from netmodel.i18n import Detail, detail
from netmodel.spec.protocol import IpProto
from netmodel.state.kernel import Netns
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId, NetnsKind
from netmodel.trace.conntrack import CtEntry, Tuple
from netmodel.trace.hops import Action, Disposition
from netmodel.trace.netfilter_walk import ChainIndexes, Choice, HookResult, RuleHit, run_hook
from netmodel.trace.packet import Packet

__all__ = ["Netfilter", "Stopper"]

Recorder = Callable[[Netns, Action, str | None, Detail, Packet, tuple[RuleHit, ...]], None]
Stopper = Callable[[Netns, Disposition, str | None, Detail, Packet], Exception]


def flow_tuple(pkt: Packet) -> Tuple:
    assert pkt.ip.src is not None
    if pkt.l4.proto is IpProto.ICMP:
        return pkt.ip.src, pkt.l4.dport, pkt.ip.dst, pkt.l4.dport
    return pkt.ip.src, pkt.l4.sport, pkt.ip.dst, pkt.l4.dport


class Netfilter:
    def __init__(self, model: Model, choice: Choice, conntrack: list[CtEntry],
                 record: Recorder, stop: Stopper) -> None:
        self.model = model
        self.choice = choice
        self.conntrack = conntrack
        self.record = record
        self.stop = stop
        self.tested = 0
        self.probability = 1.0
        self._original: dict[NetnsId, Tuple] = {}
        self._reply: dict[NetnsId, CtEntry] = {}
        self._mark: dict[NetnsId, int] = {}

    def applies(self, ns: Netns, pkt: Packet) -> bool:
        """Rules act on the node's own packets; a tunnel's outer headers are
        the node's too but carry nothing kube-proxy or flanneld rewrite."""
        return ns.id.kind is NetnsKind.NODE and pkt.outer is None

    def _run(self, ns: Netns, table: str, hook: str, pkt: Packet, state: str) -> HookResult:
        local = self.model.table(ns.id).local_address
        result = run_hook(self.model.ruleset(ns.node), table, hook, pkt,
                          mark=self._mark.get(ns.id, 0), ctstate=state,
                          is_local=lambda ip: local(ip) is not None, choice=self.choice,
                          indexes=self.model.memo(ChainIndexes))
        self._mark[ns.id] = result.mark
        self.tested += result.tested
        self.probability *= result.probability
        return result

    # -- dst-manip hooks: PREROUTING (received) and OUTPUT (sent) ---------------------

    def pre_nat(self, ns: Netns, dev: str | None, pkt: Packet, hook: str) -> Packet:
        """Conntrack lookup, then (first packet only) the nat table's ``hook``."""
        self._mark[ns.id] = 0
        key = flow_tuple(pkt)
        for entry in self.conntrack:
            if entry.node == ns.node and entry.reply == key:
                self._reply[ns.id] = entry
                if entry.snat:
                    pkt = _with_dst(pkt, entry.original[0], entry.original[1])
                self.record(ns, Action.CONNTRACK, dev, detail(
                    "ct.reply" if entry.snat else "ct.reply.plain", entry=entry,
                    dst=entry.original[0]), pkt, ())
                return pkt
        self._original[ns.id] = key
        result = self._run(ns, "nat", hook, pkt, "NEW")
        if result.dnat is not None:
            ip, port = result.dnat
            pkt = _with_dst(pkt, ip, port)
            if result.hits and result.hits[-1].rule.writer == "portmap":
                # A hostPort: one fixed destination, no endpoint drawn at random.
                why = detail("nf.dnat.hostport", table="nat", hook=hook, tested=result.tested,
                             to=f"{ip}:{port}", chain=result.hits[-1].chain)
            else:
                why = detail("nf.dnat", table="nat", hook=hook, tested=result.tested,
                             to=f"{ip}:{port}", odds=_odds(result.probability))
        else:
            why = detail("nf.pass", table="nat", hook=hook, tested=result.tested,
                         matched=len(result.hits))
        self.record(ns, Action.NETFILTER, dev, why, pkt, result.hits)
        return pkt

    # -- filter: INPUT, FORWARD, OUTPUT -------------------------------------------------

    def filter(self, ns: Netns, hook: str, dev: str | None, pkt: Packet) -> None:
        state = "ESTABLISHED" if ns.id in self._reply else "NEW"
        result = self._run(ns, "filter", hook, pkt, state)
        verdict_rule = result.hits[-1] if result.hits else None
        if result.verdict in ("DROP", "REJECT") and verdict_rule is not None:
            key = "nf.reject" if result.verdict == "REJECT" else "nf.drop"
            why = detail(key, hook=hook, chain=verdict_rule.chain,
                         position=verdict_rule.position, rule=verdict_rule.rule.save(),
                         tested=result.tested)
            self.record(ns, Action.NETFILTER, dev, why, pkt, result.hits)
            disposition = Disposition.REJECTED if result.verdict == "REJECT" \
                else Disposition.DROPPED
            raise self.stop(ns, disposition, dev, why, pkt)
        self.record(ns, Action.NETFILTER, dev, detail(
            "nf.accept", table="filter", hook=hook, tested=result.tested, state=state), pkt,
            result.hits)

    # -- src-manip hooks: POSTROUTING (and INPUT for local delivery) ---------------------

    def post_nat(self, ns: Netns, out_dev: str, pkt: Packet) -> Packet:
        entry = self._reply.pop(ns.id, None)
        if entry is not None:
            if entry.dnat:
                pkt = _with_src(pkt, entry.original[2], entry.original[3])
                self.record(ns, Action.CONNTRACK, out_dev, detail(
                    "ct.undnat", src=entry.original[2], port=entry.original[3]), pkt, ())
            return pkt
        result = self._run(ns, "nat", "POSTROUTING", pkt, "NEW")
        if result.masquerade:
            source = self._address_of(ns, out_dev) or pkt.ip.src
            assert source is not None
            pkt = _with_src(pkt, source, pkt.l4.sport)
            why = detail("nf.masq", tested=result.tested, src=source, dev=out_dev,
                         chain=result.hits[-1].chain if result.hits else "")
        else:
            why = detail("nf.pass", table="nat", hook="POSTROUTING", tested=result.tested,
                         matched=len(result.hits))
        self.record(ns, Action.NETFILTER, out_dev, why, pkt, result.hits)
        self.confirm(ns, out_dev, pkt)
        return pkt

    def local_in(self, ns: Netns, dev: str, pkt: Packet) -> Packet:
        """filter INPUT, then the src-manip at LOCAL_IN: a reply to a connection
        this netns DNATed on the way out (OUTPUT) gets its source back there
        (nf_nat_ipv4_local_in), so the socket sees the address it connected to."""
        self.filter(ns, "INPUT", dev, pkt)
        entry = self._reply.pop(ns.id, None)
        if entry is None:
            self.confirm(ns, dev, pkt)
        elif entry.dnat:
            pkt = _with_src(pkt, entry.original[2], entry.original[3])
            self.record(ns, Action.CONNTRACK, dev, detail(
                "ct.undnat", src=entry.original[2], port=entry.original[3]), pkt, ())
        return pkt

    def confirm(self, ns: Netns, dev: str, pkt: Packet) -> None:
        original = self._original.pop(ns.id, None)
        if original is None:
            return
        final = flow_tuple(pkt)
        entry = CtEntry(ns.node, pkt.l4.proto, original, (final[2], final[3], final[0],
                                                           final[1]))
        self.conntrack.append(entry)
        self.record(ns, Action.CONNTRACK, dev, detail("ct.new", entry=entry), pkt, ())

    def _address_of(self, ns: Netns, dev: str) -> IPv4Address | None:
        """MASQUERADE's source: the primary address of the device the packet leaves by."""
        for address in ns.addresses:
            if address.dev == dev and address.scope == "global":
                return address.ip
        return None


def _with_dst(pkt: Packet, ip: IPv4Address, port: int) -> Packet:
    l4 = pkt.l4 if pkt.l4.proto is IpProto.ICMP else replace(pkt.l4, dport=port)
    return replace(pkt, ip=replace(pkt.ip, dst=ip), l4=l4)


def _with_src(pkt: Packet, ip: IPv4Address, port: int) -> Packet:
    l4 = pkt.l4 if pkt.l4.proto is IpProto.ICMP else replace(pkt.l4, sport=port)
    return replace(pkt, ip=replace(pkt.ip, src=ip), l4=l4)


def _odds(probability: float) -> str:
    if probability >= 0.999999:
        return "1"
    inverse = 1 / probability
    return f"1/{round(inverse)}" if abs(inverse - round(inverse)) < 1e-6 else f"{probability:.4f}"
