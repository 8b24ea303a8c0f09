"""Gateway API: the spec's validation (as the CRDs validate), route precedence,
and the walk through a Gateway's proxy; and ingress-nginx's endpoint default
against its service-upstream annotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmodel.cli import main
from netmodel.errors import EndpointError
from netmodel.spec.gateway import PathMatch, PathMatchType, hostname_matches
from netmodel.spec.load import load_spec, parse_spec
from netmodel.state.model import Model
from netmodel.trace.hops import Disposition
from netmodel.trace.proxy import PROXY_SPORT, choices, every_proxy_connection
from netmodel.trace.walks import succeeded, walk_between

CLUSTERS = Path(__file__).resolve().parents[1] / "diagrams" / "clusters"
CLIENT = "external/203.0.113.7"

# Two nodes; the proxy pod on node-2 behind a LoadBalancer; web and api backends.
BASE = (
    "cluster: {backend: vxlan, underlay: {cidr: 192.168.56.0/24}}\n"
    "nodes: [{name: node-1}, {name: node-2}]\n"
    "pods:\n"
    "  - {name: web-1, node: node-1, labels: {app: web}, "
    "containers: [{name: c, ports: [{containerPort: 80}]}]}\n"
    "  - {name: web-2, node: node-1, labels: {app: web}, "
    "containers: [{name: c, ports: [{containerPort: 80}]}]}\n"
    "  - {name: api-1, node: node-2, labels: {app: api}, "
    "containers: [{name: c, ports: [{containerPort: 8080}]}]}\n"
    "  - {name: envoy-1, namespace: eg, node: node-2, "
    "labels: {app: envoy}, containers: [{name: envoy, "
    "ports: [{containerPort: 10080}]}]}\n"
    "services:\n"
    "  - {name: web, selector: {app: web}, ports: [{port: 80}]}\n"
    "  - {name: api, selector: {app: api}, ports: [{port: 8080}]}\n"
    "  - {name: empty, selector: {app: nothing}, ports: [{port: 80}]}\n"
    "  - {name: envoy, namespace: eg, type: LoadBalancer, "
    "loadBalancerIP: 198.51.100.30, selector: {app: envoy}, "
    "ports: [{name: http, port: 80, targetPort: 10080}]}\n"
    "gateways:\n"
    "  - name: edge\n"
    "    gatewayClassName: eg\n"
    "    proxy: {service: eg/envoy}\n"
    "    listeners:\n"
    "      - {name: http, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n"
)
ROUTES = """\
httpRoutes:
  - name: a
    parentRefs: [{name: edge}]
    hostnames: ["*.example.com"]
    rules:
      - matches: [{path: {type: PathPrefix, value: /}}]
        backendRefs: [{name: web, port: 80}]
      - matches: [{path: {type: PathPrefix, value: /api}}]
        backendRefs: [{name: api, port: 8080}]
  - name: b
    parentRefs: [{name: edge, sectionName: http}]
    hostnames: [store.example.com]
    rules:
      - matches: [{path: {type: Exact, value: /api/health}}, {path: {value: /shop/}}]
        backendRefs: [{name: web, port: 80, weight: 3}, {name: api, port: 8080, weight: 1}]
      - matches: [{path: {type: PathPrefix, value: /empty}}]
        backendRefs: [{name: empty, port: 80}]
      - matches: [{path: {type: PathPrefix, value: /none}}]
"""


@pytest.fixture(scope="module")
def model() -> Model:
    cluster = parse_spec(BASE + ROUTES, "gw.yaml")
    assert [w.field for w in cluster.warnings] == ["services[2].selector"]  # empty, on purpose
    return Model(cluster)


def _bad(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    spec = tmp_path / "gw.yaml"
    spec.write_text(text)
    status = main(["state", str(spec), "node-1", "--table", "routes"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    (line,) = err.splitlines()
    assert "Traceback" not in err
    return line.removeprefix(f"netmodel: {spec}:")


def _gw(listener: str = "{name: http, port: 80, protocol: HTTP}", extra: str = "") -> str:
    head = BASE[:BASE.index("gateways:")]
    return (head + "gateways:\n  - name: edge\n    gatewayClassName: eg\n"
            "    proxy: {service: eg/envoy}\n    listeners:\n      - " + listener + "\n" + extra)


def _route(body: str) -> str:
    return BASE + "httpRoutes:\n  - name: r\n    parentRefs: [{name: edge}]\n" + body


@pytest.mark.parametrize(("text", "where"), [
    # a Gateway name the API server refuses (metadata.name, a DNS-1123 subdomain)
    (BASE.replace("  - name: edge", "  - name: Edge"), "14: gateways[0].name: 'Edge' is not "
     "a valid Gateway name"),
    # gatewayClassName is required
    (BASE.replace("    gatewayClassName: eg\n", ""), "14: gateways[0]: missing gatewayClassName"),
    # listeners: MinItems 1
    (BASE[:BASE.index("    listeners:")] + "    listeners: []\n",
     "17: gateways[0].listeners: 0 items (expected at least 1"),
    # Listener.Port: Minimum 1, Maximum 65535
    (_gw("{name: http, port: 0, protocol: HTTP}"), "18: gateways[0].listeners[0].port: 0 is "
     "out of range (expected 1-65535)"),
    # a listener name is a SectionName (DNS-1123 subdomain pattern)
    (_gw("{name: HTTP_1, port: 80, protocol: HTTP}"), "18: gateways[0].listeners[0].name: "
     "'HTTP_1' is not a valid listener name"),
    # Hostname: a wildcard only as the whole first label
    (_gw("{name: http, port: 80, protocol: HTTP, hostname: 'foo.*.example.com'}"),
     "18: gateways[0].listeners[0].hostname: 'foo.*.example.com' is not a valid hostname"),
    # Hostname: lower case only
    (_gw("{name: http, port: 80, protocol: HTTP, hostname: Store.example.com}"),
     "18: gateways[0].listeners[0].hostname: 'Store.example.com' is not a valid hostname"),
    # the CEL rule "Listener name must be unique within the Gateway"
    (_gw("{name: http, port: 80, protocol: HTTP}\n      - {name: http, port: 81, protocol: "
         "HTTP}"), "19: gateways[0].listeners[1].name: Listener name must be unique"),
    # the CEL rule on port, protocol and hostname
    (_gw("{name: a, port: 80, protocol: HTTP}\n      - {name: b, port: 80, protocol: HTTP}"),
     "19: gateways[0].listeners[1]: Combination of port, protocol and hostname must be unique"),
    # "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"
    (_gw("{name: http, port: 80, protocol: HTTP, tls: {certificateRefs: [{name: c}]}}"),
     "18: gateways[0].listeners[0].tls: tls must not be specified for protocols"),
    # HTTPS: Terminate needs certificateRefs (ListenerTLSConfig's CEL rule)
    (_gw("{name: https, port: 80, protocol: HTTPS, tls: {mode: Terminate}}"),
     "18: gateways[0].listeners[0].tls: certificateRefs or options must be specified"),
    # a protocol the CRD accepts but netmodel does not walk
    (_gw("{name: tcp, port: 80, protocol: TCP}"), "18: gateways[0].listeners[0].protocol: "
     "protocol 'TCP' is not modelled"),
    # the proxy's Service must have the listener's port
    (_gw("{name: http, port: 8080, protocol: HTTP}"), "16: gateways[0].proxy.service: service "
     "eg/envoy has no port 8080 for listener http"),
    # netmodel's own field: which Service fronts the proxy pods
    (BASE.replace("    proxy: {service: eg/envoy}\n", ""), "14: gateways[0]: missing proxy"),
    # the proxy's Service must exist
    (BASE.replace("eg/envoy}", "eg/nope}"), "16: gateways[0].proxy.service: unknown service "
     "'eg/nope'"),
    # HTTPPathMatch: "value must be an absolute path and start with '/'"
    (_route("    rules: [{matches: [{path: {value: api}}]}]\n"), "22: httpRoutes[0].rules[0]."
     "matches[0].path.value: 'api': value must be an absolute path and start with '/'"),
    # HTTPPathMatch: "must not contain '//'"
    (_route("    rules: [{matches: [{path: {value: /a//b}}]}]\n"), "22: httpRoutes[0].rules[0]."
     "matches[0].path.value: '/a//b': must not contain '//'"),
    # HTTPPathMatch: "must not end with '/..'"
    (_route("    rules: [{matches: [{path: {type: Exact, value: /a/..}}]}]\n"),
     "22: httpRoutes[0].rules[0].matches[0].path.value: '/a/..': must not end with '/..'"),
    # PathMatchType's enum
    (_route("    rules: [{matches: [{path: {type: Prefix, value: /}}]}]\n"),
     "22: httpRoutes[0].rules[0].matches[0].path.type: unknown type 'Prefix' (expected one "
     "of Exact, PathPrefix, RegularExpression)"),
    # BackendObjectReference's CEL rule "Must have port for Service reference"
    (_route("    rules: [{backendRefs: [{name: web}]}]\n"), "22: httpRoutes[0].rules[0]."
     "backendRefs[0]: Must have port for Service reference"),
    # BackendRef.Weight: Maximum 1000000
    (_route("    rules: [{backendRefs: [{name: web, port: 80, weight: 1000001}]}]\n"),
     "22: httpRoutes[0].rules[0].backendRefs[0].weight: 1000001 is out of range"),
    # a backendRef to a port the Service lacks
    (_route("    rules: [{backendRefs: [{name: web, port: 81}]}]\n"),
     "22: httpRoutes[0].rules[0].backendRefs[0].port: service default/web has no port 81"),
    # HTTPRouteSpec.Hostnames' pattern
    (_route("    hostnames: ['*']\n"), "22: httpRoutes[0].hostnames[0]: '*' is not a valid "
     "hostname"),
    # HTTPRouteSpec.Rules: MaxItems 16
    (_route("    rules:\n" + "      - {backendRefs: [{name: web, port: 80}]}\n" * 17),
     "23: httpRoutes[0].rules: 17 items (expected at most 16"),
    # a header match: not modelled, said as an unknown field
    (_route("    rules: [{matches: [{headers: [{name: x, value: y}]}]}]\n"),
     "22: httpRoutes[0].rules[0].matches[0].headers: unknown field (expected one of path)"),
])
def test_bad_gateway_spec_is_one_line_and_exit_2(text: str, where: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    line = _bad(text, tmp_path, capsys)
    assert line.startswith(where), line


def test_annotation_values_are_strings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # ObjectMeta.Annotations is map[string]string: an unquoted true is refused.
    text = (BASE + "ingresses:\n  - name: i\n    annotations:\n"
            "      nginx.ingress.kubernetes.io/service-upstream: true\n"
            "    controller: {service: eg/envoy}\n")
    assert _bad(text, tmp_path, capsys).startswith(
        "22: ingresses[0].annotations.nginx.ingress.kubernetes.io/service-upstream: expected "
        "a string")


@pytest.mark.parametrize(("body", "warning"), [
    # a parentRef to a Gateway the spec lacks
    ("[{name: nope}]", "no gateway 'default/nope' in the spec"),
    # a sectionName no listener has
    ("[{name: edge, sectionName: https}]", "gateway default/edge has no listener 'https'"),
    # another namespace: allowedRoutes defaults to from: Same
    ("[{name: edge, namespace: other}]", "no gateway 'other/edge' in the spec"),
])
def test_unattached_routes_are_warnings(body: str, warning: str) -> None:
    cluster = parse_spec(BASE + f"httpRoutes:\n  - name: r\n    parentRefs: {body}\n", "gw.yaml")
    assert any(warning in w.problem for w in cluster.warnings), cluster.warnings
    assert cluster.http_routes[0].parents == ()


def test_a_route_whose_hostnames_miss_the_listener_is_not_accepted() -> None:
    # The listener is *.example.com; example.org never intersects it.
    cluster = parse_spec(BASE + "httpRoutes:\n  - name: r\n    parentRefs: [{name: edge}]\n"
                         "    hostnames: [shop.example.org]\n", "gw.yaml")
    (warning,) = [w for w in cluster.warnings if w.field.startswith("httpRoutes")]
    assert (warning.field, warning.line) == ("httpRoutes[0].hostnames", 22)
    assert "is not accepted" in warning.problem
    assert cluster.http_routes[0].parents == ()


@pytest.mark.parametrize(("pattern", "host", "hit"), [
    ("*.example.com", "store.example.com", True),  # one label
    ("*.example.com", "a.b.example.com", True),  # "and foo.test.example.com"
    ("*.example.com", "example.com", False),  # "but not example.com"
    ("store.example.com", "store.example.com", True),
    ("store.example.com", "www.example.com", False),
    (None, "anything.example.org", True),  # no hostname: every host
])
def test_hostname_matching(pattern: str | None, host: str, hit: bool) -> None:
    assert hostname_matches(pattern, host) is hit


@pytest.mark.parametrize(("match", "path", "hit"), [
    (PathMatch(PathMatchType.PATH_PREFIX, "/abc"), "/abc", True),
    (PathMatch(PathMatchType.PATH_PREFIX, "/abc"), "/abc/", True),
    (PathMatch(PathMatchType.PATH_PREFIX, "/abc"), "/abc/def", True),
    (PathMatch(PathMatchType.PATH_PREFIX, "/abc"), "/abcd", False),  # element by element
    (PathMatch(PathMatchType.PATH_PREFIX, "/abc/"), "/abc", True),  # trailing '/' ignored
    (PathMatch(PathMatchType.EXACT, "/abc"), "/abc/", False),
    (PathMatch(PathMatchType.EXACT, "/abc"), "/Abc", False),  # case-sensitive
])
def test_path_matching(match: PathMatch, path: str, hit: bool) -> None:
    assert match.matches(path) is hit


def _matched(model: Model, host: str, path: str) -> tuple[str, int]:
    trace = walk_between(model, CLIENT, f"gateway/edge/{host}{path}")
    args = dict(trace.reason.args)
    return str(args["route"]), int(args["rule"])


@pytest.mark.parametrize(("host", "path", "expected"), [
    # route b's exact hostname beats a's wildcard, whatever the path lengths
    ("store.example.com", "/shop", ("default/b", 1)),
    # on a's wildcard alone: the longest prefix, /api over /
    ("www.example.com", "/api/x", ("default/a", 2)),
    ("www.example.com", "/apix", ("default/a", 1)),  # /api does not match /apix
    # within b: the Exact match of rule 1 over nothing else
    ("store.example.com", "/api/health", ("default/b", 1)),
])
def test_route_precedence(model: Model, host: str, path: str,
                          expected: tuple[str, int]) -> None:
    assert _matched(model, host, path) == expected


def test_oldest_route_wins_a_tie() -> None:
    # Two routes with the same hostname and the same prefix: the first in the
    # spec (standing for the oldest creationTimestamp) wins, whichever name.
    route = ("  - name: {name}\n    parentRefs: [{{name: edge}}]\n    rules: [{{backendRefs: "
             "[{{name: {svc}, port: {port}}}]}}]\n")
    for first, second in ((("zz", "web", 80), ("aa", "api", 8080)),
                          (("aa", "api", 8080), ("zz", "web", 80))):
        text = BASE + "httpRoutes:\n" + "".join(
            route.format(name=n, svc=s, port=p) for n, s, p in (first, second))
        model = Model(parse_spec(text, "gw.yaml"))
        assert _matched(model, "x.example.com", "/")[0] == f"default/{first[0]}"


def test_no_listener_or_route_is_a_404(model: Model) -> None:
    with pytest.raises(EndpointError,
                       match=r"no listener of gateway default/edge accepts host example\.org .*404",
                       ):
        walk_between(model, CLIENT, "gateway/edge/example.org/")
    with pytest.raises(EndpointError, match="no gateway nope in the spec"):
        walk_between(model, CLIENT, "gateway/nope/store.example.com/")


def test_gateway_walk_is_two_connections_to_an_endpoint(model: Model) -> None:
    trace = walk_between(model, CLIENT, "gateway/edge/www.example.com/")
    proxy = model.cluster.pod("eg/envoy-1")
    # Connection 1: the LoadBalancer IP, DNATed to the proxy pod's port.
    assert trace.flow.dst == model.cluster.service("eg/envoy").load_balancer_ip
    assert (trace.final_packet.ip.dst, trace.final_packet.l4.dport) == (proxy.ip, 10080)
    # Connection 2: from the proxy's own address and port to a pod address,
    # with no DNAT on the way (the destination never changes).
    second = trace.next
    assert second is not None and second.disposition is Disposition.DELIVERED
    assert (second.flow.src, second.flow.sport) == (proxy.ip, PROXY_SPORT)
    web = model.cluster.service("default/web").ports[0].endpoints
    assert second.flow.dst == web[0].ip
    assert {s.packet.ip.dst for s in second.steps} == {web[0].ip}
    assert not any("DNAT" in s.detail.render() for s in second.steps)
    assert second.alternatives == tuple((str(e), 1 / len(web)) for e in web)
    assert succeeded(trace)


def test_backend_weights_are_the_alternatives(model: Model) -> None:
    trace = walk_between(model, CLIENT, "gateway/edge/store.example.com/shop/")
    assert trace.next is not None
    web = model.cluster.service("default/web").ports[0].endpoints
    api = model.cluster.service("default/api").ports[0].endpoints
    # weight 3 over web's two endpoints, weight 1 on api's one.
    expected = {**{str(e): 3 / 4 / len(web) for e in web}, **{str(e): 1 / 4 for e in api}}
    assert dict(trace.next.alternatives) == pytest.approx(expected)
    assert trace.next.probability == pytest.approx(expected[str(web[0])])
    reached = {f"{t.final_packet.ip.dst}:{t.final_packet.l4.dport}"
               for t in every_proxy_connection(model, trace.next)}
    assert reached == set(expected)


def test_a_backend_without_endpoints_is_a_503_and_fails(model: Model) -> None:
    trace = walk_between(model, CLIENT, "gateway/edge/store.example.com/empty")
    assert trace.next is None and trace.reason.key == "gateway.no_endpoints"
    assert "503" in trace.reason.render() and not succeeded(trace)
    none = walk_between(model, CLIENT, "gateway/edge/store.example.com/none")
    assert none.reason.key == "gateway.no_backend" and "500" in none.reason.render()


def test_choices_split_weight_over_endpoints(model: Model) -> None:
    from netmodel.trace.proxy import Upstream
    web, api = model.cluster.service("default/web"), model.cluster.service("default/api")
    picks = choices((Upstream(web, web.ports[0], 0), Upstream(api, api.ports[0], 5)))
    assert [str(e) for e, _ in picks] == [str(api.ports[0].endpoints[0])]  # weight 0: never
    assert sum(p for _, p in picks) == pytest.approx(1.0)


# -- ingress-nginx: endpoints by default, the ClusterIP with service-upstream ----

@pytest.fixture(scope="module")
def demo() -> Model:
    return Model(load_spec(CLUSTERS / "demo-outside.yaml"))


def test_ingress_default_goes_to_the_endpoint(demo: Model) -> None:
    trace = walk_between(demo, CLIENT, "ingress/shop.example.com/")
    second = trace.next
    assert second is not None and second.disposition is Disposition.DELIVERED
    endpoints = demo.cluster.service("default/web").ports[0].endpoints
    assert second.flow.dst == endpoints[0].ip
    assert not any("DNAT" in s.detail.render() for s in second.steps)
    assert dict(second.alternatives) == pytest.approx({str(e): 1 / len(endpoints)
                                                       for e in endpoints})


def test_service_upstream_goes_to_the_cluster_ip(demo: Model) -> None:
    (www,) = [i for i in demo.cluster.ingresses if i.name == "www"]
    assert www.service_upstream
    trace = walk_between(demo, CLIENT, "ingress/www.example.com/")
    second = trace.next
    assert second is not None and second.disposition is Disposition.DELIVERED
    web = demo.cluster.service("default/web")
    assert second.flow.dst == web.cluster_ip
    # kube-proxy on the controller's node DNATs the ClusterIP to an endpoint.
    assert second.final_packet.ip.dst in {e.ip for e in web.ports[0].endpoints}
    assert trace.reason.key == "ingress.proxy.upstream"


def test_part_3s_cluster_is_the_demo_cluster_grown() -> None:
    # One story across the chapters: every node, pod and Service of Parts 1-2
    # keeps its name and address in Part 3's spec.
    demo = load_spec(CLUSTERS / "two-nodes-vxlan.yaml")
    grown = load_spec(CLUSTERS / "demo-outside.yaml")
    for node in demo.nodes:
        assert grown.node(node.name).ip == node.ip
    for pod in demo.pods:
        assert grown.pod(pod.key) == pod
    for svc in demo.services:
        assert grown.service(svc.key) == svc
    assert grown.warnings == ()


def test_a_route_from_another_namespace_is_not_attached() -> None:
    # Listener.AllowedRoutes defaults to {namespaces: {from: Same}}.
    cluster = parse_spec(BASE + "httpRoutes:\n  - name: r\n    namespace: other\n"
                         "    parentRefs: [{name: edge, namespace: default}]\n", "gw.yaml")
    fields = {w.field: w.problem for w in cluster.warnings if w.field.startswith("httpRoutes")}
    assert "from: Same" in fields["httpRoutes[0].parentRefs[0].namespace"]
    assert "attached to nothing" in fields["httpRoutes[0]"]
    assert cluster.http_routes[0].parents == ()


def test_a_proxy_service_whose_endpoint_is_no_pod_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An Ingress controller's Service may list its endpoints by hand (a node's
    address here): there is then no proxy pod to make the second connection."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("""\
nodes: [{name: n1, ip: 192.168.56.11}]
pods:
  - {name: client, node: n1}
  - {name: web-1, node: n1, labels: {app: web},
     containers: [{name: c, ports: [{containerPort: 80}]}]}
services:
  - {name: web, selector: {app: web}, ports: [{port: 80}]}
  - name: edge
    ports: [{port: 80, endpoints: [{ip: 192.168.56.11, nodeName: n1, port: 80}]}]
ingresses:
  - name: shop
    controller: {service: edge}
    rules:
      - host: a.example
        http:
          paths:
            - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
""")
    status = main(["trace", str(spec), "pod/client", "ingress/a.example/"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "default/edge leads to 192.168.56.11, which is no pod" in err
