"""The path view: one leg of a walk drawn over the devices it crosses, top to bottom.

A figure draws one leg, the trace it is given: the request, or its reply
(``leg="reply"``), or an Ingress proxy's own connection. Boxes are devices in
their netns, grouped by node, laid out in the order the packet first reaches
them, so the walk reads downwards (a phone's screen is tall). Each edge carries
the number of the step at which the packet reaches the edge's head device,
numbered as ``netmodel trace`` numbers a leg's steps, and what changed in its
headers on the way: DNAT, SNAT/MASQUERADE, a tunnel's headers added or removed.
On a reply the only rewrites are conntrack undoing the request's NAT, and the
labels say so.

Where the packet leaves a device for others in the same netns and comes back
(a host's eth0 → flannel.1 → eth0, as an OUTPUT DNAT or conntrack's un-SNAT
re-routes it), the device gets a second box below the detour, so the walk still
reads straight down; a rewrite after the last device (conntrack undoing NAT
just before the local socket) gets an end box, so it has an edge to be told on.

The figure is also the surface a page's step-through player works on:
:func:`device_key` names each device box in a class (``nm-dev-<key>``), each
edge has the class ``nm-edge-<step>``, and :func:`step_devices` says, step by
step, which box the packet is at.

``reply=True`` draws the whole walk in one figure instead (the request, its
reply dashed, an Ingress proxy's connection and its reply), as ``netmodel
render --view path --reply`` always has.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from netmodel.errors import NetmodelError
from netmodel.i18n import disposition_text
from netmodel.i18n.diagrams import diagram_label as label
from netmodel.spec.protocol import IpProto
from netmodel.state.netns_id import NetnsId, NetnsKind
from netmodel.trace.hops import Trace
from netmodel.trace.packet import Packet
from netmodel.views.measure import BOX_MARGIN, fold_key, inches, label_width
from netmodel.views.style import GRAPH, SIZE, colour, left_text, safe_id, text

if TYPE_CHECKING:
    import graphviz

__all__ = ["LEGS", "Leg", "device_key", "netns_label", "path", "step_devices", "waypoints"]

Leg = Literal["request", "reply"]  # what a leg's NAT labels say: NAT, or its undoing
# The legs a figure draws, as the site names them: a walk's request and reply,
# and an Ingress proxy's own connection and its reply. Each "…reply" is a reply.
LEGS = ("request", "reply", "next", "next-reply")


@dataclass(frozen=True, slots=True)
class Waypoint:
    node: str
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
            out.append(Waypoint(hop.node, hop.netns_id, step.device, number,
                                step.packet))
    return out


_NOT_CLASS = re.compile(r"[^a-z0-9]+")


def device_key(netns_id: NetnsId, device: str) -> str:
    """A token for one device box, fit for a CSS class (``[a-z0-9-]``): the netns
    and device, readable, then 8 hex digits of their SHA-256, so two boxes whose
    names differ only in case or punctuation (``web-1``, ``web.1``) stay apart."""
    whole = f"{netns_id}/{device}"
    readable = _NOT_CLASS.sub("-", whole.lower()).strip("-")
    return f"{readable}-{hashlib.sha256(whole.encode()).hexdigest()[:8]}"


def step_devices(trace: Trace) -> list[str | None]:
    """For each step of ``trace.steps``, numbered as ``netmodel trace`` numbers
    them, the :func:`device_key` of the box the packet is at: a step's own
    device, or for a step at none the last one it reached; None before it has
    reached one (a socket sending, before any route). A device drawn twice (its
    second box after a detour, see :func:`path`) has the class on both boxes;
    the edge of the step says which one the packet is at."""
    out: list[str | None] = []
    current: str | None = None
    for hop in trace.hops:
        for step in hop.steps:
            if step.device is not None:
                current = device_key(hop.netns_id, step.device)
            out.append(current)
    return out


def _address(ip: object, port: int, proto: IpProto, *, show_port: bool = True) -> str:
    return f"{ip}:{port}" if show_port and proto is not IpProto.ICMP else str(ip)


def change(before: Packet, after: Packet, *, leg: Leg = "request", lang: str = "en") -> str:
    """What happened to the headers between two waypoints, in a few words.

    A request's rewrites are NAT: DNAT to an endpoint, SNAT or MASQUERADE of the
    source. A reply passes no NAT rules: conntrack finds the connection and
    applies the inverse of what the request got, so its source goes back to the
    address the client dialled (un-DNAT) and its destination back to the
    client's own (un-SNAT). (Linux net/netfilter/nf_nat_core.c, nf_nat_packet:
    "Invert if this is reply dir", ``statusbit ^= IPS_NAT_MASK``, so a DNATed
    connection's replies get the source manipulation, and the reverse.)"""
    notes = []
    if before.outer is None and after.outer is not None:
        o = after.outer
        if o.vni is not None:
            notes.append(label("path.encap.vxlan", lang, vni=o.vni, src=o.ip.src, dst=o.ip.dst))
        else:
            notes.append(label("path.encap.udp", lang, port=o.dport, src=o.ip.src,
                               dst=o.ip.dst))
    if before.outer is not None and after.outer is None:
        kind = "vxlan" if before.outer.vni is not None else "udp"
        notes.append(label(f"path.decap.{kind}", lang))
    proto = after.l4.proto
    if before.ip.dst != after.ip.dst or before.l4.dport != after.l4.dport:
        if leg == "request":
            notes.append(label("path.dnat", lang,
                               dst=_address(after.ip.dst, after.l4.dport, proto)))
        else:
            notes.append(label("path.unsnat", lang, dst=_address(
                after.ip.dst, after.l4.dport, proto,
                show_port=before.l4.dport != after.l4.dport)))
    if before.ip.src is not None and (before.ip.src != after.ip.src
                                      or before.l4.sport != after.l4.sport):
        if leg == "request":
            if before.ip.src != after.ip.src:
                notes.append(label("path.snat", lang, src=after.ip.src))
        else:
            notes.append(label("path.undnat", lang, src=_address(
                after.ip.src, after.l4.sport, proto,
                show_port=before.l4.sport != after.l4.sport)))
    return "\n".join(notes)


def _place_label(node: str, lang: str) -> str:
    if node == "underlay":
        return label("underlay", lang)
    if node == "internet":
        return label("internet", lang)
    return label("node", lang, name=node)


def netns_label(netns: NetnsId, lang: str) -> str:
    """How a figure names a netns: "host netns", "pod default/web-1"…"""
    if netns.kind is NetnsKind.NODE:  # a node's host netns (hostNetwork pods' too)
        return label("host", lang)
    if netns.kind is NetnsKind.ROUTER:
        return label("router", lang)
    if netns.kind is NetnsKind.POD:
        return label("pod", lang, name=fold_key(netns.name))
    return label("external", lang, ip=netns.name)


@dataclass(frozen=True, slots=True)
class _Drawn:
    """One leg as drawn: its trace, the prefix of its edge numbers in a combined
    figure (``r`` for a reply, ``p`` for a proxy's connection), and its look."""

    trace: Trace
    leg: Leg
    tag: str
    style: str
    hue: str


def _legs(trace: Trace, leg: Leg, combined: bool) -> list[_Drawn]:
    if not combined:
        return [_Drawn(trace, leg, "", "solid", colour("accent"))]
    drawn = [_Drawn(trace, "request", "", "solid", colour("accent"))]
    if trace.reply is not None:
        drawn.append(_Drawn(trace.reply, "reply", "r", "dashed", colour("primary")))
    if trace.next is not None:  # an Ingress proxy's own connection, numbered p1, p2…
        drawn.append(_Drawn(trace.next, "request", "p", "solid", colour("primary")))
        if trace.next.reply is not None:
            drawn.append(_Drawn(trace.next.reply, "reply", "pr", "dashed", colour("muted")))
    return drawn


def _edge_label(number: str, note: str) -> str:
    """The step number, then what changed, left-aligned beside the edge: a space
    keeps the text off the line it labels, and the note's further lines are
    indented under its first."""
    if not note:
        return f" {number}"
    first, *rest = note.split("\n")
    return "\n".join([f" {number} · {first}", *(f"    {line}" for line in rest)])


_LABEL_GAP = 6.0  # points between an edge label's end and its cluster's border
_NODESEP = float(GRAPH["nodesep"]) * 72


Box = tuple[NetnsId, str, int]  # a device in its netns, and which of its boxes (0, 1…)


def _box_id(box: Box) -> str:
    """The DOT id: a device's first box is named for it; a second box for the
    device (after a detour) and a leg's end have a space in the name, which no
    device's name has, so no id can be taken twice."""
    netns_id, device, again = box
    return safe_id(f"{netns_id}/{device}" + (f" again {again}" if again else ""))


def _netns_box(box: graphviz.Digraph, netns_id: NetnsId, boxes: list[Box], width: float,
               room: float, ends: dict[Box, str], lang: str) -> None:
    """One netns's cluster in its node's: its boxes stacked in a column, and an
    invisible spacer beside the first wide enough that whatever is set to the
    right of the column's middle, an edge's label or a cluster's, ``room`` points
    wide, lies inside the cluster (a cluster is as wide as what it holds; its
    label's width is only Graphviz's idea of the font)."""
    netns = netns_label(netns_id, lang)
    with box.subgraph(name=f"cluster_{safe_id(str(netns_id))}") as inner:
        inner.attr(label=text(netns), style="rounded,filled", fillcolor=colour("box"),
                   color=colour("line"), fontsize=str(SIZE["cluster"]), labeljust="r")
        for one in boxes:
            if one in ends:  # where a leg ends, after a last rewrite: its disposition
                words = ends[one]
                inner.node(_box_id(one), text(words), style="rounded,dashed", group="walk",
                           width=inches(max(width, label_width(words, SIZE["node"])
                                            + BOX_MARGIN)), **{"class": "nm-end"})
                continue
            device = one[1]
            inner.node(_box_id(one), text(device), width=inches(width), group="walk",
                       **{"class": f"nm-dev nm-dev-{device_key(netns_id, device)}"})
        # The edges run down the middle of the column; a label starts there.
        spare = room + _LABEL_GAP - width / 2 - _NODESEP
        if spare > 0:
            spacer = safe_id(f"{netns_id}/ spacer")
            inner.node(spacer, "", style="invis", width=inches(spare), height="0.02")
            with inner.subgraph() as row:
                row.attr(rank="same")
                row.node(_box_id(boxes[0]))
                row.node(spacer)
            # A flat edge points left to right: the spacer goes right of the box
            # (the DOT's order says so too, but not to every Graphviz).
            inner.edge(_box_id(boxes[0]), spacer, style="invis")


@dataclass(frozen=True, slots=True)
class _Edge:
    tail: Box
    head: Box
    number: str  # the step at which the packet reaches the head, with its leg's prefix
    note: str  # the label: the number, then what changed
    drawn: _Drawn
    same_node: bool
    loop: bool = False  # back to a box this leg reached before (a hairpin into its pod)


@dataclass(frozen=True, slots=True)
class _Walked:
    """What the legs cross, for drawing: ``places`` maps each place (a node, the
    underlay, the internet) to its netns and theirs to their boxes, all in the
    order the packet first reaches them (the DOT's order, which is the layout's
    left to right within a rank); the edges; and the end boxes, with their words."""

    places: dict[str, dict[NetnsId, dict[Box, None]]]
    edges: list[_Edge]
    ends: dict[Box, str]


def _walked(legs: list[_Drawn], lang: str) -> _Walked:
    """Boxes, edges and ends of the legs.

    A device has one box, except where the packet leaves it for others in the
    same netns and comes back (a host's eth0 → flannel.1 → eth0, when its OUTPUT
    DNAT or conntrack's un-SNAT re-routes the packet): the device gets a second
    box below the detour, so the walk still reads straight down. A leg whose
    headers change after its last device is reached (conntrack undoing NAT just
    before the local socket gets the reply) gets an end box, so that change has
    an edge to be told on."""
    walked = _Walked({}, [], {})
    boxes_of: dict[tuple[NetnsId, str], int] = {}  # boxes drawn per device, over all legs
    for drawn in legs:
        points = waypoints(drawn.trace)
        now: dict[tuple[NetnsId, str], Box] = {}  # each device's box this leg, for now
        last: dict[tuple[NetnsId, str], int] = {}  # where in the leg it was last
        boxes: list[Box] = []
        for j, point in enumerate(points):
            device = (point.netns_id, point.device)
            back = last.get(device)
            if back is not None and j - back > 1 and all(
                    p.netns_id == point.netns_id for p in points[back + 1:j]):
                boxes_of[device] += 1
                now[device] = (*device, boxes_of[device] - 1)
            elif device not in now:
                boxes_of.setdefault(device, 1)
                now[device] = (*device, 0)
            last[device] = j
            boxes.append(now[device])
            walked.places.setdefault(point.node, {}).setdefault(
                point.netns_id, {})[now[device]] = None
        for (a, b), (tail, head) in zip(itertools.pairwise(points), itertools.pairwise(boxes),
                                        strict=True):
            number = f"{drawn.tag}{b.step}"
            note = change(a.packet, b.packet, leg=drawn.leg, lang=lang)
            walked.edges.append(_Edge(tail, head, number, _edge_label(number, note), drawn,
                                      a.node == b.node, head in boxes[:boxes.index(tail)]))
        if not points:
            continue
        note = change(points[-1].packet, drawn.trace.final_packet, leg=drawn.leg, lang=lang)
        if note:
            number = f"{drawn.tag}{len(drawn.trace.steps)}"
            end: Box = (points[-1].netns_id, f" end {drawn.tag}", 0)
            walked.ends[end] = disposition_text(drawn.trace.disposition, lang)
            walked.places[points[-1].node][points[-1].netns_id][end] = None
            walked.edges.append(_Edge(boxes[-1], end, number, _edge_label(number, note),
                                      drawn, True))
    return walked


def path(trace: Trace, *, lang: str = "en", leg: str = "request", reply: bool = False) -> str:
    """DOT for one leg of a walk: ``leg`` (one of :data:`LEGS`) names it, and a
    reply's NAT is drawn as conntrack's undoing; with ``reply=True``, every leg
    of the walk in one figure."""
    import graphviz  # on first use: a warm site build and `netmodel trace` draw nothing

    if leg not in LEGS:
        raise NetmodelError(f"leg {leg!r}: expected one of {', '.join(LEGS)}")
    kind: Leg = "reply" if leg.endswith("reply") else "request"
    legs = _legs(trace, kind, reply)
    dot = graphviz.Digraph("path", graph_attr={**GRAPH, "rankdir": "TB", "newrank": "true"},
                           node_attr={"fontname": GRAPH["fontname"],
                                      "fontsize": str(SIZE["node"]), "shape": "box",
                                      "style": "rounded,filled", "fillcolor": colour("bg"),
                                      "color": colour("line"), "fontcolor": colour("fg"),
                                      "margin": "0.11,0.04", "height": "0.3"},
                           edge_attr={"fontname": GRAPH["fontname"],
                                      "fontsize": str(SIZE["edge"]),
                                      "fontcolor": colour("fg"), "color": colour("accent")})
    walked = _walked(legs, lang)
    # The layout's ranks follow the boxes' order, one below the other; where no
    # edge joins two boxes that follow each other, an invisible one does.
    order = [one for netns_map in walked.places.values() for boxes in netns_map.values()
             for one in boxes]
    first = {one: n for n, one in enumerate(order)}
    joined = {(e.tail, e.head) for e in walked.edges} | {(e.head, e.tail) for e in walked.edges}
    # Graphviz sets an edge's label beside it, to the right, but does not always
    # widen the cluster holding the edge to take it in: the label would cross the
    # cluster's border. The room it needs, per netns (an edge between two netns
    # of one node charged to the one it enters, whose width its node's box takes).
    # The clusters' own labels are set at their top right, clear of the edge
    # coming in at the top of the column, so they need that room too.
    room: dict[NetnsId, float] = {}
    for e in walked.edges:
        if e.same_node:
            room[e.head[0]] = max(room.get(e.head[0], 0.0), label_width(e.note, SIZE["edge"]))
    # One width for every device's box, so the walk is one straight column.
    width = max(label_width(one[1], SIZE["node"]) for one in order
                if one not in walked.ends) + BOX_MARGIN
    for node, netns_map in walked.places.items():
        place = _place_label(node, lang)
        with dot.subgraph(name=f"cluster_{safe_id(node)}") as box:
            box.attr(label=text(place), style="rounded", color=colour("primary"),
                     fontsize=str(SIZE["cluster"]), labeljust="r")
            for netns_id, boxes in netns_map.items():
                needs = max(room.get(netns_id, 0.0), label_width(place, SIZE["cluster"]),
                            label_width(netns_label(netns_id, lang), SIZE["cluster"]))
                _netns_box(box, netns_id, list(boxes), width, needs, walked.ends, lang)
    for e in walked.edges:
        attrs = {"label": left_text(e.note), "class": f"nm-edge nm-edge-{e.number}"}
        top, bottom = e.tail, e.head
        if e.loop:
            # Back up to a box this leg left before (a hairpin into the sending
            # pod): an arc that ranks nothing, its label set by the box it returns
            # to, inside that box's cluster, not halfway along the arc.
            attrs |= {"headlabel": attrs.pop("label"), "constraint": "false",
                      "labelangle": "-30", "labeldistance": "2"}
        elif first[e.head] < first[e.tail]:
            # Up a column another leg drew (a reply in the combined figure):
            # written top to bottom and drawn pointing up, so it ranks the layout
            # like the others and its label is set beside it.
            top, bottom = e.head, e.tail
            attrs["dir"] = "back"
        dot.edge(_box_id(top), _box_id(bottom), style=e.drawn.style, color=e.drawn.hue,
                 **attrs)
    for above, below in itertools.pairwise(order):
        if (above, below) not in joined:
            dot.edge(_box_id(above), _box_id(below), style="invis")
    title = "path.title.reply" if kind == "reply" and not reply else "path.title"
    dot.attr(label=text(label(title, lang, flow=trace.flow.render(lang),
                              disposition=disposition_text(trace.disposition, lang))),
             labelloc="t")
    return str(dot.source)
