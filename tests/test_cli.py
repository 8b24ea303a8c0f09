"""The CLI as a user runs it: a real subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TWO_NODES

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netmodel", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "cluster.yaml"
    path.write_text(TWO_NODES.format(backend="vxlan"))
    return path


def test_trace_prints_hops_and_reply(spec: Path) -> None:
    result = run("trace", str(spec), "pod/web-1", "pod/db-1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("flow: tcp 10.244.0.2:40000 → 10.244.1.2:5432")
    assert "DELIVERED" in result.stdout and "ENCAPSULATE" in result.stdout
    assert "reply: tcp 10.244.1.2:5432 → 10.244.0.2:40000" in result.stdout


def test_trace_json_parses_and_has_a_reply(spec: Path) -> None:
    result = run("trace", str(spec), "pod/web-1", "pod/db-1", "--json")
    data = json.loads(result.stdout)
    assert data["disposition"] == "DELIVERED"
    assert data["reply"]["disposition"] == "DELIVERED"


def test_trace_in_chinese(spec: Path) -> None:
    result = run("trace", str(spec), "pod/web-1", "pod/db-1", "--lang", "zh")
    assert "封装" in result.stdout and "回包" in result.stdout


def test_state_prints_ip_route(spec: Path) -> None:
    result = run("state", str(spec), "node-1", "--table", "routes")
    assert result.returncode == 0
    assert "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink \n" in result.stdout


def test_state_of_a_pod(spec: Path) -> None:
    result = run("state", str(spec), "node-1", "--pod", "web-1", "--table", "addrs")
    assert "inet 10.244.0.2/24 brd 10.244.0.255 scope global eth0" in result.stdout


def test_output_is_byte_identical_across_runs(spec: Path) -> None:
    first = run("trace", str(spec), "pod/web-1", "pod/db-1", "--json").stdout
    assert first == run("trace", str(spec), "pod/web-1", "pod/db-1", "--json").stdout


@pytest.mark.parametrize(("args", "message"), [
    # an unknown pod on the command line
    (["trace", "{spec}", "pod/web-1", "pod/nope"], "TO 'pod/nope': no pod default/nope"),
    # a malformed endpoint
    (["trace", "{spec}", "web-1", "pod/db-1"], "FROM 'web-1': expected pod/NAME"),
    # a port out of range
    (["trace", "{spec}", "pod/web-1", "pod/db-1", "--port", "70000"], "--port 70000"),
    # udp without a port, to a pod that declares none for udp
    (["trace", "{spec}", "pod/web-1", "pod/db-1", "--proto", "udp"],
     "--proto 'udp': a port is needed for udp"),
    # an unknown node for state
    (["state", "{spec}", "node-9", "--table", "routes"], "NODE 'node-9': no such node"),
    # a pod that is not on that node
    (["state", "{spec}", "node-2", "--pod", "web-1", "--table", "routes"],
     "--pod 'web-1': no pod default/web-1 on node node-2"),
    # a spec that does not exist
    (["trace", "missing.yaml", "pod/a", "pod/b"], "missing.yaml: cannot read spec"),
])
def test_bad_input_is_one_line_exit_2(spec: Path, args: list[str], message: str) -> None:
    result = run(*[a.replace("{spec}", str(spec)) for a in args])
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_spec_is_one_line_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("nodes:\n  - {name: n1}\npods:\n  - {name: p, node: n1, protocol: TCPX}\n")
    result = run("trace", str(path), "pod/p", "pod/p")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"netmodel: {path}:4: pods[0].protocol: unknown field (expected "
                             "one of containers, dnsConfig, dnsPolicy, hostNetwork, ip, labels, "
                             "mac, name, namespace, node)\n")


def test_bad_usage_exits_2() -> None:
    result = run("trace")
    assert result.returncode == 2
    assert result.stderr == ("netmodel trace: error: the following arguments are required: "
                             "spec, FROM, TO\n")


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).with_name("netmodel")
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "trace" in result.stdout


SERVICES = TWO_NODES.format(backend="vxlan").replace("pods:", "pods:", 1) + """\
services:
  - name: db
    selector: {app: db}
    ports: [{port: 5432}]
"""


@pytest.fixture
def svc_spec(tmp_path: Path) -> Path:
    path = tmp_path / "svc.yaml"
    text = SERVICES.replace("  - name: db-1\n    node: node-2\n",
                            "  - name: db-1\n    node: node-2\n    labels: {app: db}\n")
    path.write_text(text)
    return path


def test_state_prints_iptables_save_and_kube_proxys_payload(svc_spec: Path) -> None:
    save = run("state", str(svc_spec), "node-1", "--table", "iptables").stdout
    assert save.startswith("*filter\n:INPUT ACCEPT [0:0]\n")
    assert '-m comment --comment "default/db cluster IP" -m tcp --dport 5432' in save
    payload = run("state", str(svc_spec), "node-1", "--table", "kube-proxy").stdout
    assert "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000" in payload
    assert ":INPUT" not in payload  # kube-proxy declares only its own chains


def test_trace_to_a_service_pinned_and_all(svc_spec: Path) -> None:
    pinned = run("trace", str(svc_spec), "pod/web-1", "svc/db", "--endpoint",
                 "10.244.1.2:5432", "--json")
    assert json.loads(pinned.stdout)["probability"] == 1.0
    every = json.loads(run("trace", str(svc_spec), "pod/web-1", "svc/db", "--all",
                           "--json").stdout)
    assert isinstance(every, list) and len(every) == 1


def test_trace_from_an_external_client(svc_spec: Path) -> None:
    result = run("trace", str(svc_spec), "external/198.51.100.7", "node/node-1", "--port", "22")
    assert result.returncode == 0
    assert "internet · external 198.51.100.7" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    # an endpoint the service does not have
    (["trace", "{spec}", "pod/web-1", "svc/db", "--endpoint", "10.9.9.9:1"],
     "not one this service's chain can pick"),
    # both at once
    (["trace", "{spec}", "pod/web-1", "svc/db", "--all", "--endpoint", "10.244.1.2:5432"],
     "--all and --endpoint exclude each other"),
    # an "external" client inside the pod network
    (["trace", "{spec}", "external/10.244.0.9", "svc/db"], "inside the cluster's clusterCIDR"),
    # an Ingress rule that does not exist
    (["trace", "{spec}", "external/198.51.100.7", "ingress/shop.example.com/"],
     "no Ingress rule matches"),
    # iptables rules are the node's, not a pod's
    (["state", "{spec}", "node-1", "--pod", "web-1", "--table", "iptables"],
     "pods have no iptables rules"),
])
def test_bad_service_input_is_one_line_exit_2(svc_spec: Path, args: list[str],
                                               message: str) -> None:
    result = run(*[a.replace("{spec}", str(svc_spec)) for a in args])
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr


def test_spec_warnings_go_to_stderr_and_the_command_still_runs(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("nodes: [{name: n1}]\nservices:\n  - {name: x, selector: {app: no}, "
                    "ports: [{port: 80}]}\n")
    result = run("state", str(path), "n1", "--table", "routes")
    assert result.returncode == 0 and result.stdout
    assert result.stderr.startswith(f"netmodel: {path}:3: services[0].selector: warning: ")


def test_render_writes_dot_or_a_standalone_svg(spec: Path, tmp_path: Path) -> None:
    dot = run("render", str(spec), "--view", "frame", "--from", "pod/web-1", "--to",
              "pod/db-1", "--lang", "zh")
    assert dot.returncode == 0 and dot.stdout.startswith("digraph frame {")
    assert "隧道添加" in dot.stdout
    out = tmp_path / "path.svg"
    made = run("render", str(spec), "--view", "path", "--from", "pod/web-1", "--to",
               "pod/db-1", "-o", str(out))
    assert made.returncode == 0, made.stderr
    svg = out.read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and "#010101" not in svg


@pytest.mark.parametrize(("args", "message"), [
    # a path needs both ends
    (["--view", "path"], "--view path needs --from and --to"),
    # an output format we do not write
    (["--view", "topology", "-o", "{tmp}/x.png"], "expected a .dot or .svg file name"),
])
def test_render_bad_input_writes_nothing(spec: Path, tmp_path: Path, args: list[str],
                                         message: str) -> None:
    result = run("render", str(spec), *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2 and message in result.stderr
    assert list(tmp_path.glob("x.*")) == []


@pytest.mark.parametrize(("argv", "message"), [
    (["lab", "missing.yaml"], "missing.yaml"),
    (["lab", "--record", "diagrams/clusters/flannel-udp.yaml"], "--record needs --verify"),
    (["lab", "--keep", "diagrams/clusters/flannel-udp.yaml",
      "diagrams/clusters/flannel-vxlan.yaml"], "--keep takes one SPEC"),
])
def test_lab_bad_input_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    """Refused before any namespace is made, so this needs neither root nor a lab."""
    result = run(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


# -- user mistakes are NetmodelErrors: one line, exit 2; bugs keep their traceback ---------

CLUSTERS = ROOT / "diagrams" / "clusters"
TWO = str(CLUSTERS / "two-nodes-vxlan.yaml")


@pytest.mark.parametrize(("args", "message"), [
    # a port the Service lacks (this was a bare ValueError)
    (["trace", TWO, "pod/web-1", "svc/db", "--port", "9999"],
     "--port 9999: service default/db has no port 9999"),
    # a protocol the Service has no port for
    (["trace", TWO, "pod/web-1", "svc/db", "--proto", "udp"],
     "--proto 'udp': service default/db has no udp port"),
    # a source port out of range
    (["trace", TWO, "pod/web-1", "pod/db-1", "--sport", "0"], "--sport 0: out of range"),
    # an unknown service
    (["trace", TWO, "pod/web-1", "svc/nope"], "TO 'svc/nope': no service default/nope"),
    # a Service as a source
    (["trace", TWO, "svc/db", "pod/web-1"], "FROM 'svc/db': unknown endpoint kind 'svc'"),
    # an unknown node as a destination
    (["trace", TWO, "pod/web-1", "node/node-9"], "TO 'node/node-9': no node node-9"),
    # an endpoint the Service's chain cannot pick
    (["trace", TWO, "pod/web-1", "svc/db", "--endpoint", "10.244.9.9:5432"],
     "--endpoint '10.244.9.9:5432': not one this service's chain can pick"),
    # an endpoint pinned on a walk that meets no Service (it would be ignored)
    (["trace", TWO, "pod/web-1", "pod/db-1", "--endpoint", "10.244.1.2:5432"],
     "--endpoint '10.244.1.2:5432': this walk meets no kube-proxy endpoint choice"),
    # an Ingress host/path no rule matches
    (["trace", TWO, "external/198.51.100.7", "ingress/nope.example.com/"],
     "TO 'ingress/nope.example.com/': no Ingress rule matches"),
    # a port given to an Ingress walk, which uses the controller's
    (["trace", TWO, "external/198.51.100.7", "ingress/shop.example.com/", "--port", "81"],
     "--port 81: does not apply to ingress/HOST/PATH"),
    # a frame past the end of the trace
    (["render", TWO, "--view", "frame", "--from", "pod/web-1", "--to", "pod/db-1",
      "--hop", "999"], "--hop 999: past the trace"),
    # a topology focused on a node that does not exist (this was a bare KeyError)
    (["render", TWO, "--view", "topology", "--focus", "node/node-9"],
     "--focus 'node/node-9': no node node-9"),
    # a flag the view does not draw is refused, not ignored
    (["render", TWO, "--view", "path", "--from", "pod/web-1", "--to", "pod/db-1", "--hop",
      "3"], "--hop does not apply to view path (it takes --endpoint, --from"),
    # a render whose walk has a port the Service lacks
    (["render", TWO, "--view", "path", "--from", "pod/web-1", "--to", "svc/db", "--port",
      "9999"], "--port 9999: service default/db has no port 9999"),
    # the same for render: an endpoint pinned on a walk to a pod would be drawn unpinned
    (["render", TWO, "--view", "path", "--from", "pod/web-1", "--to", "pod/db-1",
      "--endpoint", "10.244.1.2:5432"],
     "--endpoint '10.244.1.2:5432': this walk meets no kube-proxy endpoint choice"),
    # render checks ports as trace does (WalkRequest), before drawing anything
    (["render", TWO, "--view", "path", "--from", "pod/web-1", "--to", "pod/db-1", "--port",
      "0"], "--port 0: out of range (expected 1-65535)"),
    (["render", TWO, "--view", "frame", "--from", "pod/web-1", "--to", "svc/db", "--port",
      "70000"], "--port 70000: out of range (expected 1-65535)"),
    # a topology focus that is neither a node nor a pod
    (["render", TWO, "--view", "topology", "--focus", "nope"],
     "--focus 'nope': expected node/NAME or pod/NAME"),
    (["render", TWO, "--view", "topology", "--focus", "pod/nope"],
     "--focus 'pod/nope': no pod default/nope"),
    # a check of a folder that is no project
    (["check", "--root", "/nonexistent-netmodel-root"], "no docs/ folder"),
])
def test_user_mistakes_are_one_line_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("netmodel: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_netmodel_error_exits_2_but_a_bug_keeps_its_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from netmodel import cli
    from netmodel.errors import NetmodelError

    def mistake(*args: object, **kwargs: object) -> None:
        raise NetmodelError("x.yaml:3: a mistake")

    def bug(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "walk", mistake)
    assert cli.main(["trace", TWO, "pod/web-1", "pod/db-1"]) == 2
    assert capsys.readouterr().err == "netmodel: x.yaml:3: a mistake\n"
    monkeypatch.setattr(cli, "walk", bug)
    with pytest.raises(KeyError, match="a bug"):
        cli.main(["trace", TWO, "pod/web-1", "pod/db-1"])


def test_the_cli_catches_nothing_broader_than_netmodel_errors() -> None:
    """Read the code: a blanket ``except`` would turn bugs into exit 2."""
    import ast

    source = (ROOT / "netmodel" / "cli.py").read_text()
    caught = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler):
            assert node.type is not None, "a bare except"
            names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            caught += [n.id for n in names if isinstance(n, ast.Name)]
    # OSError: only around writing -o FILE, where a full disk is the user's problem
    assert set(caught) == {"InputError", "NetmodelError", "OSError"}


# -- exit status, like ping and curl -------------------------------------------------------

def _spec_variant(tmp_path: Path, name: str, old: str, new: str) -> str:
    text = (CLUSTERS / name).read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return str(path)


@pytest.mark.parametrize(("spec", "args", "status", "dispositions"), [
    # delivered, through a Service, and the reply back
    ("two-nodes-vxlan.yaml", ["pod/web-1", "svc/db"], 0, ["DELIVERED", "DELIVERED"]),
    # a packet for the internet leaves the cluster: all the model can follow
    ("two-nodes-vxlan.yaml", ["pod/web-1", "ip/8.8.8.8"], 0, ["EXITS_CLUSTER", None]),
    # a ping to a ClusterIP: no rule matches ICMP, dies at the router (the site's page)
    ("two-nodes-vxlan.yaml", ["pod/web-1", "svc/web", "--proto", "icmp"], 1,
     ["NO_ROUTE", None]),
    # a Service without endpoints: filter KUBE-SERVICES rejects it
    ("services-no-endpoints.yaml", ["pod/client", "svc/api-v2"], 1, ["REJECTED", None]),
    # Local policy, sent to a node without the pod: dropped in KUBE-EXTERNAL-SERVICES
    ("demo-outside.yaml", ["external/203.0.113.7", "node/node-1", "--port", "30091"], 1,
     ["DROPPED", None]),
    # an Ingress: both connections delivered
    ("demo-outside.yaml", ["external/203.0.113.7", "ingress/shop.example.com/cart"], 0,
     ["DELIVERED", "DELIVERED"]),
    # a Gateway: both connections delivered
    ("demo-outside.yaml", ["external/203.0.113.7", "gateway/edge/store.example.com/cart"], 0,
     ["DELIVERED", "DELIVERED"]),
])
def test_trace_exit_status(spec: str, args: list[str], status: int,
                           dispositions: list[str | None]) -> None:
    result = run("trace", str(CLUSTERS / spec), *args, "--json")
    assert result.returncode == status, result.stderr
    data = json.loads(result.stdout)  # the trace is printed whatever the status
    reply = data["reply"]["disposition"] if data["reply"] else None
    assert [data["disposition"], reply] == dispositions
    text = run("trace", str(CLUSTERS / spec), *args)
    assert text.returncode == status and text.stdout.startswith("flow: ")


def test_an_ingress_fails_if_the_proxys_connection_does(tmp_path: Path) -> None:
    # The backend Service selects nothing. Through the ClusterIP (www has
    # service-upstream) the controller's connection is rejected by kube-proxy
    # although the client's reached the controller; by default (shop) the
    # controller has no endpoint to connect to and answers 503 itself.
    spec = _spec_variant(tmp_path, "demo-outside.yaml", "  - name: web\n    selector: {app: web}",
                         "  - name: web\n    selector: {app: nothing}")
    upstream = run("trace", spec, "external/203.0.113.7", "ingress/www.example.com/", "--json")
    data = json.loads(upstream.stdout)
    assert data["disposition"] == "DELIVERED" and data["reply"]["disposition"] == "DELIVERED"
    assert data["next"]["disposition"] == "REJECTED"
    assert upstream.returncode == 1
    direct = run("trace", spec, "external/203.0.113.7", "ingress/shop.example.com/", "--json")
    data = json.loads(direct.stdout)
    assert data["disposition"] == "DELIVERED" and "next" not in data
    assert "503" in data["reason"]
    assert direct.returncode == 1


def test_all_succeeds_only_if_every_alternative_does(tmp_path: Path) -> None:
    # A Service without selector whose second endpoint is an address no pod holds.
    spec = _spec_variant(
        tmp_path, "two-nodes-vxlan.yaml", "ports: [{port: 5432, nodePort: 30432}]",
        "ports: [{port: 5432, nodePort: 30432}]\n  - name: split\n    endpoints: "
        "[{ip: 10.244.1.2, nodeName: node-2, port: 5432}, {ip: 10.244.1.99, nodeName: "
        "node-2, port: 5432}]\n    ports: [{port: 5432}]")
    every = run("trace", spec, "pod/web-1", "svc/split", "--all", "--json")
    assert every.returncode == 1, every.stderr
    dispositions = [t["disposition"] for t in json.loads(every.stdout)]
    assert dispositions[0] == "DELIVERED" and dispositions[1] != "DELIVERED"
    good = run("trace", spec, "pod/web-1", "svc/split", "--endpoint", "10.244.1.2:5432")
    assert good.returncode == 0
    bad = run("trace", spec, "pod/web-1", "svc/split", "--endpoint", "10.244.1.99:5432")
    assert bad.returncode == 1
    assert run("trace", TWO, "pod/web-1", "svc/db", "--all").returncode == 0


def test_succeeded_needs_every_leg_and_the_reply() -> None:
    from dataclasses import replace

    from netmodel.spec.load import load_spec
    from netmodel.state.model import Model
    from netmodel.trace.hops import Disposition
    from netmodel.trace.walks import succeeded, walk_between

    model = Model(load_spec(TWO))
    done = walk_between(model, "pod/web-1", "svc/db")
    assert done.reply is not None and succeeded(done)
    # a reply that does not make it back is a lost connection
    for lost in (Disposition.DROPPED, Disposition.TTL_EXCEEDED, Disposition.LOOP,
                 Disposition.EXITS_CLUSTER):
        assert not succeeded(replace(done, reply=replace(done.reply, disposition=lost)))
    assert not succeeded(replace(done, reply=None))
    # every failing disposition of the request fails the walk
    for failed in Disposition:
        if not failed.success:
            assert not succeeded(replace(done, disposition=failed, reply=None))
    # an Ingress-style second leg must succeed too
    assert succeeded(replace(done, next=done))
    assert not succeeded(replace(done, next=replace(done, reply=None)))


# -- --brief: one line per hop, in both languages -------------------------------------------

# How a hop's heading reads, written out here rather than taken from the catalogue.
_HEADINGS = {
    "en": {"pod": "{node} · pod {name}", "node": "{node} · host"},
    "zh": {"pod": "{node} · Pod 网络命名空间 {name}", "node": "{node} · 宿主机网络命名空间"},
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_brief_is_one_line_per_hop_then_the_disposition(lang: str) -> None:
    from netmodel.i18n import disposition_text
    from netmodel.i18n.output import word
    from netmodel.spec.load import load_spec
    from netmodel.state.model import Model
    from netmodel.trace.walks import walk_between

    result = run("trace", TWO, "pod/web-1", "svc/db", "--brief", "--lang", lang)
    assert result.returncode == 0, result.stderr
    model = Model(load_spec(TWO))
    trace = walk_between(model, "pod/web-1", "svc/db")
    assert trace.reply is not None
    lines = result.stdout.splitlines()
    colon = word(":", lang)
    # the request, a blank line, the reply: a heading, one line per hop, a disposition
    legs = [trace, trace.reply]
    assert len(lines) == sum(len(t.hops) + 2 for t in legs) + 1
    cursor = 0
    for leg, heading in zip(legs, ("flow", "reply"), strict=True):
        assert lines[cursor] == f"{word(heading, lang)}{colon}{leg.flow}"
        for index, hop in enumerate(leg.hops, start=1):
            line = lines[cursor + index]
            where = _HEADINGS[lang][hop.netns_id.kind].format(node=hop.node,
                                                              name=hop.netns_id.name)
            assert line.startswith(f"  [{index}] {where} · ")
            devices = [s.device for s in hop.steps if s.device is not None]
            assert all(d in line for d in devices)
        cursor += len(leg.hops) + 1
        assert lines[cursor] == (f"{leg.disposition} ({disposition_text(leg.disposition, lang)})"
                                 f"{colon}{leg.reason.render(lang)}")
        cursor += 2
    # the key actions, with the model's own addresses
    vip = model.cluster.service("default/db").cluster_ip
    pod = model.cluster.pod("default/db-1")
    node_2 = model.cluster.node("node-2").ip
    dnat = word("brief.dnat", lang, before=f"{vip}:5432", after=f"{pod.ip}:5432")
    encap = word("brief.vxlan.encap", lang, dst=node_2, vni=1)
    assert dnat in lines[2] and encap in lines[2]
    assert word("brief.vxlan.decap", lang) in lines[3]
    assert word("brief.undnat", lang, src=f"{vip}:5432") in result.stdout
    if lang == "zh":
        assert "封装" in result.stdout and "回包" in result.stdout and "交付" in result.stdout
        assert not any(w in result.stdout for w in ("delivered", "reply", "forwarded"))


def test_brief_of_a_failed_walk_ends_where_it_stops() -> None:
    result = run("trace", TWO, "pod/web-1", "svc/web", "--proto", "icmp", "--brief")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[3].startswith("  [3] underlay · router · ") and "stops here: no route" in lines[3]
    assert lines[4].startswith("NO_ROUTE (no route): ")
    assert lines[-1] == "reply: (no reply: the request was not delivered)"


def test_brief_and_json_exclude_each_other() -> None:
    result = run("trace", TWO, "pod/web-1", "svc/db", "--brief", "--json")
    assert result.returncode == 2 and "not allowed with argument" in result.stderr


def test_every_output_word_is_in_both_languages() -> None:
    import string

    from netmodel.i18n import LANGUAGES
    from netmodel.i18n.output import WORDS

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, texts in WORDS.items():
        assert set(texts) == set(LANGUAGES), key
        assert fields(texts["en"]) == fields(texts["zh"]), key


# -- --help says what the defaults are, and they are ----------------------------------------

UDP_FIRST = TWO_NODES.format(backend="vxlan").replace(
    "  - name: db-1\n    node: node-2\n",
    "  - name: dns-1\n    node: node-2\n    labels: {app: dns}\n    containers:\n"
    "      - name: coredns\n        ports: [{containerPort: 53, protocol: UDP}, "
    "{containerPort: 53, protocol: TCP}]\n  - name: db-1\n    node: node-2\n") + """\
services:
  - name: kube-dns
    selector: {app: dns}
    ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
"""


def test_help_states_the_port_and_protocol_defaults() -> None:
    text = " ".join(run("trace", "--help").stdout.split())
    assert ("--proto {tcp,udp,icmp} protocol (default: for svc/..., the protocol of the "
            "Service's first port, the first numbered --port if given; for a pod without "
            "--port, that of its first containerPort; otherwise tcp with --port, an ICMP "
            "echo without)") in text
    assert ("--port PORT destination port (default: for svc/..., the Service's first port, "
            "the first of protocol --proto if given; for a pod, its first containerPort, "
            "likewise; with neither, no port: an ICMP echo)") in text
    assert "default tcp)" not in text  # what it used to say, which was not true
    assert "exit status: 0 when the packet is delivered and its reply is delivered back" in text


@pytest.mark.parametrize(("args", "proto", "dport"), [
    # a Service whose first port is UDP: udp, without --proto
    (["svc/kube-dns"], "udp", 53),
    # --port picks the first port with that number: udp again
    (["svc/kube-dns", "--port", "53"], "udp", 53),
    # --proto picks the first port of that protocol
    (["svc/kube-dns", "--proto", "tcp"], "tcp", 53),
    # a pod without --port: its first containerPort, UDP
    (["pod/dns-1"], "udp", 53),
    # a pod with --port: tcp
    (["pod/dns-1", "--port", "53"], "tcp", 53),
    # a pod declaring only TCP: its first containerPort
    (["pod/db-1"], "tcp", 5432),
    # a node with --port: tcp
    (["node/node-2", "--port", "22"], "tcp", 22),
    # a node without: an ICMP echo
    (["node/node-2"], "icmp", 0),
])
def test_the_defaults_are_what_the_help_says(tmp_path: Path, args: list[str], proto: str,
                                             dport: int) -> None:
    spec = tmp_path / "dns.yaml"
    spec.write_text(UDP_FIRST)
    result = run("trace", str(spec), "pod/web-1", *args, "--json")
    assert result.returncode == 0, result.stderr
    flow = json.loads(result.stdout)["flow"]
    assert (flow["proto"], flow["dport"]) == (proto, dport)


# -- JSON probabilities are the numbers kube-proxy's rules hold -----------------------------

def test_all_json_probabilities_are_the_products_of_the_rules_decimals() -> None:
    from decimal import Decimal
    from fractions import Fraction

    from netmodel.spec.load import load_spec
    from netmodel.state.model import Model
    from netmodel.state.netfilter import Statistic

    spec = CLUSTERS / "services-three.yaml"
    result = run("trace", str(spec), "pod/client", "svc/api", "--all", "--json")
    assert result.returncode == 0, result.stderr
    traces = json.loads(result.stdout)
    # The expectation, from the model's own rules: the service chain's jumps, in
    # order, each with the --probability string kube-proxy wrote (the last: none).
    model = Model(load_spec(spec))
    ruleset = model.ruleset("node-1")
    api = model.cluster.service("default/api")
    # The service chain of default/api (default/kubernetes has one too).
    svc_chains = [c for (t, c) in ruleset.groups if t == "nat" and c.startswith("KUBE-SVC-")
                  and any(r.target.name and r.target.name.startswith("KUBE-SEP-")
                          and any(str(e) in r.restore() for e in api.ports[0].endpoints)
                          for r in ruleset.groups[("nat", c)])]
    assert len(svc_chains) == 1
    expected = {}
    remaining = Fraction(1)
    for rule in ruleset.groups[("nat", svc_chains[0])]:
        sep = rule.target.name
        if not sep or not sep.startswith("KUBE-SEP-"):
            continue
        dnat = next(r.target.to for r in ruleset.groups[("nat", sep)] if r.target.name == "DNAT")
        assert dnat is not None
        stat = rule.item(Statistic)
        p = Fraction(stat.probability) if isinstance(stat, Statistic) else Fraction(1)
        expected[f"{dnat[0]}:{dnat[1]}"] = remaining * p
        remaining *= 1 - p
    assert len(expected) == 3 and sum(expected.values()) == 1

    def exact(printed: float) -> Fraction:
        # The decimal JSON printed, read back exactly (no float in between).
        return Fraction(Decimal(repr(printed)))

    for trace in traces:
        assert {e["endpoint"]: exact(e["probability"]) for e in trace["endpoints"]} == expected
    # each trace's own probability is its endpoint's: 0.33333333335, not float
    # noise such as 0.33333333335000004, which is no product of the rules' numbers
    assert sorted(exact(t["probability"]) for t in traces) == sorted(expected.values())


# -- addresses no host sends from or is reached at are refused, saying which kind ----------

@pytest.mark.parametrize(("args", "message"), [
    (["external/127.0.0.1", "node/node-2"], "FROM 'external/127.0.0.1': 127.0.0.1 is loopback"),
    (["external/0.0.0.0", "node/node-2"], "0.0.0.0 is unspecified"),
    (["external/0.1.2.3", "node/node-2"], "0.1.2.3 is unspecified (0.0.0.0/8"),
    (["external/255.255.255.255", "node/node-2"], "is the limited broadcast address"),
    (["external/224.0.0.1", "node/node-2"], "224.0.0.1 is multicast"),
    (["external/169.254.1.1", "node/node-2"], "169.254.1.1 is link-local"),
    (["external/240.0.0.1", "node/node-2"], "240.0.0.1 is reserved"),
    # an external destination is held to the same rules
    (["pod/web-1", "external/224.0.0.1"], "TO 'external/224.0.0.1': 224.0.0.1 is multicast"),
    # ip/ destinations: none of these is one host
    (["pod/web-1", "ip/0.0.0.0"], "TO 'ip/0.0.0.0': 0.0.0.0 is unspecified"),
    (["pod/web-1", "ip/255.255.255.255"], "is the limited broadcast address"),
    (["pod/web-1", "ip/239.1.2.3"], "239.1.2.3 is multicast"),
    # ip/ sources: said why, not only that no one holds it
    (["ip/127.0.0.1", "pod/web-1"], "FROM 'ip/127.0.0.1': 127.0.0.1 is loopback"),
    (["ip/224.0.0.1", "pod/web-1"], "224.0.0.1 is multicast"),
])
def test_impossible_addresses_are_refused_saying_which_kind(
        args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    from netmodel import cli

    assert cli.main(["trace", TWO, *args, "--port", "30432"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert message in captured.err, captured.err


@pytest.mark.parametrize("args", [
    ["external/203.0.113.7", "node/node-2"],  # a documentation address: a fine client
    ["pod/web-1", "ip/127.0.0.1"],  # a pod reaching itself over lo
    ["pod/web-1", "ip/169.254.169.254"],  # link-local is a destination (a metadata server)
])
def test_ordinary_addresses_are_still_traced(args: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from netmodel import cli

    assert cli.main(["trace", TWO, *args, "--port", "30432"]) in (0, 1)
    assert capsys.readouterr().out.startswith("flow: tcp ")


# -- whatever a value holds, its error is one line -------------------------------------------

def test_a_newline_in_an_endpoint_stays_on_the_error_line() -> None:
    result = run("trace", TWO, "pod/web-1\nx", "pod/db-1")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(r"netmodel: FROM 'pod/web-1\nx': no pod default/web-1\nx ")
    assert result.stderr.count("\n") == 1


LONG = "a" * 300


@pytest.mark.parametrize(("args", "shown"), [
    # ESC would drive the terminal: escaped, in the value and in the problem
    (["trace", TWO, "pod/web-1", "node/a\x1b[31mred"],
     r"TO 'node/a\x1b[31mred': no node a\x1b[31mred in the spec"),
    # a line separator str.splitlines() breaks at
    (["trace", TWO, "pod/web-1", "ip/1.2.3.4\u2028x"], r"invalid IPv4 address '1.2.3.4\u2028x'"),
    # a very long value: its first 60 characters, the cut marked after the quote
    (["trace", TWO, "pod/web-1", f"svc/{LONG}"],
     f"TO 'svc/{LONG[:56]}'…: no service default/{LONG[:52]}… in the spec"),
    (["trace", TWO, "pod/web-1", f"{LONG}/x"], f"unknown endpoint kind '{LONG[:60]}'… (expected"),
    # not only input errors: an -o name, a spec path
    (["render", TWO, "--view", "topology", "-o", "x\n.png"], r"-o x\n.png: expected a .dot"),
    (["trace", "a\nb.yaml", "pod/a", "pod/b"], r"a\nb.yaml: cannot read spec"),
])
def test_an_echoed_value_is_escaped_and_shortened(
        args: list[str], shown: str, capsys: pytest.CaptureFixture[str]) -> None:
    from netmodel import cli

    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err.splitlines()) == 1, err
    assert "\x1b" not in err and LONG not in err
    assert shown in err


def test_input_error_shown_is_one_line_for_any_value() -> None:
    from netmodel.errors import InputError

    assert InputError("to", "pod/a\nb", "p").shown("TO") == r"TO 'pod/a\nb': p"
    assert InputError("port", 70000, "out of range").shown() == "port 70000: out of range"
    assert InputError(None, "x" * 61, "p").shown() == f"'{'x' * 60}'…: p"
    assert InputError(None, "x" * 60, "p").shown() == f"'{'x' * 60}': p"
    assert InputError("hop", 3, "line\none").shown() == r"hop 3: line\none"


# -- the machine's limits are the user's to change, not a traceback --------------------------

def test_render_under_a_memory_limit_says_what_to_do(tmp_path: Path) -> None:
    """wasmtime reserves the module's 4 GiB linear memory up front; under a 2 GiB
    address-space limit Python and the compiled module still fit, that mmap does not."""
    import resource

    limit = 2 * 2**30

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out = tmp_path / "x.svg"
    result = subprocess.run(
        [sys.executable, "-m", "netmodel", "render", TWO, "--view", "topology", "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False, preexec_fn=cap)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("netmodel: cannot render SVG: the WebAssembly Graphviz "
                                    "could not get memory (mmap failed")
    assert "use --engine dot" in result.stderr and "raise the memory limit" in result.stderr
    assert not out.exists()
