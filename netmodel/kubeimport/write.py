"""The imported cluster as spec YAML: deterministic text, a comment per object.

Objects are written sorted (nodes by name, the rest by namespace and name), in
the spec's field order, so the same objects give the same bytes whatever order
the files listed them in. Each object is preceded by a comment naming the
kubectl object and where it was read (``# from Pod default/web-1 (pods.json,
item 12)``); :class:`Written` keeps those places by line, so an error the spec
loader finds in the text can be reported at the object it came from.

Scalars are written plain only when YAML 1.2 and 1.1 both read them back as the
same string (a name, a label key); anything else is double-quoted with JSON's
escapes, which YAML's double-quoted style shares.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from netmodel.errors import one_line
from netmodel.kubeimport.assemble import ImportedCluster
from netmodel.kubeimport.origin import Origin
from netmodel.kubeimport.values import (
    ImportedIngress,
    ImportedNode,
    ImportedPod,
    ImportedService,
)

__all__ = ["Written", "write_spec"]

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9._/-]*\Z")
# Words some YAML reads as booleans or null (1.1's yes/no/on/off included).
_SPECIAL = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan",
                      "inf"})


def scalar(value: object) -> str:
    """One value as YAML: integers and booleans as such, strings plain or quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _SPECIAL:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(pairs: Iterable[tuple[str, object]]) -> str:
    """``{key: value, …}`` in the order given: each value a scalar, or text
    already written (an address, a nested flow) wrapped in :class:`_Raw`."""
    return "{" + ", ".join(f"{scalar(k)}: {_text(v)}" for k, v in pairs) + "}"


@dataclass(frozen=True, slots=True)
class _Raw:
    text: str


def _text(value: object) -> str:
    return value.text if isinstance(value, _Raw) else scalar(value)


@dataclass(frozen=True, slots=True)
class Written:
    """The spec text, and the object each commented block came from."""

    text: str
    lines: tuple[int, ...]  # 1-based line of each object's comment, ascending
    origins: tuple[tuple[str, Origin], ...]  # its description and place
    # Per section (nodes, pods, services, ingresses): the origins' indices, in
    # spec order, so the loader's ``pods[12]`` can be named as the kubectl object.
    sections: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def origin_at(self, line: int | None) -> tuple[str, Origin] | None:
        """The object whose block holds ``line``, if any."""
        if line is None:
            return None
        at = bisect.bisect_right(self.lines, line) - 1
        return self.origins[at] if at >= 0 else None

    def entry(self, section: str, index: int) -> tuple[str, Origin] | None:
        """The object written as ``section[index]``, if there is one."""
        for name, indices in self.sections:
            if name == section:
                return self.origins[indices[index]] if index < len(indices) else None
        return None


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line = 1
        self.lines: list[int] = []
        self.origins: list[tuple[str, Origin]] = []
        self.sections: dict[str, list[int]] = {}

    def put(self, text: str) -> None:
        self.parts.append(text + "\n")
        self.line += 1

    def origin(self, indent: str, what: str, origin: Origin, extra: str = "",
               section: str | None = None) -> None:
        if section is not None:
            self.sections.setdefault(section, []).append(len(self.origins))
        self.lines.append(self.line)
        self.origins.append((what, origin))
        self.put(f"{indent}# from {one_line(what)} ({one_line(origin.label)}){extra}")


def write_spec(cluster: ImportedCluster, sources: Iterable[str]) -> Written:
    out = _Out()
    out.put("# A netmodel cluster spec written by `netmodel import` from kubectl output: "
            + one_line(", ".join(sources)))
    out.put("# Each object says where it came from; what netmodel does not model was "
            "reported when importing.")
    out.put("cluster:")
    out.put(f"  name: {scalar(cluster.name)}")
    if cluster.config is not None:
        out.origin("  ", "ConfigMap kube-flannel-cfg: net-conf.json", cluster.config)
    out.put(f"  backend: {cluster.backend.value}")
    out.put(f"  clusterCIDR: {cluster.cluster_cidr}")
    out.put(f"  serviceCIDR: {cluster.service_cidr}")
    out.put(f"  serviceNodePortRange: {cluster.node_ports[0]}-{cluster.node_ports[1]}")
    # default/kubernetes is written as kubectl showed it (or not at all), not
    # made up by the loader from the nodes' roles.
    out.put("  kubernetesService: false")
    out.put("  underlay:")
    if len(cluster.segments) == 1:
        out.put(f"    cidr: {cluster.segments[0]}")
    else:
        out.put("    segments:")
        for i, cidr in enumerate(cluster.segments, start=1):
            out.put(f"      - {{name: segment-{i}, cidr: {cidr}}}")
    out.put("nodes:")
    for node in cluster.nodes:
        _node(out, node)
    if cluster.pods:
        out.put("pods:")
        for pod in cluster.pods:
            _pod(out, pod)
    if cluster.services:
        out.put("services:")
        for service in cluster.services:
            _service(out, service)
    if cluster.ingresses:
        out.put("ingresses:")
        for ingress in cluster.ingresses:
            _ingress(out, ingress)
    return Written("".join(out.parts), tuple(out.lines), tuple(out.origins),
                   tuple((k, tuple(v)) for k, v in out.sections.items()))


def _node(out: _Out, node: ImportedNode) -> None:
    out.origin("  ", f"Node {node.name}", node.origin, section="nodes")
    out.put(f"  - name: {scalar(node.name)}")
    out.put(f"    ip: {node.ip}")
    if node.pod_cidr is not None:
        out.put(f"    podCIDR: {node.pod_cidr}")
    if node.vtep_mac is not None:
        out.put(f"    vtepMAC: {scalar(node.vtep_mac)}")
    out.put(f"    role: {'control-plane' if node.control_plane else 'worker'}")


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    return flow(labels)


def _pod(out: _Out, pod: ImportedPod) -> None:
    # One line per pod, as the large specs under benchmarks/ are written: a
    # cluster's pods are most of its spec, and the loader reads at most 64 MiB.
    out.origin("  ", f"Pod {pod.namespace}/{pod.name}", pod.origin, section="pods")
    pairs: list[tuple[str, object]] = [("name", pod.name), ("namespace", pod.namespace),
                                       ("node", pod.node)]
    if pod.host_network:
        pairs.append(("hostNetwork", True))
    else:
        pairs.append(("ip", _Raw(str(pod.ip))))
    if pod.labels:
        pairs.append(("labels", _Raw(_labels(pod.labels))))
    if pod.containers:
        containers = []
        for container in pod.containers:
            cpairs: list[tuple[str, object]] = [("name", container.name)]
            if container.ports:
                ports = []
                for port in container.ports:
                    ppairs: list[tuple[str, object]] = [("containerPort", port.container_port)]
                    if port.protocol != "TCP":  # the spec's default, as the API's
                        ppairs.append(("protocol", port.protocol))
                    if port.name is not None:
                        ppairs.append(("name", port.name))
                    if port.host_port is not None:
                        ppairs.append(("hostPort", port.host_port))
                    if port.host_ip is not None:
                        ppairs.append(("hostIP", port.host_ip))
                    ports.append(flow(ppairs))
                cpairs.append(("ports", _Raw(f"[{', '.join(ports)}]")))
            containers.append(flow(cpairs))
        pairs.append(("containers", _Raw(f"[{', '.join(containers)}]")))
    if pod.dns_policy != "ClusterFirst":  # the API's default, and the spec's
        pairs.append(("dnsPolicy", pod.dns_policy))
    if pod.dns_config is not None:
        config = pod.dns_config
        dns: list[tuple[str, object]] = []
        if config.nameservers:
            dns.append(("nameservers", _Raw(_seq(config.nameservers))))
        if config.searches:
            dns.append(("searches", _Raw(_seq(config.searches))))
        if config.options:
            dns.append(("options", _Raw("[" + ", ".join(
                flow([("name", n)] + ([("value", v)] if v is not None else []))
                for n, v in config.options) + "]")))
        pairs.append(("dnsConfig", _Raw(flow(dns))))
    out.put(f"  - {flow(pairs)}")


def _seq(values: Iterable[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def _service(out: _Out, svc: ImportedService) -> None:
    sliced = any(p.endpoints is not None for p in svc.ports)
    out.origin("  ", f"Service {svc.namespace}/{svc.name}", svc.origin,
               "; endpoints from its EndpointSlices" if sliced else "", section="services")
    out.put(f"  - name: {scalar(svc.name)}")
    out.put(f"    namespace: {scalar(svc.namespace)}")
    out.put(f"    type: {svc.type}")
    out.put(f"    clusterIP: {svc.cluster_ip}")
    if svc.selector:
        out.put(f"    selector: {_labels(svc.selector)}")
    if svc.external_traffic_policy != "Cluster":
        out.put(f"    externalTrafficPolicy: {scalar(svc.external_traffic_policy)}")
    if svc.external_ips:
        out.put(f"    externalIPs: [{', '.join(str(ip) for ip in svc.external_ips)}]")
    if svc.load_balancer_ip is not None:
        out.put(f"    loadBalancerIP: {svc.load_balancer_ip}")
    if svc.source_ranges:
        out.put(f"    loadBalancerSourceRanges: "
                f"[{', '.join(scalar(r) for r in svc.source_ranges)}]")
    if svc.health_check_node_port is not None:
        out.put(f"    healthCheckNodePort: {svc.health_check_node_port}")
    if svc.affinity_timeout is not None:
        out.put("    sessionAffinity: ClientIP")
        out.put(f"    sessionAffinityConfig: {{clientIP: {{timeoutSeconds: "
                f"{svc.affinity_timeout}}}}}")
    out.put("    ports:")
    for port in svc.ports:
        first = True
        for key, value in (("name", port.name or None), ("port", port.port),
                           ("targetPort", port.target), ("protocol", port.protocol),
                           ("nodePort", port.node_port)):
            if value is None:
                continue
            out.put(f"      {'- ' if first else '  '}{key}: {scalar(value)}")
            first = False
        if port.endpoints is not None:
            # One line per port; the loader takes a numeric targetPort for an
            # endpoint's port, so only a named one's resolved number is written.
            shown = []
            for ep in port.endpoints:
                pairs: list[tuple[str, object]] = [("ip", _Raw(str(ep.ip)))]
                if ep.node is not None:
                    pairs.append(("nodeName", ep.node))
                if ep.port != port.target:
                    pairs.append(("port", ep.port))
                shown.append(flow(pairs))
            out.put(f"        endpoints: [{', '.join(shown)}]")


def _ingress(out: _Out, ingress: ImportedIngress) -> None:
    out.origin("  ", f"Ingress {ingress.namespace}/{ingress.name}", ingress.origin,
               section="ingresses")
    out.put(f"  - name: {scalar(ingress.name)}")
    out.put(f"    namespace: {scalar(ingress.namespace)}")
    out.put(f"    controller: {{service: {scalar(ingress.controller)}}}")
    hosts: dict[str, list[str]] = {}
    for path in ingress.paths:
        port = flow([("number", path.port)] if isinstance(path.port, int)
                    else [("name", path.port)])
        backend = f"{{service: {{name: {scalar(path.service)}, port: {port}}}}}"
        hosts.setdefault(path.host, []).append(
            f"{{path: {scalar(path.path)}, pathType: {scalar(path.path_type)}, "
            f"backend: {backend}}}")
    if not hosts:
        out.put("    rules: []")
        return
    out.put("    rules:")
    for host, paths in hosts.items():
        if host:
            out.put(f"      - host: {scalar(host)}")
            out.put("        http:")
        else:
            out.put("      - http:")
        out.put("          paths:")
        for text in paths:
            out.put(f"            - {text}")
