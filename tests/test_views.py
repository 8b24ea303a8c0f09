"""Views: reviewed golden DOT, escaping, determinism, both languages."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from netmodel.spec.load import parse_spec
from netmodel.state.model import Model
from netmodel.trace.walks import walk_between
from netmodel.views import chains, frame, path, topology
from netmodel.views.render import inline_svg, render_svg
from netmodel.views.style import field, safe_id

from .conftest import TWO_NODES

GOLDEN = Path(__file__).parent / "data" / "views"
UPDATE = os.environ.get("NETMODEL_UPDATE_GOLDEN") == "1"
SPEC = TWO_NODES.format(backend="vxlan") + """\
services:
  - {name: db, selector: {app: db}, ports: [{port: 5432}]}
"""


@pytest.fixture(scope="module")
def model() -> Model:
    text = SPEC.replace("  - name: db-1\n    node: node-2\n",
                        "  - name: db-1\n    node: node-2\n    labels: {app: db}\n")
    return Model(parse_spec(text, "views.yaml"))


def _views(model: Model, lang: str) -> dict[str, str]:
    trace = walk_between(model, "pod/web-1", "svc/db")
    return {
        "topology": topology(model, lang=lang),
        "topology-pod": topology(model, focus="pod/web-1", lang=lang),
        "path": path(trace, lang=lang),
        "path-reply-leg": path(trace.reply, lang=lang, leg="reply"),
        "path-reply": path(trace, reply=True, lang=lang),
        "frame": frame(trace, lang=lang),
        "chains": chains(trace, lang=lang),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_views_match_reviewed_golden_dot(model: Model, lang: str) -> None:
    for name, dot in _views(model, lang).items():
        golden = GOLDEN / f"{name}.{lang}.dot"
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(dot)
        assert golden.exists(), f"{golden} missing: NETMODEL_UPDATE_GOLDEN=1 writes it"
        assert dot == golden.read_text(), f"{name} ({lang}) differs from {golden}"


def test_views_are_deterministic_in_dot_and_svg(model: Model) -> None:
    first, second = _views(model, "en"), _views(Model(model.cluster), "en")
    assert first == second
    assert render_svg(first["path"]) == render_svg(second["path"])


def test_chinese_labels_come_from_the_catalog(model: Model) -> None:
    views = _views(model, "zh")
    assert "宿主机网络命名空间" in views["topology"]
    assert "隧道添加" in views["frame"]


def test_frame_shows_vxlans_fifty_bytes_of_outer_headers(model: Model) -> None:
    dot = frame(walk_between(model, "pod/web-1", "svc/db"))
    outer = [part for part in dot.split("{") if "added by the tunnel" in part]
    sizes = [int(part.split("|")[1].split()[0]) for part in outer]
    assert sizes == [14, 20, 8, 8] and sum(sizes) == 50


def test_a_hostile_name_cannot_inject_markup_or_dot() -> None:
    # Pod names are DNS-1123 subdomains now, as the API server has them; a
    # segment's name is ours and free text, and the topology shows it.
    evil = "<script>alert(1)<\\\\script>"
    spec = (f"cluster: {{underlay: {{segments: [{{name: '{evil}', cidr: 192.168.56.0/24}}]}}}}\n"
            "nodes: [{name: n1}]\npods: [{name: p, node: n1}]\n")
    model = Model(parse_spec(spec))
    svg = inline_svg(render_svg(topology(model)), prefix="t", title="t", desc="t", lang="en")
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg


def test_topology_refuses_too_many_nodes_without_focus() -> None:
    model = Model(parse_spec("nodes:\n" + "".join(f"  - {{name: n{i}}}\n" for i in range(9))))
    with pytest.raises(ValueError, match="focus on node/NAME"):
        topology(model)
    assert "n8" in topology(model, focus="node/n8")


TRICKY = ["node-1", "node_1", "node.1", "node1", "web-1", "web.1", "web.1.x", "web_1",
          "web_1_x", "web-1-x", "pod:default/web-1", "pod:default/web.1", "n_web_1",
          "web_1_0d1ee5", "", "_", "-", ".", "a/b", "a:b"]


def test_safe_id_is_injective_and_dot_safe() -> None:
    ids = [safe_id(name) for name in TRICKY]
    assert len(set(ids)) == len(TRICKY), sorted(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", i) for i in ids)
    assert safe_id("web1") == "n_web1"  # readable when nothing was replaced
    assert safe_id("web-1").startswith("n_web_1_")


def test_pods_and_nodes_whose_names_differ_only_in_punctuation_stay_apart() -> None:
    """web-1, web.1 and web.1.x are three pods and node-1, node.1 two nodes: the
    topology shows every one of them (Graphviz merges objects sharing an id)."""
    spec = ("cluster: {name: t, backend: vxlan}\n"
            "nodes: [{name: node-1}, {name: node.1}]\n"
            "pods: [{name: web-1, node: node-1}, {name: web.1, node: node-1},\n"
            "       {name: web.1.x, node: node.1}]\n")
    model = Model(parse_spec(spec, "collide.yaml"))
    dot = topology(model)
    statements = re.findall(r"^\s*(n_\w+) \[", dot, re.M)
    clusters = re.findall(r"^\s*subgraph (cluster_\w+) \{", dot, re.M)
    assert len(statements) == len(set(statements))
    assert len(clusters) == len(set(clusters))
    assert len(clusters) == 2 * 2 + 3  # per node its box and host box; one per pod
    svg = render_svg(dot)
    drawn = re.findall(r'<g id="(?:node|clust)\d+" class="(node|cluster)">\s*'
                       r'<title>([^<]*)</title>', svg)
    assert len(drawn) == len({title for _, title in drawn})
    assert len([kind for kind, _ in drawn if kind == "node"]) == len(statements)


NAME_WITH_ENTITIES = "a&amp;b&lt;c&gt;&#38;d&x"


def _drawn_text(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_a_name_with_entities_is_drawn_exactly_as_it_is() -> None:
    """Graphviz decodes entities in labels: a segment named a&amp;b must not be
    drawn as a&b (segment names are free text; the cluster's name is only in the
    figure's title and caption, which are escaped as HTML)."""
    spec = (f"cluster: {{underlay: {{segments: [{{name: '{NAME_WITH_ENTITIES}', "
            "cidr: 192.168.56.0/24}]}}\nnodes: [{name: n1}]\npods: [{name: p, node: n1}]\n")
    svg = render_svg(topology(Model(parse_spec(spec))))
    assert "L2 segment " + NAME_WITH_ENTITIES in _drawn_text(svg)
    assert "a&amp;amp;b&amp;lt;c&amp;gt;&amp;#38;d&amp;x" in svg
    # a record field (the chains and frame views) too
    dot = f'digraph {{ r [shape=record label="{{{field(NAME_WITH_ENTITIES)}|x}}"] }}'
    assert NAME_WITH_ENTITIES in _drawn_text(render_svg(dot))


SPECS = Path(__file__).resolve().parent.parent / "diagrams" / "clusters"


def _texts_of(svg: str, cls: str) -> list[list[str]]:
    """The text lines of each ``<g class="{cls} …">`` group, in order, as drawn."""
    return [[html.unescape(t).replace("\xa0", " ") for t in re.findall(
        r"<text[^>]*>([^<]*)</text>", body)]
        for body in re.findall(rf'<g id="[^"]*" class="{cls}[^"]*">(.*?)</g>', svg, re.S)]


@pytest.mark.parametrize(("spec", "source", "destination"), [
    ("two-nodes-vxlan.yaml", "pod/web-1", "svc/db"),  # DNAT through KUBE-SVC-/KUBE-SEP-
    ("services-no-endpoints.yaml", "pod/client", "svc/api-v2"),  # REJECT --reject-with …
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chains_wrap_rules_and_lose_none_of_their_text(spec: str, source: str,
                                                       destination: str, lang: str) -> None:
    from netmodel.views.chains import RULE_COLUMNS, SHOWN, rule_lines, summary_lines
    from netmodel.views.measure import columns

    trace = walk_between(Model(parse_spec((SPECS / spec).read_text(), spec)), source,
                         destination)
    svg = render_svg(chains(trace, lang=lang))
    drawn = "\n".join(line.strip() for box in _texts_of(svg, "node") for line in box)
    hits = [hit for step in trace.steps if step.detail.key in SHOWN for hit in step.rules]
    assert hits
    shown = 0
    for hit in hits:
        rule = re.sub(r' -m comment --comment "(?:[^"\\]|\\.)*"', "", hit.rule.save())
        lines = rule_lines(hit.rule.save())
        assert "".join(lines) == rule  # nothing cut
        assert all(columns(line.rstrip()) <= RULE_COLUMNS for line in lines)
        if "\n".join(line.strip() for line in lines) in drawn:
            shown += 1
    assert shown == len(hits)  # every matched rule is in the figure, line by line
    for step in trace.steps:
        if step.rules:
            for line in summary_lines(step.detail.render(lang)):
                assert columns(line.rstrip()) <= RULE_COLUMNS


def test_chains_no_longer_cut_the_jump_targets() -> None:
    """The cuts readers met: a KUBE-SVC- chain name and --reject-with's argument."""
    model = Model(parse_spec((SPECS / "two-nodes-vxlan.yaml").read_text(), "t.yaml"))
    svg = html.unescape(render_svg(chains(walk_between(model, "pod/web-1", "svc/db"))))
    service = re.search(r"-j (KUBE-SVC-[A-Z0-9]+)", svg)
    assert service is not None and len(service[1]) == len("KUBE-SVC-") + 16
    rejected = Model(parse_spec((SPECS / "services-no-endpoints.yaml").read_text(), "r.yaml"))
    svg = html.unescape(render_svg(chains(walk_between(rejected, "pod/client",
                                                       "svc/api-v2"))))
    assert "--reject-with icmp-port-unreachable" in svg


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_text_in_any_figure_is_below_nine_points(model: Model, lang: str) -> None:
    for name, dot in _views(model, lang).items():
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', render_svg(dot))]
        assert sizes and min(sizes) >= 9, (name, min(sizes))


def test_the_svg_names_the_font_stack_graphviz_measured_the_first_of() -> None:
    from netmodel.views.style import FONT, FONT_STACKS, MONO

    trace = walk_between(Model(parse_spec((SPECS / "two-nodes-vxlan.yaml").read_text(),
                                          "t.yaml")), "pod/web-1", "svc/db")
    families = set(re.findall(r'font-family="([^"]*)"', render_svg(chains(trace))))
    assert families == {FONT_STACKS[FONT], FONT_STACKS[MONO]}
    assert FONT_STACKS[FONT].startswith(FONT)


def test_every_diagram_label_has_both_languages_with_the_same_placeholders() -> None:
    from netmodel.i18n.diagrams import _LABELS

    for key, texts in _LABELS.items():
        assert set(texts) == {"en", "zh"}, key
        assert (set(re.findall(r"{(\w+)}", texts["en"]))
                == set(re.findall(r"{(\w+)}", texts["zh"]))), key


def test_a_chinese_figure_has_no_english_words_but_names() -> None:
    """Every word a zh figure draws is the catalogue's Chinese, or a name from the
    spec or the kernel (a device, a pod, a node, a segment, a protocol)."""
    model = Model(parse_spec((SPECS / "two-nodes-vxlan.yaml").read_text(), "t.yaml"))
    cluster = model.cluster
    names = {"tcp", "udp", "icmp", "mtu", "ttl"}  # protocols and header fields, as ip prints them
    for pod in cluster.pods:
        names |= set(re.findall(r"[a-z]+", pod.key.lower()))
    for node in cluster.nodes:
        names |= set(re.findall(r"[a-z]+", node.name.lower()))
        for netns in [model.node_netns(node.name), *(model.pod_netns(p) for p in
                                                      cluster.pods_by_node[node.name])]:
            names |= {w for link in netns.links for w in re.findall(r"[a-z]+", link.name)}
    names |= {w for s in cluster.underlay.segments for w in re.findall(r"[a-z]+", s.name)}
    names |= {"wan"}  # the router's uplink
    figures = [topology(model, lang="zh")]
    for source, destination in [("pod/web-1", "svc/db"),
                                ("pod/monitoring/node-exporter", "svc/web"),
                                ("external/203.0.113.7", "ingress/shop.example.com/cart")]:
        trace = walk_between(model, source, destination)
        figures += [path(trace, lang="zh"), frame(trace, lang="zh")]
        if trace.reply is not None:
            figures.append(path(trace.reply, leg="reply", lang="zh"))
    for dot in figures:
        drawn = " ".join(t for box in _texts_of(render_svg(dot), "") for t in box)
        # English prose is lower case; acronyms (VXLAN, DNAT, VNI) stay Latin in Chinese
        words = set(re.findall(r"\b[a-z]{3,}\b", drawn)) - names
        assert not words, words


def test_chains_view_drops_a_comment_with_escaped_quotes_whole() -> None:
    # portmap's comment holds quotes, which iptables-save escapes.
    from netmodel.views.chains import rule_lines
    rule = ('-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: '
            '\\"abc\\"" -m multiport --dports 8080 -j CNI-DN-x')
    assert "".join(rule_lines(rule)) == ("-A CNI-HOSTPORT-DNAT -p tcp -m multiport --dports 8080 "
                                         "-j CNI-DN-x")
