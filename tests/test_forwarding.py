"""Traces: every step comes from a lookup in the derived state."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network

import pytest

from netmodel.errors import EndpointError
from netmodel.state.kernel import Origin, Route
from netmodel.state.model import Model
from netmodel.state.node_state import sort_routes
from netmodel.trace.hops import Action, Disposition, Trace
from netmodel.trace.tracer import trace_endpoints

from .conftest import two_nodes, two_segments


def _forward_count(trace: Trace) -> int:
    return sum(1 for s in trace.steps if s.action is Action.FORWARD)


def _vtep_mac(model: Model, node: str) -> str:
    mac = model.node_netns(node).link("flannel.1").mac  # type: ignore[union-attr]
    assert mac is not None
    return mac


def test_vxlan_inner_macs_are_the_flannel_devices_outer_are_the_nodes(vxlan: Model) -> None:
    trace = trace_endpoints(vxlan, "pod/web-1", "pod/db-1")
    assert trace.disposition is Disposition.DELIVERED
    encapsulated = [s.packet for s in trace.steps if s.packet.outer is not None]
    on_wire = [p for p in encapsulated if p.outer.eth is not None]  # type: ignore[union-attr]
    assert on_wire
    node1, node2 = vxlan.cluster.node("node-1"), vxlan.cluster.node("node-2")
    for packet in on_wire:
        outer = packet.outer
        assert outer is not None and outer.eth is not None
        assert (outer.eth.src, outer.eth.dst) == (node1.mac, node2.mac)
        assert (outer.ip.src, outer.ip.dst) == (node1.ip, node2.ip)
        assert (outer.dport, outer.vni) == (8472, 1)
        assert packet.eth is not None
        assert (packet.eth.src, packet.eth.dst) == (_vtep_mac(vxlan, "node-1"),
                                                    _vtep_mac(vxlan, "node-2"))
        assert (packet.ip.src, packet.ip.dst) == (vxlan.cluster.pod("default/web-1").ip,
                                                  vxlan.cluster.pod("default/db-1").ip)


def test_vxlan_outer_source_port_is_in_the_ephemeral_range(vxlan: Model) -> None:
    trace = trace_endpoints(vxlan, "pod/web-1", "pod/db-1")
    ports = {s.packet.outer.sport for s in trace.steps if s.packet.outer is not None}
    assert len(ports) == 1 and 32768 <= ports.pop() <= 60999


@pytest.mark.parametrize("backend", ["vxlan", "host-gw", "udp"])
def test_cross_node_pod_to_pod_is_delivered_and_reply_retraces(backend: str) -> None:
    model = Model(two_nodes(backend))
    trace = trace_endpoints(model, "pod/web-1", "pod/db-1")
    assert trace.disposition is Disposition.DELIVERED
    assert trace.path == (("node-1", "pod default/web-1"), ("node-1", "host"),
                          ("node-2", "host"), ("node-2", "pod default/db-1"))
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    assert trace.reply.path == tuple(reversed(trace.path))


def test_host_gw_next_hop_is_the_node_ip_and_nothing_is_encapsulated() -> None:
    model = Model(two_nodes("host-gw"))
    trace = trace_endpoints(model, "pod/web-1", "pod/db-1")
    assert all(s.packet.outer is None for s in trace.steps)
    node2 = model.cluster.node("node-2")
    on_node1 = trace.hops[1].steps
    neighbor = next(s for s in on_node1 if s.action is Action.NEIGHBOR and s.device == "eth0")
    assert str(node2.ip) in neighbor.detail.render("en")
    wire = next(s.packet for s in trace.hops[1].steps if s.action is Action.TRANSMIT
                and s.device == "eth0")
    assert wire.eth is not None and wire.eth.dst == node2.mac
    assert trace.final_packet.ip.ttl == 64 - _forward_count(trace) == 62


def test_udp_goes_through_flannel0_and_flanneld_on_8285() -> None:
    model = Model(two_nodes("udp"))
    trace = trace_endpoints(model, "pod/web-1", "pod/db-1")
    assert any(s.action is Action.TRANSMIT and s.device == "flannel0" for s in trace.steps)
    outer = [s.packet.outer for s in trace.steps if s.packet.outer is not None]
    assert outer and all((o.sport, o.dport, o.vni) == (8285, 8285, None) for o in outer)
    node1, node2 = model.cluster.node("node-1"), model.cluster.node("node-2")
    assert all((o.ip.src, o.ip.dst) == (node1.ip, node2.ip) for o in outer)
    # The TUN carries bare IP packets: no inner Ethernet header while tunnelled.
    assert all(s.packet.eth is None for s in trace.steps if s.packet.outer is not None)
    userspace = [s for s in trace.steps if s.action is Action.USERSPACE]
    assert len(userspace) == 2  # flanneld on each side decrements the inner TTL
    assert trace.final_packet.ip.ttl == 64 - _forward_count(trace) - len(userspace) == 60


def test_same_node_pods_talk_through_the_bridge_only(model: Model) -> None:
    trace = trace_endpoints(model, "pod/web-1", "pod/web-2")
    assert trace.disposition is Disposition.DELIVERED
    assert trace.path == (("node-1", "pod default/web-1"), ("node-1", "host"),
                          ("node-1", "pod default/web-2"))
    assert _forward_count(trace) == 0
    assert trace.final_packet.ip.ttl == 64
    assert any(s.action is Action.BRIDGE for s in trace.steps)
    assert trace.final_packet.eth is not None
    assert trace.final_packet.eth.src == model.cluster.pod("default/web-1").mac


def test_containers_of_one_pod_talk_over_localhost(model: Model) -> None:
    trace = trace_endpoints(model, "pod/web-1", "ip/127.0.0.1", port=9113)
    assert trace.disposition is Disposition.DELIVERED
    assert trace.path == (("node-1", "pod default/web-1"),)
    assert trace.hops[0].steps[-1].device == "lo"
    assert "sidecar" in trace.reason.render("en")


def test_node_to_remote_pod_with_vxlan_uses_the_flannel_dot_zero_source(vxlan: Model) -> None:
    trace = trace_endpoints(vxlan, "node/node-1", "pod/db-1")
    assert trace.disposition is Disposition.DELIVERED
    assert trace.flow.src == IPv4Address("10.244.0.0")
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED


def test_node_to_local_pod_uses_the_bridge_address(model: Model) -> None:
    trace = trace_endpoints(model, "node/node-1", "pod/web-1")
    assert trace.flow.src == IPv4Address("10.244.0.1")
    assert trace.disposition is Disposition.DELIVERED


def test_pod_to_node_is_delivered_to_the_host(model: Model) -> None:
    trace = trace_endpoints(model, "pod/web-1", "node/node-2", port=10250)
    assert trace.disposition is Disposition.DELIVERED
    assert trace.path[-1] == ("node-2", "host")


def test_hostnetwork_pod_sends_from_its_node(model: Model) -> None:
    trace = trace_endpoints(model, "pod/monitoring/exporter", "pod/web-1")
    assert trace.path[0] == ("node-2", "host")
    assert trace.disposition is Disposition.DELIVERED


def test_hostnetwork_pod_receives_on_its_node(model: Model) -> None:
    trace = trace_endpoints(model, "pod/web-1", "pod/monitoring/exporter")
    assert trace.flow.dport == 9100
    assert trace.path[-1] == ("node-2", "host")
    assert "monitoring/exporter" in trace.reason.render("en")


def test_address_no_pod_holds_is_neighbour_unreachable_on_the_far_bridge(model: Model) -> None:
    trace = trace_endpoints(model, "pod/web-1", "ip/10.244.1.99", port=80)
    assert trace.disposition is Disposition.NEIGHBOR_UNREACHABLE
    assert trace.hops[-1].node == "node-2" and trace.hops[-1].steps[-1].device == "cni0"
    assert trace.reply is None


def test_pod_traffic_to_the_internet_leaves_masqueraded_to_its_node(model: Model) -> None:
    trace = trace_endpoints(model, "pod/web-1", "ip/172.31.0.1", port=443)
    assert trace.disposition is Disposition.EXITS_CLUSTER
    assert trace.hops[-1].netns == "router"
    # flanneld's FLANNEL-POSTRTG: pod source, destination outside the Network
    assert trace.final_packet.ip.src == model.cluster.node("node-1").ip


def test_address_in_the_pod_network_with_no_node_has_no_route(model: Model,
                                                               backend: str) -> None:
    trace = trace_endpoints(model, "pod/web-1", "ip/10.244.77.7", port=443)
    assert trace.disposition is Disposition.NO_ROUTE
    if backend == "udp":  # the whole Network goes into flannel0; flanneld has no lease
        assert trace.hops[-1].netns == "host" and "flanneld" in trace.reason.render("en")
    else:  # the node's default route; the router will not send 10.244/16 to the internet
        assert trace.hops[-1].netns == "router"


def test_host_gw_across_a_router_fails_and_says_why() -> None:
    model = Model(two_segments("host-gw"))
    trace = trace_endpoints(model, "pod/pa1", "pod/pb1", port=80)
    assert trace.disposition is Disposition.NO_ROUTE
    reason = trace.reason.render("en")
    assert "Nexthop has invalid gateway" in reason and "a1" in reason
    # the same-segment pair still works
    assert trace_endpoints(model, "pod/pa1", "pod/pa2", port=80).disposition is \
        Disposition.DELIVERED


@pytest.mark.parametrize("backend", ["vxlan", "udp"])
def test_encapsulating_backends_cross_the_router(backend: str) -> None:
    model = Model(two_segments(backend))
    trace = trace_endpoints(model, "pod/pa1", "pod/pb1", port=80)
    assert trace.disposition is Disposition.DELIVERED
    assert ("underlay", "router") in trace.path
    router_hop = next(h for h in trace.hops if h.netns == "router")
    forwarded = next(s for s in router_hop.steps if s.action is Action.FORWARD)
    assert forwarded.packet.outer is not None and forwarded.packet.outer.ip.ttl == 63


def test_routing_loop_is_detected() -> None:
    model = Model(two_nodes("host-gw"))
    # What-if state (not derivable from a valid spec): each node routes a spare
    # subnet via the other, as two stale static routes would.
    spare = IPv4Network("10.244.9.0/24")
    for here, there in (("node-1", "node-2"), ("node-2", "node-1")):
        ns = model.node_netns(here)
        route = Route(spare, "eth0", Origin.PROVISIONING, via=model.cluster.node(there).ip)
        model._netns[ns.id] = replace(ns, routes=sort_routes([*ns.routes, route]))
    trace = trace_endpoints(model, "pod/web-1", "ip/10.244.9.5", port=80)
    assert trace.disposition is Disposition.LOOP


def test_unknown_endpoints_are_clear_errors(vxlan: Model) -> None:
    with pytest.raises(EndpointError, match="no pod default/nope"):
        trace_endpoints(vxlan, "pod/web-1", "pod/nope")
    with pytest.raises(EndpointError, match="no node nope"):
        trace_endpoints(vxlan, "node/nope", "pod/web-1")
    with pytest.raises(EndpointError, match="expected pod/NAME"):
        trace_endpoints(vxlan, "web-1", "pod/web-1")
    with pytest.raises(EndpointError, match="no pod, node or router"):
        trace_endpoints(vxlan, "ip/8.8.8.8", "pod/web-1")
    with pytest.raises(EndpointError, match="no service default/web"):
        trace_endpoints(vxlan, "pod/web-1", "svc/web")


def test_ping_without_port_is_an_icmp_echo(vxlan: Model) -> None:
    trace = trace_endpoints(vxlan, "node/node-1", "node/node-2")
    assert trace.flow.proto == "icmp"
    assert trace.disposition is Disposition.DELIVERED
    assert trace.reply is not None and trace.reply.final_packet.l4.sport == 0  # echo reply


def test_trace_json_has_the_contract_fields(vxlan: Model) -> None:
    data = trace_endpoints(vxlan, "pod/web-1", "pod/db-1").to_json()
    assert set(data) >= {"flow", "disposition", "hops", "reply"}
    assert set(data["flow"]) >= {"src", "dst", "proto", "sport", "dport"}
    step = data["hops"][0]["steps"][0]
    assert set(step) >= {"action", "device", "detail", "packet"}
    assert set(step["packet"]) >= {"eth", "ip", "l4", "outer"}
    encapsulated = next(s["packet"]["outer"] for h in data["hops"] for s in h["steps"]
                        if s["packet"]["outer"] is not None)
    assert set(encapsulated) >= {"eth", "ip", "udp", "vxlan"}
    assert encapsulated["vxlan"] == {"vni": 1}
    assert data["reply"]["disposition"] == "DELIVERED"


def test_details_render_in_chinese(vxlan: Model) -> None:
    trace = trace_endpoints(vxlan, "pod/web-1", "pod/db-1")
    text = " ".join(s.detail.render("zh") for s in trace.steps)
    assert "封装" in text and "路由表" in text


def test_reply_is_delivered_to_the_requesting_socket(vxlan: Model) -> None:
    trace = trace_endpoints(vxlan, "pod/web-1", "pod/db-1")
    assert trace.reply is not None
    assert trace.reply.reason.key == "deliver.reply"
    assert trace.reply.final_packet.l4.dport == trace.flow.sport
