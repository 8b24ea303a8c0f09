"""The frame view: the header stack of the packet at one step, with byte sizes.

VXLAN's cost made visible: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 = 50
bytes around the pod's frame (flannel's ``encapOverhead``); the udp backend
adds IPv4 20 + UDP 8 = 28 around a bare IP packet.
"""

from __future__ import annotations

from netmodel.errors import NetmodelError
from netmodel.i18n.diagrams import diagram_label as label
from netmodel.spec.protocol import IpProto
from netmodel.trace.hops import Step, Trace
from netmodel.trace.packet import Packet
from netmodel.views.measure import BOX_MARGIN, inches, label_width
from netmodel.views.path import netns_label
from netmodel.views.style import GRAPH, SIZE, colour, field, text

__all__ = ["HEADER_BYTES", "frame", "headers"]

HEADER_BYTES = {"Ethernet": 14, "IPv4": 20, "UDP": 8, "VXLAN": 8, "TCP": 20, "ICMP": 8}
# The L4 header as a frame row names it (the header's own name, upper case).
_L4_HEADER = {IpProto.TCP: "TCP", IpProto.UDP: "UDP", IpProto.ICMP: "ICMP"}


def headers(packet: Packet) -> list[tuple[str, int, str, bool]]:
    """(header, bytes, fields, outer?) from the wire inwards."""
    rows: list[tuple[str, int, str, bool]] = []
    if packet.outer is not None:
        o = packet.outer
        if o.eth is not None:
            rows.append(("Ethernet", 14, f"{o.eth.src} → {o.eth.dst}", True))
        rows.append(("IPv4", 20, f"{o.ip.src} → {o.ip.dst} ttl {o.ip.ttl}", True))
        rows.append(("UDP", 8, f"{o.sport} → {o.dport}", True))
        if o.vni is not None:
            rows.append(("VXLAN", 8, f"VNI {o.vni}", True))
    if packet.eth is not None:
        rows.append(("Ethernet", 14, f"{packet.eth.src} → {packet.eth.dst}", False))
    rows.append(("IPv4", 20, f"{packet.ip.src} → {packet.ip.dst} ttl {packet.ip.ttl}", False))
    l4 = packet.l4
    name = _L4_HEADER[l4.proto]
    rows.append((name, HEADER_BYTES[name], str(l4), False))
    return rows


def _pick(trace: Trace, hop: int | None, lang: str) -> tuple[str, Step]:
    numbered = [(h, s) for h in trace.hops for s in h.steps]
    if hop is None:  # by default: the packet on the wire, encapsulated if it ever is
        on_wire = [(h, s) for h, s in numbered if s.packet.outer is not None
                   and s.packet.outer.eth is not None]
        chosen = on_wire[0] if on_wire else numbered[-1]
    elif 1 <= hop <= len(numbered):
        chosen = numbered[hop - 1]
    else:
        raise NetmodelError(f"hop {hop}: the trace has steps 1-{len(numbered)}")
    h, s = chosen
    # The netns in the reader's language (the hop's own label is English).
    place = netns_label(h.netns_id, lang).replace("/\n", "/").replace("\n", " ")
    return f"{h.node} · {place}", s


def frame(trace: Trace, *, hop: int | None = None, lang: str = "en") -> str:
    import graphviz  # on first use: a warm site build and `netmodel trace` draw nothing

    where, step = _pick(trace, hop, lang)
    rows = headers(step.packet)
    total = sum(size for _, size, _, _ in rows)
    title = label("frame.title", lang, where=where, dev=step.device or "-", total=total)
    dot = graphviz.Digraph("frame", graph_attr={**GRAPH, "rankdir": "TB"},
                           node_attr={"shape": "record", "fontname": GRAPH["fontname"],
                                      "fontsize": str(SIZE["node"]), "fontcolor": colour("fg"),
                                      "color": colour("line"), "style": "filled",
                                      "margin": "0.12,0.05"})
    dot.attr(label=text(title), labelloc="t")
    # One record, a row per header from the wire inwards (in a top-to-bottom
    # layout the outer braces stack the rows, the inner ones lay each row out).
    rows_text = []
    needed = 0.0  # the widest row: its fields' text, each with a field's padding
    for name, size, fields, outer in rows:
        side = label("frame.outer" if outer else "frame.inner", lang)
        values = (name, label("bytes", lang, n=size), fields, side)
        rows_text.append("{" + "|".join(field(v) for v in values) + "}")
        needed = max(needed, sum(label_width(v, SIZE["node"]) + BOX_MARGIN for v in values))
    rows_text.append("{" + field(label("payload", lang)) + "}")
    dot.node("frame", "{" + "|".join(rows_text) + "}", fillcolor=colour("bg"),
             width=inches(needed + BOX_MARGIN))
    return str(dot.source)
