"""Traces through kube-proxy's rules: every flow the Services issue lists."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from netmodel.errors import EndpointError, NetmodelError
from netmodel.spec.load import parse_spec
from netmodel.state.model import Model
from netmodel.trace.hops import Action, Disposition, Trace
from netmodel.trace.walks import all_walks, walk_between

SPEC = """
cluster: {backend: vxlan, underlay: {cidr: 192.168.56.0/24}}
nodes: [{name: node-1}, {name: node-2}]
pods:
  - {name: web-1, node: node-1, labels: {app: web},
     containers: [{name: c, ports: [{containerPort: 8080}]}]}
  - {name: web-2, node: node-2, labels: {app: web},
     containers: [{name: c, ports: [{containerPort: 8080}]}]}
  - {name: client, node: node-1}
  - {name: api, node: node-2, labels: {app: api},
     containers: [{name: c, ports: [{containerPort: 80}]}]}
  - {name: ctl, namespace: ingress, node: node-2, labels: {app: ctl},
     containers: [{name: c, ports: [{containerPort: 80}]}]}
services:
  - {name: web, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
  - {name: empty, selector: {app: nothing}, ports: [{port: 80}]}
  - {name: np-cluster, type: NodePort, selector: {app: web},
     ports: [{port: 80, targetPort: 8080, nodePort: 30100}]}
  - name: np-local
    type: NodePort
    externalTrafficPolicy: Local
    selector: {app: api}
    ports: [{port: 80, nodePort: 30200}]
  - name: lb
    type: LoadBalancer
    externalTrafficPolicy: Local
    loadBalancerIP: 198.51.100.10
    loadBalancerSourceRanges: [203.0.113.0/24]
    healthCheckNodePort: 32100
    selector: {app: api}
    ports: [{port: 80, nodePort: 30300}]
  - {name: ctl, namespace: ingress, type: LoadBalancer, loadBalancerIP: 198.51.100.20,
     selector: {app: ctl}, ports: [{name: http, port: 80}]}
ingresses:
  - name: shop
    controller: {service: ingress/ctl}
    rules:
      - host: shop.example.com
        http: {paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]}
"""
CLIENT = "external/203.0.113.7"


@pytest.fixture(scope="module")
def model() -> Model:
    cluster = parse_spec(SPEC, "svc.yaml")
    # every service has the endpoints it means to: only "empty" has none, on purpose
    assert [w.field for w in cluster.warnings] == ["services[1].selector"]
    return Model(cluster)


def _ip(model: Model, node: str) -> IPv4Address:
    return model.cluster.node(node).ip


def _dnat_steps(trace: Trace) -> list[str]:
    return [s.detail.key for s in trace.steps if s.action is Action.NETFILTER
            and s.detail.key == "nf.dnat"]


@pytest.mark.parametrize(("endpoint", "same_node"), [
    ("10.244.0.2:8080", True),  # web-1, on the client's node
    ("10.244.1.2:8080", False),  # web-2, across the VXLAN tunnel
])
def test_pod_to_cluster_ip_is_dnatted_and_the_reply_un_dnatted(
        model: Model, endpoint: str, same_node: bool) -> None:
    trace = walk_between(model, "pod/client", "svc/web", endpoint=endpoint)
    assert trace.disposition is Disposition.DELIVERED
    assert f"{trace.final_packet.ip.dst}:{trace.final_packet.l4.dport}" == endpoint
    client = model.cluster.pod("default/client").ip
    assert trace.final_packet.ip.src == client  # no SNAT inside the pod network
    assert (trace.path[-1][0] == "node-1") is same_node
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    back = trace.reply.final_packet
    assert (back.ip.src, back.l4.sport) == (model.cluster.service("default/web").cluster_ip, 80)
    (entry,) = [e for e in trace.conntrack if e.node == "node-1"]
    assert entry.dnat and not entry.snat


def test_pod_reaching_itself_through_its_service_is_hairpin_masqueraded(model: Model) -> None:
    trace = walk_between(model, "pod/web-1", "svc/web", endpoint="10.244.0.2:8080")
    assert trace.disposition is Disposition.DELIVERED
    gateway = next(a.ip for a in model.node_netns("node-1").addresses if a.dev == "cni0")
    assert trace.final_packet.ip.src == gateway  # KUBE-SEP's "-s <itself> -j KUBE-MARK-MASQ"
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED


def test_node_to_cluster_ip_goes_through_nat_output(model: Model) -> None:
    trace = walk_between(model, "node/node-1", "svc/web", endpoint="10.244.1.2:8080")
    assert trace.disposition is Disposition.DELIVERED
    nat = next(s for s in trace.steps if s.detail.key == "nf.dnat")
    assert "OUTPUT" in nat.detail.render("en")
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    # The node's socket connected to the ClusterIP: conntrack restores that source
    # at LOCAL_IN, before the reply reaches it.
    back = trace.reply.final_packet
    assert (back.ip.src, back.l4.sport) == (model.cluster.service("default/web").cluster_ip, 80)
    assert trace.reply.steps[-2].detail.key == "ct.undnat"


def test_ping_to_a_cluster_ip_is_not_answered_and_says_why(model: Model) -> None:
    trace = walk_between(model, "pod/client", "svc/web", proto="icmp")
    assert trace.disposition is Disposition.NO_ROUTE
    assert "virtual IP of service default/web" in trace.reason.render("en")
    assert _dnat_steps(trace) == []
    assert trace.reply is None


def test_service_without_endpoints_is_rejected(model: Model) -> None:
    trace = walk_between(model, "pod/client", "svc/empty")
    assert trace.disposition is Disposition.REJECTED
    assert "has no endpoints" in trace.reason.render("en")


def test_nodeport_cluster_policy_snats_to_the_node(model: Model) -> None:
    trace = walk_between(model, CLIENT, "node/node-1", port=30100, endpoint="10.244.1.2:8080")
    assert trace.disposition is Disposition.DELIVERED
    # a second hop: the endpoint is on node-2, and the client's address is gone
    assert trace.path[-1] == ("node-2", "pod default/web-2")
    vtep_source = next(a.ip for a in model.node_netns("node-1").addresses
                       if a.dev == "flannel.1")
    assert trace.final_packet.ip.src == vtep_source
    assert trace.reply is not None
    assert trace.reply.final_packet.ip.src == _ip(model, "node-1")  # what the client dialled


def test_nodeport_local_policy_keeps_the_client_source(model: Model) -> None:
    trace = walk_between(model, CLIENT, "node/node-2", port=30200)
    assert trace.disposition is Disposition.DELIVERED
    assert trace.final_packet.ip.src == IPv4Address("203.0.113.7")
    assert trace.path[-1] == ("node-2", "pod default/api")


def test_nodeport_local_policy_drops_on_a_node_without_local_endpoint(model: Model) -> None:
    trace = walk_between(model, CLIENT, "node/node-1", port=30200)
    assert trace.disposition is Disposition.DROPPED
    assert "has no local endpoints" in trace.reason.render("en")


def test_load_balancer_ip_within_source_ranges_reaches_a_local_endpoint(model: Model) -> None:
    trace = walk_between(model, CLIENT, "ip/198.51.100.10", port=80)
    assert trace.disposition is Disposition.DELIVERED
    # Local policy: the LB only sends to nodes whose health check answers 200
    assert ("node-2", "host") in trace.path and ("node-1", "host") not in trace.path
    assert trace.final_packet.ip.src == IPv4Address("203.0.113.7")


def test_load_balancer_ip_outside_source_ranges_is_dropped(model: Model) -> None:
    trace = walk_between(model, "external/192.0.2.9", "ip/198.51.100.10", port=80)
    assert trace.disposition is Disposition.DROPPED
    assert "KUBE-PROXY-FIREWALL" in trace.reason.render("en")


@pytest.mark.parametrize(("node", "key"), [
    ("node-2", "deliver.healthcheck.ok"),  # the api pod runs here
    ("node-1", "deliver.healthcheck.fail"),
])
def test_health_check_node_port_answers_by_local_endpoints(model: Model, node: str,
                                                           key: str) -> None:
    trace = walk_between(model, CLIENT, f"node/{node}", port=32100)
    assert trace.disposition is Disposition.DELIVERED
    assert trace.reason.key == key


def test_ingress_is_two_connections(model: Model) -> None:
    trace = walk_between(model, CLIENT, "ingress/shop.example.com/cart")
    assert trace.disposition is Disposition.DELIVERED
    assert trace.path[-1] == ("node-2", "pod ingress/ctl")
    second = trace.next
    assert second is not None and second.disposition is Disposition.DELIVERED
    assert second.path[0] == ("node-2", "pod ingress/ctl")
    # ingress-nginx's default: an endpoint address, not the ClusterIP.
    endpoints = model.cluster.service("default/web").ports[0].endpoints
    assert (second.flow.dst, second.flow.dport) == (endpoints[0].ip, endpoints[0].port)
    assert second.final_packet.ip.src == model.cluster.pod("ingress/ctl").ip


def test_all_traces_cover_every_endpoint_and_sum_to_one(model: Model) -> None:
    traces = list(all_walks(model, "pod/client", "svc/web"))
    reached = {f"{t.final_packet.ip.dst}:{t.final_packet.l4.dport}" for t in traces}
    assert reached == {str(e) for e in model.cluster.service("default/web").ports[0].endpoints}
    assert sum(t.probability for t in traces) == pytest.approx(1.0)


def test_an_endpoint_the_service_does_not_have_is_an_error(model: Model) -> None:
    with pytest.raises(NetmodelError, match="not one this service's chain can pick"):
        walk_between(model, "pod/client", "svc/web", endpoint="10.9.9.9:80")


def test_rules_tested_grows_by_one_per_service_ahead_in_kube_services() -> None:
    """iptables is a list: each Service sorted ahead adds one rule to test."""
    def tested(extra: int) -> int:
        padding = "".join(f"  - {{name: a{i:03}, selector: {{app: web}}, "
                          f"ports: [{{port: 80}}]}}\n" for i in range(extra))
        spec = SPEC.replace("services:\n", "services:\n" + padding, 1)
        trace = walk_between(Model(parse_spec(spec)), "pod/client", "svc/web",
                             endpoint="10.244.0.2:8080")
        nat = next(s for s in trace.steps if s.detail.key == "nf.dnat")
        return int(nat.detail.render("en").split(": ")[1].split(" ")[0])
    assert tested(10) - tested(0) == 10
    assert tested(40) - tested(0) == 40


def test_external_client_inside_the_cluster_ranges_is_refused(model: Model) -> None:
    with pytest.raises(EndpointError, match="inside the cluster's clusterCIDR"):
        walk_between(model, "external/10.244.3.3", "svc/web")
