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
    (["trace", "{spec}", "pod/web-1", "pod/nope"], "'pod/nope': no pod default/nope"),
    # a malformed endpoint
    (["trace", "{spec}", "web-1", "pod/db-1"], "'web-1': expected pod/NAME"),
    # a port out of range
    (["trace", "{spec}", "pod/web-1", "pod/db-1", "--port", "70000"], "--port 70000"),
    # udp without a port, to a pod that declares none for udp
    (["trace", "{spec}", "pod/web-1", "pod/db-1", "--proto", "udp"], "--port is needed"),
    # an unknown node for state
    (["state", "{spec}", "node-9", "--table", "routes"], "no node 'node-9'"),
    # a pod that is not on that node
    (["state", "{spec}", "node-2", "--pod", "web-1", "--table", "routes"], "no pod"),
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
                             "one of containers, hostNetwork, ip, labels, mac, name, namespace, "
                             "node)\n")


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
