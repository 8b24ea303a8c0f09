"""The device graph (networkx): every device of some nodes and the links between them.

Veth pairs, bridge ports, a tunnel's underlay device, NICs on their segments,
the router's legs: the picture the topology and path diagrams draw. It is built
for the nodes a diagram shows, never for the whole cluster at once (the
underlay alone is :mod:`netmodel.state.underlay`). Packet paths never come from this
graph: they come from kernel lookups (:mod:`netmodel.trace.forwarding`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netmodel.state.kernel import LinkKind
from netmodel.state.l2_domain import L2Domain
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.state.node_state import UPLINK

__all__ = ["device_graph", "device_id"]


def device_id(netns: NetnsId, dev: str) -> str:
    """A device's vertex (and, through the views, its DOT id): ``node:node-1/eth0``.
    The vertex's ``netns`` and ``dev`` attributes hold the parts: read those."""
    return f"{netns}/{dev}"


def device_graph(model: Model, nodes: Iterable[str]) -> Any:
    """Devices of the given nodes (host and pod netns) and every link between them,
    plus the segments and the router they connect to."""
    import networkx as nx  # on first use: ~50 ms, and only the topology view needs it

    graph = nx.Graph()
    cluster = model.cluster
    for name in nodes:
        host = model.node_netns(name)
        for link in host.links:
            if link.kind is LinkKind.LOOPBACK:
                continue
            me = device_id(host.id, link.name)
            graph.add_node(me, netns=host.id, node=name, dev=link.name, kind=str(link.kind))
            if link.master is not None:
                graph.add_edge(me, device_id(host.id, link.master), kind="bridge-port")
            if link.vxlan is not None:
                graph.add_edge(me, device_id(host.id, link.vxlan.dev), kind="tunnel-underlay")
            if link.kind is LinkKind.TUN:
                graph.add_edge(me, device_id(host.id, "eth0"), kind="flanneld")
            if link.kind is LinkKind.VETH and link.peer_netns and link.peer_name:
                pod = model.netns(link.peer_netns)
                peer = device_id(pod.id, link.peer_name)
                graph.add_node(peer, netns=pod.id, node=name, dev=link.peer_name, kind="veth")
                graph.add_edge(me, peer, kind="veth-pair")
        segment = str(L2Domain.segment(cluster.node(name).segment))
        graph.add_node(segment, kind="segment")
        graph.add_edge(device_id(host.id, "eth0"), segment, kind="wire")
    router = NetnsId.router()
    for i, seg in enumerate(cluster.underlay.segments):
        segment = str(L2Domain.segment(seg.name))
        if segment in graph:
            graph.add_node(device_id(router, f"eth{i}"), netns=router,
                           node="underlay", dev=f"eth{i}", kind="ethernet")
            graph.add_edge(device_id(router, f"eth{i}"), segment, kind="wire")
    graph.add_node(device_id(router, UPLINK), netns=router, node="underlay",
                   dev=UPLINK, kind="ethernet")
    return graph
