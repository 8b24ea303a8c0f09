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
