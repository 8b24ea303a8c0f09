"""Services and Ingresses in the spec: API-server validation, endpoints, warnings."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from netmodel.errors import SpecError
from netmodel.spec.load import parse_spec
from netmodel.spec.services import ServiceType, TrafficPolicy

HTTP = "containers: [{name: c, ports: [{containerPort: 8080, name: http}]}]"
BASE = f"""\
nodes: [{{name: n1}}, {{name: n2}}]
pods:
  - {{name: web-1, node: n1, labels: {{app: web}}, {HTTP}}}
  - {{name: web-2, node: n2, labels: {{app: web}}, {HTTP}}}
  - {{name: other, namespace: shop, node: n2, labels: {{app: web}}}}
services:
"""


def load(services: str, extra: str = ""):  # type: ignore[no-untyped-def]
    return parse_spec(BASE + services + extra, "svc.yaml")


def test_selector_picks_pods_of_the_namespace_with_named_target_port() -> None:
    cluster = load("  - {name: web, selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n")
    (port,) = cluster.service("default/web").ports
    assert [(str(e.ip), e.port, e.node, e.pod) for e in port.endpoints] == [
        ("10.244.0.2", 8080, "n1", "default/web-1"), ("10.244.1.2", 8080, "n2", "default/web-2")]
    assert cluster.warnings == ()


def test_defaults_clusterip_type_and_cluster_policy() -> None:
    svc = load("  - {name: web, selector: {app: web}, ports: [{port: 8080}]}\n").service(
        "default/web")
    assert svc.type is ServiceType.CLUSTER_IP
    assert svc.external_traffic_policy is TrafficPolicy.CLUSTER
    assert svc.cluster_ip in parse_spec(BASE + "  []\n").service_cidr
    assert svc.ports[0].node_port is None and svc.ports[0].target == "8080"


def test_cluster_ips_are_stable_and_avoid_the_static_band() -> None:
    cluster = load("  - {name: a, selector: {app: web}, ports: [{port: 80}]}\n"
                   "  - {name: b, clusterIP: 10.96.0.10, selector: {app: web}, "
                   "ports: [{port: 53}]}\n"
                   "  - {name: c, selector: {app: web}, ports: [{port: 80}]}\n")
    a, b, c = (cluster.service(f"default/{n}").cluster_ip for n in "abc")
    assert b == IPv4Address("10.96.0.10")
    assert a < c and a > IPv4Address("10.96.0.255")  # dynamic allocations use the upper band
    again = load("  - {name: a, selector: {app: web}, ports: [{port: 80}]}\n"
                 "  - {name: b, clusterIP: 10.96.0.10, selector: {app: web}, ports: [{port: 53}]}\n"
                 "  - {name: c, selector: {app: web}, ports: [{port: 80}]}\n")
    assert again.service("default/a").cluster_ip == a


def test_node_port_and_health_check_port_are_allocated_in_range() -> None:
    svc = load("  - {name: lb, type: LoadBalancer, externalTrafficPolicy: Local, "
               "selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n").service(
        "default/lb")
    node_port = svc.ports[0].node_port
    assert node_port is not None and 30000 <= node_port <= 32767
    assert svc.health_check_node_port is not None and svc.health_check_node_port != node_port


def test_explicit_endpoints_without_selector() -> None:
    svc = load("  - name: db\n    ports: [{port: 5432}]\n    endpoints:\n"
               "      - {ip: 192.168.56.200, nodeName: n2}\n").service("default/db")
    (endpoint,) = svc.ports[0].endpoints
    assert (str(endpoint.ip), endpoint.port, endpoint.node) == ("192.168.56.200", 5432, "n2")


@pytest.mark.parametrize(("services", "problem"), [
    # a selector that matches nothing: allowed by Kubernetes, the service has no endpoints
    ("  - {name: x, selector: {app: nope}, ports: [{port: 80}]}\n", "matches no pod"),
    # a numeric targetPort that no container declares: still an endpoint
    ("  - {name: x, selector: {app: web}, ports: [{port: 80, targetPort: 9999}]}\n",
     "declares 9999/tcp"),
    # a named targetPort a pod does not have: that pod is not an endpoint
    ("  - {name: x, selector: {app: web}, ports: [{port: 80, targetPort: grpc}]}\n",
     "no tcp container port named 'grpc'"),
])
def test_suspicious_but_valid_services_are_warnings(services: str, problem: str) -> None:
    cluster = load(services)
    assert cluster.warnings, "expected a warning"
    text = str(cluster.warnings[0])
    assert text.startswith("svc.yaml:") and ": warning: " in text and problem in text


BAD = [
    # nodePort outside the range
    ("  - {name: x, type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 80}]}\n",
     "services[0].ports[0].nodePort", "80 is outside serviceNodePortRange 30000-32767"),
    # the same nodePort twice
    ("  - {name: x, type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}\n"
     "  - {name: y, type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}\n",
     "services[1].ports[0].nodePort", "already allocated"),
    # nodePort on a ClusterIP service
    ("  - {name: x, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}\n",
     "services[0].ports[0].nodePort", "may not be used when type is ClusterIP"),
    # two ports, one without a name
    ("  - {name: x, selector: {app: web}, ports: [{port: 80}, {name: b, port: 81}]}\n",
     "services[0].ports[0]", "required when a service has more than one port"),
    # a clusterIP outside the service CIDR
    ("  - {name: x, clusterIP: 10.0.0.1, selector: {app: web}, ports: [{port: 80}]}\n",
     "services[0].clusterIP", "not a usable address of serviceCIDR 10.96.0.0/12"),
    # an unknown service type
    ("  - {name: x, type: ExternalName, ports: [{port: 80}]}\n", "services[0].type",
     "unknown service type 'ExternalName'"),
    # Local policy on a service nobody outside can reach
    ("  - {name: x, externalTrafficPolicy: Local, ports: [{port: 80}]}\n",
     "services[0].externalTrafficPolicy", "externally-accessible"),
    # a bad source range
    ("  - {name: x, type: LoadBalancer, loadBalancerSourceRanges: [1.2.3.0/33], "
     "ports: [{port: 80}]}\n", "services[0].loadBalancerSourceRanges[0]", "invalid CIDR"),
    # the same service twice
    ("  - {name: x, ports: [{port: 80}]}\n  - {name: x, ports: [{port: 81}]}\n",
     "services[1].name", "duplicate service 'default/x'"),
]


@pytest.mark.parametrize(("services", "field", "problem"), BAD)
def test_bad_services_are_errors(services: str, field: str, problem: str) -> None:
    with pytest.raises(SpecError) as caught:
        load(services)
    assert caught.value.field == field, str(caught.value)
    assert problem in str(caught.value)
    assert caught.value.line is not None


def test_ingress_paths_and_controller() -> None:
    cluster = load("  - {name: web, selector: {app: web}, ports: [{name: http, port: 80, "
                   "targetPort: http}]}\n"
                   "  - {name: ctl, type: NodePort, selector: {app: web}, ports: [{port: 80}]}\n",
                   "ingresses:\n  - name: shop\n    controller: {service: ctl}\n    rules:\n"
                   "      - host: shop.example.com\n        http:\n          paths:\n"
                   "            - {path: /, pathType: Prefix, backend: {service: {name: web, "
                   "port: {number: 80}}}}\n")
    (ingress,) = cluster.ingresses
    assert ingress.controller == "default/ctl"
    (path,) = ingress.paths
    assert path.matches("shop.example.com", "/cart") and not path.matches("x.com", "/")


def test_ingress_backend_must_exist() -> None:
    with pytest.raises(SpecError, match="unknown service 'default/nope'"):
        load("  - {name: ctl, type: NodePort, selector: {app: web}, ports: [{port: 80}]}\n",
             "ingresses:\n  - name: i\n    controller: {service: ctl}\n    rules:\n"
             "      - http: {paths: [{path: /, backend: {service: {name: nope, "
             "port: {number: 80}}}}]}\n")


def test_the_same_ingress_twice_is_refused() -> None:
    # The API server answers AlreadyExists for a second default/i, as for a Service.
    ingress = ("  - name: i\n    controller: {service: ctl}\n    rules:\n"
               "      - http: {paths: [{path: /, backend: {service: {name: ctl, "
               "port: {number: 80}}}}]}\n")
    with pytest.raises(SpecError) as caught:
        load("  - {name: ctl, type: NodePort, selector: {app: web}, ports: [{port: 80}]}\n",
             "ingresses:\n" + ingress * 2)
    assert caught.value.field == "ingresses[1].name"
    assert "duplicate ingress 'default/i' (first at ingresses[0])" in str(caught.value)


# -- a port's own endpoints (what `netmodel import` writes from EndpointSlices) ----

def test_port_endpoints_replace_what_the_selector_picks() -> None:
    # The selector matches web-1 and web-2; the port lists web-2 only (web-1 not
    # ready in its EndpointSlice): the port's list is what kube-proxy is given.
    cluster = load("  - {name: web, selector: {app: web}, ports: [{port: 80, targetPort: http,"
                   " endpoints: [{ip: 10.244.1.2, nodeName: n2, port: 8080}]}]}\n")
    (port,) = cluster.service("default/web").ports
    assert [(str(e.ip), e.port, e.node, e.pod) for e in port.endpoints] == [
        ("10.244.1.2", 8080, "n2", "default/web-2")]
    assert cluster.service("default/web").selector == (("app", "web"),)
    assert cluster.warnings == ()


def test_port_endpoints_differ_per_port() -> None:
    # A multi-port Service whose ports target different container ports: the
    # service-level endpoints: list has one port for all, a port's own list not.
    cluster = load("  - {name: web, ports: [{name: a, port: 80, endpoints: [{ip: 10.244.0.2, "
                   "port: 8080}]}, {name: b, port: 81, endpoints: [{ip: 10.244.0.2, "
                   "port: 9090}]}]}\n")
    assert [[e.port for e in p.endpoints] for p in cluster.service("default/web").ports] == [
        [8080], [9090]]


def test_empty_port_endpoints_mean_none_even_with_a_matching_selector() -> None:
    cluster = load("  - {name: web, selector: {app: web}, ports: [{port: 80, endpoints: []}]}\n")
    assert cluster.service("default/web").ports[0].endpoints == ()


def test_port_endpoints_and_service_endpoints_together_are_refused() -> None:
    with pytest.raises(SpecError, match=r"services\[0\]\.ports\[0\]\.endpoints: give endpoints "
                       "for the service or for each port, not both"):
        load("  - {name: web, endpoints: [{ip: 10.244.0.2}], ports: [{port: 80, endpoints: "
             "[{ip: 10.244.0.2}]}]}\n")


def test_port_endpoint_on_an_unknown_node_is_refused_at_its_line() -> None:
    with pytest.raises(SpecError) as caught:
        load("  - name: web\n    ports:\n      - port: 80\n        endpoints:\n"
             "          - {ip: 10.244.0.2, nodeName: nowhere}\n")
    assert str(caught.value) == ("svc.yaml:11: services[0].ports[0].endpoints[0].nodeName: "
                                 "unknown node 'nowhere'")
