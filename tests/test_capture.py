"""Captures in, without root: the lab captures committed under
diagrams/captures/ (written by ``netmodel collect`` in a lab, see
tests/test_capture_lab.py) parsed, diffed and traced through."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from netmodel.capture.collect import Collected, write_capture
from netmodel.capture.iptables import parse_iptables, split_rule
from netmodel.capture.layout import FILES, read_capture
from netmodel.capture.node import load_capture
from netmodel.cli import main
from netmodel.compare.differences import Change
from netmodel.compare.impact import relevant_walks
from netmodel.compare.report import format_diff
from netmodel.compare.run import diff_node
from netmodel.errors import InputError, NetmodelError
from netmodel.i18n.compare import COMPARE
from netmodel.spec.load import load_spec
from netmodel.state.kernel import Origin
from netmodel.state.model import Model
from netmodel.state.netfilter import save_text
from netmodel.trace.hops import Disposition
from netmodel.trace.walks import walk_all, walk_between
from netmodel.views.text import format_trace

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "diagrams" / "clusters").glob("*.yaml"))
SPEC = ROOT / "diagrams" / "clusters" / "two-nodes-vxlan.yaml"
CAPTURES = ROOT / "diagrams" / "captures" / "two-nodes-vxlan"
BROKEN = CAPTURES / "node-2-fdb-missing"


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_iptables_save_parses_back_to_the_same_rules(spec: Path) -> None:
    model = Model(load_spec(spec))
    for node in model.cluster.nodes:
        text = save_text(model.ruleset(node.name))
        assert save_text(parse_iptables(text, "x").ruleset) == text


@pytest.mark.parametrize("node", ["node-1", "node-2"])
def test_a_healthy_lab_capture_is_the_model(node: str, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    cluster = load_spec(SPEC)
    result = diff_node(cluster, node, CAPTURES / node)
    assert result.differences == () and result.impact.broken == ()
    model = Model(cluster)
    captured = result.capture.state.netns
    assert {str(r) for r in captured.routes} == {str(r) for r in model.node_netns(node).routes}
    assert save_text(result.capture.state.ruleset) == save_text(model.ruleset(node))
    assert main(["diff", str(SPEC), node, str(CAPTURES / node)]) == 0
    assert "0 difference(s)" in capsys.readouterr().out


def test_a_missing_fdb_entry_is_named_with_its_owner_and_the_walks_it_breaks(
        capsys: pytest.CaptureFixture[str]) -> None:
    cluster = load_spec(SPEC)
    model = Model(cluster)
    node_1 = cluster.node("node-1")
    wanted = next(e for e in model.node_netns("node-2").fdb if e.dst == node_1.ip)
    result = diff_node(cluster, "node-2", BROKEN)
    assert [(d.what, d.change, d.text, d.who) for d in result.differences] == [
        ("fdb", Change.MISSING, str(wanted), Origin.FLANNEL)]
    walks = {(b.source, b.destination): b for b in result.impact.broken}
    db_to_web = walks["pod/default/db-1", "pod/default/web-1"]
    assert db_to_web.modelled.disposition is Disposition.DELIVERED
    assert db_to_web.captured.disposition is Disposition.DROPPED
    assert all(b.causes == result.differences for b in result.impact.broken)
    # Each broken walk fails where the entry is missing: node-2's flannel.1 finds no
    # VTEP for node-1 (the request's leg that fails, or the reply's).
    for broken in result.impact.broken:
        leg = (broken.reason if broken.reason.disposition is not Disposition.DELIVERED
               else broken.reason.reply)
        assert leg is not None
        last = leg.hops[-1]
        assert (last.node, last.steps[-1].device, last.steps[-1].detail.key) == (
            "node-2", "flannel.1", "vxlan.nofdb"), (broken.source, broken.destination)
    assert main(["diff", str(SPEC), "node-2", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert f"{wanted}: missing (programmed by flanneld)" in out
    assert main(["diff", str(SPEC), "node-2", str(BROKEN), "--lang", "zh"]) == 1
    assert f"{wanted}：缺失（应由 flanneld 配置）" in capsys.readouterr().out


def test_trace_state_goes_through_the_captured_node_only() -> None:
    cluster = load_spec(SPEC)
    capture = load_capture(BROKEN, cluster, "node-2")
    captured = Model(cluster, overrides={"node-2": capture.state})
    assert walk_between(Model(cluster), "pod/db-1", "pod/web-1").disposition \
        is Disposition.DELIVERED
    trace = walk_between(captured, "pod/db-1", "pod/web-1")
    assert trace.disposition is Disposition.DROPPED
    assert trace.hops[-1].netns_id == captured.node_netns("node-2").id
    # node-1 is still modelled: its own pods reach each other.
    assert walk_between(captured, "pod/web-1", "pod/web-2").disposition \
        is Disposition.DELIVERED
    assert main(["trace", str(SPEC), "pod/db-1", "pod/web-1", "--state",
                 f"node-2={BROKEN}"]) == 1
    assert main(["trace", str(SPEC), "pod/db-1", "pod/web-1", "--state",
                 f"node-2={CAPTURES / 'node-2'}"]) == 0


def test_an_override_for_a_node_not_in_the_spec_is_refused() -> None:
    cluster = load_spec(SPEC)
    capture = load_capture(CAPTURES / "node-2", cluster, "node-2")
    with pytest.raises(InputError):
        Model(cluster, overrides={"node-9": capture.state})


def _broken_copy(tmp_path: Path, file: str, edit: tuple[str, str]) -> Path:
    target = tmp_path / "capture"
    shutil.copytree(CAPTURES / "node-2", target)
    path = target / file
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    return target


@pytest.mark.parametrize(("file", "edit", "where"), [
    # a MAC that is not one, in the first entry
    ("bridge-fdb.json", ('"mac":"33:33:00:00:00:01"', '"mac":"33:33:00:zz:00:01"'),
     "bridge-fdb.json:1: [0].mac: not a MAC address"),
    # a destination that is not an address
    ("ip-route.json", ('"dst":"default"', '"dst":"nowhere"'),
     "ip-route.json:1: [0].dst: not an IPv4 destination"),
    # a number written as a string (the third link, flannel.1)
    ("ip-link.json", ('"mtu":1450', '"mtu":"1450"'), "ip-link.json:1: [2].mtu: expected int"),
    # a truncated file: the array never closes
    ("ip-neigh.json", ("}]", "}"), "ip-neigh.json:2: the JSON array is not closed"),
    # a match the tracer cannot evaluate is refused, not read as something else
    ("iptables-save.txt", ("-j KUBE-FIREWALL", "-m set --match-set x src -j KUBE-FIREWALL"),
     "iptables-save.txt:18: -m set: -m set is not a match netmodel models"),
    # a table whose COMMIT is missing
    ("iptables-save.txt", ("COMMIT", "# COMMIT"), "has no COMMIT"),
])
def test_a_malformed_capture_is_one_line_naming_file_line_and_field(
        tmp_path: Path, file: str, edit: tuple[str, str], where: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    target = _broken_copy(tmp_path, file, edit)
    assert main(["diff", str(SPEC), "node-2", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and where in err, err


def test_a_capture_missing_a_file_says_which_command_writes_it(tmp_path: Path) -> None:
    target = tmp_path / "capture"
    shutil.copytree(CAPTURES / "node-2", target)
    (target / FILES["fdb"]).unlink()
    with pytest.raises(NetmodelError, match="bridge -j fdb"):
        read_capture(target)


def test_an_archive_reads_as_its_directory(tmp_path: Path) -> None:
    files = {name: (CAPTURES / "node-2" / name).read_text()
             for name in sorted(p.name for p in (CAPTURES / "node-2").iterdir())}
    archive = tmp_path / "node-2.tar.gz"
    write_capture(Collected(files, ()), archive)
    assert read_capture(archive).texts == read_capture(CAPTURES / "node-2").texts
    first = archive.read_bytes()
    write_capture(Collected(files, ()), archive)
    assert archive.read_bytes() == first  # same files, same bytes


def test_collect_without_root_or_tools_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["collect", "-o", "unused"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs root" in err


def test_every_diff_word_has_both_languages_with_the_same_placeholders() -> None:
    for key, texts in COMPARE.items():
        assert set(texts) == {"en", "zh"}, key
        assert (set(re.findall(r"{(\w+)}", texts["en"]))
                == set(re.findall(r"{(\w+)}", texts["zh"]))), key


def test_an_archive_written_twice_a_second_apart_is_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"manifest.json": "{}\n", FILES["links"]: "[]\n"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_capture(Collected(files, ()), tmp_path / "a" / "node.tar.gz")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 5)
    write_capture(Collected(files, ()), tmp_path / "b" / "node.tar.gz")
    assert (tmp_path / "a" / "node.tar.gz").read_bytes() \
        == (tmp_path / "b" / "node.tar.gz").read_bytes()


def _edited(tmp_path: Path, file: str, edit: Callable[[str], str]) -> Path:
    target = tmp_path / "capture"
    shutil.copytree(CAPTURES / "node-2", target)
    path = target / file
    before = path.read_text()
    after = edit(before)
    assert after != before
    path.write_text(after)
    return target


def _swap_first_two(text: str, chain: str) -> str:
    lines = text.splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if line.startswith(f"-A {chain} ")][:2]
    assert len(at) == 2
    lines[at[0]], lines[at[1]] = lines[at[1]], lines[at[0]]
    return "".join(lines)


def _differences(target: Path) -> list[tuple[str, Change, str]]:
    result = diff_node(load_spec(SPEC), "node-2", target)
    return [(d.what, d.change, d.text) for d in result.differences]


def test_rule_order_counts_in_kube_proxys_chains_not_in_the_builtin_ones(
        tmp_path: Path) -> None:
    model = Model(load_spec(SPEC))
    chain = next(c for t, c in model.ruleset("node-2").chains
                 if t == "nat" and c.startswith("KUBE-SVC-")
                 and len(model.ruleset("node-2").groups[t, c]) > 1)
    swapped = _edited(tmp_path / "a", FILES["iptables"], lambda t: _swap_first_two(t, chain))
    assert _differences(swapped) == [("order", Change.CHANGED, f"-t nat {chain}")]
    builtin = _edited(tmp_path / "b", FILES["iptables"],
                      lambda t: _swap_first_two(t, "FORWARD"))
    assert _differences(builtin) == []


def test_a_drop_policy_and_an_extra_route_are_differences_link_local_is_not(
        tmp_path: Path) -> None:
    policy = _edited(tmp_path / "a", FILES["iptables"],
                     lambda t: t.replace(":FORWARD ACCEPT [0:0]", ":FORWARD DROP [12:720]"))
    assert _differences(policy) == [("policy", Change.CHANGED, "-t filter -P FORWARD ACCEPT")]

    def add_routes(text: str) -> str:
        routes = json.loads(text)
        routes.insert(1, {"dst": "169.254.0.0/16", "dev": "eth0", "scope": "link",
                          "metric": 1000, "flags": []})
        routes.insert(1, {"dst": "10.99.0.0/16", "gateway": "192.168.56.1", "dev": "eth0",
                          "flags": []})
        return json.dumps(routes)
    extra = _edited(tmp_path / "b", FILES["routes"], add_routes)
    assert _differences(extra) == [("route", Change.EXTRA,
                                    "10.99.0.0/16 via 192.168.56.1 dev eth0")]


def test_a_veth_the_cni_named_otherwise_is_found_by_the_pods_mac(tmp_path: Path) -> None:
    cluster = load_spec(SPEC)
    model = Model(cluster)
    veth = next(link.name for link in model.node_netns("node-2").links
                if link.peer_netns is not None and link.peer_netns.name == "default/db-1")
    target = tmp_path / "capture"
    shutil.copytree(CAPTURES / "node-2", target)
    for name in (FILES["links"], FILES["addrs"], FILES["fdb"]):
        path = target / name
        path.write_text(path.read_text().replace(veth, "veth0a1b2c3d"))
    result = diff_node(cluster, "node-2", target)
    assert result.differences == () and result.impact.broken == ()
    assert result.capture.veths["default/db-1"] == "veth0a1b2c3d"
    captured = Model(cluster, overrides={"node-2": result.capture.state})
    trace = walk_between(captured, "pod/web-1", "pod/db-1")
    assert trace.disposition is Disposition.DELIVERED
    assert any(step.device == "veth0a1b2c3d" for hop in trace.hops for step in hop.steps)


def test_a_changed_mtu_is_named_with_its_owner(tmp_path: Path) -> None:
    def lower_mtu(text: str) -> str:
        links = json.loads(text)
        flannel = next(link for link in links if link["ifname"] == "flannel.1")
        flannel["mtu"] = 1400
        return json.dumps(links)
    target = _edited(tmp_path, FILES["links"], lower_mtu)
    result = diff_node(load_spec(SPEC), "node-2", target)
    assert [(d.what, d.change, d.text, d.found, d.who) for d in result.differences] == [
        ("link", Change.CHANGED, "flannel.1 mtu 1450", "mtu 1400", Origin.FLANNEL)]
    pods = Model(load_spec(SPEC)).node_netns("node-2").link("cni0")
    assert pods is not None
    assert result.differences[0].note == (
        "note.mtu", (("dev", "flannel.1"), ("mtu", "1400"), ("pods", str(pods.mtu))))


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_a_parsed_rule_has_the_writer_the_model_records(spec: Path) -> None:
    model = Model(load_spec(spec))
    for node in model.cluster.nodes:
        ruleset = model.ruleset(node.name)
        parsed = parse_iptables(save_text(ruleset), "x").ruleset
        by_text = {(r.table, r.save()): r.writer for r in ruleset.rules}
        assert {(r.table, r.save()): r.writer for r in parsed.rules} == by_text


def test_a_missing_kube_proxy_rule_retraces_only_its_services_walks(tmp_path: Path) -> None:
    cluster = load_spec(SPEC)
    model = Model(cluster)
    rule = next(r for r in model.ruleset("node-2").rules
                if r.chain == "KUBE-SERVICES" and "default/db" in r.save())
    target = _edited(tmp_path, FILES["iptables"],
                     lambda t: t.replace(rule.save() + "\n", "", 1))
    result = diff_node(cluster, "node-2", target)
    assert [(d.what, d.change, d.rule) for d in result.differences] == [
        ("rule", Change.MISSING, rule)]
    assert {(b.source, b.destination) for b in result.impact.broken} == {
        ("pod/default/db-1", "svc/default/db")}
    # db-1's own node and a pod elsewhere (db has its endpoint here), nothing more
    assert result.impact.walks == 2


@pytest.mark.parametrize(("option", "says"), [
    # a node the spec does not have, named by the flag it came from
    ("node-9=x", "--state 'node-9=x': 'node-9' is not a node of the spec"),
    # no capture path
    ("node-2", "--state: expected NODE=CAPTURE"),
])
def test_a_bad_state_option_is_one_line(option: str, says: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(SPEC), "pod/db-1", "pod/web-1", "--state", option]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err


@pytest.mark.parametrize("node", ["node-1", "node-2"])
def test_a_healthy_capture_traces_exactly_as_the_model(node: str) -> None:
    """Every walk across the node, step by step, in both languages: the parsed
    capture is the state the model derives, down to who installed each entry."""
    cluster = load_spec(SPEC)
    model = Model(cluster)
    captured = model.with_overrides({node: load_capture(CAPTURES / node, cluster,
                                                        node).state})
    requests = list(relevant_walks(cluster, node, []))
    assert len(requests) > 10
    for request in requests:
        for modelled, observed in zip(walk_all(model, request), walk_all(captured, request),
                                      strict=True):
            for lang in ("en", "zh"):
                assert format_trace(observed, lang) == format_trace(modelled, lang), request


def test_a_node_without_forwarding_or_br_netfilter_or_with_extra_ip_rules_says_so(
        tmp_path: Path) -> None:
    forwarding = _edited(tmp_path / "a", FILES["ip_forward"], lambda t: t.replace("1", "0"))
    assert _differences(forwarding) == [("sysctl", Change.CHANGED, "net.ipv4.ip_forward = 1")]
    # the tracer reads ip_forward: pod traffic to another node stops on this one
    cluster = load_spec(SPEC)
    state = load_capture(forwarding, cluster, "node-2").state
    assert walk_between(Model(cluster, overrides={"node-2": state}), "pod/db-1",
                        "pod/web-1").disposition is not Disposition.DELIVERED
    result = diff_node(cluster, "node-2", forwarding)
    assert result.impact.broken
    assert all(b.causes == result.differences for b in result.impact.broken)
    bridge = _edited(tmp_path / "b", FILES["bridge_nf"], lambda t: t.replace("1", "0"))
    result = diff_node(cluster, "node-2", bridge)
    assert [(d.what, d.text, d.note) for d in result.differences] == [
        ("sysctl", "net.bridge.bridge-nf-call-iptables = 1", ("note.bridge_nf", ()))]

    def add_rule(text: str) -> str:
        rules = json.loads(text)
        rules.insert(1, {"priority": 100, "src": "10.244.1.0/24", "table": "200"})
        return json.dumps(rules)
    assert _differences(_edited(tmp_path / "c", FILES["ip_rules"], add_rule)) == [
        ("iprule", Change.EXTRA, "100: from 10.244.1.0/24 lookup 200")]


def test_a_veth_with_a_random_name_and_pod_mac_is_found_by_the_pods_arp_entry(
        tmp_path: Path) -> None:
    """A real node: the CNI names veths at random and the pod's MAC is the
    kernel's, not the model's; the node's ARP entry for the pod's IP on cni0
    and the bridge port that learnt that MAC tie them together."""
    cluster = load_spec(SPEC)
    pod = cluster.pod("default/db-1")
    veth = next(link.name for link in Model(cluster).node_netns("node-2").links
                if link.peer_netns is not None and link.peer_netns.name == pod.key)
    real_mac = "b6:0e:61:9a:27:5c"
    target = tmp_path / "capture"
    shutil.copytree(CAPTURES / "node-2", target)
    for name in (FILES["links"], FILES["addrs"], FILES["fdb"]):
        path = target / name
        path.write_text(path.read_text().replace(veth, "veth9f8e7d6c")
                        .replace(pod.mac, real_mac))
    neigh = target / FILES["neigh"]
    entries = json.loads(neigh.read_text())
    entries.append({"dst": str(pod.ip), "dev": "cni0", "lladdr": real_mac,
                    "state": ["REACHABLE"]})
    neigh.write_text(json.dumps(entries))
    result = diff_node(cluster, "node-2", target)
    assert result.capture.veths[pod.key] == "veth9f8e7d6c"
    assert result.differences == () and result.impact.broken == ()


@pytest.mark.parametrize("line", [
    # what iptables-save writes: words and one double-quoted comment
    '-A KUBE-SVC-X -m comment --comment "default/web:http -> 10.244.0.2:80" -j KUBE-SEP-Y',
    # an escaped quote inside a comment, a single-quoted word: shlex's own rules
    '-A X -m comment --comment "a \\"q\\" b" -j Y',
    "-A X -m comment --comment 'a b' -j Y",
    # a quote inside a word, an empty comment
    '-A a"b" c',
    '-A X -m comment --comment "" -j Y',
])
def test_the_rule_splitter_splits_as_shlex_does(line: str) -> None:
    assert split_rule(line) == shlex.split(line)


def test_the_rule_splitter_splits_every_rule_of_every_spec_as_shlex_does() -> None:
    for spec in SPECS:
        model = Model(load_spec(spec))
        for node in model.cluster.nodes:
            for line in save_text(model.ruleset(node.name)).splitlines():
                assert split_rule(line) == shlex.split(line), line
    with pytest.raises(ValueError):
        split_rule('-A X -m comment --comment "unclosed')


def test_a_nic_named_otherwise_is_compared_and_traced_as_the_models(tmp_path: Path) -> None:
    target = tmp_path / "capture"
    shutil.copytree(CAPTURES / "node-2", target)
    for name in (FILES["links"], FILES["addrs"], FILES["routes"], FILES["fdb"],
                 FILES["neigh"]):
        path = target / name
        path.write_text(path.read_text().replace('"eth0"', '"ens3"'))
    cluster = load_spec(SPEC)
    result = diff_node(cluster, "node-2", target)
    assert result.differences == () and result.impact.broken == ()
    assert result.capture.renamed_nic == ("ens3", "eth0")
    out = format_diff(result.capture, [], result.impact)
    assert "the NIC's name (ens3, compared as the model's eth0)" in out
    assert "ens3" in (target / FILES["links"]).read_text()


def test_the_vtep_mac_is_compared_a_nics_mac_is_not(tmp_path: Path) -> None:
    cluster = load_spec(SPEC)
    ns = Model(cluster).node_netns("node-2")
    nic, vtep = ns.link("eth0"), ns.link("flannel.1")
    assert nic is not None and nic.mac and vtep is not None and vtep.mac
    other = _edited(tmp_path / "a", FILES["links"],
                    lambda t: t.replace(f'"address":"{nic.mac}"', '"address":"52:54:00:12:34:56"'))
    assert _differences(other) == []
    moved = _edited(tmp_path / "b", FILES["links"],
                    lambda t: t.replace(f'"address":"{vtep.mac}"',
                                        '"address":"52:54:00:12:34:57"'))
    assert _differences(moved) == [("link", Change.CHANGED, f"flannel.1 address {vtep.mac}")]


def test_lines_the_model_prints_are_its_rules_the_others_are_parsed() -> None:
    model = Model(load_spec(SPEC))
    ruleset = model.ruleset("node-2")
    known = {(r.table, r.save()): r for r in ruleset.rules}
    text = save_text(ruleset).replace("-j KUBE-MARK-MASQ\n", "-j KUBE-MARK-DROP\n", 1)
    parsed = parse_iptables(text, "x", known).ruleset
    assert save_text(parsed) == text
    reused = [r for r in parsed.rules if known.get((r.table, r.save())) is r]
    assert len(reused) == len(list(ruleset.rules)) - 1
