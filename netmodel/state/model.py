"""The model of one cluster: its spec, and kernel state derived on demand.

State is derived lazily per netns and cached here; a question about two nodes
of a 5,000-node cluster derives those two nodes and nothing else. Indexes over
the whole cluster (who owns an IP, which node leases a subnet) are built once,
in linear time, the first time they are needed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from ipaddress import IPv4Address
from typing import TypeVar

from netmodel.errors import InputError
from netmodel.spec.cluster import Backend, Cluster, Node, Pod
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.kernel import LinkKind, Netns
from netmodel.state.l2_domain import L2Domain, L2Kind
from netmodel.state.netfilter import Ruleset
from netmodel.state.netns_id import NetnsId, NetnsKind
from netmodel.state.node_rules import KubeProxyPart, kube_proxy_part, local_signature, node_ruleset
from netmodel.state.node_state import (
    BRIDGE,
    UPLINK,
    derive_external,
    derive_node,
    derive_pod,
    derive_router,
)
from netmodel.state.observed import NodeState
from netmodel.state.routing import RouteTable
from netmodel.state.underlay import l2_components

__all__ = ["L2Port", "Model"]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class L2Port:
    """A station on an L2 domain: the netns and device that answer for an address
    (the netns is also who details say answers: it renders as "node node-1")."""

    netns: NetnsId
    dev: str
    mac: str
    ip: IPv4Address | None


class Model:
    """Derived state of a cluster, cached per netns. Not thread-safe by design:
    each front end (CLI run, MkDocs build) owns its own.

    The caches keep the ``cache_size`` most recently used netns (and node
    rulesets): a question touches a handful, and a long-lived process (mkdocs
    serve) walking a 5,000-node cluster must not grow without bound.

    ``overrides`` replaces the derived host netns and iptables of the nodes it
    names with observed ones (``netmodel trace --state``): every walk crossing
    such a node goes through what its kernel really holds."""

    def __init__(self, cluster: Cluster, cache_size: int = 1024,
                 overrides: Mapping[str, NodeState] | None = None) -> None:
        self.cluster = cluster
        self.cache_size = cache_size
        for name in overrides or {}:
            if name not in cluster.nodes_by_name:
                raise InputError("node", name, "is not a node of the spec")
        self.overrides: Mapping[str, NodeState] = dict(overrides or {})
        self._netns: OrderedDict[NetnsId, Netns] = OrderedDict()
        self._tables: dict[NetnsId, RouteTable] = {}
        self._pods_by_ip: dict[IPv4Address, Pod] | None = None
        self._nodes_by_ip: dict[IPv4Address, Node] | None = None
        self._leases: dict[int, dict[int, Node]] | None = None
        self._rulesets: OrderedDict[str, Ruleset] = OrderedDict()
        self._kube_parts: dict[object, KubeProxyPart] = {}
        self._remote_entries: dict[tuple[str, bool], RemoteEntries] = {}
        self._domains: dict[L2Domain, tuple[dict[str, L2Port], dict[IPv4Address, L2Port]]] = {}
        # Who answers ARP on the wan beyond the router's uplink: the clients
        # declared for the whole model (a lab's, which really exist) and the ones
        # the walk being traced names. Never the ones earlier questions named: a
        # walk must not depend on what was asked before it, nor on the cache.
        self._clients: tuple[IPv4Address, ...] = ()
        self._asked: tuple[IPv4Address, ...] = ()
        self._memos: dict[type, object] = {}
        self._l2: dict[str, int] | None = None

    def with_overrides(self, overrides: Mapping[str, NodeState]) -> Model:
        """A Model of the same cluster with ``overrides``, sharing this one's
        caches of what every node derives alike and no override changes (the
        kube-proxy rules of each local-endpoint signature, the entries flanneld
        programs per lease): a diff builds the model's and the captured view of
        a 10,000-Service cluster without generating its rules twice."""
        other = Model(self.cluster, self.cache_size, overrides)
        other._kube_parts = self._kube_parts
        other._remote_entries = self._remote_entries
        other._clients = self._clients
        return other

    # -- external clients ---------------------------------------------------------

    def declare_clients(self, addresses: Iterable[IPv4Address]) -> None:
        """External clients present for every walk of this model (the lab's, which
        exist as real netns beyond the uplink and answer ARP there)."""
        self._clients = tuple(dict.fromkeys((*self._clients, *addresses)))

    @contextmanager
    def walking(self, clients: Iterable[IPv4Address]) -> Iterator[None]:
        """While a walk that names ``clients`` (``external/ADDR``) is traced,
        they are on the wan too; afterwards they are gone again."""
        saved = self._asked
        self._asked = tuple(dict.fromkeys((*saved, *clients)))
        try:
            yield
        finally:
            self._asked = saved

    # -- netns -----------------------------------------------------------------

    def netns(self, netns_id: NetnsId) -> Netns:
        found = self._netns.get(netns_id)
        if found is None:
            found = self._derive(netns_id)
            self._netns[netns_id] = found
            if len(self._netns) > self.cache_size:
                evicted, _ = self._netns.popitem(last=False)
                self._tables.pop(evicted, None)
        else:
            self._netns.move_to_end(netns_id)
        return found

    def _derive(self, netns_id: NetnsId) -> Netns:
        kind, name = netns_id.kind, netns_id.name
        if kind is NetnsKind.ROUTER:
            return derive_router(self.cluster)
        if kind is NetnsKind.NODE:
            observed = self.overrides.get(name)
            if observed is not None:
                return observed.netns
            # Only host-gw asks which nodes share an L2 domain.
            l2 = self.l2_components() if self.cluster.backend is Backend.HOST_GW else None
            return derive_node(self.cluster, self.cluster.node(name), self._remote_entries, l2)
        if kind is NetnsKind.EXTERNAL:
            return derive_external(netns_id.address)
        pod = self.cluster.pod(name)
        host = self.node_netns(pod.node)
        veth = next((link for link in host.links if link.peer_netns == netns_id), None)
        if veth is None:  # an observed node without this pod's veth: eth0 leads nowhere
            return derive_pod(self.cluster, pod, 0)
        derived = derive_pod(self.cluster, pod, veth.index)
        if pod.node in self.overrides:
            # The observed veth keeps its real name (the CNI's random one).
            eth0 = replace(derived.links[1], peer_name=veth.name)
            derived = replace(derived, links=(derived.links[0], eth0, *derived.links[2:]))
        return derived

    @property
    def derived(self) -> tuple[NetnsId, ...]:
        """The netns derived so far, in the order they were needed."""
        return tuple(self._netns)

    def node_netns(self, name: str) -> Netns:
        return self.netns(NetnsId.node(name))

    def pod_netns(self, pod: Pod) -> Netns:
        """A pod's netns; a hostNetwork pod shares its node's."""
        if pod.host_network:
            return self.node_netns(pod.node)
        return self.netns(NetnsId.pod(pod.key))

    def ruleset(self, node: str) -> Ruleset:
        """The iptables rules of a node (kube-proxy, kubelet, flanneld), cached."""
        observed = self.overrides.get(node)
        if observed is not None:
            return observed.ruleset
        found = self._rulesets.get(node)
        if found is None:
            spec = self.cluster.node(node)
            signature = local_signature(self.cluster, node)
            part = self._kube_parts.get(signature)
            if part is None:
                part = self._kube_parts[signature] = kube_proxy_part(self.cluster, spec)
            found = node_ruleset(self.cluster, spec, part)
            self._rulesets[node] = found
            if len(self._rulesets) > self.cache_size:
                self._rulesets.popitem(last=False)
        else:
            self._rulesets.move_to_end(node)
        return found

    def table(self, netns_id: NetnsId) -> RouteTable:
        found = self._tables.get(netns_id)
        if found is None or found.netns is not self.netns(netns_id):
            found = RouteTable(self.netns(netns_id))
            self._tables[netns_id] = found
        return found

    def memo(self, kind: type[_T]) -> _T:
        """This Model's instance of ``kind``, made on first use: a cache a later
        stage keeps (the trace stage's chain indexes) lives and dies with the
        state it was built from, never at module level where it would keep
        every cluster a long ``mkdocs serve`` has loaded."""
        found = self._memos.get(kind)
        if found is None:
            found = self._memos[kind] = kind()
        assert isinstance(found, kind)
        return found

    # -- cluster-wide indexes ---------------------------------------------------

    def pod_by_ip(self, ip: IPv4Address) -> Pod | None:
        if self._pods_by_ip is None:
            self._pods_by_ip = {p.ip: p for p in self.cluster.pods if not p.host_network}
        return self._pods_by_ip.get(ip)

    def node_by_ip(self, ip: IPv4Address) -> Node | None:
        if self._nodes_by_ip is None:
            self._nodes_by_ip = {n.ip: n for n in self.cluster.nodes}
        return self._nodes_by_ip.get(ip)

    def l2_components(self) -> dict[str, int]:
        """Each underlay vertex's L2 domain (:func:`l2_components`), built once."""
        if self._l2 is None:
            self._l2 = l2_components(self.cluster)
        return self._l2

    def lease_for(self, ip: IPv4Address) -> Node | None:
        """The node whose podCIDR (flannel lease) holds ``ip``."""
        if self._leases is None:
            leases: dict[int, dict[int, Node]] = {}
            for node in self.cluster.nodes:
                leases.setdefault(node.pod_cidr.prefixlen, {})[
                    int(node.pod_cidr.network_address)] = node
            self._leases = leases
        value = int(ip)
        for length, nets in self._leases.items():
            mask = (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
            found = nets.get(value & mask)
            if found is not None:
                return found
        return None

    # -- L2 domains ---------------------------------------------------------------

    def l2_domain(self, netns: Netns, dev: str) -> L2Domain | None:
        """The broadcast domain a device sits on: a node's cni0, a segment, the wan."""
        link = netns.link(dev)
        if link is None:
            return None
        if link.kind is LinkKind.BRIDGE or link.master == BRIDGE:
            return L2Domain.bridge(netns.node)
        if link.kind is LinkKind.VETH and link.peer_netns is not None:
            return L2Domain.bridge(netns.node)  # a pod's eth0: its peer is a cni0 port
        if link.kind is LinkKind.ETHERNET:
            if link.name == UPLINK or netns.id.kind is NetnsKind.EXTERNAL:
                return L2Domain.wan()
            if netns.id.kind is NetnsKind.ROUTER:
                return L2Domain.segment(self.cluster.underlay.segments[link.index - 2].name)
            return L2Domain.segment(self.cluster.node(netns.node).segment)
        return None

    def _domain(self, domain: L2Domain
                ) -> tuple[dict[str, L2Port], dict[IPv4Address, L2Port]]:
        if domain.kind is L2Kind.WAN:  # external clients come with the questions asked
            ports = self._uplink_stations()
            return {p.mac: p for p in ports}, {p.ip: p for p in ports if p.ip is not None}
        found = self._domains.get(domain)
        if found is None:
            ports = self._stations(domain)
            found = ({p.mac: p for p in ports},
                     {p.ip: p for p in ports if p.ip is not None})
            self._domains[domain] = found
        return found

    def station(self, domain: L2Domain, mac: str) -> L2Port | None:
        """The station that owns ``mac`` on ``domain`` (where a unicast frame lands)."""
        return self._domain(domain)[0].get(mac)

    def _stations(self, domain: L2Domain) -> list[L2Port]:
        name = domain.name
        ports: list[L2Port] = []
        if domain.kind is L2Kind.BRIDGE:
            host = self.node_netns(name)
            bridge = host.link(BRIDGE)
            gateway = next((a.ip for a in host.addresses if a.dev == BRIDGE), None)
            if bridge is not None and bridge.mac is not None:
                ports.append(L2Port(host.id, BRIDGE, bridge.mac, gateway))
            for pod in self.cluster.pods_by_node[name]:
                if not pod.host_network:
                    ports.append(L2Port(NetnsId.pod(pod.key), "eth0", pod.mac, pod.ip))
        else:
            for node in self.cluster.nodes:
                if node.segment == name:
                    ports.append(L2Port(NetnsId.node(node.name), "eth0", node.mac, node.ip))
            router = self.netns(NetnsId.router())
            for i, segment in enumerate(self.cluster.underlay.segments):
                if segment.name == name:
                    leg = router.links[i + 1]
                    assert leg.mac is not None
                    ports.append(L2Port(router.id, leg.name, leg.mac, segment.router_ip))
        return ports

    def _uplink_stations(self) -> list[L2Port]:
        router = self.netns(NetnsId.router())
        uplink = router.link(UPLINK)
        assert uplink is not None and uplink.mac is not None
        address = next(a.ip for a in router.addresses if a.dev == UPLINK)
        ports = [L2Port(router.id, UPLINK, uplink.mac, address)]
        for address in dict.fromkeys((*self._clients, *self._asked)):
            # Derived afresh rather than through netns(): asking who is on the wan
            # must not reorder (or evict from) the cache.
            client = derive_external(address)
            eth0 = client.link("eth0")
            assert eth0 is not None and eth0.mac is not None
            ports.append(L2Port(client.id, "eth0", eth0.mac, address))
        return ports

    def arp(self, domain: L2Domain, ip: IPv4Address) -> L2Port | None:
        """Who answers an ARP request for ``ip`` on ``domain``."""
        return self._domain(domain)[1].get(ip)
