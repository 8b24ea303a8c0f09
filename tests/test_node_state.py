"""Derived kernel state: what flannel and the CNI program, per backend."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

import pytest

from netmodel.spec.load import parse_spec
from netmodel.state.kernel import LinkKind
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId

from .conftest import two_nodes, two_segments


@pytest.mark.parametrize(("backend", "device", "mtu"), [
    ("vxlan", "flannel.1", 1450),  # 1500 - (20 IP + 8 UDP + 8 VXLAN + 14 inner Ethernet)
    ("udp", "flannel0", 1472),  # 1500 - (20 IP + 8 UDP)
    ("host-gw", None, 1500),  # no encapsulation
])
def test_pod_mtu_is_underlay_mtu_minus_backend_overhead(backend: str, device: str | None,
                                                        mtu: int) -> None:
    model = Model(two_nodes(backend))
    host = model.node_netns("node-1")
    assert host.link("cni0").mtu == mtu  # type: ignore[union-attr]
    assert model.pod_netns(model.cluster.pod("default/web-1")).link("eth0").mtu == mtu  # type: ignore[union-attr]
    if device is not None:
        assert host.link(device).mtu == mtu  # type: ignore[union-attr]
    assert host.link("eth0").mtu == 1500  # type: ignore[union-attr]


def test_jumbo_underlay_gives_8950_with_vxlan() -> None:
    cluster = parse_spec("cluster: {underlay: {mtu: 9000}}\nnodes: [{name: n}]\n"
                         "pods: [{name: p, node: n}]\n")
    assert Model(cluster).node_netns("n").link("flannel.1").mtu == 8950  # type: ignore[union-attr]


def test_vxlan_device_holds_the_subnet_network_address_as_32(vxlan: Model) -> None:
    host = vxlan.node_netns("node-2")
    addresses = [a.interface for a in host.addresses if a.dev == "flannel.1"]
    assert addresses == [IPv4Interface("10.244.1.0/32")]
    info = host.link("flannel.1").vxlan  # type: ignore[union-attr]
    assert info is not None
    assert (info.vni, info.port, info.learning, info.local) == (
        1, 8472, False, IPv4Address("192.168.56.12"))


def test_vxlan_programs_arp_fdb_and_onlink_route_per_remote_node(vxlan: Model) -> None:
    host = vxlan.node_netns("node-1")
    remote = vxlan.cluster.node("node-2")
    (neighbor,) = host.neighbors
    assert (neighbor.ip, neighbor.dev, neighbor.mac, neighbor.state) == (
        remote.pod_cidr.network_address, "flannel.1", remote.vtep_mac, "PERMANENT")
    fdb = [f for f in host.fdb if f.dev == "flannel.1"]
    assert [(f.mac, f.dst, f.master, f.permanent) for f in fdb] == [
        (remote.vtep_mac, remote.ip, None, True)]
    route = next(r for r in host.routes if r.dst == remote.pod_cidr)
    assert (route.via, route.dev, route.onlink) == (remote.pod_cidr.network_address,
                                                    "flannel.1", True)


def test_host_gw_routes_remote_subnet_via_node_ip() -> None:
    model = Model(two_nodes("host-gw"))
    host = model.node_netns("node-1")
    remote = model.cluster.node("node-2")
    route = next(r for r in host.routes if r.dst == remote.pod_cidr)
    assert (route.via, route.dev, route.onlink) == (remote.ip, "eth0", False)
    assert host.neighbors == ()
    assert all(link.kind is not LinkKind.VXLAN for link in host.links)


def test_udp_has_one_route_for_the_whole_network_via_tun() -> None:
    model = Model(two_nodes("udp"))
    host = model.node_netns("node-1")
    tun = host.link("flannel0")
    assert tun is not None and tun.kind is LinkKind.TUN and tun.mac is None
    flannel_routes = [r for r in host.routes if r.dev == "flannel0"]
    assert [str(r.dst) for r in flannel_routes] == ["10.244.0.0/16"]
    assert [a.interface for a in host.addresses if a.dev == "flannel0"] == [
        IPv4Interface("10.244.0.0/32")]


def test_node_routes_local_subnet_to_cni0_from_dot_one(model: Model) -> None:
    host = model.node_netns("node-1")
    route = next(r for r in host.routes if r.dst == IPv4Network("10.244.0.0/24"))
    assert (route.dev, route.src, route.proto_kernel) == ("cni0", IPv4Address("10.244.0.1"),
                                                          True)


def test_pod_netns_has_default_via_bridge_and_route_to_network(model: Model) -> None:
    pod = model.pod_netns(model.cluster.pod("default/web-1"))
    assert [str(r) for r in pod.routes] == [
        "default via 10.244.0.1 dev eth0",
        "10.244.0.0/24 dev eth0 proto kernel scope link src 10.244.0.2",
        "10.244.0.0/16 via 10.244.0.1 dev eth0",
    ]
    assert not pod.ip_forward


def test_one_veth_per_pod_attached_to_cni0_with_hairpin(model: Model) -> None:
    host = model.node_netns("node-1")
    veths = [link for link in host.links if link.kind is LinkKind.VETH]
    assert len(veths) == 2  # web-1, web-2
    for veth in veths:
        assert veth.name.startswith("veth") and len(veth.name) == 12
        assert veth.master == "cni0" and veth.hairpin
        pod_ns = model.netns(veth.peer_netns)  # type: ignore[arg-type]
        eth0 = pod_ns.link("eth0")
        assert eth0 is not None and eth0.peer_index == veth.index


def test_bridge_fdb_knows_each_local_pod_mac_behind_its_veth(model: Model) -> None:
    host = model.node_netns("node-1")
    for pod in model.cluster.pods_by_node["node-1"]:
        entry = next(f for f in host.fdb if f.mac == pod.mac)
        port = host.link(entry.dev)
        assert port is not None and port.peer_netns == NetnsId.pod(pod.key)
        assert entry.master == "cni0" and not entry.permanent


def test_no_cni0_on_a_node_without_pods() -> None:
    cluster = parse_spec("nodes: [{name: n1}, {name: n2}]\npods: [{name: p, node: n1}]\n")
    host = Model(cluster).node_netns("n2")
    assert host.link("cni0") is None
    assert all(r.dev != "cni0" for r in host.routes)


def test_host_gw_across_segments_records_the_refused_route() -> None:
    model = Model(two_segments("host-gw"))
    host = model.node_netns("a1")
    assert [str(r.route.dst) for r in host.rejected] == [
        str(model.cluster.node("b1").pod_cidr)]
    assert "Nexthop has invalid gateway" in host.rejected[0].reason.render("en")
    assert "内核拒绝" in host.rejected[0].reason.render("zh")
    same_segment = model.cluster.node("a2").pod_cidr
    assert any(r.dst == same_segment for r in host.routes)


def test_state_is_derived_lazily_per_node() -> None:
    cluster = parse_spec("nodes: [{name: n1}, {name: n2}, {name: n3}]\n"
                         "pods: [{name: p, node: n1}, {name: q, node: n3}]\n")
    model = Model(cluster)
    model.node_netns("n1")
    assert model.derived == (NetnsId.node("n1"),)
    assert model.node_netns("n1") is model.node_netns("n1")
