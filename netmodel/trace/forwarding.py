"""Walk a packet through the derived kernel state, lookup by lookup.

Nothing here knows a path in advance. Each step is what the kernel of the
current netns does with the packet in front of it: the local table then the
main table (longest prefix), the neighbour table or an ARP exchange on the L2
domain, a bridge FDB lookup, the VXLAN driver's FDB lookup and encapsulation,
the TUN hand-off to flanneld's proxy, decapsulation by the UDP socket on the
far node, TTL decrement on every forward. The walk ends in a disposition.

Loops are caught when the same packet (TTL aside) enters the same device of
the same netns twice: the kernel would circulate it until the TTL expires.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address

from netmodel.i18n import Detail, detail
from netmodel.spec.apiserver import SECURE_PORT
from netmodel.spec.cluster import Backend, Cluster
from netmodel.spec.protocol import IpProto
from netmodel.state.backends import udp
from netmodel.state.kernel import Link, LinkKind, Netns, Route
from netmodel.state.l2_domain import L2Kind
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId, NetnsKind
from netmodel.trace.conntrack import CtEntry
from netmodel.trace.hooks import Netfilter
from netmodel.trace.hops import Action, Disposition, Hop, Step
from netmodel.trace.netfilter_walk import Choice, RuleHit
from netmodel.trace.packet import DEFAULT_TTL, IPv4, Outer, Packet
from netmodel.trace.packet import Ethernet as Eth

__all__ = ["WalkResult", "walk"]

MAX_STEPS = 1000
EPHEMERAL_PORTS = (32768, 60999)  # net.ipv4.ip_local_port_range, VXLAN's source-port range
BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"


@dataclass(frozen=True, slots=True)
class WalkResult:
    disposition: Disposition
    reason: Detail
    hops: tuple[Hop, ...]
    final_netns: NetnsId
    final_packet: Packet
    rules_tested: int = 0
    probability: float = 1.0
    alternatives: tuple[tuple[str, float], ...] = ()


class _Stop(Exception):
    def __init__(self, disposition: Disposition, reason: Detail) -> None:
        self.disposition = disposition
        self.reason = reason


def walk(model: Model, origin: NetnsId, packet: Packet, *, reply: bool = False,
         conntrack: list[CtEntry] | None = None, endpoint: str | None = None) -> WalkResult:
    """Send ``packet`` from a socket in netns ``origin`` and follow it. A ``reply``
    is delivered to the socket that sent the request, not to a listener; it finds
    the request's entries in ``conntrack`` (which the walk appends to). Where
    kube-proxy picks an endpoint at random, ``endpoint`` ("IP:port") pins it."""
    walker = _Walker(model, reply, [] if conntrack is None else conntrack, endpoint)
    try:
        walker.send(model.netns(origin), packet)
    except _Stop as stop:
        record = walker.record
        # every stop records a step first
        assert record.last_netns is not None and record.last_packet is not None
        return WalkResult(stop.disposition, stop.reason, record.hops(), record.last_netns,
                          record.last_packet, walker.nf.tested, walker.nf.probability,
                          tuple(walker.choice.alternatives))
    raise AssertionError("a walk always ends in a disposition")  # pragma: no cover


class _Record:
    """What a walk has done so far: its steps, grouped per netns.

    Apart from the walker, so that the netfilter side can record and stop
    through it without a reference cycle (walker → netfilter → walker): a
    cycle outlives the walk until the cyclic collector runs, holding the Model
    (and under ``mkdocs serve`` a replaced one) until then."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._hops: list[tuple[Netns, list[Step]]] = []
        self._count = 0
        self.last_netns: NetnsId | None = None
        self.last_packet: Packet | None = None
        # A route a daemon asked for but the kernel refused, met on the way:
        # a later NO_ROUTE is its consequence, and the reason says so.
        self.refused: tuple[str, Detail] | None = None

    def step(self, ns: Netns, action: Action, device: str | None, why: Detail,
             packet: Packet, rules: tuple[RuleHit, ...] = ()) -> None:
        self._count += 1
        if self._count > MAX_STEPS:
            raise _Stop(Disposition.LOOP, detail("loop.steps", limit=MAX_STEPS))
        if not self._hops or self._hops[-1][0].id != ns.id:
            self._hops.append((ns, []))
        self._hops[-1][1].append(Step(action, device, why, packet, rules))
        self.last_netns = ns.id
        self.last_packet = packet

    def stop(self, ns: Netns, disposition: Disposition, device: str | None, why: Detail,
             packet: Packet) -> _Stop:
        if disposition is Disposition.NO_ROUTE and self.refused is not None:
            why = detail("route.none.refused", base=why, node=self.refused[0],
                         reason=self.refused[1])
        if disposition is Disposition.NO_ROUTE:
            why = self._virtual_ip_hint(why, packet)
        action = Action.DELIVER if disposition.success else Action.DROP
        self.step(ns, action, device, why, packet)
        return _Stop(disposition, why)

    def _virtual_ip_hint(self, why: Detail, pkt: Packet) -> Detail:
        """A packet to a ClusterIP that no rule rewrote: say why nothing answers."""
        for svc in self.cluster.services:
            if svc.cluster_ip == pkt.ip.dst:
                ports = ", ".join(str(p) for p in svc.ports)
                return detail("vip.nomatch", base=why, vip=svc.cluster_ip, svc=svc.key,
                              ports=ports)
        return why

    def hops(self) -> tuple[Hop, ...]:
        return tuple(Hop(ns.node, ns.label, ns.id, tuple(steps)) for ns, steps in self._hops)


class _Walker:
    def __init__(self, model: Model, reply: bool, conntrack: list[CtEntry],
                 endpoint: str | None) -> None:
        self.model = model
        self.reply = reply
        self.choice = Choice(endpoint)
        self.record = _Record(model.cluster)
        self.step = self.record.step
        self.stop = self.record.stop
        self.nf = Netfilter(model, self.choice, conntrack, self.record.step, self.record.stop)
        self.cluster = model.cluster
        self._seen: set[tuple[object, ...]] = set()

    # -- sending -----------------------------------------------------------------

    def send(self, ns: Netns, pkt: Packet) -> None:
        """A socket in ``ns`` sends: the local table, then the main table."""
        self.step(ns, Action.SEND, None, detail("send", who=ns.id, flow=pkt.l4), pkt)
        self.route_out(ns, pkt)

    def route_out(self, ns: Netns, pkt: Packet, nat_done: bool = False) -> None:
        """Output routing for a locally generated packet (the active layer), then
        the OUTPUT hooks; a DNAT there sends the packet through routing again."""
        table = self.model.table(ns.id)
        ip = pkt.active_ip
        local = table.local_address(ip.dst)
        route = None
        if local is not None:
            if ip.src is None:
                pkt = pkt.with_active_ip(replace(ip, src=ip.dst))
            self.step(ns, Action.ROUTE, "lo", detail("route.local", dst=ip.dst), pkt)
        else:
            route = table.lookup(ip.dst)
            if route is None:
                raise self.stop(ns, Disposition.NO_ROUTE, None,
                                detail("route.none", dst=ip.dst, who=ns.id), pkt)
            if ip.src is None:
                src = table.preferred_source(route)
                if src is None:
                    raise self.stop(ns, Disposition.NO_ROUTE, route.dev,
                                    detail("route.nosrc", dev=route.dev), pkt)
                pkt = pkt.with_active_ip(replace(ip, src=src))
                self.step(ns, Action.ROUTE, route.dev,
                          self._route_detail(ns, route, ip.dst, chose_src=src), pkt)
            else:
                self.step(ns, Action.ROUTE, route.dev, self._route_detail(ns, route, ip.dst),
                          pkt)
        if not nat_done and self.nf.applies(ns, pkt):
            dev = route.dev if route is not None else "lo"
            rewritten = self.nf.pre_nat(ns, dev, pkt, "OUTPUT")
            if rewritten.ip.dst != pkt.ip.dst:
                self.step(ns, Action.ROUTE, None, detail("route.reroute",
                                                         dst=rewritten.ip.dst), rewritten)
                self.route_out(ns, rewritten, nat_done=True)
                return
            pkt = rewritten
        if self.nf.applies(ns, pkt):
            self.nf.filter(ns, "OUTPUT", route.dev if route is not None else "lo", pkt)
        if route is None:
            pkt = pkt.with_active_eth(Eth("00:00:00:00:00:00", "00:00:00:00:00:00"))
            if self.nf.applies(ns, pkt):
                pkt = self.nf.local_in(ns, "lo", pkt)
            self.local_in(ns, "lo", pkt)
            return
        self.output(ns, route, pkt)

    def _route_detail(self, ns: Netns, route: Route, dst: IPv4Address,
                      chose_src: IPv4Address | None = None) -> Detail:
        missing = next((r for r in ns.rejected if dst in r.route.dst), None)
        if missing is not None:
            self.record.refused = (ns.node, missing.reason)
            return detail("route.match.rejected", route=route, by=route.origin,
                          wanted=missing.route, reason=missing.reason)
        if chose_src is not None:
            return detail("route.match.src", route=route, by=route.origin, src=chose_src)
        return detail("route.match", route=route, by=route.origin)

    # -- output: neighbour, then the device ------------------------------------------

    def output(self, ns: Netns, route: Route, pkt: Packet) -> None:
        dev = ns.link(route.dev)
        assert dev is not None, f"route {route} names a missing device"
        if self.nf.applies(ns, pkt):
            pkt = self.nf.post_nat(ns, route.dev, pkt)
        if dev.kind is LinkKind.TUN:
            self.tun_xmit(ns, dev, pkt)
            return
        nexthop = route.via if route.via is not None else pkt.active_ip.dst
        mac = self.resolve(ns, dev, nexthop, pkt)
        assert dev.mac is not None
        pkt = pkt.with_active_eth(Eth(dev.mac, mac))
        self.transmit(ns, dev, pkt)

    def resolve(self, ns: Netns, dev: Link, nexthop: IPv4Address, pkt: Packet) -> str:
        """The neighbour subsystem: a permanent entry, else ARP on the L2 domain."""
        entry = self.model.table(ns.id).neighbor(nexthop, dev.name)
        if entry is not None:
            self.step(ns, Action.NEIGHBOR, dev.name,
                      detail("neigh.permanent", ip=nexthop, mac=entry.mac, by=entry.origin),
                      pkt)
            return entry.mac
        domain = self.model.l2_domain(ns, dev.name)
        answer = self.model.arp(domain, nexthop) if domain is not None else None
        if answer is None and domain is not None and domain.kind is L2Kind.WAN:
            raise self.stop(ns, Disposition.EXITS_CLUSTER, dev.name,
                            detail("exits", dst=pkt.active_ip.dst), pkt)
        if answer is None or answer.netns == ns.id:
            why = (detail("neigh.vxlan", ip=nexthop, dev=dev.name)
                   if dev.kind is LinkKind.VXLAN
                   else detail("neigh.failed", ip=nexthop, dev=dev.name))
            raise self.stop(ns, Disposition.NEIGHBOR_UNREACHABLE, dev.name, why, pkt)
        self.step(ns, Action.NEIGHBOR, dev.name,
                  detail("neigh.arp", ip=nexthop, mac=answer.mac, owner=answer.netns), pkt)
        return answer.mac

    def transmit(self, ns: Netns, dev: Link, pkt: Packet) -> None:
        if dev.kind is LinkKind.VXLAN:
            self.vxlan_xmit(ns, dev, pkt)
            return
        self.step(ns, Action.TRANSMIT, dev.name, detail("xmit", dev=dev.name), pkt)
        if dev.kind is LinkKind.BRIDGE:
            self.bridge_forward(ns, dev, None, pkt)
        elif dev.kind is LinkKind.VETH:
            self.veth_xmit(ns, dev, pkt)
        elif dev.kind is LinkKind.ETHERNET:
            self.wire_xmit(ns, dev, pkt)
        else:  # pragma: no cover - lo is handled by the local table
            raise AssertionError(f"cannot transmit on {dev.kind}")

    def veth_xmit(self, ns: Netns, dev: Link, pkt: Packet) -> None:
        if dev.peer_netns is None or dev.peer_name is None:
            # An observed node's veth whose far end no pod of the spec owns.
            raise self.stop(ns, Disposition.DROPPED, dev.name,
                            detail("veth.unknownpeer", dev=dev.name), pkt)
        peer = self.model.netns(dev.peer_netns)
        if peer.link(dev.peer_name) is None:
            # Only an observed node (trace --state) can lack the peer the model
            # pairs with a pod's eth0: the pair is gone, and so is the frame.
            raise self.stop(ns, Disposition.DROPPED, dev.name,
                            detail("veth.nopeer", dev=dev.name, peer=dev.peer_name,
                                   who=peer.id), pkt)
        self.receive(peer, dev.peer_name, pkt)

    def wire_xmit(self, ns: Netns, dev: Link, pkt: Packet) -> None:
        domain = self.model.l2_domain(ns, dev.name)
        eth = pkt.active_eth
        assert domain is not None and eth is not None
        station = self.model.station(domain, eth.dst)
        if station is None:
            raise self.stop(ns, Disposition.DROPPED, dev.name,
                            detail("wire.nostation", mac=eth.dst, domain=domain), pkt)
        self.receive(self.model.netns(station.netns), station.dev, pkt)

    # -- bridge --------------------------------------------------------------------------

    def bridge_forward(self, ns: Netns, bridge: Link, ingress: Link | None,
                       pkt: Packet) -> None:
        """br_forward: the FDB names the port that owns the destination MAC."""
        eth = pkt.active_eth
        assert eth is not None
        entry = self.model.table(ns.id).fdb(bridge.name, eth.dst)
        if entry is None or entry.dev == bridge.name:
            raise self.stop(ns, Disposition.DROPPED, bridge.name,
                            detail("bridge.unknown", mac=eth.dst, bridge=bridge.name), pkt)
        port = ns.link(entry.dev)
        assert port is not None
        if ingress is not None and port.name == ingress.name and not port.hairpin:
            raise self.stop(ns, Disposition.DROPPED, bridge.name,
                            detail("bridge.nohairpin", port=port.name), pkt)
        self.step(ns, Action.BRIDGE, bridge.name,
                  detail("bridge.fdb", mac=eth.dst, port=port.name, bridge=bridge.name), pkt)
        self.step(ns, Action.TRANSMIT, port.name, detail("xmit", dev=port.name), pkt)
        self.veth_xmit(ns, port, pkt)

    # -- receiving -------------------------------------------------------------------------

    def receive(self, ns: Netns, devname: str, pkt: Packet) -> None:
        dev = ns.link(devname)
        assert dev is not None
        ip = pkt.active_ip
        key = (ns.id, devname, pkt.outer is not None, ip.src, ip.dst, pkt.ip.src,
               pkt.ip.dst, pkt.l4)
        if key in self._seen:
            raise self.stop(ns, Disposition.LOOP, devname,
                            detail("loop", dev=devname, who=ns.id), pkt)
        self._seen.add(key)
        self.step(ns, Action.RECEIVE, devname, detail("recv", dev=devname), pkt)
        if dev.master is not None:
            bridge = ns.link(dev.master)
            assert bridge is not None
            eth = pkt.active_eth
            assert eth is not None
            if eth.dst == bridge.mac:
                self.bridge_local(ns, bridge, dev, pkt)
            else:
                if self.nf.applies(ns, pkt):
                    # br_netfilter (bridge-nf-call-iptables=1, which Kubernetes needs):
                    # bridged IPv4 frames walk PREROUTING, FORWARD and POSTROUTING too,
                    # which is how a same-node reply finds its conntrack entry.
                    pkt = self.nf.pre_nat(ns, devname, pkt, "PREROUTING")
                    self.nf.filter(ns, "FORWARD", bridge.name, pkt)
                    pkt = self.nf.post_nat(ns, bridge.name, pkt)
                self.bridge_forward(ns, bridge, dev, pkt)
            return
        eth = pkt.active_eth
        if eth is not None and eth.dst not in (dev.mac, BROADCAST_MAC):
            raise self.stop(ns, Disposition.DROPPED, devname,
                            detail("recv.otherhost", mac=eth.dst, dev=devname), pkt)
        self.ip_input(ns, dev, pkt)

    def bridge_local(self, ns: Netns, bridge: Link, port: Link, pkt: Packet) -> None:
        """A frame for the bridge's own MAC. With br_netfilter, nat PREROUTING runs
        in the bridge (br_nf_pre_routing) before the frame goes up; if it changed
        the destination and the route to the new one leaves through this same
        bridge, br_nf_pre_routing_finish bridges the frame there (bridged_dnat):
        the neighbour's MAC replaces the destination MAC only, and nothing is
        routed. This is how a pod reaches a Service endpoint on its own node."""
        if not self.nf.applies(ns, pkt):
            self.step(ns, Action.BRIDGE, bridge.name,
                      detail("bridge.local", bridge=bridge.name), pkt)
            self.ip_input(ns, bridge, pkt)
            return
        natted = self.nf.pre_nat(ns, bridge.name, pkt, "PREROUTING")
        route = self.model.table(ns.id).lookup(natted.ip.dst)
        if (natted.ip.dst == pkt.ip.dst or route is None or route.dev != bridge.name
                or self.model.table(ns.id).local_address(natted.ip.dst) is not None):
            self.step(ns, Action.BRIDGE, bridge.name,
                      detail("bridge.local", bridge=bridge.name), natted)
            self.ip_input(ns, bridge, natted, prerouting_done=True)
            return
        self.step(ns, Action.BRIDGE, bridge.name,
                  detail("bridge.dnat", dst=natted.ip.dst, bridge=bridge.name), natted)
        mac = self.resolve(ns, bridge, natted.ip.dst, natted)
        eth = natted.eth
        assert eth is not None
        natted = replace(natted, eth=Eth(eth.src, mac))
        self.nf.filter(ns, "FORWARD", bridge.name, natted)
        natted = self.nf.post_nat(ns, bridge.name, natted)
        self.bridge_forward(ns, bridge, port, natted)

    def ip_input(self, ns: Netns, dev: Link, pkt: Packet,
                 prerouting_done: bool = False) -> None:
        """ip_rcv: PREROUTING, then local delivery or forwarding with a TTL decrement."""
        table = self.model.table(ns.id)
        if self.nf.applies(ns, pkt) and not prerouting_done:
            pkt = self.nf.pre_nat(ns, dev.name, pkt, "PREROUTING")
        ip = pkt.active_ip
        if table.local_address(ip.dst) is not None:
            if self.nf.applies(ns, pkt):
                pkt = self.nf.local_in(ns, dev.name, pkt)
            self.local_in(ns, dev.name, pkt)
            return
        if not ns.ip_forward:
            raise self.stop(ns, Disposition.DROPPED, dev.name,
                            detail("fwd.disabled", who=ns.id), pkt)
        if ip.ttl <= 1:
            raise self.stop(ns, Disposition.TTL_EXCEEDED, dev.name,
                            detail("fwd.ttl", who=ns.id), pkt)
        route = table.lookup(ip.dst)
        if route is None or route.unreachable:
            # icmp_send() routes its error back to the source like any packet.
            back = table.lookup(ip.src) if ip.src is not None else None
            key = "route.none.fwd" if back is not None and not back.unreachable \
                else "route.none.silent"
            raise self.stop(ns, Disposition.NO_ROUTE, dev.name,
                            detail(key, dst=ip.dst, src=ip.src, who=ns.id), pkt)
        # ip_route_input() decides first; ip_forward() then decrements the TTL.
        self.step(ns, Action.ROUTE, route.dev, self._route_detail(ns, route, ip.dst), pkt)
        pkt = pkt.with_active_ip(replace(ip, ttl=ip.ttl - 1))
        self.step(ns, Action.FORWARD, route.dev,
                  detail("fwd", before=ip.ttl, after=ip.ttl - 1), pkt)
        if self.nf.applies(ns, pkt):
            self.nf.filter(ns, "FORWARD", route.dev, pkt)
        self.output(ns, route, pkt)

    def local_in(self, ns: Netns, devname: str, pkt: Packet) -> None:
        """A packet for this netns: a tunnel socket takes it, or a listener does."""
        if pkt.outer is not None:
            if pkt.outer.vni is not None:
                self.vxlan_rcv(ns, pkt)
            else:
                self.flanneld_rcv(ns, pkt)
            return
        raise self.stop(ns, Disposition.DELIVERED, devname, self._listener(ns, pkt), pkt)

    def _listener(self, ns: Netns, pkt: Packet) -> Detail:
        l4 = pkt.l4
        if self.reply:
            return detail("deliver.reply", who=ns.id)
        if l4.proto is IpProto.ICMP:
            return detail("deliver.icmp", who=ns.id)
        if ns.id.kind is NetnsKind.POD:
            pod = self.cluster.pod(ns.id.name)
            container = pod.listener(l4.dport, l4.proto.kubernetes)
            if container is not None:
                return detail("deliver.container", container=container, pod=pod.key,
                              port=f"{l4.dport}/{l4.proto}")
            return detail("deliver.undeclared", pod=pod.key, port=f"{l4.dport}/{l4.proto}")
        for svc in self.cluster.services:
            if (ns.id.kind is NetnsKind.NODE and l4.proto is IpProto.TCP
                    and l4.dport == svc.health_check_node_port):
                local = sum(1 for p in svc.ports for e in p.endpoints if e.node == ns.node)
                key = "deliver.healthcheck.ok" if local else "deliver.healthcheck.fail"
                return detail(key, svc=svc.key, count=local, who=ns.id)
        if (ns.id.kind is NetnsKind.NODE and l4.proto is IpProto.TCP
                and l4.dport == SECURE_PORT and self.cluster.node(ns.node).control_plane):
            return detail("deliver.apiserver", who=ns.id, port=f"{l4.dport}/{l4.proto}")
        for pod in self.cluster.pods_by_node.get(ns.node, ()):
            if pod.host_network and pod.listener(l4.dport, l4.proto.kubernetes):
                return detail("deliver.hostnetwork", pod=pod.key,
                              port=f"{l4.dport}/{l4.proto}", who=ns.id)
        return detail("deliver.host", who=ns.id, port=f"{l4.dport}/{l4.proto}")

    # -- vxlan -----------------------------------------------------------------------------

    def vxlan_xmit(self, ns: Netns, dev: Link, pkt: Packet) -> None:
        """vxlan_xmit: FDB lookup by inner destination MAC, then an outer IP/UDP/VXLAN."""
        assert dev.vxlan is not None and pkt.eth is not None
        self.step(ns, Action.TRANSMIT, dev.name, detail("xmit", dev=dev.name), pkt)
        entry = self.model.table(ns.id).fdb(dev.name, pkt.eth.dst)
        if entry is None or entry.dst is None:
            raise self.stop(ns, Disposition.DROPPED, dev.name,
                            detail("vxlan.nofdb", mac=pkt.eth.dst, dev=dev.name), pkt)
        self.step(ns, Action.NEIGHBOR, dev.name,
                  detail("vxlan.fdb", mac=entry.mac, dst=entry.dst, by=entry.origin), pkt)
        info = dev.vxlan
        outer = Outer(ip=IPv4(info.local, entry.dst, DEFAULT_TTL),
                      sport=_flow_port(pkt), dport=info.port, vni=info.vni)
        pkt = replace(pkt, outer=outer)
        self.step(ns, Action.ENCAPSULATE, dev.name,
                  detail("vxlan.encap", vni=info.vni, src=info.local, dst=entry.dst,
                         port=info.port), pkt)
        self.tunnel_out(ns, pkt)

    def tunnel_out(self, ns: Netns, pkt: Packet) -> None:
        """The outer packet is routed by the node's own table, like any local packet."""
        table = self.model.table(ns.id)
        route = table.lookup(pkt.active_ip.dst)
        if route is None:
            raise self.stop(ns, Disposition.NO_ROUTE, None, detail(
                "route.none", dst=pkt.active_ip.dst, who=ns.id), pkt)
        self.step(ns, Action.ROUTE, route.dev, self._route_detail(ns, route, pkt.active_ip.dst),
                  pkt)
        self.output(ns, route, pkt)

    def vxlan_rcv(self, ns: Netns, pkt: Packet) -> None:
        assert pkt.outer is not None
        dev = next((link for link in ns.links if link.vxlan is not None
                    and link.vxlan.port == pkt.outer.dport and link.vxlan.vni == pkt.outer.vni),
                   None)
        if dev is None:
            raise self.stop(ns, Disposition.REJECTED, None,
                            detail("vxlan.nosocket", port=pkt.outer.dport, vni=pkt.outer.vni),
                            pkt)
        inner = replace(pkt, outer=None)
        self.step(ns, Action.DECAPSULATE, dev.name,
                  detail("vxlan.decap", port=pkt.outer.dport, vni=pkt.outer.vni, dev=dev.name),
                  inner)
        self.receive(ns, dev.name, inner)

    # -- udp backend (flanneld's proxy) -----------------------------------------------------

    def tun_xmit(self, ns: Netns, dev: Link, pkt: Packet) -> None:
        pkt = replace(pkt, eth=None)  # a TUN device carries bare IP packets (IFF_TUN)
        self.step(ns, Action.TRANSMIT, dev.name, detail("tun.xmit", dev=dev.name), pkt)
        node = self.cluster.node(ns.node)
        lease = self.model.lease_for(pkt.ip.dst)
        if lease is None or lease is node:
            raise self.stop(ns, Disposition.NO_ROUTE, dev.name,
                            detail("tun.nolease", dst=pkt.ip.dst), pkt)
        if pkt.ip.ttl <= 1:
            raise self.stop(ns, Disposition.TTL_EXCEEDED, dev.name,
                            detail("tun.ttl"), pkt)
        inner = replace(pkt, eth=None, ip=replace(pkt.ip, ttl=pkt.ip.ttl - 1))
        outer = Outer(ip=IPv4(node.ip, lease.ip, DEFAULT_TTL), sport=udp.PORT, dport=udp.PORT)
        pkt = replace(inner, outer=outer)
        self.step(ns, Action.USERSPACE, dev.name,
                  detail("tun.encap", subnet=lease.pod_cidr, node=lease.name, dst=lease.ip,
                         port=udp.PORT, before=inner.ip.ttl + 1, after=inner.ip.ttl), pkt)
        self.tunnel_out(ns, pkt)

    def flanneld_rcv(self, ns: Netns, pkt: Packet) -> None:
        assert pkt.outer is not None
        # flanneld's proxy socket: only on a node's host netns, with the udp backend.
        listening = (self.cluster.backend is Backend.UDP and ns.id.kind is NetnsKind.NODE
                     and pkt.outer.dport == udp.PORT)
        if not listening:
            raise self.stop(ns, Disposition.REJECTED, None,
                            detail("udp.nosocket", port=pkt.outer.dport), pkt)
        if pkt.ip.ttl <= 1:
            raise self.stop(ns, Disposition.TTL_EXCEEDED, udp.DEVICE, detail("tun.ttl"), pkt)
        inner = replace(pkt, outer=None, ip=replace(pkt.ip, ttl=pkt.ip.ttl - 1))
        self.step(ns, Action.USERSPACE, udp.DEVICE,
                  detail("tun.decap", port=udp.PORT, dev=udp.DEVICE, before=pkt.ip.ttl,
                         after=inner.ip.ttl), inner)
        self.receive(ns, udp.DEVICE, inner)


def _flow_port(pkt: Packet) -> int:
    """The outer UDP source port. The kernel hashes the inner flow
    (``udp_flow_src_port``) into the ephemeral range with a per-boot random
    seed; this stand-in hashes the same fields without the seed, so a flow keeps
    one port here as it does on a live node between reboots."""
    low, high = EPHEMERAL_PORTS
    key = f"{pkt.ip.src}|{pkt.ip.dst}|{pkt.l4.proto}|{pkt.l4.sport}|{pkt.l4.dport}"
    value = 0
    for char in key.encode():
        value = (value * 131 + char) & 0xFFFFFFFF
    return low + value % (high - low + 1)

