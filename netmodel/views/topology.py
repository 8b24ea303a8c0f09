"""The topology view: nodes, their network namespaces and devices, the underlay.

Drawn from the device graph (:mod:`netmodel.state.topology`) and the derived state:
each node a box holding its host devices and one box per pod netns; a
hostNetwork pod, which has no netns of its own, as a note in its node's host
netns naming the node's address it uses; veth pairs and bridge ports as edges;
each tunnel tied to the NIC it rides on; NICs on their L2 segments; segments
joined by the router. Every box is at least as wide as measure.label_width
says its label is drawn, and the widest box of each cluster as wide as the
cluster's label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netmodel.errors import NetmodelError
from netmodel.i18n.diagrams import diagram_label as label
from netmodel.spec.keys import object_key
from netmodel.state.kernel import Link, LinkKind, Netns
from netmodel.state.l2_domain import L2Domain
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.state.topology import device_graph
from netmodel.views.measure import BOX_MARGIN, fold_key, inches, label_width
from netmodel.views.style import GRAPH, SIZE, colour, safe_id, text

if TYPE_CHECKING:
    import graphviz

__all__ = ["MAX_NODES", "device_label", "topology"]

MAX_NODES = 8  # beyond this a picture stops explaining; focus on a node instead


def device_label(ns: Netns, link: Link) -> str:
    addresses = [str(a.interface) for a in ns.addresses if a.dev == link.name]
    lines = [link.name, *addresses]
    if link.vxlan is not None:
        lines.append(f"VNI {link.vxlan.vni} · {link.vxlan.port}/udp")
    if link.mac is not None and link.kind is not LinkKind.LOOPBACK:
        lines.append(link.mac)
    lines.append(f"mtu {link.mtu}")
    return "\n".join(lines)


def _width(lines: str, shape: str = "box") -> float:
    """Points a device's box needs for its label (a bridge's 3-D box draws its
    depth, 4 points, inside the width Graphviz is given)."""
    return label_width(lines, SIZE["node"]) + BOX_MARGIN + (4.0 if shape == "box3d" else 0.0)


def _device(graph: graphviz.Graph, ns: Netns, link: Link, width: float,
            highlight: bool = False) -> None:
    shape = "box" if link.kind is not LinkKind.BRIDGE else "box3d"
    graph.node(safe_id(f"{ns.id}/{link.name}"), text(device_label(ns, link)), shape=shape,
               style="rounded,filled", fillcolor=colour("bg"),
               color=colour("accent") if highlight else colour("line"),
               penwidth="2" if highlight else "1", width=inches(width))


def _shown(ns: Netns) -> list[Link]:
    return [link for link in ns.links if link.kind is not LinkKind.LOOPBACK]


def _widths(host: Netns, pods: list[Netns], labels: dict[str, str],
            host_pods: list[tuple[str, str]]) -> dict[str, float]:
    """Each box's width (by DOT id): its own label's, and for the widest box of
    each cluster at least the cluster label's, so that label fits inside the
    cluster whatever Graphviz made of the font (a cluster is as wide as what it
    holds). ``labels`` holds the node's, its host netns's and each pod's."""
    widths: dict[str, float] = {}
    for ns in (host, *pods):
        for link in _shown(ns):
            shape = "box3d" if link.kind is LinkKind.BRIDGE else "box"
            widths[safe_id(f"{ns.id}/{link.name}")] = _width(device_label(ns, link), shape)
    for node_id, note in host_pods:
        widths[node_id] = _width(note)

    def at_least(ids: list[str], cluster_label: str) -> None:
        if not ids:
            return
        widest = max(ids, key=lambda i: (widths[i], i))
        widths[widest] = max(widths[widest], _width(cluster_label))

    host_ids = [safe_id(f"{host.id}/{link.name}") for link in _shown(host)]
    at_least(host_ids + [i for i, _ in host_pods], labels[str(host.id) + "/host"])
    for ns in pods:
        at_least([safe_id(f"{ns.id}/{link.name}") for link in _shown(ns)], labels[str(ns.id)])
    at_least(list(widths), labels[str(host.id)])
    return widths


def topology(model: Model, *, focus: str | None = None, lang: str = "en") -> str:
    """DOT for the cluster, or for one node (``node/NAME``) or a pod's node
    (``pod/NAME``, that pod highlighted)."""
    import graphviz  # on first use: a warm site build and `netmodel trace` draw nothing

    cluster = model.cluster
    highlight = None
    if focus is None:
        names = [n.name for n in cluster.nodes]
        if len(names) > MAX_NODES:
            raise NetmodelError(f"{len(names)} nodes are too many for one topology diagram "
                                f"(at most {MAX_NODES}): focus on node/NAME or pod/NAME")
    elif focus.startswith("node/"):
        names = [focus[5:]]
        cluster.node(names[0])
    elif focus.startswith("pod/"):
        key = object_key(focus[4:])
        pod = cluster.pods_by_key.get(key)
        if pod is None:
            raise NetmodelError(f"focus {focus!r}: no pod {key}")
        names, highlight = [pod.node], NetnsId.pod(key)
    else:
        raise NetmodelError(f"focus {focus!r}: expected node/NAME or pod/NAME")
    devices = device_graph(model, names)
    dot = graphviz.Graph("topology", graph_attr={**GRAPH, "rankdir": "TB", "compound": "true"},
                         node_attr={"fontname": GRAPH["fontname"],
                                    "fontsize": str(SIZE["node"]), "fontcolor": colour("fg")},
                         edge_attr={"color": colour("line"), "fontname": GRAPH["fontname"],
                                    "fontsize": str(SIZE["edge"]),
                                    "fontcolor": colour("muted")})
    for name in names:
        host = model.node_netns(name)
        node = cluster.node(name)
        pods = [model.netns(link.peer_netns) for link in host.links
                if link.peer_netns is not None]
        # hostNetwork pods have no netns of their own: each is a note in the
        # node's, saying whose address it uses (an edge to eth0 would only be
        # drawn as an arc over the box: the two sit in one rank).
        on_host = sorted((p for p in cluster.pods_by_node.get(name, ()) if p.host_network),
                         key=lambda p: p.key)
        host_pods = [(safe_id(f"{host.id}/pod {pod.key}"),
                      label("pod.hostnetwork", lang, name=pod.key, ip=pod.ip))
                     for pod in on_host]
        marked = {safe_id(f"{host.id}/pod {p.key}") for p in on_host
                  if NetnsId.pod(p.key) == highlight}
        labels = {str(host.id): f"{label('node', lang, name=name)}\n{node.ip}",
                  str(host.id) + "/host": label("host", lang),
                  **{str(ns.id): label("pod", lang, name=fold_key(ns.id.name)) for ns in pods}}
        widths = _widths(host, pods, labels, host_pods)
        with dot.subgraph(name=f"cluster_{safe_id(str(host.id))}") as box:
            box.attr(label=text(labels[str(host.id)]), style="rounded",
                     color=colour("primary"), fontsize=str(SIZE["cluster"]))
            with box.subgraph(name=f"cluster_{safe_id(f'{host.id}/host')}") as hbox:
                hbox.attr(label=text(labels[str(host.id) + "/host"]), style="rounded,filled",
                          fillcolor=colour("box"), color=colour("line"),
                          fontsize=str(SIZE["cluster"]))
                for link in _shown(host):
                    _device(hbox, host, link, widths[safe_id(f"{host.id}/{link.name}")])
                for node_id, note in host_pods:
                    hbox.node(node_id, text(note), shape="note", style="filled,dashed",
                              fillcolor=colour("bg"),
                              color=colour("accent") if node_id in marked else colour("line"),
                              penwidth="2" if node_id in marked else "1",
                              width=inches(widths[node_id]), **{"class": "nm-hostnetwork"})
            for pod_ns in pods:
                with box.subgraph(name=f"cluster_{safe_id(str(pod_ns.id))}") as pbox:
                    pbox.attr(label=text(labels[str(pod_ns.id)]),
                              style="rounded,filled", fillcolor=colour("box"),
                              color=colour("accent") if pod_ns.id == highlight
                              else colour("line"), fontsize=str(SIZE["cluster"]))
                    for plink in _shown(pod_ns):
                        _device(pbox, pod_ns, plink,
                                widths[safe_id(f"{pod_ns.id}/{plink.name}")],
                                pod_ns.id == highlight)
    router = str(NetnsId.router())
    for segment in cluster.underlay.segments:
        seg_id = str(L2Domain.segment(segment.name))
        if seg_id in devices:
            seg_label = label("segment", lang, name=segment.name, cidr=segment.cidr)
            dot.node(safe_id(seg_id), text(seg_label), shape="box", style="filled",
                     fillcolor=colour("box"), color=colour("line"),
                     width=inches(_width(seg_label)))
    legs = [str(s.router_ip) for s in cluster.underlay.segments
            if str(L2Domain.segment(s.name)) in devices]
    router_label = "\n".join([label("router", lang), *legs])
    # An ellipse holds its label's box inscribed: √2 times as wide.
    dot.node(safe_id(router), text(router_label), shape="ellipse", color=colour("line"),
             width=inches(label_width(router_label, SIZE["node"]) * 1.42 + BOX_MARGIN))
    for a, b, kind in sorted(devices.edges(data="kind"), key=lambda e: (e[0], e[1])):
        if NetnsId.router() in (devices.nodes[a].get("netns"), devices.nodes[b].get("netns")):
            continue
        style = {"veth-pair": "bold", "bridge-port": "solid", "tunnel-underlay": "dashed",
                 "flanneld": "dashed", "wire": "solid"}[kind]
        edge_label = ""
        if kind == "tunnel-underlay":
            for end in (a, b):
                tunnel = model.netns(devices.nodes[end]["netns"]).link(devices.nodes[end]["dev"])
                if tunnel is not None and tunnel.vxlan is not None:
                    edge_label = label("vxlan", lang, vni=tunnel.vxlan.vni,
                                       port=tunnel.vxlan.port)
        dot.edge(safe_id(str(a)), safe_id(str(b)), label=text(edge_label), style=style)
    for segment in cluster.underlay.segments:
        seg_id = str(L2Domain.segment(segment.name))
        if seg_id in devices:
            dot.edge(safe_id(seg_id), safe_id(router))
    return str(dot.source)
