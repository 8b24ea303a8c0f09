"""The networkx pictures: the underlay's L2 domains and a node's device graph."""

from __future__ import annotations

import html
import itertools
import re

import networkx as nx
import pytest

from netmodel.i18n.diagrams import diagram_label
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.state.topology import device_graph, device_id
from netmodel.state.underlay import same_l2, underlay_graph
from netmodel.views import topology
from netmodel.views.measure import label_width
from netmodel.views.render import render_svg
from netmodel.views.style import SIZE, colour, safe_id, text

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


def _cluster_bodies(dot: str) -> dict[str, str]:
    """Each cluster's DOT id → its body, nested clusters included."""
    bodies: dict[str, str] = {}
    for found in re.finditer(r"subgraph (cluster_\w+) \{", dot):
        depth, at = 1, found.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(dot[at], 0)
            at += 1
        bodies[found[1]] = dot[found.end():at]
    return bodies


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_topology_draws_a_hostnetwork_pod_in_its_nodes_host_netns(lang: str) -> None:
    """The exporter runs with hostNetwork on node-2: no netns of its own, so it is
    drawn in node-2's host netns box, saying it uses node-2's address."""
    model = Model(two_nodes("vxlan"))
    exporter = model.cluster.pods_by_key["monitoring/exporter"]
    assert exporter.host_network
    node = model.cluster.node(exporter.node)
    dot = topology(model, lang=lang)
    note = text(diagram_label("pod.hostnetwork", lang, name=exporter.key, ip=node.ip))
    host_box = _cluster_bodies(dot)[f"cluster_{safe_id(f'{NetnsId.node(node.name)}/host')}"]
    assert f'label="{note}"' in host_box
    assert str(exporter.ip) == str(node.ip)
    # and nowhere else: not as a pod box of its own, not in the other node
    assert dot.count(f'label="{note}"') == 1
    assert f"cluster_{safe_id(str(NetnsId.pod(exporter.key)))}" not in dot
    # the pods with a netns of their own are not drawn as notes
    others = [p for p in model.cluster.pods if not p.host_network]
    assert dot.count('class="nm-hostnetwork"') == len(model.cluster.pods) - len(others)


def test_focusing_on_a_hostnetwork_pod_highlights_its_note() -> None:
    model = Model(two_nodes("vxlan"))
    dot = topology(model, focus="pod/monitoring/exporter")
    line = next(row for row in dot.splitlines() if 'class="nm-hostnetwork"' in row)
    assert 'penwidth=2' in line and f'color="{colour("accent")}"' in line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_topology_box_is_at_least_as_wide_as_its_cluster_labels(lang: str) -> None:
    """A cluster is as wide as what it holds: the widest box in each is given the
    cluster label's estimated width, so the label fits whatever Graphviz made of
    the font. Checked on the rendered SVG: cluster widths against the estimate."""
    model = Model(two_nodes("vxlan"))
    svg = render_svg(topology(model, lang=lang))
    for body in re.findall(r'<g id="clust\d+" class="cluster">(.*?)</g>', svg, re.S):
        xs = [float(x) for x in re.findall(r"M?([\d.]+),-?[\d.]+", body.split("<text")[0])]
        lines = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", body)]
        assert lines
        assert max(xs) - min(xs) >= label_width("\n".join(lines).strip(), SIZE["cluster"]), lines
