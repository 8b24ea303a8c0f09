"""kube-proxy's rules, checked against kube-proxy's own test expectations."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from netmodel.spec.protocol import IpProto, Protocol
from netmodel.spec.services import Endpoint, Service, ServicePort, ServiceType, TrafficPolicy
from netmodel.state.kube_proxy import (
    KubeProxyConfig,
    chain_name,
    endpoint_chain_name,
    probability,
    proxier_rules,
)
from netmodel.state.netfilter import Ruleset, restore_text

DATA = Path(__file__).parent / "data" / "kube-proxy"


@pytest.mark.parametrize(("port_name", "protocol", "expected"), [
    # the two names the facts file gives (a kubeadm cluster's API server and DNS)
    ("default/kubernetes:https", "tcp", "KUBE-SVC-NPX46M4PTMTKRN6Y"),
    ("kube-system/kube-dns:dns", "udp", "KUBE-SVC-TCOU7JCQXEZGVUNU"),
    # and two more seen on a real node
    ("kube-system/kube-dns:dns-tcp", "tcp", "KUBE-SVC-ERIFXISQEP7F7OF4"),
    ("kube-system/kube-dns:metrics", "tcp", "KUBE-SVC-JD5MR3NA4I4DYORP"),
])
def test_service_chain_hash(port_name: str, protocol: str, expected: str) -> None:
    assert chain_name("KUBE-SVC-", port_name, IpProto(protocol)) == expected


def test_endpoint_chain_hash_includes_protocol_and_endpoint() -> None:
    # from a real kubeadm + flannel node's iptables-save
    assert endpoint_chain_name("kube-system/kube-dns:dns", IpProto.UDP, "10.244.0.2:53") == \
        "KUBE-SEP-YIL6JZP7A3QYXJU2"
    assert endpoint_chain_name("default/kubernetes:https", IpProto.TCP, "172.31.7.91:6443") == \
        "KUBE-SEP-Z256WNARC5DJQIZM"


@pytest.mark.parametrize(("n", "text"), [
    (1, "1.0000000000"), (2, "0.5000000000"), (3, "0.3333333333"),
    (100001, "0.0000099999"),  # the case that made kube-proxy go to 10 decimals
])
def test_probability_has_ten_decimals(n: int, text: str) -> None:
    assert probability(n) == text


def _svc(ns: str, name: str, ip: str, *, kind: ServiceType = ServiceType.CLUSTER_IP,
         node_port: int | None = None, endpoints: tuple[Endpoint, ...] = (),
         **extra: object) -> Service:
    port = ServicePort("p80", 80, Protocol.TCP, "80", node_port, endpoints)
    return Service(name=name, namespace=ns, type=kind, cluster_ip=IPv4Address(ip),
                   ports=(port,), **extra)  # type: ignore[arg-type]


def _ep(ip: str, node: str | None = None) -> Endpoint:
    return Endpoint(IPv4Address(ip), 80, node)


def _overall_services() -> tuple[Service, ...]:
    """The six services of kube-proxy's TestOverallIPTablesRules."""
    lb = ServiceType.LOAD_BALANCER
    return (
        _svc("ns1", "svc1", "172.30.0.41", endpoints=(_ep("10.180.0.1"),)),
        _svc("ns2", "svc2", "172.30.0.42", kind=lb, node_port=3001,
             endpoints=(_ep("10.180.0.2"),), external_traffic_policy=TrafficPolicy.LOCAL,
             load_balancer_ip=IPv4Address("1.2.3.4"),
             external_ips=(IPv4Address("192.168.99.22"),), health_check_node_port=30000),
        _svc("ns3", "svc3", "172.30.0.43", kind=ServiceType.NODE_PORT, node_port=3003,
             endpoints=(_ep("10.180.0.3"),)),
        _svc("ns4", "svc4", "172.30.0.44", kind=ServiceType.NODE_PORT,
             endpoints=(_ep("10.180.0.4"), _ep("10.180.0.5", "test-node")),
             external_ips=(IPv4Address("192.168.99.33"),)),
        _svc("ns5", "svc5", "172.30.0.45", kind=lb, node_port=3002,
             endpoints=(_ep("10.180.0.3"),), load_balancer_ip=IPv4Address("5.6.7.8"),
             source_ranges=(IPv4Network("203.0.113.0/25"),), affinity_timeout=10800),
        _svc("ns6", "svc6", "172.30.0.46"),
    )


def _sorted_like_kube_proxy_tests(text: str) -> str:
    """sortIPTablesRules from proxier_test.go: tables by name; KUBE-NODEPORTS and
    KUBE-SERVICES first, other KUBE- chains by name, then the rest; rules grouped by
    chain; in the first two, stable-sorted by the service named in the comment, with
    the nodeports jump kept last."""
    tables: dict[str, tuple[list[str], list[str]]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("*"):
            current = line[1:]
            tables[current] = ([], [])
        elif line.startswith(":"):
            tables[current][0].append(line)
        elif line.startswith("-A"):
            tables[current][1].append(line)

    def chain_key(chain: str) -> tuple[int, str]:
        order = {"KUBE-NODEPORTS": 0, "KUBE-SERVICES": 1}
        if chain in order:
            return order[chain], ""
        return (2, chain) if chain.startswith("KUBE-") else (3, chain)

    def service_of(rule: str) -> str:
        found = re.search(r'--comment "?([^" :]*)', rule)
        return found[1] if found else ""

    out: list[str] = []
    for table in sorted(tables):
        chains, rules = tables[table]
        names = sorted((c[1:].split(" ")[0] for c in chains), key=chain_key)
        out.append(f"*{table}")
        out += [f":{c} - [0:0]" for c in names]
        for chain in names:
            mine = [r for r in rules if r.split(" ")[1] == chain]
            if chain in ("KUBE-NODEPORTS", "KUBE-SERVICES"):
                last = [r for r in mine if "must be the last rule" in r]
                mine = sorted((r for r in mine if r not in last), key=service_of) + last
            out += mine
        out.append("COMMIT")
    return "\n".join(out) + "\n"


def test_overall_rules_match_kube_proxys_own_test() -> None:
    config = KubeProxyConfig(cluster_cidr="10.0.0.0/8", random_fully=False, nfacct=True,
                             mark_spelling="short")
    chains, rules = proxier_rules(_overall_services(), "test-node",
                                  (IPv4Address("192.168.0.2"),), config)
    payload = restore_text(Ruleset.of(chains, rules))
    expected = "".join(line + "\n" for line in (DATA / "overall-expected.txt").read_text()
                       .splitlines() if not line.startswith("#"))
    assert _sorted_like_kube_proxy_tests(payload) == expected
