"""The underlay as a networkx graph: node NICs, L2 segments, router legs.

One vertex per node (5,000 on a big cluster), built when asked (the Model keeps
its components, see :meth:`netmodel.state.model.Model.l2_components`). It answers
the L2 question host-gw depends on: is a remote node reachable without crossing
the router? (flannel's host-gw "requires direct layer2 connectivity between
hosts"; across a router the kernel refuses the route.)
"""

from __future__ import annotations

from typing import Any

from netmodel.spec.cluster import Cluster
from netmodel.state.l2_domain import L2Domain

__all__ = ["ROUTER", "l2_components", "same_l2", "underlay_graph"]

ROUTER = "router"


def underlay_graph(cluster: Cluster) -> Any:
    """node ─ segment ─ router leg ─ router. Not cached here: a module-level cache
    keyed by Cluster (compared by identity) kept every spec ever loaded alive."""
    # On first use (~50 ms to import): vxlan never asks, and importing the
    # plugin or the CLI should not pay for it.
    import networkx as nx

    graph = nx.Graph()
    graph.add_node(ROUTER, kind="router")
    for i, segment in enumerate(cluster.underlay.segments):
        seg = str(L2Domain.segment(segment.name))
        graph.add_node(seg, kind="segment", cidr=str(segment.cidr))
        graph.add_node(f"router/eth{i}", kind="router-leg", ip=str(segment.router_ip))
        graph.add_edge(seg, f"router/eth{i}", kind="wire")
        graph.add_edge(f"router/eth{i}", ROUTER, kind="router")
    for node in cluster.nodes:
        graph.add_node(node.name, kind="node", ip=str(node.ip))
        graph.add_edge(node.name, str(L2Domain.segment(node.segment)), kind="wire")
    return graph


def l2_components(cluster: Cluster) -> dict[str, int]:
    """Each vertex's L2 domain: connected components once the router is removed
    (the router forwards at L3, so it does not join segments at L2)."""
    import networkx as nx

    graph = underlay_graph(cluster)
    l2 = graph.subgraph(n for n, kind in graph.nodes(data="kind") if kind != "router")
    return {vertex: i for i, part in enumerate(nx.connected_components(l2)) for vertex in part}


def same_l2(cluster: Cluster, a: str, b: str) -> bool:
    """Can node ``a`` reach node ``b`` at layer 2? (One question; for many, keep
    :func:`l2_components` and compare.)"""
    components = l2_components(cluster)
    return components[a] == components[b]
