"""Cluster DNS: cluster.dns, the kube-dns Service, each pod's resolv.conf
(kubelet's pkg/kubelet/network/dns/dns.go), glibc's search order, the lookup,
and the DNS walk to a CoreDNS pod."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from netmodel.cli import main
from netmodel.errors import InputError, NetmodelError, SpecError
from netmodel.i18n.dns import DNS_WORDS
from netmodel.site.values import answer
from netmodel.spec.cluster import Cluster
from netmodel.spec.dns import (
    DEFAULT_DNS_INDEX,
    KUBE_DNS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_PATHS,
    DNSPolicy,
    ResolvConf,
)
from netmodel.spec.load import load_spec, parse_spec
from netmodel.spec.protocol import Protocol
from netmodel.state.model import Model
from netmodel.state.netfilter import save_text
from netmodel.state.resolv_conf import DEFAULT_OPTIONS, cluster_searches, pod_resolv_conf
from netmodel.state.resolver import search_names
from netmodel.trace.dns_lookup import AnswerKind, lookup, lookup_from
from netmodel.trace.hops import Disposition
from netmodel.trace.walks import walk_between

SPEC = """
cluster:
  name: dns
  dns: {coredns: [{node: node-1}, {node: node-2}]}
nodes:
  - {name: node-1, ip: 192.168.56.11}
  - name: node-2
    ip: 192.168.56.12
    resolvConf: {nameservers: [192.168.56.53, 192.168.56.1], searches: [lab.example.],
                 options: [timeout:2]}
pods:
  - {name: web-1, node: node-1, labels: {app: web},
     containers: [{name: nginx, ports: [{containerPort: 80}]}]}
  - {name: db-1, node: node-2, labels: {app: db},
     containers: [{name: postgres, ports: [{containerPort: 5432}]}]}
  - {name: exporter, namespace: monitoring, node: node-2, hostNetwork: true}
  - {name: agent, namespace: monitoring, node: node-2, hostNetwork: true,
     dnsPolicy: ClusterFirstWithHostNet}
  - {name: plain, node: node-2, dnsPolicy: Default}
  - name: custom
    node: node-2
    dnsPolicy: None
    dnsConfig:
      nameservers: [1.1.1.1]
      searches: [corp.example]
      options: [{name: ndots, value: "2"}, {name: edns0}]
  - name: extra
    node: node-2
    dnsConfig:
      nameservers: [10.96.0.10, 9.9.9.9]
      searches: [cluster.local, corp.example]
      options: [{name: ndots, value: "1"}, {name: single-request-reopen}]
services:
  - {name: db, selector: {app: db}, ports: [{port: 5432}]}
"""


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    loaded = parse_spec(SPEC, "dns.yaml")
    assert loaded.warnings == ()
    return loaded


def _conf(cluster: Cluster, key: str) -> ResolvConf:
    return pod_resolv_conf(cluster, cluster.pod(key))


# -- cluster.dns and the kube-dns Service -------------------------------------

def test_cluster_dns_defaults_are_kubeadms(cluster: Cluster) -> None:
    # GetDNSIP: the 10th address of the service subnet; DefaultServiceDNSDomain.
    assert cluster.dns.cluster_ip == cluster.service_cidr.network_address + DEFAULT_DNS_INDEX
    assert str(cluster.dns.cluster_ip) == "10.96.0.10"
    assert cluster.dns.domain == "cluster.local"


def test_kube_dns_service_is_kubeadms_manifest(cluster: Cluster) -> None:
    svc = cluster.service(KUBE_DNS)
    assert svc.cluster_ip == cluster.dns.cluster_ip
    assert svc.selector == (("k8s-app", "kube-dns"),)
    assert [(p.name, p.port, p.protocol, p.target) for p in svc.ports] == [
        ("dns", 53, Protocol.UDP, "53"), ("dns-tcp", 53, Protocol.TCP, "53"),
        ("metrics", 9153, Protocol.TCP, "9153")]
    coredns = [p for p in cluster.pods if p.namespace == "kube-system"]
    assert [p.node for p in coredns] == ["node-1", "node-2"]
    for port in svc.ports:
        assert [(e.ip, e.pod) for e in port.endpoints] == [(p.ip, p.key) for p in coredns]
        # each endpoint port is one the coredns container declares for that protocol
        for pod in coredns:
            assert pod.listener(port.port, port.protocol) == "coredns"


def test_coredns_pods_take_addresses_after_the_specs_own(cluster: Cluster) -> None:
    without = parse_spec(SPEC.replace("  dns: {coredns: [{node: node-1}, {node: node-2}]}\n",
                                      ""), "plain.yaml")
    for pod in without.pods:
        assert cluster.pod(pod.key).ip == pod.ip
    taken = [p.ip for p in cluster.pods if not p.host_network]
    assert len(taken) == len(set(taken))


def test_spec_without_dns_has_no_kube_dns_but_kubelet_still_has_cluster_dns() -> None:
    plain = parse_spec(SPEC.replace("  dns: {coredns: [{node: node-1}, {node: node-2}]}\n",
                                    ""), "plain.yaml")
    assert not plain.dns.service
    assert all(s.key != KUBE_DNS for s in plain.services)
    assert all(p.namespace != "kube-system" for p in plain.pods)
    assert _conf(plain, "default/web-1").nameservers == (str(plain.dns.cluster_ip),)


def test_dns_ip_follows_the_service_cidr() -> None:
    spec = SPEC.replace("  name: dns\n", "  name: dns\n  serviceCIDR: 10.100.0.0/16\n")
    cluster = parse_spec(spec, "x.yaml")
    assert cluster.dns.cluster_ip == IPv4Network("10.100.0.0/16").network_address + 10


@pytest.mark.parametrize(("old", "new", "field"), [
    # outside the service range: the API server refuses the Service's ClusterIP
    ("dns: {coredns", "dns: {clusterIP: 10.0.0.10, coredns", "cluster.dns.clusterIP"),
    # not a DNS-1123 subdomain (kubeadm's ValidateNetworking)
    ("dns: {coredns", "dns: {domain: Cluster_Local, coredns", "cluster.dns.domain"),
    # no scheduler's choice
    ("{node: node-1}, {node: node-2}", "{name: a}", "cluster.dns.coredns[0]"),
    ("{node: node-1}, {node: node-2}", "{node: node-9}", "cluster.dns.coredns[0].node"),
    # an unknown policy (validateDNSPolicy)
    ("dnsPolicy: Default", "dnsPolicy: ClusterLast", "pods[4].dnsPolicy"),
    # None without a nameserver (validatePodDNSConfig)
    ("nameservers: [1.1.1.1]", "nameservers: []", "pods[5].dnsConfig.nameservers"),
    # more than MaxDNSNameservers
    ("nameservers: [1.1.1.1]", "nameservers: [1.1.1.1, 1.0.0.1, 8.8.8.8, 8.8.4.4]",
     "pods[5].dnsConfig.nameservers"),
    ("searches: [corp.example]", "searches: [corp_example]", "pods[5].dnsConfig.searches[0]"),
    ("{name: edns0}", "{value: x}", "pods[5].dnsConfig.options[1]"),
])
def test_bad_dns_fields_are_refused_at_their_field(old: str, new: str, field: str) -> None:
    assert old in SPEC
    with pytest.raises(SpecError) as caught:
        parse_spec(SPEC.replace(old, new, 1), "bad.yaml")
    assert caught.value.field == field


def test_dns_policy_none_without_dns_config_is_refused() -> None:
    spec = SPEC.replace("  - {name: plain, node: node-2, dnsPolicy: Default}",
                        "  - {name: plain, node: node-2, dnsPolicy: None}")
    with pytest.raises(SpecError, match="must provide dnsConfig"):
        parse_spec(spec, "bad.yaml")


def test_a_service_on_the_dns_address_or_name_is_refused() -> None:
    taken = SPEC + "  - {name: other, clusterIP: 10.96.0.10, ports: [{port: 1}]}\n"
    with pytest.raises(SpecError, match=r"already allocated \(to cluster\.dns\)"):
        parse_spec(taken, "bad.yaml")
    named = SPEC + "  - {name: kube-dns, namespace: kube-system, ports: [{port: 53}]}\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(named, "bad.yaml")
    assert caught.value.field == "services[1].name"


# -- resolv.conf, policy by policy ----------------------------------------------

def test_cluster_first_is_cluster_dns_cluster_searches_then_the_nodes(cluster: Cluster) -> None:
    node = cluster.node("node-2").resolv_conf
    conf = _conf(cluster, "default/db-1")
    assert conf.nameservers == (str(cluster.dns.cluster_ip),)  # the only nameserver
    domain = cluster.dns.domain
    assert conf.searches == (f"default.svc.{domain}", f"svc.{domain}", domain, *node.searches)
    assert conf.options == DEFAULT_OPTIONS == ("ndots:5",)  # the node's options are not kept
    assert conf.text() == ("search default.svc.cluster.local svc.cluster.local cluster.local "
                           "lab.example\nnameserver 10.96.0.10\noptions ndots:5\n")


def test_parse_resolv_conf_trims_a_trailing_dot_from_node_searches(cluster: Cluster) -> None:
    assert cluster.node("node-2").resolv_conf.searches == ("lab.example",)


def test_default_node_resolv_conf_names_the_underlay_router(cluster: Cluster) -> None:
    node = cluster.node("node-1")
    router = cluster.underlay.segment(node.segment).router_ip
    assert node.resolv_conf == ResolvConf(nameservers=(str(router),))


@pytest.mark.parametrize("key", [
    "default/plain",  # Default: the node's file as is
    "monitoring/exporter",  # ClusterFirst on hostNetwork falls through to Default
])
def test_host_policies_get_the_nodes_file(cluster: Cluster, key: str) -> None:
    assert _conf(cluster, key) == cluster.node("node-2").resolv_conf


def test_cluster_first_with_host_net_gives_a_host_network_pod_cluster_dns(
        cluster: Cluster) -> None:
    conf = _conf(cluster, "monitoring/agent")
    assert conf.nameservers == (str(cluster.dns.cluster_ip),)
    assert conf.searches[0] == "monitoring.svc.cluster.local"  # the pod's own namespace


def test_none_is_the_dns_config_alone(cluster: Cluster) -> None:
    conf = _conf(cluster, "default/custom")
    assert conf == ResolvConf(("1.1.1.1",), ("corp.example",), ("ndots:2", "edns0"))


def test_dns_config_is_appended_without_duplicates_and_options_merged(
        cluster: Cluster) -> None:
    conf = _conf(cluster, "default/extra")
    base = cluster_searches(cluster.dns.domain, "default",
                            cluster.node("node-2").resolv_conf.searches)
    assert conf.nameservers == ("10.96.0.10", "9.9.9.9")  # 10.96.0.10 once
    assert conf.searches == (*base, "corp.example")  # cluster.local once
    assert conf.options == ("ndots:1", "single-request-reopen")  # ndots replaced


def test_search_list_is_cut_to_the_limits() -> None:
    many = [f"d{i}.example" for i in range(40)]
    spec = SPEC.replace("searches: [lab.example.]", f"searches: [{', '.join(many)}]")
    cluster = parse_spec(spec, "many.yaml")
    conf = _conf(cluster, "default/db-1")
    # the cluster's three first, then the node's, cut at MaxDNSSearchPaths
    assert len(conf.searches) == MAX_SEARCH_PATHS
    assert conf.searches[3:] == tuple(many[:MAX_SEARCH_PATHS - 3])
    long = ["x" * 60 + f".{i}.example" for i in range(40)]
    spec = SPEC.replace("searches: [lab.example.]", f"searches: [{', '.join(long)}]")
    conf = _conf(parse_spec(spec, "long.yaml"), "default/db-1")
    joined = " ".join(conf.searches)
    assert len(joined) <= MAX_SEARCH_CHARS
    # cut from the end: one more entry would pass the limit
    full = cluster_searches("cluster.local", "default", tuple(long))[:MAX_SEARCH_PATHS]
    assert conf.searches == full[:len(conf.searches)]
    assert len(" ".join(full[:len(conf.searches) + 1])) > MAX_SEARCH_CHARS


def test_every_pod_has_a_policy(cluster: Cluster) -> None:
    assert cluster.pod("default/web-1").dns_policy is DNSPolicy.CLUSTER_FIRST
    coredns = cluster.pod("kube-system/coredns-1")
    assert coredns.dns_policy is DNSPolicy.DEFAULT  # kubeadm's CoreDNS Deployment


# -- the search order (glibc res_query.c) ---------------------------------------

_POD = ResolvConf(("10.96.0.10",), ("default.svc.cluster.local", "svc.cluster.local",
                                    "cluster.local"), ("ndots:5",))


@pytest.mark.parametrize(("name", "expected"), [
    # no dot, fewer than ndots: every search domain, then the name as is
    ("db", ["db.default.svc.cluster.local.", "db.svc.cluster.local.", "db.cluster.local.",
            "db."]),
    # four dots, still fewer than five
    ("a.b.c.d.e", ["a.b.c.d.e.default.svc.cluster.local.", "a.b.c.d.e.svc.cluster.local.",
                   "a.b.c.d.e.cluster.local.", "a.b.c.d.e."]),
    # five dots: as is first, then the search list
    ("a.b.c.d.e.f", ["a.b.c.d.e.f.", "a.b.c.d.e.f.default.svc.cluster.local.",
                     "a.b.c.d.e.f.svc.cluster.local.", "a.b.c.d.e.f.cluster.local."]),
    # a trailing dot: as is, nothing else
    ("example.com.", ["example.com."]),
])
def test_search_names_follow_ndots(name: str, expected: list[str]) -> None:
    assert list(search_names(name, _POD)) == expected


def test_search_names_without_options_use_ndots_one() -> None:
    conf = ResolvConf(("192.168.56.1",), ("lab.example",))
    assert conf.ndots() == 1
    assert search_names("db", conf) == ("db.lab.example.", "db.")
    assert search_names("example.com", conf) == ("example.com.", "example.com.lab.example.")


def test_ndots_is_capped_at_fifteen() -> None:
    assert ResolvConf(options=("ndots:30",)).ndots() == 15  # RES_MAXNDOTS


# -- the lookup: what CoreDNS answers ---------------------------------------------

def test_short_service_name_is_answered_by_the_first_search_domain(cluster: Cluster) -> None:
    found = lookup(cluster, cluster.pod("default/web-1"), "db")
    (query,) = found.queries
    assert query.name == "db.default.svc.cluster.local."
    assert query.answer.kind is AnswerKind.ADDRESS
    assert query.answer.address == cluster.service("default/db").cluster_ip
    assert found.unsent == search_names("db", found.conf)[1:]


def test_external_name_walks_the_whole_search_list_first(cluster: Cluster) -> None:
    found = lookup(cluster, cluster.pod("default/web-1"), "example.com")
    names = search_names("example.com", found.conf)
    assert [q.name for q in found.queries] == list(names)
    kinds = [q.answer.kind for q in found.queries]
    assert kinds == [AnswerKind.NXDOMAIN] * 3 + [AnswerKind.FORWARDED]
    assert [q.final for q in found.queries] == [False, False, False, True]


def test_other_namespace_needs_its_namespace_in_the_name(cluster: Cluster) -> None:
    found = lookup(cluster, cluster.pod("default/web-1"), "kube-dns.kube-system")
    assert [q.answer.kind for q in found.queries] == [AnswerKind.NXDOMAIN, AnswerKind.ADDRESS]
    assert found.queries[-1].answer.address == cluster.dns.cluster_ip


def test_without_kube_dns_the_cluster_dns_address_answers_nothing() -> None:
    plain = parse_spec(SPEC.replace("  dns: {coredns: [{node: node-1}, {node: node-2}]}\n",
                                    ""), "plain.yaml")
    found = lookup(plain, plain.pod("default/web-1"), "db")
    assert [q.answer.kind for q in found.queries] == [AnswerKind.NO_SERVER]


def test_lookup_refuses_what_is_not_a_pod_or_a_name(cluster: Cluster) -> None:
    with pytest.raises(InputError) as caught:
        lookup_from(cluster, "node/node-1", "db")
    assert caught.value.option == "from"
    with pytest.raises(InputError) as caught:
        lookup_from(cluster, "pod/web-1", "a..b")
    assert caught.value.option == "name"


# -- the walk to the ClusterIP on UDP 53 -----------------------------------------

@pytest.mark.parametrize("coredns", ["kube-system/coredns-1", "kube-system/coredns-2"])
def test_dns_query_is_dnatted_to_a_coredns_pod_and_the_reply_un_dnatted(
        cluster: Cluster, coredns: str) -> None:
    model = Model(cluster)
    target = cluster.pod(coredns)
    trace = walk_between(model, "pod/web-1", f"svc/{KUBE_DNS}", port=53, proto="udp",
                         endpoint=f"{target.ip}:53")
    assert trace.disposition is Disposition.DELIVERED
    assert trace.path[-1][0] == target.node  # coredns-2 is across the tunnel
    assert (trace.final_packet.ip.dst, trace.final_packet.l4.dport) == (target.ip, 53)
    assert trace.final_packet.l4.proto == "udp"
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    back = trace.reply.final_packet
    assert (back.ip.src, back.l4.sport) == (cluster.dns.cluster_ip, 53)
    assert back.ip.dst == cluster.pod("default/web-1").ip


# -- the CLI ----------------------------------------------------------------------

def test_cli_dns_and_resolv_conf_table(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "dns.yaml"
    spec.write_text(SPEC)
    assert main(["state", str(spec), "node-2", "--pod", "db-1", "--table", "resolv.conf"]) == 0
    out = capsys.readouterr().out
    assert out == pod_resolv_conf(parse_spec(SPEC), parse_spec(SPEC).pod("default/db-1")).text()
    assert main(["dns", str(spec), "pod/web-1", "example.com", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "example.com.default.svc.cluster.local." in out and "少于 ndots 5" in out
    assert main(["dns", str(spec), "pod/nope", "db"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "POD 'pod/nope'" in err


def test_state_resolv_conf_of_a_node_is_its_own_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "dns.yaml"
    spec.write_text(SPEC)
    assert main(["state", str(spec), "node-2", "--table", "resolv.conf"]) == 0
    assert capsys.readouterr().out == parse_spec(SPEC).node("node-2").resolv_conf.text()


def test_resolv_conf_text_is_containerds_layout() -> None:
    conf = ResolvConf(("10.96.0.10", "1.1.1.1"), ("a.example",), ("ndots:5", "edns0"))
    assert conf.text() == ("search a.example\nnameserver 10.96.0.10\nnameserver 1.1.1.1\n"
                           "options ndots:5 edns0\n")
    assert ResolvConf().text() == ""
    assert IPv4Address(conf.nameservers[0])  # servers stay addresses


def test_kube_dns_chains_carry_the_names_every_real_cluster_shows(cluster: Cluster) -> None:
    # KUBE-SVC-TCOU7JCQXEZGVUNU (kube-dns:dns, udp) is in the reference facts;
    # the other two appear in every kubeadm cluster's iptables-save dump. They
    # are hashes of the Service's namespace, name and port name, so this checks
    # the kube-dns Service is named and ported as kubeadm makes it.
    rules = save_text(Model(cluster).ruleset("node-1"))
    for chain, port in (("TCOU7JCQXEZGVUNU", "dns"), ("ERIFXISQEP7F7OF4", "dns-tcp"),
                        ("JD5MR3NA4I4DYORP", "metrics")):
        assert (f'--comment "kube-system/kube-dns:{port} cluster IP"') in rules
        assert f"-j KUBE-SVC-{chain}" in rules
        line = next(r for r in rules.splitlines() if r.endswith(f"-j KUBE-SVC-{chain}"))
        assert f"kube-system/kube-dns:{port} cluster IP" in line


def test_prose_values_are_the_computed_ones(cluster: Cluster) -> None:
    model = Model(cluster)
    conf = _conf(cluster, "default/db-1")
    assert answer(model, "dns clusterIP") == str(cluster.dns.cluster_ip)
    assert answer(model, "dns domain") == cluster.dns.domain
    assert answer(model, "dns db-1 search") == " ".join(conf.searches)
    assert answer(model, "dns db-1 ndots") == str(conf.ndots())
    assert answer(model, "dns custom nameserver") == _conf(cluster, "default/custom").nameservers[0]
    with pytest.raises(NetmodelError, match="no pod"):
        answer(model, "dns nope search")


def test_prose_values_walk_the_lookup(cluster: Cluster) -> None:
    model = Model(cluster)
    found = lookup(cluster, cluster.pod("default/web-1"), "example.com")
    assert answer(model, "dns web-1 sent example.com") == str(len(found.queries))
    for i, query in enumerate(found.queries, 1):
        assert answer(model, f"dns web-1 query example.com {i}") == query.name
    assert answer(model, "dns web-1 answer example.com 1") == "NXDOMAIN"
    assert answer(model, f"dns web-1 answer example.com {len(found.queries)}") == "forward"
    db = cluster.service("default/db").cluster_ip
    assert answer(model, "dns web-1 answer db 1") == f"A {db}"
    with pytest.raises(NetmodelError, match="sends 1 query for db"):
        answer(model, "dns web-1 query db 2")


def test_the_dns_chapters_cluster_is_the_demo_cluster_plus_dns() -> None:
    # One story across the chapters: every pod and Service of the demo keeps its
    # address in the DNS chapter's spec.
    root = Path(__file__).resolve().parents[1] / "diagrams" / "clusters"
    demo = load_spec(root / "two-nodes-vxlan.yaml")
    dns = load_spec(root / "two-nodes-vxlan-dns.yaml")
    assert dns.dns.service and not demo.dns.service
    for pod in demo.pods:
        assert dns.pod(pod.key).ip == pod.ip
    for svc in demo.services:
        assert dns.service(svc.key).cluster_ip == svc.cluster_ip
    assert dns.warnings == ()


def test_resolv_conf_of_the_router_is_refused_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "dns.yaml"
    spec.write_text(SPEC)
    assert main(["state", str(spec), "router", "--table", "resolv.conf"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "runs no kubelet" in err


@pytest.mark.parametrize("key", sorted(DNS_WORDS))
def test_every_dns_word_has_both_languages_with_the_same_placeholders(key: str) -> None:
    words = DNS_WORDS[key]
    assert set(words) == {"en", "zh"}
    assert (sorted(re.findall(r"\{(\w+)\}", words["en"]))
            == sorted(re.findall(r"\{(\w+)\}", words["zh"])))


def test_values_read_in_one_line(cluster: Cluster) -> None:
    conf = _conf(cluster, "default/custom")
    assert str(conf) == "search corp.example; nameserver 1.1.1.1; options ndots:2 edns0"
    assert str(ResolvConf()) == "(empty resolv.conf)"
    (query,) = lookup(cluster, cluster.pod("default/web-1"), "db").queries
    db = cluster.service("default/db").cluster_ip
    assert str(query) == f"db.default.svc.cluster.local. → address A {db} from 10.96.0.10 (final)"
    assert str(cluster.pod("default/custom").dns_config) == (
        "dnsConfig nameservers [1.1.1.1] searches [corp.example] options [ndots:2 edns0]")
