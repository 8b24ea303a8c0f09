"""The default/kubernetes Service: kube-apiserver's facts, its rules, walks to it."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from netmodel.errors import SpecError
from netmodel.spec.load import parse_spec
from netmodel.spec.protocol import IpProto
from netmodel.spec.services import ServiceType
from netmodel.state.kube_proxy import chain_name
from netmodel.state.model import Model
from netmodel.state.netfilter import save_text
from netmodel.trace.hops import Disposition
from netmodel.trace.walks import walk_between

NODES = """
cluster: {{name: api{extra}}}
nodes:
  - {{name: node-1, ip: 192.168.56.9{role1}}}
  - {{name: node-2, ip: 192.168.56.10{role2}}}
pods:
  - {{name: client, node: node-2}}
"""


def _spec(extra: str = "", role1: str = "", role2: str = "", services: str = "") -> str:
    return NODES.format(extra=extra, role1=role1, role2=role2) + services


def test_every_cluster_has_it_at_the_first_address_of_the_service_cidr() -> None:
    for cidr in ("10.96.0.0/12", "172.20.0.0/16"):
        cluster = parse_spec(_spec(f", serviceCIDR: {cidr}"))
        svc = cluster.service("default/kubernetes")
        # ServiceIPRange: GetIndexedIP(&serviceClusterIPRange, 1)
        assert svc.cluster_ip == IPv4Network(cidr)[1]
        assert svc.type is ServiceType.CLUSTER_IP and svc.selector == ()
        (port,) = svc.ports
        # createPortAndServiceSpec: https, 443/TCP, targetPort the secure port
        assert (port.name, port.port, port.protocol, port.target) == ("https", 443, "TCP", "6443")


def test_without_roles_the_first_node_is_the_control_plane() -> None:
    cluster = parse_spec(_spec())
    (port,) = cluster.service("default/kubernetes").ports
    first = cluster.nodes[0]
    assert [n.control_plane for n in cluster.nodes] == [True, False]
    # lease.go: EndpointAddress{IP: ip}, no nodeName; the secure port
    assert [(e.ip, e.port, e.node) for e in port.endpoints] == [(first.ip, 6443, None)]


def test_every_control_plane_node_is_an_endpoint_sorted_as_strings() -> None:
    cluster = parse_spec(_spec(role1=", role: control-plane", role2=", role: control-plane"))
    (port,) = cluster.service("default/kubernetes").ports
    ips = [str(n.ip) for n in cluster.nodes]
    # RepackSubsets sorts addresses as strings: "192.168.56.10" before "192.168.56.9"
    assert [str(e.ip) for e in port.endpoints] == sorted(ips) != ips


def test_a_spec_without_a_control_plane_node_warns_and_has_no_endpoints() -> None:
    cluster = parse_spec(_spec(role1=", role: worker"))
    assert not cluster.service("default/kubernetes").ports[0].endpoints
    assert [w.field for w in cluster.warnings] == ["nodes"]
    trace = walk_between(Model(cluster), "pod/client", "svc/kubernetes")
    assert trace.disposition is Disposition.REJECTED


def test_it_can_be_left_out_and_then_described_by_hand() -> None:
    services = ("services:\n  - {name: kubernetes, clusterIP: 10.96.0.1, "
                "endpoints: [{ip: 192.168.56.9, port: 6443}], "
                "ports: [{name: https, port: 443, targetPort: 6443}]}\n")
    cluster = parse_spec(_spec(", kubernetesService: false", services=services))
    assert [s.key for s in cluster.services] == ["default/kubernetes"]
    assert not any(s.key == "default/kubernetes" for s in
                   parse_spec(_spec(", kubernetesService: false")).services)


@pytest.mark.parametrize(("service", "field", "message"), [
    # its address is taken, as the API server's allocator says
    ("{name: mine, clusterIP: 10.96.0.1, ports: [{port: 80}]}", "services[0].clusterIP",
     "10.96.0.1: provided IP is already allocated (to default/kubernetes"),
    # and so is its name
    ("{name: kubernetes, ports: [{port: 80}]}", "services[0].name",
     "default/kubernetes already exists"),
])
def test_its_address_and_name_are_taken(service: str, field: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(_spec(services=f"services:\n  - {service}\n"), "bad.yaml")
    assert caught.value.field == field and message in str(caught.value)


def test_the_same_name_in_another_namespace_is_fine() -> None:
    cluster = parse_spec(_spec(services="services:\n  - {name: kubernetes, namespace: x, "
                                        "ports: [{port: 80}]}\n"))
    assert {s.key for s in cluster.services} == {"default/kubernetes", "x/kubernetes"}


def test_kube_proxy_writes_its_chains_through_the_ordinary_code_path() -> None:
    model = Model(parse_spec(_spec()))
    svc = model.cluster.service("default/kubernetes")
    chain = chain_name("KUBE-SVC-", svc.port_name(svc.ports[0]), IpProto.TCP)
    # The chain every real cluster's iptables-save shows for default/kubernetes:https.
    assert chain == "KUBE-SVC-NPX46M4PTMTKRN6Y"
    saved = save_text(model.ruleset("node-2"))
    assert (f'-A KUBE-SERVICES -d {svc.cluster_ip}/32 -p tcp -m comment --comment '
            f'"default/kubernetes:https cluster IP" -m tcp --dport 443 -j {chain}') in saved


def test_a_pod_reaches_the_api_server_on_another_node_masqueraded_by_flannel() -> None:
    model = Model(parse_spec(_spec()))
    client = model.cluster.pod("default/client")
    api, other = model.cluster.nodes
    svc = model.cluster.service("default/kubernetes")
    trace = walk_between(model, "pod/client", "svc/kubernetes")
    assert trace.disposition is Disposition.DELIVERED
    assert trace.reason.key == "deliver.apiserver"
    final = trace.final_packet
    # DNAT to the API server; the node address is outside the flannel Network,
    # so FLANNEL-POSTRTG masquerades the pod to node-2's own address.
    assert (final.ip.src, final.ip.dst, final.l4.dport) == (other.ip, api.ip, 6443)
    assert trace.path[-1] == ("node-1", "host")
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    back = trace.reply.final_packet
    assert (back.ip.src, back.l4.sport, back.ip.dst) == (svc.cluster_ip, 443, client.ip)
