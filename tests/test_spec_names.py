"""Names, label keys and label values: refused where the API server refuses them.

Expected texts are built from the rules (apimachinery's IsDNS1123Label and
friends), not copied from output; see netmodel/spec/names.py for the sources.
"""

from __future__ import annotations

import re

import pytest

from netmodel.errors import SpecError
from netmodel.spec.load import parse_spec

# What each rule says it expects, word for word as the rule is stated upstream.
LABEL = ("a DNS-1123 label: lower-case letters, digits and '-', starting and ending with "
         "a letter or digit, at most 63 characters")
SUBDOMAIN = ("a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and "
             "ending with a letter or digit, at most 253 characters")
DNS1035 = ("a DNS-1035 label: lower-case letters, digits and '-', starting with a letter "
           "and ending with a letter or digit, at most 63 characters")
IANA = ("an IANA service name: lower-case letters, digits and '-', at least one letter, "
        "no '-' at either end or twice in a row, at most 15 characters")
KEY = ("an optional DNS-1123 subdomain prefix and '/', then a name of letters, digits, "
       "'-', '_' and '.', starting and ending with a letter or digit, at most 63 characters")
VALUE = ("empty, or letters, digits, '-', '_' and '.', starting and ending with a letter "
         "or digit, at most 63 characters")


def pod_spec(pod: str, extra: str = "") -> str:
    """One node, and the pod under test on line 4."""
    return f"nodes:\n  - name: n1\npods:\n  - {{node: n1, {pod}}}\n{extra}"


def service_spec(service: str) -> str:
    """A pod labelled app=web, and the service under test on line 6."""
    return (pod_spec("name: web, labels: {app: web}, containers: [{name: c, ports: "
                     "[{containerPort: 80, name: http}]}]") + f"services:\n  - {service}\n")


INGRESS_SERVICES = ("services:\n  - {name: web, selector: {app: web}, ports: [{name: http, "
                    "port: 80}]}\n  - {name: ctl, namespace: ingress-nginx, type: NodePort, "
                    "selector: {app: web}, ports: [{port: 80}]}\n")


def ingress_spec(ingress: str, backend: str = "{name: web, port: {number: 80}}") -> str:
    """Two services (lines 6-7), then the ingress under test starting on line 9."""
    return (pod_spec("name: web, labels: {app: web}") + INGRESS_SERVICES + "ingresses:\n"
            f"  - {ingress}\n    rules:\n      - http: {{paths: [{{path: /, backend: "
            f"{{service: {backend}}}}}]}}\n")


def invalid(value: str, noun: str, expected: str) -> str:
    return f"{value!r} is not a valid {noun} (expected {expected})"


BAD = [
    # DESIGN's own example: an underscore and a capital in a Service name (DNS-1035)
    (service_spec("{name: Web_1, ports: [{port: 80}]}"), 6, "services[0].name",
     invalid("Web_1", "Service name", DNS1035)),
    # a Service name may not start with a digit (DNS-1035), though a pod's may
    (service_spec("{name: 1web, ports: [{port: 80}]}"), 6, "services[0].name",
     invalid("1web", "Service name", DNS1035)),
    # a Service name is a label: no dots
    (service_spec("{name: web.v1, ports: [{port: 80}]}"), 6, "services[0].name",
     invalid("web.v1", "Service name", DNS1035)),
    # a Service's namespace: a DNS-1123 label
    (service_spec("{name: web, namespace: Shop, ports: [{port: 80}]}"), 6,
     "services[0].namespace", invalid("Shop", "namespace", LABEL)),
    # a Service port name is a DNS-1123 label (validateServicePort), so no capitals
    (service_spec("{name: web, ports: [{name: HTTP, port: 80}]}"), 6,
     "services[0].ports[0].name", invalid("HTTP", "Service port name", LABEL)),
    # a named targetPort is an IANA service name (ValidatePortNumOrName)
    (service_spec("{name: web, ports: [{port: 80, targetPort: http_alt}]}"), 6,
     "services[0].ports[0].targetPort", invalid("http_alt", "port name", IANA)),
    # a selector key with two '/' and a value with a space (ValidateLabels)
    (service_spec("{name: web, selector: {a/b/c: web}, ports: [{port: 80}]}"), 6,
     "services[0].selector.a/b/c", invalid("a/b/c", "label key", KEY)),
    (service_spec("{name: web, selector: {app: 'my web'}, ports: [{port: 80}]}"), 6,
     "services[0].selector.app", invalid("my web", "label value", VALUE)),
    # a pod name is a DNS-1123 subdomain: no capitals
    (pod_spec("name: Web"), 4, "pods[0].name", invalid("Web", "Pod name", SUBDOMAIN)),
    # ... and at most 253 characters
    (pod_spec("name: " + "a" * 254), 4, "pods[0].name",
     # A message quotes the first 80 characters of a long value and its length.
     f"'{'a' * 80}…' (254 characters) is not a valid Pod name (expected {SUBDOMAIN})"),
    # a namespace is a label: no underscore, and no dot either
    (pod_spec("name: p, namespace: kube_system"), 4, "pods[0].namespace",
     invalid("kube_system", "namespace", LABEL)),
    (pod_spec("name: p, namespace: a.b"), 4, "pods[0].namespace",
     invalid("a.b", "namespace", LABEL)),
    # ... of at most 63 characters
    (pod_spec("name: p, namespace: " + "n" * 64), 4, "pods[0].namespace",
     invalid("n" * 64, "namespace", LABEL)),
    # a container name is a label: no dots
    (pod_spec("name: p, containers: [{name: web.v1}]"), 4, "pods[0].containers[0].name",
     invalid("web.v1", "container name", LABEL)),
    # container port names (IsValidPortName): too long, no letter, '--', end '-'
    (pod_spec("name: p, containers: [{name: c, ports: [{containerPort: 80, "
              "name: very-long-port-name}]}]"), 4, "pods[0].containers[0].ports[0].name",
     invalid("very-long-port-name", "container port name", IANA)),
    (pod_spec("name: p, containers: [{name: c, ports: [{containerPort: 80, name: '8080'}]}]"),
     4, "pods[0].containers[0].ports[0].name", invalid("8080", "container port name", IANA)),
    (pod_spec("name: p, containers: [{name: c, ports: [{containerPort: 80, name: a--b}]}]"),
     4, "pods[0].containers[0].ports[0].name", invalid("a--b", "container port name", IANA)),
    (pod_spec("name: p, containers: [{name: c, ports: [{containerPort: 80, name: web-}]}]"),
     4, "pods[0].containers[0].ports[0].name", invalid("web-", "container port name", IANA)),
    # label keys: an upper-case prefix, an empty prefix, a name too long, a leading '-'
    (pod_spec("name: p, labels: {Example.com/app: web}"), 4,
     "pods[0].labels.Example.com/app", invalid("Example.com/app", "label key", KEY)),
    (pod_spec("name: p, labels: {/app: web}"), 4, "pods[0].labels./app",
     invalid("/app", "label key", KEY)),
    (pod_spec("name: p, labels: {" + "k" * 64 + ": web}"), 4, "pods[0].labels." + "k" * 64,
     invalid("k" * 64, "label key", KEY)),
    (pod_spec("name: p, labels: {-app: web}"), 4, "pods[0].labels.-app",
     invalid("-app", "label key", KEY)),
    # label values: a leading '-', and 64 characters
    (pod_spec("name: p, labels: {app: -web}"), 4, "pods[0].labels.app",
     invalid("-web", "label value", VALUE)),
    (pod_spec("name: p, labels: {app: " + "v" * 64 + "}"), 4, "pods[0].labels.app",
     invalid("v" * 64, "label value", VALUE)),
    # a node name is a DNS-1123 subdomain
    ("nodes:\n  - name: n1\n  - name: Node_2\n", 3, "nodes[1].name",
     invalid("Node_2", "node name", SUBDOMAIN)),
    # an Ingress name is a DNS-1123 subdomain; its namespace a label
    (ingress_spec("name: Shop\n    controller: {service: ingress-nginx/ctl}"), 9,
     "ingresses[0].name", invalid("Shop", "Ingress name", SUBDOMAIN)),
    (ingress_spec("name: shop\n    namespace: Default\n    controller: {service: "
                  "ingress-nginx/ctl}"), 10, "ingresses[0].namespace",
     invalid("Default", "namespace", LABEL)),
    # the namespace and the name inside a NS/NAME reference are checked as such
    (ingress_spec("name: shop\n    controller: {service: Ingress_Nginx/ctl}"), 10,
     "ingresses[0].controller.service",
     "in 'Ingress_Nginx/ctl': " + invalid("Ingress_Nginx", "namespace", LABEL)),
    (ingress_spec("name: shop\n    controller: {service: ingress-nginx/Ctl}"), 10,
     "ingresses[0].controller.service",
     "in 'ingress-nginx/Ctl': " + invalid("Ctl", "Service name", DNS1035)),
    # an Ingress backend names a Service, and a port by IANA name
    (ingress_spec("name: shop\n    controller: {service: ingress-nginx/ctl}",
                  "{name: Web, port: {number: 80}}"), 12,
     "ingresses[0].rules[0].http.paths[0].backend.service.name",
     invalid("Web", "Service name", DNS1035)),
    (ingress_spec("name: shop\n    controller: {service: ingress-nginx/ctl}",
                  "{name: web, port: {name: HTTP}}"), 12,
     "ingresses[0].rules[0].http.paths[0].backend.service.port.name",
     invalid("HTTP", "port name", IANA)),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BAD)
def test_invalid_name_is_refused_as_the_api_server_would(text: str, line: int, field: str,
                                                         message: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "spec.yaml")
    assert str(caught.value) == f"spec.yaml:{line}: {field}: {message}"


GOOD = [
    # a pod name may start with a digit and hold dots (subdomain), up to 253 characters
    pod_spec("name: 1web.v1"),
    pod_spec("name: " + ".".join(["a" * 63] * 4)[:253]),
    # a namespace of exactly 63 characters
    pod_spec("name: p, namespace: " + "n" * 63),
    # label keys with a prefix, underscores and capitals in the name; an empty value
    pod_spec("name: p, labels: {app.kubernetes.io/name: My_App, tier: '', v: 1.0}"),
    # a Service port name longer than 15 characters: a label, not an IANA name
    service_spec("{name: web, ports: [{name: metrics-collector-http, port: 80}]}"),
    # a node name that is a full DNS name
    "nodes:\n  - name: node-1.example.com\n",
    # a port name of 15 characters, a digit first
    pod_spec("name: p, containers: [{name: c, ports: [{containerPort: 80, "
             "name: 1abcdefghijklmn}]}]"),
]


@pytest.mark.parametrize("text", GOOD)
def test_names_the_api_server_accepts_load(text: str) -> None:
    cluster = parse_spec(text, "spec.yaml")
    # every name the spec writes is one the loaded cluster holds, as written
    loaded = {n.name for n in cluster.nodes} | {p.name for p in cluster.pods} \
        | {p.namespace for p in cluster.pods} | {s.name for s in cluster.services} \
        | {sp.name for s in cluster.services for sp in s.ports} \
        | {c.name for p in cluster.pods for c in p.containers} \
        | {cp.name for p in cluster.pods for c in p.containers for cp in c.ports} \
        | {value for p in cluster.pods for value in dict(p.labels).values()}
    written = set(re.findall(r"\b(?:name|namespace): ([^,}\s]+)", text))
    assert written and written <= loaded, written - loaded
