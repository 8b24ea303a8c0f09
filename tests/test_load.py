"""Spec loading: the real defaults, and one clear error per kind of bad input."""

from __future__ import annotations

import gc
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest
import yaml

from netmodel.errors import SpecError
from netmodel.spec.cluster import Backend
from netmodel.spec.load import MAX_SPEC_BYTES, load_spec, parse_spec

MINIMAL = ("nodes: [{name: n1}, {name: n2}, {name: n3}]\n"
           "pods: [{name: p, node: n2}, {name: q, node: n2}]\n")


def test_defaults_are_flannel_and_kubeadm_defaults() -> None:
    cluster = parse_spec(MINIMAL, "m.yaml")
    assert cluster.backend is Backend.VXLAN
    assert cluster.cluster_cidr == IPv4Network("10.244.0.0/16")
    assert cluster.service_cidr == IPv4Network("10.96.0.0/12")
    assert cluster.node_port_range == (30000, 32767)
    assert cluster.underlay.mtu == 1500
    assert cluster.name == "m"


def test_pod_cidrs_are_24s_in_node_order() -> None:
    cluster = parse_spec(MINIMAL, "m.yaml")
    assert [str(n.pod_cidr) for n in cluster.nodes] == [
        "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]


def test_pod_ips_start_at_dot_two_in_node_subnet() -> None:
    cluster = parse_spec(MINIMAL, "m.yaml")
    assert [p.ip for p in cluster.pods] == [IPv4Address("10.244.1.2"), IPv4Address("10.244.1.3")]


def test_pod_ip_allocation_skips_addresses_given_explicitly() -> None:
    spec = ("nodes: [{name: n1}]\npods: [{name: a, node: n1}, "
            "{name: b, node: n1, ip: 10.244.0.2}]\n")
    cluster = parse_spec(spec)
    assert cluster.pod("default/a").ip == IPv4Address("10.244.0.3")


def test_node_ips_follow_the_router_in_order() -> None:
    cluster = parse_spec(MINIMAL)
    router = cluster.underlay.segments[0].router_ip
    assert [n.ip for n in cluster.nodes] == [router + 1, router + 2, router + 3]


def test_hostnetwork_pod_has_its_nodes_ip() -> None:
    cluster = parse_spec("nodes: [{name: n1}]\npods: [{name: h, node: n1, hostNetwork: true}]\n")
    assert cluster.pod("default/h").ip == cluster.node("n1").ip


def test_macs_are_deterministic_locally_administered_unicast() -> None:
    first = parse_spec(MINIMAL)
    second = parse_spec(MINIMAL)
    macs = [n.mac for n in first.nodes] + [n.vtep_mac for n in first.nodes] + \
        [p.mac for p in first.pods]
    assert macs == [n.mac for n in second.nodes] + [n.vtep_mac for n in second.nodes] + \
        [p.mac for p in second.pods]
    assert len(set(macs)) == len(macs)
    for mac in macs:
        first_octet = int(mac[:2], 16)
        assert first_octet & 0b10, mac  # locally administered
        assert not first_octet & 0b01, mac  # unicast


def test_mac_given_in_spec_is_kept_and_normalised() -> None:
    cluster = parse_spec("nodes: [{name: n1, vtepMAC: 0A-58-0A-F4-00-00}]\n")
    assert cluster.node("n1").vtep_mac == "0a:58:0a:f4:00:00"


def test_load_spec_reads_a_file(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "c.yaml"  # type: ignore[operator]
    path.write_text(MINIMAL)
    assert len(load_spec(path).nodes) == 3


BASE = "nodes:\n  - {name: n1}\n  - {name: n2}\n"

BAD_SPECS = [
    # YAML that does not parse: the line of the problem
    ("nodes: [{name: n1}\npods: {", 2, "", "YAML syntax error"),
    # a field the spec does not have: the allowed ones are listed
    ("nodes:\n  - {name: n1, podCidr: 10.244.0.0/24}\n", 2, "nodes[0].podCidr",
     "unknown field (expected one of ip, mac, name, podCIDR, resolvConf, role, segment, "
     "vtepMAC); did you mean 'podCIDR'?"),
    # a field of the wrong type
    ("cluster:\n  underlay: {mtu: big}\nnodes: [{name: n1}]\n", 2, "cluster.underlay.mtu",
     "expected an integer, got a string"),
    # a list where a mapping belongs
    ("cluster: [vxlan]\nnodes: [{name: n1}]\n", 1, "cluster", "expected a mapping, got a list"),
    # duplicate node names
    (BASE + "  - {name: n1}\n", 4, "nodes[2].name", "duplicate node name 'n1' (first at nodes[0])"),
    # duplicate pods (same namespace and name)
    (BASE + "pods:\n  - {name: p, node: n1}\n  - {name: p, node: n2}\n", 6, "pods[1].name",
     "duplicate pod 'default/p'"),
    # duplicate YAML keys would silently win in plain PyYAML
    ("nodes:\n  - name: n1\n    name: n2\n", 3, "nodes[0].name", "duplicate key"),
    # podCIDRs that overlap
    ("nodes:\n  - {name: n1, podCIDR: 10.244.0.0/23}\n  - {name: n2, podCIDR: 10.244.1.0/24}\n",
     3, "nodes[1].podCIDR", "10.244.1.0/24 overlaps nodes[0].podCIDR 10.244.0.0/23"),
    # a podCIDR outside the clusterCIDR
    ("nodes:\n  - {name: n1, podCIDR: 10.245.0.0/24}\n", 2, "nodes[0].podCIDR",
     "outside clusterCIDR 10.244.0.0/16"),
    # a pod IP outside its node's podCIDR
    (BASE + "pods:\n  - {name: p, node: n1, ip: 10.244.1.5}\n", 5, "pods[0].ip",
     "outside node n1's podCIDR 10.244.0.0/24"),
    # a pod IP that host-local never hands out (.1 is the bridge)
    (BASE + "pods:\n  - {name: p, node: n1, ip: 10.244.0.1}\n", 5, "pods[0].ip",
     "reserved in 10.244.0.0/24"),
    # the same pod IP twice
    (BASE + "pods:\n  - {name: p, node: n1, ip: 10.244.0.9}\n"
     "  - {name: q, node: n1, ip: 10.244.0.9}\n", 6, "pods[1].ip",
     "10.244.0.9 is taken twice (also pods[0].ip)"),
    # a pod on a node the spec does not have
    (BASE + "pods:\n  - {name: p, node: n9}\n", 5, "pods[0].node",
     "unknown node 'n9' (expected one of n1, n2)"),
    # a backend flannel does not have (in this model)
    ("cluster: {backend: wireguard}\nnodes: [{name: n1}]\n", 1, "cluster.backend",
     "unknown backend 'wireguard' (expected one of host-gw, udp, vxlan)"),
    # CIDR, IP and MAC syntax
    ("cluster: {clusterCIDR: 10.244.0.0/33}\nnodes: [{name: n1}]\n", 1, "cluster.clusterCIDR",
     "invalid CIDR '10.244.0.0/33'"),
    ("cluster: {clusterCIDR: 10.244.0.1/16}\nnodes: [{name: n1}]\n", 1, "cluster.clusterCIDR",
     "host bits zero"),
    ("nodes:\n  - {name: n1, ip: 192.168.56.300}\n", 2, "nodes[0].ip",
     "invalid IP address '192.168.56.300'"),
    ("nodes:\n  - {name: n1, mac: 0a:58:zz:00:00:01}\n", 2, "nodes[0].mac",
     "invalid MAC address '0a:58:zz:00:00:01'"),
    ("nodes:\n  - {name: n1, mac: 01:00:5e:00:00:01}\n", 2, "nodes[0].mac", "multicast MAC"),
    # pools that run out: pod addresses, node addresses, node subnets
    ("nodes:\n  - {name: n1, podCIDR: 10.244.0.0/30}\npods:\n  - {name: a, node: n1}\n"
     "  - {name: b, node: n1}\n", 5, "pods[1]",
     "no free pod address left in node n1's podCIDR 10.244.0.0/30"),
    ("cluster: {underlay: {cidr: 192.168.56.0/30}}\nnodes:\n  - {name: n1}\n  - {name: n2}\n",
     4, "nodes[1]", "no free address left in segment underlay 192.168.56.0/30"),
    ("cluster: {clusterCIDR: 10.244.0.0/23}\nnodes:\n  - {name: n1}\n  - {name: n2}\n"
     "  - {name: n3}\n", 5, "nodes[2]", "no free /24 left in clusterCIDR 10.244.0.0/23"),
    # an MTU too small to carry anything after VXLAN's 50 bytes
    ("cluster: {underlay: {mtu: 100}}\nnodes: [{name: n1}]\n", 1, "cluster.underlay.mtu",
     "100 is out of range (expected 118-65535)"),
    # a node address that is the router's
    ("nodes:\n  - {name: n1, ip: 192.168.56.1}\n", 2, "nodes[0].ip", "underlay router"),
    # the service range inside the pod range
    ("cluster: {serviceCIDR: 10.244.128.0/17}\nnodes: [{name: n1}]\n", 1, "cluster.serviceCIDR",
     "overlaps clusterCIDR"),
    # DESIGN.md's own example of a bad protocol
    (BASE + "pods:\n  - name: p\n    node: n1\n    containers:\n      - name: c\n"
     "        ports: [{containerPort: 80, protocol: TCPX}]\n", 9,
     "pods[0].containers[0].ports[0].protocol",
     "unknown protocol 'TCPX' (expected one of SCTP, TCP, UDP)"),
    # no nodes at all
    ("pods: []\n", 1, "nodes", "missing (expected at least one node)"),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD_SPECS)
def test_bad_spec_names_file_line_and_field(text: str, line: int, field: str,
                                            message: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "bad.yaml")
    error = caught.value
    assert error.file == "bad.yaml"
    assert error.line == line, str(error)
    assert error.field == field, str(error)
    assert message in str(error)
    assert str(error).startswith(f"bad.yaml:{line}: ")
    assert "\n" not in str(error)


def test_missing_file_is_a_spec_error(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(SpecError, match="cannot read spec"):
        load_spec(tmp_path / "nope.yaml")  # type: ignore[operator]


def test_empty_spec_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="empty spec"):
        parse_spec("", "empty.yaml")


def node_lines(cidrs: list[str]) -> str:
    """``nodes:`` with node-1, node-2, … each given a podCIDR, one node a line."""
    return "nodes:\n" + "".join(f"  - {{name: node-{i + 1}, podCIDR: {cidr}}}\n"
                                for i, cidr in enumerate(cidrs))


@pytest.mark.parametrize(("cidrs", "second", "first"), [
    # the same /24 twice (it was accepted: the second silently replaced the first)
    (["10.244.0.0/24", "10.244.0.0/24"], 1, 0),
    # a /24 inside an earlier /23
    (["10.244.0.0/23", "10.244.1.0/24"], 1, 0),
    # a /22 over two earlier /24s, given out of order: the first node is named
    (["10.244.3.0/24", "10.244.1.0/24", "10.244.0.0/22"], 2, 1),
    # the first node in spec order to collide is reported, not the closest pair:
    # nodes[1] and nodes[2] both fall in nodes[0]'s /16; nodes[1] comes first
    (["10.244.0.0/16", "10.244.5.0/24", "10.244.0.0/24"], 1, 0),
])
def test_overlapping_pod_cidrs_name_the_second_node_and_the_first(
        cidrs: list[str], second: int, first: int) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(node_lines(cidrs), "spec.yaml")
    assert str(caught.value) == (
        f"spec.yaml:{second + 2}: nodes[{second}].podCIDR: {cidrs[second]} overlaps "
        f"nodes[{first}].podCIDR {cidrs[first]} (node-{first + 1})")


def test_overlap_is_found_among_5000_nodes() -> None:
    # 5,000 /24s in reverse order, then the 2,500th's again: found without
    # comparing every pair (which would take 12.5 million comparisons).
    cidrs = [f"10.{128 + i // 256}.{i % 256}.0/24" for i in reversed(range(5000))]
    cidrs.append(cidrs[2500])
    spec = ("cluster: {clusterCIDR: 10.128.0.0/9, underlay: {cidr: 172.16.0.0/18}}\n"
            + node_lines(cidrs))
    with pytest.raises(SpecError) as caught:
        parse_spec(spec, "big.yaml")
    assert caught.value.field == "nodes[5000].podCIDR"
    assert str(caught.value).endswith(f"overlaps nodes[2500].podCIDR {cidrs[2500]} (node-2501)")
    assert len(parse_spec(spec.rsplit("  - ", 1)[0], "big.yaml").nodes) == 5000


BAD_YAML = [
    # a tab indenting a line that continues a mapping: the tab's line, not the one before
    ("nodes:\n  - name: n1\n\t  ip: 192.168.56.5\n", 3, "a tab in the indentation"),
    ("cluster:\n  name: x\n\tbackend: vxlan\nnodes: [{name: n1}]\n", 3,
     "a tab in the indentation"),
    # a tab-indented sequence entry, after a blank line
    ("cluster:\n  name: x\nnodes:\n  - name: n1\n\n\t- name: n2\n", 6,
     "a tab in the indentation"),
    # an unclosed flow sequence: found where the next key cannot belong to it,
    # and the message says where the '[' was opened
    ("cluster: {name: x}\nnodes: [{name: n1}, {name: n2}\npods: []\n", 3,
     "the flow sequence '[' opened on line 2 is not closed"),
    # an unclosed flow mapping likewise
    ("cluster: {name: x\nnodes: [{name: n1}]\n", 2,
     "the flow mapping '{' opened on line 1 is not closed"),
    # a key indented deeper than its siblings
    ("cluster:\n  name: x\n   backend: vxlan\nnodes: [{name: n1}]\n", 3, "YAML syntax error"),
    # a sequence entry's key indented out of line
    ("nodes:\n  - name: n1\n   ip: 192.168.56.5\n", 3, "YAML syntax error"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_YAML)
def test_yaml_syntax_error_points_at_the_offending_line(text: str, line: int,
                                                        message: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "spec.yaml")
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"spec.yaml:{line}: YAML syntax error: ")
    assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "line", "field"), [
    # at the top level
    ("cluster: {}\nnodes: [{name: n1}]\ncluster: {}\n", 3, "cluster"),
    # inside the second node
    ("nodes:\n  - name: n1\n  - name: n2\n    ip: 192.168.56.5\n    ip: 192.168.56.6\n", 5,
     "nodes[1].ip"),
    # deeper: a container port of a pod
    ("nodes: [{name: n1}]\npods:\n  - name: p\n    node: n1\n    containers:\n"
     "      - name: c\n        ports:\n          - {containerPort: 80, containerPort: 81}\n",
     8, "pods[0].containers[0].ports[0].containerPort"),
])
def test_duplicate_key_names_its_full_path(text: str, line: int, field: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "spec.yaml")
    assert str(caught.value) == (f"spec.yaml:{line}: {field}: duplicate key "
                                 "(each field may appear once)")


SEGMENTS = ("cluster:\n  underlay:\n    segments:\n"
            "      - {name: rack-a, cidr: 192.168.56.0/24}\n"
            "      - {name: rack-b, cidr: 192.168.57.0/24}\n"
            "nodes:\n")


def test_node_without_segment_is_on_the_segment_holding_its_ip() -> None:
    cluster = parse_spec(SEGMENTS + "  - {name: a, ip: 192.168.56.20}\n"
                         "  - {name: b, ip: 192.168.57.20}\n"
                         "  - {name: c}\n", "spec.yaml")
    assert [n.segment for n in cluster.nodes] == ["rack-a", "rack-b", "rack-a"]


def test_node_ip_on_no_segment_is_still_an_error() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(SEGMENTS + "  - {name: a, ip: 192.168.58.20}\n", "spec.yaml")
    # with no segment given, every segment is named: none holds the address
    assert str(caught.value) == ("spec.yaml:7: nodes[0].ip: 192.168.58.20 is on no underlay "
                                 "segment (expected an address in one of: rack-a "
                                 "192.168.56.0/24, rack-b 192.168.57.0/24)")


def test_node_segment_given_and_ip_elsewhere_is_still_an_error() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(SEGMENTS + "  - {name: a, segment: rack-a, ip: 192.168.57.20}\n")
    assert caught.value.field == "nodes[0].ip" and "outside segment rack-a" in str(caught.value)


@pytest.mark.parametrize("enabled", [True, False])
def test_load_leaves_the_garbage_collector_as_it_found_it(
        enabled: bool, tmp_path: pytest.TempPathFactory) -> None:
    good = tmp_path / "good.yaml"  # type: ignore[operator]
    good.write_text(MINIMAL)
    bad = tmp_path / "bad.yaml"  # type: ignore[operator]
    bad.write_text(MINIMAL.replace("node: n2}]", "node: n9}]"))  # fails after the nodes
    was_enabled = gc.isenabled()
    try:
        if enabled:
            gc.enable()
        else:
            gc.disable()
        frozen = gc.get_freeze_count()
        load_spec(good)
        assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, frozen)
        with pytest.raises(SpecError):
            load_spec(bad)
        assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, frozen)
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_a_byte_order_mark_is_not_part_of_the_first_key(tmp_path: Path) -> None:
    # Some Windows editors start a UTF-8 file with U+FEFF.
    spec = tmp_path / "bom.yaml"
    spec.write_bytes("\ufeffnodes: [{name: n1}]\n".encode())
    assert [n.name for n in load_spec(spec).nodes] == ["n1"]


@pytest.mark.parametrize(("text", "line"), [
    ("nodes: [{name: n1}]\n---\nnodes: [{name: n2}]\n", 2),
    ("---\nnodes: [{name: n1}]\n---\nnodes: []\n", 3),  # the first --- only opens one
])
def test_a_second_yaml_document_is_refused_at_its_marker(text: str, line: int) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "multi.yaml")
    assert str(caught.value).startswith(f"multi.yaml:{line}: a second YAML document")


def test_a_leading_document_marker_is_fine() -> None:
    assert [n.name for n in parse_spec("---\nnodes: [{name: n1}]\n", "one.yaml").nodes] == ["n1"]



# -- issue 16: hostile specs ---------------------------------------------------


def one_error(text: str, file: str = "spec.yaml") -> str:
    """The error ``text`` gives, checked to be one printable line."""
    with pytest.raises(SpecError) as caught:
        parse_spec(text, file)
    message = str(caught.value)
    assert message.isprintable(), message  # no ESC, NUL or line break reaches a terminal
    assert message.startswith(f"{file}:")
    return message


def billion_laughs() -> str:
    """The classic: nine levels of nine aliases each, 9**9 strings if expanded."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_one_line_and_nothing_is_expanded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # yaml-rs refuses it; the search for a line must then not build PyYAML's
    # node tree or objects, where every alias would be expanded (gigabytes).
    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the error fallback composed or constructed the document")

    monkeypatch.setattr(yaml, "compose", forbidden)
    monkeypatch.setattr(yaml, "load", forbidden)
    monkeypatch.setattr(yaml.CSafeLoader, "get_single_node", forbidden)
    monkeypatch.setattr(yaml.CSafeLoader, "construct_document", forbidden)
    message = one_error(billion_laughs())
    assert message.startswith("spec.yaml:2: YAML error: alias replay limit exceeded"), message
    assert "(expected a spec whose aliases expand to fewer than a million values)" in message


def test_a_duplicate_key_is_still_found_past_shared_aliases() -> None:
    # The event scan sees an alias once, not once per use, and still finds
    # the duplicate after it.
    assert one_error("a: &x {b: 1}\nc: *x\nd: *x\nd: 2\n").startswith(
        "spec.yaml:4: d: duplicate key")


HUGE = "9" * 5000  # past Python's 4,300-digit limit for int <-> str


@pytest.mark.parametrize(("text", "expected"), [
    (f"cluster: {{underlay: {{mtu: {HUGE}}}}}\nnodes: [{{name: n1}}]\n",
     "spec.yaml:1: cluster.underlay.mtu: an integer of about 5000 digits is out of range "
     "(expected 118-65535)"),
    (f"nodes: [{{name: n1}}]\npods: [{{name: p, node: n1, containers: [{{name: c, "
     f"ports: [{{containerPort: -{HUGE}}}]}}]}}]\n",
     "spec.yaml:2: pods[0].containers[0].ports[0].containerPort: a negative integer of "
     "about 5000 digits is out of range (expected 1-65535)"),
    (f"nodes: [{{name: n1}}]\npods: [{{name: p, node: n1, labels: {{v: {HUGE}}}}}]\n",
     "spec.yaml:2: pods[0].labels.v: an integer of about 5000 digits is too long for a "
     "label (expected at most 63 characters)"),
    # as a key (an explicit one: a plain key is at most 1024 characters)
    (f"nodes:\n  - name: n1\n    ? {HUGE}\n    : 1\n",
     "spec.yaml:2: nodes[0].an integer of about 5000 digits: unknown field"),
    # a duplicate of it: yaml-rs gives no line, the event scan compares it as written
    (f"nodes: [{{name: n1}}]\n? {HUGE}\n: 1\n? {HUGE}\n: 2\n",
     f"spec.yaml:4: {'9' * 80}…: duplicate key"),
])
def test_an_integer_of_thousands_of_digits_is_described_not_printed(
        text: str, expected: str) -> None:
    assert one_error(text).startswith(expected)


@pytest.mark.parametrize(("key", "shown"), [
    ("~", "null"), ("null", "null"), ("1.5", "1.5"), (".nan", "nan"), ("true", "true"),
    ("? [a, b]\n", "['a', 'b']"), ("? {a: 1}\n", "frozenset({('a', 1)})"),
])
def test_a_key_that_is_not_a_string_is_an_unknown_field(key: str, shown: str) -> None:
    top = f"{key}: x\n"
    assert one_error(f"{top}nodes: [{{name: n1}}]\n").startswith(
        f"spec.yaml:1: {shown}: unknown field (expected one of cluster, gateways, httpRoutes, "
        "ingresses, nodes")
    nested = (f"nodes:\n  - name: n1\n    {key}: x\n" if not key.startswith("?")
              else f"nodes:\n  - name: n1\n    {key}    : x\n")
    assert f": nodes[0].{shown}: unknown field (expected one of ip, mac" in one_error(nested)


@pytest.mark.parametrize(("labels", "why"), [
    ("{~: web}", "labels.null: expected a string label key, got nothing"),
    ("{1.5: web}", "labels.1.5: expected a string label key, got a number"),
    ("{[a, b]: web}", "labels.['a', 'b']: expected a string label key, got a list"),
    ("{app: ~}", "labels.app: expected a string label value, got nothing"),
    ("{app: .nan}", "labels.app: expected a string label value, got nan (not a number)"),
    ("{app: -.inf}", "labels.app: expected a string label value, got -inf (infinite)"),
])
def test_a_label_that_is_not_a_string_is_refused(labels: str, why: str) -> None:
    pod = one_error(f"nodes: [{{name: n1}}]\npods: [{{name: p, node: n1, labels: {labels}}}]\n")
    assert pod.startswith(f"spec.yaml:2: pods[0].{why}"), pod
    service = one_error(f"nodes: [{{name: n1}}]\nservices: [{{name: s, selector: {labels}, "
                        "ports: [{port: 80}]}]\n")
    assert service.startswith(f"spec.yaml:2: services[0].{why.replace('labels', 'selector')}")


def test_control_characters_are_escaped_in_messages() -> None:
    # An ESC sequence in a value or a key would recolour (or worse) the terminal.
    value = one_error('cluster: {backend: "\\e[31mred"}\nnodes: [{name: n1}]\n')
    assert "'\\x1b[31mred'" in value
    key = one_error('nodes: [{name: n1, "\\e]0;owned\\a": 1}]\n')
    assert key.startswith("spec.yaml:1: nodes[0].\\x1b]0;owned\\x07: unknown field"), key


def test_a_long_value_or_key_is_cut_in_messages() -> None:
    value = one_error(f"cluster: {{backend: {'x' * 100_000}}}\nnodes: [{{name: n1}}]\n")
    assert value == (f"spec.yaml:1: cluster.backend: unknown backend '{'x' * 80}…' "
                     "(100000 characters) (expected one of host-gw, udp, vxlan)")
    key = one_error(f"nodes:\n  - name: n1\n    ? {'k' * 100_000}\n    : 1\n")
    assert key.startswith(f"spec.yaml:4: nodes[0].{'k' * 80}…: unknown field")
    assert len(key) < 300


@pytest.mark.parametrize(("field", "first", "second"), [
    ("mac", "0a:00:00:00:00:01", "0A-00-00-00-00-01"),
    ("vtepMAC", "0a:00:00:00:00:02", "0a:00:00:00:00:02"),
])
def test_two_nodes_with_one_mac_are_refused(field: str, first: str, second: str) -> None:
    text = (f"nodes:\n  - {{name: n1, {field}: '{first}'}}\n  - {{name: n2}}\n"
            f"  - {{name: n3, {field}: '{second}'}}\n")
    assert one_error(text) == (f"spec.yaml:4: nodes[2].{field}: 0a:00:00:00:00:0"
                               f"{first[-1]} is taken twice (also nodes[0].{field} of n1)")


@pytest.mark.parametrize(("text", "expected"), [
    ("cluster: []\nnodes: [{name: n1}]\n", "spec.yaml:1: cluster: expected a mapping, "
     "got a list"),
    ("cluster: {underlay: 0}\nnodes: [{name: n1}]\n", "spec.yaml:1: cluster.underlay: "
     "expected a mapping, got an integer"),
    ("cluster: {underlay: ''}\nnodes: [{name: n1}]\n", "spec.yaml:1: cluster.underlay: "
     "expected a mapping, got a string"),
])
def test_an_empty_non_mapping_is_not_taken_for_a_missing_one(text: str, expected: str) -> None:
    assert one_error(text) == expected


@pytest.mark.parametrize(("text", "field"), [
    ('cluster: {name: "a\\0b"}\nnodes: [{name: n1}]\n', "cluster.name"),
    ('cluster: {underlay: {segments: [{name: "r\\0a", cidr: 192.168.56.0/24}]}}\n'
     "nodes: [{name: n1}]\n", "cluster.underlay.segments[0].name"),
    ('nodes: [{name: "n\\0"}]\n', "nodes[0].name"),
    ('nodes: [{name: n1}]\npods: [{name: p, node: "n1\\0"}]\n', "pods[0].node"),
])
def test_a_nul_in_a_name_is_refused(text: str, field: str) -> None:
    message = one_error(text)
    assert f": {field}: " in message and "\\x00" in message, message


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as handle:
        handle.truncate(MAX_SPEC_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert str(caught.value) == (f"{spec}: spec is {MAX_SPEC_BYTES + 1} bytes "
                                 "(expected at most 128 MiB)")


@pytest.mark.parametrize("character", ["\x84", "\x85", "\u2028", "\x7f"])
def test_an_error_in_a_spec_pyyaml_cannot_read_still_has_its_line(character: str) -> None:
    # yaml-rs loads text holding a C1 control, DEL or U+2028; PyYAML, asked only
    # where a value is, refused the whole document (or broke the line there).
    text = f"nodes:\n  - name: n1\n    ip: 10.0.0.1{character}\n  - name: n2\n    ip: bad\n"
    assert one_error(text).startswith("spec.yaml:3: nodes[0].ip: '10.0.0.1\\")
    later = f"cluster: {{name: a{character}b}}\nnodes:\n  - name: n1\n    ip: bad\n"
    assert one_error(later).startswith("spec.yaml:1: cluster.name: ")
    tabbed = "nodes: [{name: n1},\n\t{name: n2, ip: bad}]\n"
    assert one_error(tabbed).startswith("spec.yaml:2: nodes[1].ip: invalid IP address")
