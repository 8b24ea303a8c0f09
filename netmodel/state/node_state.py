"""Derive the kernel state of each netns, as flannel and the CNI program it.

A node's host netns: ``lo``; ``eth0`` on its underlay segment with a default
route via the segment's router; the backend's device (``flannel.1`` or
``flannel0``); the ``cni0`` bridge at the subnet's .1, created by the bridge
plugin on the node's first pod; one veth pair per pod. Then, per remote lease,
what the backend programs. A pod's netns: ``lo`` and ``eth0`` with the routes
the bridge plugin adds (``isDefaultGateway`` and a route to the whole Network).

Every function here is pure; :class:`netmodel.state.model.Model` caches the results
per node, so nothing is derived for nodes a question does not touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from netmodel.spec.addressing import derive_mac, netns_name, veth_name
from netmodel.spec.cluster import Backend, Cluster, Node, Pod
from netmodel.state.backends import backend_for, pod_mtu
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.kernel import (
    Address,
    FdbEntry,
    Link,
    LinkKind,
    Neighbor,
    Netns,
    Origin,
    RejectedRoute,
    Route,
)
from netmodel.state.netns_id import NetnsId
from netmodel.state.underlay import l2_components

__all__ = [
    "BRIDGE",
    "derive_external",
    "derive_node",
    "derive_pod",
    "derive_router",
    "load_balancer_targets",
    "sort_routes",
]

BRIDGE = "cni0"  # the bridge plugin's defaultBrName
LOOPBACK = IPv4Interface("127.0.0.1/8")

# Multicast addresses each device's own (``self``) FDB lists, as iproute2 6.1
# prints them on kernel 6.x with IPv6 disabled: all-hosts for IPv4 and IPv6,
# and on a bridge (multicast snooping on) the all-routers groups as well.
_DEVICE_MCAST = ("33:33:00:00:00:01", "01:00:5e:00:00:01")
_BRIDGE_MCAST = ("33:33:00:00:00:01", "01:00:5e:00:00:6a", "33:33:00:00:00:6a",
                 "01:00:5e:00:00:01")


def sort_routes(routes: list[Route]) -> tuple[Route, ...]:
    """The order ``ip route`` prints: the FIB trie's key order, longest prefix first."""
    return tuple(sorted(routes, key=lambda r: (int(r.dst.network_address), -r.dst.prefixlen)))


def _loopback() -> tuple[Link, Address]:
    return (Link(1, "lo", LinkKind.LOOPBACK, "00:00:00:00:00:00", 65536, Origin.KERNEL),
            Address("lo", LOOPBACK, Origin.KERNEL, scope="host"))


def _connected(address: Address) -> Route:
    """The prefix route the kernel adds with an address (``proto kernel scope link``)."""
    return Route(address.interface.network, address.dev, address.origin, src=address.ip,
                 proto_kernel=True)


def _pods_with_netns(cluster: Cluster, node: str) -> tuple[Pod, ...]:
    return tuple(p for p in cluster.pods_by_node[node] if not p.host_network)


def derive_node(cluster: Cluster, node: Node,
                shared: dict[tuple[str, bool], RemoteEntries] | None = None,
                l2: Mapping[str, int] | None = None) -> Netns:
    """The host netns of ``node``. ``shared`` memoizes what flanneld programs for
    each remote lease: the same entries on every node (for host-gw, on every node
    of the same L2 domain), so 5,000 nodes need not build 5,000 copies each.
    ``l2`` is the underlay's :func:`l2_components` (host-gw asks it of every
    remote node); made here when not given."""
    mtu = cluster.underlay.mtu
    segment = cluster.underlay.segment(node.segment)
    lo, lo_addr = _loopback()
    links = [lo, Link(2, "eth0", LinkKind.ETHERNET, node.mac, mtu, Origin.PROVISIONING)]
    eth0_addr = Address("eth0", IPv4Interface(f"{node.ip}/{segment.cidr.prefixlen}"),
                        Origin.PROVISIONING)
    addresses = [lo_addr, eth0_addr]
    routes = [Route(IPv4Network("0.0.0.0/0"), "eth0", Origin.PROVISIONING,
                    via=segment.router_ip), _connected(eth0_addr)]
    fdb = [FdbEntry(mac, "eth0", Origin.KERNEL) for mac in _DEVICE_MCAST]

    backend = backend_for(cluster.backend)
    own = backend.device(node, mtu, len(links) + 1)
    if own is not None:
        links.append(own[0])
        addresses.append(own[1])
    routes.extend(backend.network_routes(cluster.cluster_cidr))

    pods = _pods_with_netns(cluster, node.name)
    if pods:
        bridge_index = len(links) + 1
        bridge_mac = derive_mac("node", node.name, BRIDGE)
        pod_mtu_ = pod_mtu(cluster.backend, mtu)
        links.append(Link(bridge_index, BRIDGE, LinkKind.BRIDGE, bridge_mac, pod_mtu_,
                          Origin.CNI))
        gateway = Address(BRIDGE, IPv4Interface(f"{node.pod_cidr.network_address + 1}/"
                                                f"{node.pod_cidr.prefixlen}"), Origin.CNI)
        addresses.append(gateway)
        routes.append(_connected(gateway))
        fdb.extend(FdbEntry(mac, BRIDGE, Origin.KERNEL) for mac in _BRIDGE_MCAST)
        fdb.append(FdbEntry(bridge_mac, BRIDGE, Origin.KERNEL, master=BRIDGE))
        for port_no, pod in enumerate(pods, start=1):
            name = veth_name(node.name, pod.key)
            mac = derive_mac("veth", node.name, pod.key)
            links.append(Link(bridge_index + port_no, name, LinkKind.VETH, mac, pod_mtu_,
                              Origin.CNI, master=BRIDGE, port_no=port_no, hairpin=True,
                              peer_netns=NetnsId.pod(pod.key), peer_index=2,
                              peer_name="eth0", link_netns=netns_name(pod.key)))
            # Learned when the pod announced itself (the bridge plugin sends a
            # gratuitous ARP on ADD); dynamic, so no "permanent".
            fdb.append(FdbEntry(pod.mac, name, Origin.KERNEL, master=BRIDGE,
                                permanent=False))
            fdb.append(FdbEntry(mac, name, Origin.KERNEL, master=BRIDGE))
            fdb.extend(FdbEntry(m, name, Origin.KERNEL) for m in _DEVICE_MCAST)

    remote = _remote_entries(cluster, node, {} if shared is None else shared, l2)
    routes.extend(remote.routes)
    # The vxlan device's FDB lines come right after eth0's in the dump (ifindex order).
    fdb[len(_DEVICE_MCAST):len(_DEVICE_MCAST)] = remote.fdb
    return Netns(
        id=NetnsId.node(node.name), node=node.name, label="host",
        links=tuple(links), addresses=tuple(addresses), routes=sort_routes(routes),
        neighbors=tuple(sorted(remote.neighbors, key=lambda n: int(n.ip))),
        fdb=tuple(fdb), ip_forward=True, rejected=remote.rejected,
    )


def _remote_entries(cluster: Cluster, node: Node,
                    shared: dict[tuple[str, bool], RemoteEntries],
                    l2: Mapping[str, int] | None) -> RemoteEntries:
    """What flanneld programs for every other node's lease (none for udp:
    its lease table lives in the userspace proxy)."""
    if cluster.backend is Backend.UDP:
        return RemoteEntries()
    routes: list[Route] = []
    neighbors: list[Neighbor] = []
    fdb: list[FdbEntry] = []
    rejected: list[RejectedRoute] = []
    if cluster.backend is Backend.HOST_GW and l2 is None:
        l2 = l2_components(cluster)
    for remote in cluster.nodes:
        if remote is node:
            continue
        on_link = cluster.backend is Backend.VXLAN or (
            l2 is not None and l2[node.name] == l2[remote.name])
        entries = shared.get((remote.name, on_link))
        if entries is None:
            entries = backend_for(cluster.backend).remote_entries(node, remote, on_link)
            shared[(remote.name, on_link)] = entries
        routes.extend(entries.routes)
        neighbors.extend(entries.neighbors)
        fdb.extend(entries.fdb)
        rejected.extend(entries.rejected)
    return RemoteEntries(tuple(routes), tuple(neighbors), tuple(fdb), tuple(rejected))


def derive_pod(cluster: Cluster, pod: Pod, host_veth_index: int) -> Netns:
    """The netns of a (non-hostNetwork) pod, shared by all its containers."""
    node = cluster.node(pod.node)
    lo, lo_addr = _loopback()
    eth0 = Link(2, "eth0", LinkKind.VETH, pod.mac, pod_mtu(cluster.backend, cluster.underlay.mtu),
                Origin.CNI, peer_netns=NetnsId.node(node.name), peer_index=host_veth_index,
                peer_name=veth_name(node.name, pod.key))
    address = Address("eth0", IPv4Interface(f"{pod.ip}/{node.pod_cidr.prefixlen}"), Origin.CNI)
    gateway = node.pod_cidr.network_address + 1
    routes = [
        _connected(address),
        Route(IPv4Network("0.0.0.0/0"), "eth0", Origin.CNI, via=gateway),
        Route(cluster.cluster_cidr, "eth0", Origin.CNI, via=gateway),
    ]
    return Netns(
        id=NetnsId.pod(pod.key), node=node.name, label=f"pod {pod.key}",
        links=(lo, eth0), addresses=(lo_addr, address), routes=sort_routes(routes),
        fdb=tuple(FdbEntry(mac, "eth0", Origin.KERNEL) for mac in _DEVICE_MCAST),
    )


UPLINK = "wan0"
UPLINK_ADDRESS = IPv4Interface("203.0.113.1/32")  # RFC 5737 documentation range


def derive_external(address: IPv4Address) -> Netns:
    """A client beyond the router's uplink: one address, a route back via the router."""
    lo, lo_addr = _loopback()
    eth0 = Link(2, "eth0", LinkKind.ETHERNET, derive_mac("external", str(address)), 1500,
                Origin.PROVISIONING)
    own = Address("eth0", IPv4Interface(f"{address}/32"), Origin.PROVISIONING)
    route = Route(IPv4Network("0.0.0.0/0"), "eth0", Origin.PROVISIONING,
                  via=UPLINK_ADDRESS.ip, onlink=True)
    return Netns(id=NetnsId.external(address), node="internet",
                 label=f"external {address}", links=(lo, eth0), addresses=(lo_addr, own),
                 routes=(route,), fdb=_device_multicast(("eth0",)))


def load_balancer_targets(cluster: Cluster) -> list[tuple[IPv4Address, Node]]:
    """Which node the network sends each LoadBalancer IP and external IP to.

    A cloud load balancer sends only to nodes its health check finds healthy;
    with externalTrafficPolicy Local that is the nodes with a local endpoint
    (kube-proxy answers 200 on healthCheckNodePort there, 503 elsewhere). Of
    those the first in spec order stands for the pool. External IPs are routed
    by the network's owner; here to the first node."""
    targets: list[tuple[IPv4Address, Node]] = []
    for svc in cluster.services:
        local_nodes = {e.node for p in svc.ports for e in p.endpoints}
        healthy = [n for n in cluster.nodes
                   if svc.health_check_node_port is None or n.name in local_nodes]
        if svc.load_balancer_ip is not None and healthy:
            targets.append((svc.load_balancer_ip, healthy[0]))
        targets.extend((ip, cluster.nodes[0]) for ip in svc.external_ips)
    return targets


def derive_router(cluster: Cluster) -> Netns:
    """The underlay router: one leg (.1) on every segment, forwarding between them,
    and an uplink towards everything outside (external clients, the internet)."""
    lo, lo_addr = _loopback()
    links = [lo]
    addresses = [lo_addr]
    for i, segment in enumerate(cluster.underlay.segments):
        name = f"eth{i}"
        links.append(Link(i + 2, name, LinkKind.ETHERNET, derive_mac("router", segment.name),
                          cluster.underlay.mtu, Origin.PROVISIONING))
        addresses.append(Address(name, IPv4Interface(f"{segment.router_ip}/"
                                                     f"{segment.cidr.prefixlen}"),
                                 Origin.PROVISIONING))
    routes = [_connected(a) for a in addresses[1:]]
    links.append(Link(len(links) + 1, UPLINK, LinkKind.ETHERNET, derive_mac("router", UPLINK),
                      cluster.underlay.mtu, Origin.PROVISIONING))
    addresses.append(Address(UPLINK, UPLINK_ADDRESS, Origin.PROVISIONING))
    routes.append(Route(IPv4Network("0.0.0.0/0"), UPLINK, Origin.PROVISIONING))
    # An edge router does not send the cluster's private ranges to the internet.
    routes.extend(Route(net, "lo", Origin.PROVISIONING, unreachable=True)
                  for net in (cluster.cluster_cidr, cluster.service_cidr))
    for ip, node in load_balancer_targets(cluster):
        leg = next(i for i, seg in enumerate(cluster.underlay.segments)
                   if seg.name == node.segment)
        routes.append(Route(IPv4Network(f"{ip}/32"), f"eth{leg}", Origin.LOAD_BALANCER,
                            via=node.ip))
    return Netns(id=NetnsId.router(), node="underlay", label="router", links=tuple(links),
                 addresses=tuple(addresses), routes=sort_routes(routes), ip_forward=True,
                 fdb=_device_multicast(link.name for link in links[1:]))


def _device_multicast(devices: Iterable[str]) -> tuple[FdbEntry, ...]:
    """The all-hosts multicast MACs every Ethernet device lists in ``bridge fdb``
    (IPv6's 33:33:00:00:00:01 even with IPv6 disabled, and IPv4's 01:00:5e:00:00:01)."""
    return tuple(FdbEntry(mac, dev, Origin.KERNEL) for dev in devices for mac in _DEVICE_MCAST)
