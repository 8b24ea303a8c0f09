"""The path view as a reader and the site's step player use it: one leg per
figure, boxes in visit order from the top, edges numbered as `netmodel trace`
numbers the steps, reply NAT said as conntrack undoing it, and the classes the
player finds boxes and edges by."""

from __future__ import annotations

import html
import ipaddress
import re
from functools import cache
from pathlib import Path

import pytest

from netmodel.errors import NetmodelError
from netmodel.i18n.diagrams import diagram_label
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.hops import Trace
from netmodel.trace.walks import walk_between
from netmodel.views import path
from netmodel.views.path import device_key, step_devices, waypoints
from netmodel.views.render import ENGINES, engine_version, inline_svg, render_svg
from netmodel.views.text import format_trace

SPECS = Path(__file__).resolve().parent.parent / "diagrams" / "clusters"

# (spec, from, to, port): walks of every shape the site draws.
WALKS = [
    ("two-nodes-vxlan.yaml", "pod/web-1", "svc/db", None),  # DNAT, VXLAN, un-DNAT
    ("two-nodes-vxlan.yaml", "pod/monitoring/node-exporter", "svc/web", None),  # + MASQUERADE
    ("two-nodes-vxlan.yaml", "external/203.0.113.7", "node/node-2", 30432),  # NodePort
    ("flannel-udp.yaml", "pod/web-1", "pod/db-1", 5432),  # flanneld's UDP tunnel
    ("flannel-host-gw-two-segments.yaml", "pod/web-1", "pod/db-3", 5432),  # across a router
    ("two-nodes-vxlan.yaml", "pod/web-1", "svc/web", "10.244.0.2:80"),  # hairpin to itself
]
IDS = ["service", "hostnetwork-masquerade", "nodeport", "udp", "host-gw-router", "hairpin"]


@cache
def _model(spec: str) -> Model:
    return Model(load_spec(SPECS / spec))


@cache
def _trace(spec: str, source: str, destination: str, port: int | str | None) -> Trace:
    """The walk; a ``port`` given as ``IP:PORT`` picks the Service's endpoint."""
    if isinstance(port, str):
        return walk_between(_model(spec), source, destination, endpoint=port)
    return walk_between(_model(spec), source, destination, port=port)


def _legs(trace: Trace) -> list[tuple[Trace, str]]:
    legs = [(trace, "request")]
    if trace.reply is not None:
        legs.append((trace.reply, "reply"))
    return legs


_EDGE = re.compile(r'^\s*(\w+) -> (\w+) \[(.*)\]$', re.M)
_NODE = re.compile(r'^\s*(\w+) \[label=(?:"([^"]*)"|(\S+)) class="nm-dev nm-dev-([a-z0-9-]+)"',
                   re.M)


def _devices(dot: str) -> dict[str, tuple[str, str]]:
    """DOT id → (device name, device key) of every device box."""
    return {node: (quoted or bare, key) for node, quoted, bare, key in _NODE.findall(dot)}


def _printed_steps(trace: Trace) -> dict[int, str]:
    """Step number → device, as `netmodel trace` prints the leg (its text, parsed)."""
    steps: dict[int, str] = {}
    for line in format_trace(trace).split("\n\n")[0].splitlines():
        found = re.match(r"\s+(\d+)\. [A-Z]+\s+(\S+)", line)
        if found:
            steps[int(found[1])] = found[2]
    return steps


@pytest.mark.parametrize("walk", WALKS, ids=IDS)
def test_edges_carry_the_step_numbers_netmodel_trace_prints(walk: tuple) -> None:
    """Each edge's number is the step at which the packet reaches the edge's head
    device, numbered as `netmodel trace` numbers the leg; its class says so too,
    and step_devices has that step at that box."""
    for leg_trace, leg in _legs(_trace(*walk)):
        dot = path(leg_trace, leg=leg)
        boxes = _devices(dot)
        printed = _printed_steps(leg_trace)
        at = step_devices(leg_trace)
        assert len(at) == len(leg_trace.steps) == len(printed)
        edges = [(tail, head, attrs) for tail, head, attrs in _EDGE.findall(dot)
                 if "style=invis" not in attrs]
        assert len(edges) >= len(waypoints(leg_trace)) - 1
        for _tail, head, attrs in edges:
            number = int(re.search(r'class="nm-edge nm-edge-(\d+)"', attrs)[1])
            assert re.search(rf'label=" {number}(\\l| · )', attrs), attrs
            if head in boxes:  # an edge to a device (not to the leg's end box)
                name, key = boxes[head]
                assert at[number - 1] == key
                assert printed[number] == name
            else:
                assert number == len(leg_trace.steps)


@pytest.mark.parametrize("walk", WALKS, ids=IDS)
def test_step_devices_name_a_box_for_every_step(walk: tuple) -> None:
    """A step at a device is at that device's box; a step at none (a socket
    sending, a re-route) is where the packet last was; None before any box."""
    trace = _trace(*walk)
    for leg_trace, leg in _legs(trace):
        boxes = {key for _, key in _devices(path(leg_trace, leg=leg)).values()}
        at = step_devices(leg_trace)
        last = None
        for hop in leg_trace.hops:
            for step in hop.steps:
                if step.device is not None:
                    last = (hop.netns_id, step.device)
                assert at.pop(0) == (None if last is None else device_key(*last))
        assert not at
        assert {k for k in step_devices(leg_trace) if k is not None} == boxes


def test_device_keys_are_class_safe_and_tell_look_alike_names_apart() -> None:
    from netmodel.state.netns_id import NetnsId

    names = [(NetnsId.pod("default/web-1"), "eth0"), (NetnsId.pod("default/web.1"), "eth0"),
             (NetnsId.pod("default/Web-1"), "eth0"), (NetnsId.node("node-1"), "eth0"),
             (NetnsId.node("node-1"), "flannel.1"), (NetnsId.node("node-1"), "flannel-1"),
             (NetnsId.router(), "eth0"),
             (NetnsId.external(ipaddress.IPv4Address("203.0.113.7")), "eth0")]
    keys = [device_key(*name) for name in names]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z0-9-]+", key) for key in keys)
    assert device_key(*names[0]).startswith("pod-default-web-1-eth0-")


def _boxes_in_svg(svg: str) -> dict[str, list[float]]:
    """Device key → the tops of its boxes in the SVG, in DOT order (Graphviz's y
    grows downwards once its translate is applied: smaller is higher)."""
    tops: dict[str, list[float]] = {}
    for key, body in re.findall(r'<g id="[^"]*" class="node nm-dev nm-dev-([a-z0-9-]+)">(.*?)'
                                r"</g>", svg, re.S):
        ys = [float(y) for y in re.findall(r"[ ,](-?[\d.]+)(?=[ \"C])", body.split("<text")[0])]
        tops.setdefault(key, []).append(min(ys))
    return tops


@pytest.mark.parametrize("walk", WALKS, ids=IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_boxes_are_laid_out_top_down_in_the_order_the_packet_first_reaches_them(
        walk: tuple, lang: str) -> None:
    for leg_trace, leg in _legs(_trace(*walk)):
        svg = render_svg(path(leg_trace, leg=leg, lang=lang))
        tops = _boxes_in_svg(svg)
        order = list(dict.fromkeys(device_key(p.netns_id, p.device)
                                   for p in waypoints(leg_trace)))
        assert set(order) == set(tops)
        heights = [min(tops[key]) for key in order]
        assert heights == sorted(heights), list(zip(order, heights, strict=True))
        assert heights[0] < heights[-1]


def test_a_detour_and_back_draws_the_device_again_below_it() -> None:
    """The hostNetwork pod's packet is routed to eth0, DNATed in OUTPUT and
    re-routed to flannel.1, and leaves by eth0 after all: eth0 gets a second box
    under flannel.1, so the walk still reads straight down."""
    trace = _trace(*WALKS[1])
    svg = render_svg(path(trace))
    tops = _boxes_in_svg(svg)
    points = waypoints(trace)
    eth0, flannel = (device_key(points[0].netns_id, name) for name in ("eth0", "flannel.1"))
    assert [p.device for p in points[:3]] == ["eth0", "flannel.1", "eth0"]
    assert len(tops[eth0]) == 2 and len(tops[flannel]) == 1
    assert min(tops[eth0]) < tops[flannel][0] < max(tops[eth0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_cross_node_walk_is_at_most_700_points_wide(lang: str) -> None:
    for walk in WALKS:
        for leg_trace, leg in _legs(_trace(*walk)):
            svg = render_svg(path(leg_trace, leg=leg, lang=lang))
            width = float(re.search(r'<svg width="([\d.]+)pt"', svg)[1])
            assert width <= 700, (walk, leg, width)


def _edge_texts(svg: str) -> list[str]:
    return [" ".join(html.unescape(t).split()) for body in
            re.findall(r'class="edge nm-edge[^"]*">(.*?)</g>', svg, re.S)
            for t in [" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", body))]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_reply_says_conntrack_undoes_the_requests_dnat(lang: str) -> None:
    """pod → Service: the reply's source goes back to the ClusterIP, drawn as
    un-DNAT, never as an SNAT (which readers take for masquerading)."""
    trace = _trace(*WALKS[0])
    assert trace.reply is not None
    cluster_ip = trace.flow.dst
    svg = render_svg(path(trace.reply, leg="reply", lang=lang))
    texts = _edge_texts(svg)
    undnat = diagram_label("path.undnat", lang, src=cluster_ip)
    assert any(undnat in t for t in texts), texts
    for key in ("path.snat", "path.dnat"):
        word = diagram_label(key, lang, src="", dst="").split("→")[0].strip()
        assert not any(word in t.replace(undnat, "") for t in texts), (word, texts)
    request = _edge_texts(render_svg(path(trace, lang=lang)))
    endpoint = trace.final_packet.ip.dst
    port = trace.final_packet.l4.dport
    assert any(diagram_label("path.dnat", lang, dst=f"{endpoint}:{port}") in t for t in request)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_reply_says_conntrack_undoes_the_requests_masquerade(lang: str) -> None:
    """A hostNetwork pod → Service is masqueraded to flannel.1's address: its
    reply's destination goes back to the node's own address, un-SNAT."""
    trace = _trace(*WALKS[1])
    assert trace.reply is not None
    sender = trace.steps[-1].packet.ip  # as it arrives: DNATed and masqueraded
    original = next(s.packet.ip.src for s in trace.steps if s.packet.ip.src is not None)
    assert sender.src != original
    request = _edge_texts(render_svg(path(trace, lang=lang)))
    assert any(diagram_label("path.snat", lang, src=sender.src) in t for t in request)
    texts = _edge_texts(render_svg(path(trace.reply, leg="reply", lang=lang)))
    assert any(diagram_label("path.unsnat", lang, dst=original) in t for t in texts), texts


def test_an_unknown_leg_is_refused() -> None:
    with pytest.raises(ValueError, match="leg 'back'"):
        path(_trace(*WALKS[0]), leg="back")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_ingress_proxys_legs_are_named_as_the_site_names_them(lang: str) -> None:
    """The site names a proxy's own connection "next" and its reply "next-reply":
    the one is drawn as a request (its NAT is DNAT), the other as a reply (its NAT
    is conntrack's undoing), as for the walk's first connection."""
    trace = _trace(*WALKS[0])  # a Service walk: DNAT, then un-DNAT
    assert trace.reply is not None
    for leg, reply_leg in (("request", "reply"), ("next", "next-reply")):
        assert path(trace, leg=leg, lang=lang) == path(trace, leg="request", lang=lang)
        assert (path(trace.reply, leg=reply_leg, lang=lang)
                == path(trace.reply, leg="reply", lang=lang))
    undnat = diagram_label("path.undnat", lang, src=trace.flow.dst)
    assert any(undnat in t for t in _edge_texts(render_svg(
        path(trace.reply, leg="next-reply", lang=lang))))


def test_the_combined_figure_still_draws_every_leg() -> None:
    """`netmodel render --view path --reply` draws request and reply together, as
    before: the reply's edges numbered r1, r2… by its own steps."""
    trace = _trace("two-nodes-vxlan.yaml", "external/203.0.113.7",
                   "ingress/shop.example.com/cart", None)
    assert trace.next is not None and trace.next.reply is not None
    dot = path(trace, reply=True)
    assert set(re.findall(r'class="nm-edge nm-edge-([a-z]*)\d+"', dot)) == {"", "r", "p", "pr"}
    # one leg alone draws that leg only
    assert set(re.findall(r'class="nm-edge nm-edge-([a-z]*)\d+"', path(trace))) == {""}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_classes_survive_rendering_and_inlining(engine: str) -> None:
    try:
        engine_version(engine)
    except NetmodelError as exc:  # an engine this machine lacks (no system dot)
        pytest.skip(f"engine {engine}: {exc}")
    trace = _trace(*WALKS[0])
    svg = inline_svg(render_svg(path(trace), engine), prefix="f1", title="t", desc="d",
                     lang="en")
    for key in {k for k in step_devices(trace) if k is not None}:
        assert re.search(rf'<g id="f1-node\d+" class="node nm-dev nm-dev-{key}">', svg), key
    for point in waypoints(trace)[1:]:
        assert re.search(rf'<g id="f1-edge\d+" class="edge nm-edge nm-edge-{point.step}">',
                         svg), point
