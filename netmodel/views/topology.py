"""The topology view: nodes, their network namespaces and devices, the underlay.

Drawn from the device graph (:mod:`netmodel.state.topology`) and the derived state:
each node a box holding its host devices and one box per pod netns; veth pairs
and bridge ports as edges; each tunnel tied to the NIC it rides on; NICs on
their L2 segments; segments joined by the router.
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
from netmodel.views.style import GRAPH, colour, safe_id, text

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


def _device(graph: graphviz.Graph, ns: Netns, link: Link, highlight: bool = False) -> None:
    shape = "box" if link.kind is not LinkKind.BRIDGE else "box3d"
    graph.node(safe_id(f"{ns.id}/{link.name}"), text(device_label(ns, link)), shape=shape,
               style="rounded,filled", fillcolor=colour("bg"),
               color=colour("accent") if highlight else colour("line"),
               penwidth="2" if highlight else "1")


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
                         node_attr={"fontname": GRAPH["fontname"], "fontsize": "10",
                                    "fontcolor": colour("fg")},
                         edge_attr={"color": colour("line"), "fontname": GRAPH["fontname"],
                                    "fontsize": "9", "fontcolor": colour("muted")})
    for name in names:
        host = model.node_netns(name)
        node = cluster.node(name)
        with dot.subgraph(name=f"cluster_{safe_id(str(host.id))}") as box:
            box.attr(label=text(f"{label('node', lang, name=name)} · {node.ip}"),
                     style="rounded", color=colour("primary"))
            with box.subgraph(name=f"cluster_{safe_id(f'{host.id}/host')}") as hbox:
                hbox.attr(label=text(label("host", lang)), style="rounded,filled",
                          fillcolor=colour("box"), color=colour("line"))
                for link in host.links:
                    if link.kind is not LinkKind.LOOPBACK:
                        _device(hbox, host, link)
            for link in host.links:
                if link.peer_netns is None:
                    continue
                pod_ns = model.netns(link.peer_netns)
                with box.subgraph(name=f"cluster_{safe_id(str(pod_ns.id))}") as pbox:
                    pbox.attr(label=text(label("pod", lang, name=pod_ns.id.name)),
                              style="rounded,filled", fillcolor=colour("box"),
                              color=colour("accent") if pod_ns.id == highlight
                              else colour("line"))
                    for plink in pod_ns.links:
                        if plink.kind is not LinkKind.LOOPBACK:
                            _device(pbox, pod_ns, plink, pod_ns.id == highlight)
    router = str(NetnsId.router())
    for segment in cluster.underlay.segments:
        seg_id = str(L2Domain.segment(segment.name))
        if seg_id in devices:
            dot.node(safe_id(seg_id), text(label("segment", lang, name=segment.name,
                                                 cidr=segment.cidr)),
                     shape="box", style="filled", fillcolor=colour("box"), color=colour("line"))
    legs = [str(s.router_ip) for s in cluster.underlay.segments
            if str(L2Domain.segment(s.name)) in devices]
    dot.node(safe_id(router), text("\n".join([label("router", lang), *legs])),
             shape="ellipse", color=colour("line"))
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
