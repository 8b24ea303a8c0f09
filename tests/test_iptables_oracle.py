"""iptables as oracle for the model's iptables printers.

For each node of a cluster whose Services use every kind of rule kube-proxy
writes, the model's rules are fed to the real iptables in a fresh network
namespace the way the writers feed them — kube-proxy's payload
(:func:`~netmodel.state.netfilter.restore_text`) and flanneld's through
``iptables-restore --noflush``, then the jumps from the builtin chains that
kube-proxy, kubelet and flanneld add one by one, and the canary chains — and
``iptables-save -t filter`` / ``-t nat`` is compared with
:func:`~netmodel.state.netfilter.save_text` line for line. Nothing is normalised but the
timestamped ``#`` comment lines. Both backends are checked: nf_tables and legacy.

Needs root and iptables; run with ``pytest -m kernel tests/test_iptables_oracle.py``.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from netmodel.lab.rules import TABLES, writer_payloads
from netmodel.lab.shell import LabError, lab_unavailable, netns_exists, run, run_in
from netmodel.spec.load import parse_spec
from netmodel.spec.protocol import IpProto
from netmodel.state.model import Model
from netmodel.state.netfilter import (
    Comment,
    Proto,
    Recent,
    Rule,
    Statistic,
    save_text,
)

pytestmark = pytest.mark.kernel

# Every kind of rule kube-proxy writes, on three nodes (the comment on each
# service says what it brings).
SPEC = """
cluster:
  name: iptables-oracle
  backend: vxlan
  underlay: {cidr: 192.168.56.0/24, mtu: 1500}
nodes:
  - {name: node-1, ip: 192.168.56.11}
  - {name: node-2, ip: 192.168.56.12}
  - {name: node-3, ip: 192.168.56.13}
pods:
  - name: web-1
    node: node-1
    labels: {app: web}
    containers: [{name: c, ports: [{containerPort: 8080, name: http}]}]
  - name: web-2
    node: node-2
    labels: {app: web}
    containers: [{name: c, ports: [{containerPort: 8080, name: http}]}]
  - name: web-3
    node: node-3
    labels: {app: web}
    containers: [{name: c, ports: [{containerPort: 8080, name: http}]}]
  - name: db-1
    node: node-1
    labels: {app: db}
    containers: [{name: c, ports: [{containerPort: 5432}]}]
  - name: api-1
    node: node-2
    labels: {app: api}
    containers: [{name: c, ports: [{containerPort: 8443}]}]
  - name: api-2
    node: node-3
    labels: {app: api}
    containers: [{name: c, ports: [{containerPort: 8443}]}]
  - name: coredns-1
    namespace: kube-system
    node: node-1
    labels: {k8s-app: kube-dns}
    containers:
      - name: coredns
        ports:
          - {containerPort: 53, protocol: UDP, name: dns}
          - {containerPort: 53, protocol: TCP, name: dns-tcp}
services:
  # ClusterIP, named port with a named targetPort, 3 endpoints: probabilities 1/3, 1/2, none
  - name: web
    clusterIP: 10.96.100.10
    selector: {app: web}
    ports: [{name: http, port: 80, targetPort: http}]
  # no endpoints: REJECT for the cluster IP (KUBE-SERVICES) and the node port
  # (KUBE-EXTERNAL-SERVICES, -m addrtype --dst-type LOCAL)
  - name: empty
    type: NodePort
    clusterIP: 10.96.100.11
    selector: {app: gone}
    ports: [{port: 8081, nodePort: 30081}]
  # NodePort, externalTrafficPolicy Cluster: KUBE-NODEPORTS -> KUBE-EXT (masquerade all)
  - name: np-cluster
    type: NodePort
    clusterIP: 10.96.100.12
    selector: {app: web}
    ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
  # NodePort, Local: KUBE-SVL on node-2 and node-3 (local endpoint), DROP on node-1
  - name: np-local
    type: NodePort
    clusterIP: 10.96.100.13
    externalTrafficPolicy: Local
    selector: {app: api}
    ports: [{port: 443, targetPort: 8443, nodePort: 30443}]
  # LoadBalancer, Local, source ranges: KUBE-FW, KUBE-PROXY-FIREWALL DROP, the
  # comment-only rule, the health check node port; DROP on node-2 and node-3
  - name: lb
    type: LoadBalancer
    clusterIP: 10.96.100.14
    externalTrafficPolicy: Local
    loadBalancerIP: 203.0.113.10
    loadBalancerSourceRanges: [198.51.100.0/24, 192.0.2.128/25]
    healthCheckNodePort: 32000
    selector: {app: db}
    ports: [{port: 5432, nodePort: 30432}]
  # externalIPs on a ClusterIP service: "external IP" jumps to KUBE-EXT
  - name: ext
    clusterIP: 10.96.100.15
    externalIPs: [192.0.2.50, 192.0.2.51]
    selector: {app: web}
    ports: [{port: 8080}]
  # sessionAffinity ClientIP: -m recent --rcheck in KUBE-SVC, --set in KUBE-SEP
  - name: sticky
    clusterIP: 10.96.100.16
    selector: {app: api}
    sessionAffinity: ClientIP
    sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
    ports: [{port: 8443}]
  # UDP (and TCP) ports of one service: -m udp -p udp
  - name: kube-dns
    namespace: kube-system
    clusterIP: 10.96.0.10
    selector: {k8s-app: kube-dns}
    ports:
      - {name: dns, port: 53, targetPort: dns, protocol: UDP}
      - {name: dns-tcp, port: 53, targetPort: dns-tcp, protocol: TCP}
"""
NODES = ("node-1", "node-2", "node-3")
# What `iptables-restore --version` prints in parentheses for each backend.
VARIANTS = {"nft": "nf_tables", "legacy": "legacy"}
_SERIAL = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Iptables:
    """One backend's restore and save commands, as found on this machine."""

    backend: str  # nft | legacy
    restore: str
    save: str
    version: str  # e.g. "iptables-restore v1.8.9 (nf_tables)"

    def __str__(self) -> str:
        return f"{self.backend} ({self.version})"


def find_iptables(backend: str) -> Iptables | str:
    """The backend's commands, or why this machine has none (that it has
    iptables-restore at all, :func:`~netmodel.lab.shell.lab_unavailable` says)."""
    # Debian ships both backends as iptables-{nft,legacy}-*; other systems may only
    # have iptables-restore, whose --version names the backend it was built for.
    variant = VARIANTS[backend]
    for restore, save in ((f"iptables-{backend}-restore", f"iptables-{backend}-save"),
                          ("iptables-restore", "iptables-save")):
        if shutil.which(restore) is None or shutil.which(save) is None:
            continue
        version = run(restore, "--version").strip()
        if f"({variant})" in version:
            return Iptables(backend, restore, save, version)
    return (f"no iptables-restore for the {variant} backend (neither "
            f"iptables-{backend}-restore nor an iptables-restore built for it)")


def restore(iptables: Iptables, netns: str, who: str, payload: str) -> None:
    """``iptables-restore --noflush`` in ``netns``; a failure quotes the bad line."""
    try:
        # -w: the legacy backend's xtables lock is one file for the whole host,
        # so another netns's iptables may hold it; kube-proxy waits too.
        run_in(netns, iptables.restore, "-w", "5", "--noflush", stdin=payload)
    except LabError as exc:
        where = re.search(r"line (\d+) failed", str(exc))
        lines = payload.splitlines()
        bad = (f"\nline {where[1]}: {lines[int(where[1]) - 1]}"
               if where and 0 < int(where[1]) <= len(lines) else "")
        raise LabError(f"{iptables}: {who}'s payload rejected: {exc}{bad}") from None


def saved(iptables: Iptables, netns: str) -> list[str]:
    """``iptables-save -t filter; iptables-save -t nat`` without the ``#`` lines."""
    lines: list[str] = []
    for table in TABLES:
        text = run_in(netns, iptables.save, "-t", table)
        lines += [line for line in text.splitlines() if not line.startswith("#")]
    return lines


def _delete_netns(name: str) -> None:
    if netns_exists(name):
        run("ip", "netns", "del", name)


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(parse_spec(SPEC, "iptables-oracle.yaml"))


@pytest.fixture(scope="module", params=list(VARIANTS))
def iptables(request: pytest.FixtureRequest) -> Iptables:
    reason = lab_unavailable(f"nmi-{os.getpid()}-probe")
    if reason is not None:
        pytest.skip(reason)
    found = find_iptables(str(request.param))
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture
def netns(iptables: Iptables) -> Iterator[str]:
    """A fresh netns (its own, empty, tables), deleted however the test ends."""
    name = f"nmi-{os.getpid()}-{iptables.backend}-{next(_SERIAL)}"
    try:
        run("ip", "netns", "add", name)
        yield name
    finally:
        _delete_netns(name)


def _diff(expected: list[str], actual: list[str]) -> str:
    # "$" marks line ends, so a trailing space shows.
    return "\n".join(difflib.unified_diff([f"{x}$" for x in expected], [f"{x}$" for x in actual],
                                          "model (save_text)", "kernel (iptables-save)",
                                          lineterm=""))


@pytest.mark.parametrize("node", NODES)
def test_iptables_save_prints_what_the_model_prints(model: Model, iptables: Iptables,
                                                    netns: str, node: str) -> None:
    ruleset = model.ruleset(node)
    for who, payload in writer_payloads(ruleset):
        restore(iptables, netns, who, payload)
    expected, actual = save_text(ruleset).splitlines(), saved(iptables, netns)
    assert actual == expected, (f"{iptables}, {node} (lab netns {netns}):\n"
                                f"{_diff(expected, actual)}")


def _comment(rule: Rule, text: str) -> bool:
    found = rule.item(Comment)
    return isinstance(found, Comment) and text in found.text


# What the spec must make the model write somewhere in the cluster, so that the
# comparison above covers it.
COVERAGE: dict[str, Callable[[Rule], bool]] = {
    "statistic 1/3": lambda r: r.item(Statistic) == Statistic("0.3333333333"),
    "statistic 1/2": lambda r: r.item(Statistic) == Statistic("0.5000000000"),
    "REJECT (no endpoints)": lambda r: r.target.name == "REJECT",
    "DROP (no local endpoints)": lambda r: _comment(r, "has no local endpoints"),
    "KUBE-FW- source range": lambda r: r.chain.startswith("KUBE-FW-") and r.target.is_chain,
    "KUBE-FW- comment-only rule": lambda r: r.chain.startswith("KUBE-FW-")
    and r.target.name is None,
    "KUBE-PROXY-FIREWALL DROP": lambda r: r.chain == "KUBE-PROXY-FIREWALL",
    "KUBE-SVL- (local endpoints)": lambda r: r.chain.startswith("KUBE-SVL-"),
    "external IP": lambda r: _comment(r, "external IP"),
    "loadbalancer IP": lambda r: _comment(r, "loadbalancer IP"),
    "health check node port": lambda r: _comment(r, "health check node port"),
    "recent --rcheck": lambda r: isinstance(found := r.item(Recent), Recent)
    and found.seconds is not None,
    "recent --set": lambda r: isinstance(found := r.item(Recent), Recent)
    and found.seconds is None,
    "udp": lambda r: r.item(Proto) == Proto(IpProto.UDP),
    "flanneld": lambda r: r.writer == "flanneld",
    "kubelet": lambda r: r.writer == "kubelet",
}


def test_spec_exercises_every_rule_kind(model: Model) -> None:
    rules = [rule for node in NODES for rule in model.ruleset(node).rules]
    missing = [kind for kind, seen in COVERAGE.items() if not any(seen(r) for r in rules)]
    assert missing == []
    # eTP Local both ways: a node without a local endpoint drops, one with keeps it.
    dropping = {node for node in NODES
                if any(_comment(r, "np-local has no local endpoints")
                       for r in model.ruleset(node).rules)}
    assert dropping == {"node-1"}
