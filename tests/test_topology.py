"""The networkx pictures: the underlay's L2 domains and a node's device graph."""

from __future__ import annotations

import itertools

import networkx as nx

from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.state.topology import device_graph, device_id
from netmodel.state.underlay import same_l2, underlay_graph

from .conftest import two_nodes, two_segments


def test_nodes_on_one_segment_share_l2_and_the_router_does_not_join_segments() -> None:
    cluster = two_segments("vxlan")
    assert same_l2(cluster, "a1", "a2")
    assert not same_l2(cluster, "a1", "b1")
    # yet the underlay is connected through the router (L3)
    assert nx.has_path(underlay_graph(cluster), "a1", "b1")


def test_device_graph_links_each_pod_to_the_bridge_through_its_veth_pair() -> None:
    model = Model(two_nodes("vxlan"))
    graph = device_graph(model, ["node-1"])
    host = NetnsId.node("node-1")
    for pod in model.cluster.pods_by_node["node-1"]:
        pod_eth0 = device_id(NetnsId.pod(pod.key), "eth0")
        path = nx.shortest_path(graph, pod_eth0, device_id(host, "cni0"))
        assert [graph.edges[a, b]["kind"] for a, b in itertools.pairwise(path)] == [
            "veth-pair", "bridge-port"]
    assert graph.edges[device_id(host, "flannel.1"), device_id(host, "eth0")]["kind"] == \
        "tunnel-underlay"
    assert graph.has_edge(device_id(host, "eth0"), "segment:underlay")


def test_device_graph_is_built_only_for_the_nodes_asked() -> None:
    model = Model(two_nodes("vxlan"))
    graph = device_graph(model, ["node-1"])
    assert not any(data.get("node") == "node-2" for _, data in graph.nodes(data=True))
