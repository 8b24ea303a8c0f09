"""The path view: a trace drawn over the devices it crosses, hops numbered.

Each box is a device in its netns (grouped by node); each numbered edge is the
packet moving on, labelled where its headers change: DNAT, SNAT/MASQUERADE,
encapsulation, decapsulation. The reply, if asked for, is drawn dashed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from netmodel.i18n import disposition_text
from netmodel.i18n.diagrams import diagram_label as label
from netmodel.state.netns_id import NetnsId, NetnsKind
from netmodel.trace.hops import Trace
from netmodel.trace.packet import Packet
from netmodel.views.style import GRAPH, colour, safe_id, text

__all__ = ["device_key", "path", "step_devices", "waypoints"]


@dataclass(frozen=True, slots=True)
class Waypoint:
    node: str
    netns: str  # the hop's label: "host", "pod default/web-1", "router", "external …"
    netns_id: NetnsId
    device: str
    step: int  # 1-based number of the first step here
    packet: Packet


def waypoints(trace: Trace) -> list[Waypoint]:
    """Where the packet is, device by device, in order (consecutive repeats merged)."""
    out: list[Waypoint] = []
    number = 0
    for hop in trace.hops:
        for step in hop.steps:
            number += 1
            if step.device is None:
                continue
            if out and (out[-1].netns_id, out[-1].device) == (hop.netns_id, step.device):
                continue
            out.append(Waypoint(hop.node, hop.netns, hop.netns_id, step.device, number,
                                step.packet))
    return out


def device_key(netns_id: NetnsId, device: str) -> str:
    """A device box's CSS-class token (the step player highlights it)."""
    return safe_id(f"{netns_id}/{device}").lower().replace("_", "-")


def step_devices(trace: Trace) -> list[str | None]:
    """For each step of ``trace.steps``, the box the packet is at (None before it has one)."""
    out: list[str | None] = []
    current: str | None = None
    for hop in trace.hops:
        for step in hop.steps:
            if step.device is not None:
                current = device_key(hop.netns_id, step.device)
            out.append(current)
    return out


def change(before: Packet, after: Packet) -> str:
    """What happened to the headers between two waypoints, in a few words."""
    notes = []
    if before.outer is None and after.outer is not None:
        o = after.outer
        kind = f"VXLAN {o.vni}" if o.vni is not None else f"UDP {o.dport}"
        notes.append(f"+{kind} {o.ip.src} → {o.ip.dst}")
    if before.outer is not None and after.outer is None:
        notes.append(f"−{'VXLAN' if before.outer.vni is not None else 'UDP'}")
    if before.ip.dst != after.ip.dst or before.l4.dport != after.l4.dport:
        notes.append(f"DNAT → {after.ip.dst}:{after.l4.dport}")
    if before.ip.src is not None and before.ip.src != after.ip.src:
        notes.append(f"SNAT → {after.ip.src}")
    return "\n".join(notes)


def _place_label(node: str, lang: str) -> str:
    if node == "underlay":
        return label("underlay", lang)
    if node == "internet":
        return label("internet", lang)
    return label("node", lang, name=node)


def _netns_label(netns: NetnsId, lang: str) -> str:
    if netns.kind is NetnsKind.NODE:  # a node's host netns (hostNetwork pods' too)
        return label("host", lang)
    if netns.kind is NetnsKind.ROUTER:
        return label("router", lang)
    if netns.kind is NetnsKind.POD:
        return label("pod", lang, name=netns.name)
    return label("external", lang, ip=netns.name)


def path(trace: Trace, *, reply: bool = False, lang: str = "en", leg: str = "request") -> str:
    import graphviz  # on first use: a warm site build and `netmodel trace` draw nothing

    dot = graphviz.Digraph("path", graph_attr={**GRAPH, "rankdir": "LR", "newrank": "true"},
                           node_attr={"fontname": GRAPH["fontname"], "fontsize": "10",
                                      "shape": "box", "style": "rounded,filled",
                                      "fillcolor": colour("bg"), "color": colour("line"),
                                      "fontcolor": colour("fg")},
                           edge_attr={"fontname": GRAPH["fontname"], "fontsize": "9",
                                      "fontcolor": colour("fg"), "color": colour("accent")})
    legs = [(trace, "", "solid", colour("accent"))]
    if reply and trace.reply is not None:
        legs.append((trace.reply, "r", "dashed", colour("primary")))
    if trace.next is not None:  # an Ingress proxy's own connection, numbered p1, p2…
        legs.append((trace.next, "p", "solid", colour("primary")))
        if reply and trace.next.reply is not None:
            legs.append((trace.next.reply, "pr", "dashed", colour("muted")))
    seen: dict[str, list[Waypoint]] = {}
    for part, _, _, _ in legs:
        for point in waypoints(part):
            seen.setdefault(point.node, []).append(point)
    for node in sorted(seen):
        with dot.subgraph(name=f"cluster_{safe_id(node)}") as box:
            box.attr(label=text(_place_label(node, lang)),
                     style="rounded", color=colour("primary"))
            by_netns: dict[NetnsId, list[Waypoint]] = {}
            for point in seen[node]:
                by_netns.setdefault(point.netns_id, []).append(point)
            for netns_id in sorted(by_netns):
                points = by_netns[netns_id]
                with box.subgraph(name=f"cluster_{safe_id(str(netns_id))}") as inner:
                    inner.attr(label=text(_netns_label(netns_id, lang)),
                               style="rounded,filled",
                               fillcolor=colour("box"), color=colour("line"))
                    for device in sorted({p.device for p in points}):
                        inner.node(safe_id(f"{netns_id}/{device}"), text(device))
    for part, tag, style, hue in legs:
        points = waypoints(part)
        for n, (a, b) in enumerate(itertools.pairwise(points), start=1):
            note = change(a.packet, b.packet)
            head = f"{tag}{n}"
            dot.edge(safe_id(f"{a.netns_id}/{a.device}"), safe_id(f"{b.netns_id}/{b.device}"),
                     label=text(f"{head}\n{note}" if note else head), style=style, color=hue)
    dot.attr(label=text(label("path.title", lang, flow=trace.flow.render(lang),
                              disposition=disposition_text(trace.disposition, lang))),
             labelloc="t")
    return str(dot.source)
