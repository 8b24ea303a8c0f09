"""Spec errors as the CLI user sees them: exit 2, one line naming file:line: field."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def state_routes(spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netmodel", "state", str(spec), "node-1",
                           "--table", "routes"], capture_output=True, text=True, cwd=ROOT,
                          check=False)


@pytest.mark.parametrize(("text", "where"), [
    # a Service name the API server refuses (DNS-1035 label)
    ("nodes: [{name: node-1}]\nservices:\n  - {name: Web_1, ports: [{port: 80}]}\n",
     "spec.yaml:3: services[0].name: 'Web_1' is not a valid Service name"),
    # a label value with a space
    ("nodes: [{name: node-1}]\npods:\n  - {name: p, node: node-1, labels: {app: 'a b'}}\n",
     "spec.yaml:3: pods[0].labels.app: 'a b' is not a valid label value"),
    # the same podCIDR on two nodes
    ("nodes:\n  - {name: node-1, podCIDR: 10.244.0.0/24}\n"
     "  - {name: node-2, podCIDR: 10.244.0.0/24}\n",
     "spec.yaml:3: nodes[1].podCIDR: 10.244.0.0/24 overlaps nodes[0].podCIDR 10.244.0.0/24 "
     "(node-1)"),
    # a tab in the indentation, on line 3
    ("nodes:\n  - name: node-1\n\t  ip: 192.168.56.5\n",
     "spec.yaml:3: YAML syntax error: a tab in the indentation"),
    # a duplicate key inside the second node
    ("nodes:\n  - name: node-1\n  - name: node-2\n    ip: 192.168.56.5\n"
     "    ip: 192.168.56.6\n", "spec.yaml:5: nodes[1].ip: duplicate key"),
])
def test_bad_spec_is_one_line_and_exit_2(tmp_path: Path, text: str, where: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    result = state_routes(spec)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"netmodel: {tmp_path / where}"), line
    assert "Traceback" not in result.stderr


def test_node_on_the_segment_its_ip_is_on(tmp_path: Path) -> None:
    # node-1 gives no segment; its address is in rack-b, so its connected route
    # and its default route are rack-b's (the router is .1 of each segment).
    spec = tmp_path / "spec.yaml"
    spec.write_text("cluster:\n  underlay:\n    segments:\n"
                    "      - {name: rack-a, cidr: 192.168.56.0/24}\n"
                    "      - {name: rack-b, cidr: 192.168.57.0/24}\n"
                    "nodes:\n  - {name: node-1, ip: 192.168.57.20}\n  - {name: node-2}\n")
    result = state_routes(spec)
    assert result.returncode == 0, result.stderr
    assert "default via 192.168.57.1 dev eth0" in result.stdout
    assert "192.168.57.0/24 dev eth0 proto kernel scope link src 192.168.57.20" in result.stdout


def refused(spec: Path | str, **limits: int) -> str:
    """The CLI's one line for ``spec``, checked: exit 2, no traceback, quickly.

    The timeout stands for "does not hang" (a FIFO with no writer blocked the
    read forever); ``limits`` are resource.setrlimit values for the child."""
    def limit() -> None:
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, name), (value, value))

    result = subprocess.run([sys.executable, "-m", "netmodel", "state", str(spec), "node-1",
                             "--table", "routes"], capture_output=True, text=True, cwd=ROOT,
                            check=False, timeout=30, preexec_fn=limit if limits else None)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    return line


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    assert refused(fifo) == (f"netmodel: {fifo}: not a regular file (a FIFO; expected a "
                             "YAML spec file)")


def test_dev_zero_is_refused_not_read() -> None:
    assert refused("/dev/zero") == ("netmodel: /dev/zero: not a regular file (a character "
                                    "device; expected a YAML spec file)")


def test_an_alias_bomb_is_refused_within_modest_limits(tmp_path: Path) -> None:
    # 9**9 "lol"s if expanded: PyYAML expanding them took 2.8 GB and 46 s.
    # 1.5 GiB of address space and 20 s of CPU are plenty for the refusal.
    spec = tmp_path / "spec.yaml"
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    spec.write_text("\n".join(lines) + "\n")
    line = refused(spec, RLIMIT_AS=1536 * 2**20, RLIMIT_CPU=20)
    assert line.startswith(f"netmodel: {spec}:2: YAML error: alias replay limit exceeded"), line
