"""Trace through an Ingress: two connections, not one.

An Ingress is rules for a proxy, not a packet path: the client connects to the
controller (through its Service: a LoadBalancer IP or a node port from outside,
the ClusterIP from inside), the controller picks a backend by host and path,
and opens a *new* connection from its own pod to the backend Service. The
client's address ends at the controller; the backend sees the controller's.
"""

from __future__ import annotations

from dataclasses import replace

from netmodel.errors import EndpointError
from netmodel.i18n import detail
from netmodel.spec.protocol import IpProto
from netmodel.spec.services import Ingress, IngressPath, Service, ServicePort, ServiceType
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsKind
from netmodel.trace.endpoints import Destination, parse_source
from netmodel.trace.hops import Disposition, Trace
from netmodel.trace.request import DEFAULT_SPORT
from netmodel.trace.tracer import trace

__all__ = ["match_path", "trace_ingress"]

PROXY_SPORT = DEFAULT_SPORT + 1  # the controller's own ephemeral port for the new connection


def match_path(model: Model, host: str, path: str) -> tuple[Ingress, IngressPath]:
    """The rule a controller applies: an Exact path first, else the longest Prefix."""
    candidates = [(ing, p) for ing in model.cluster.ingresses for p in ing.paths
                  if p.matches(host, path)]
    if not candidates:
        rules = [f"{p.host or '*'}{p.path}" for i in model.cluster.ingresses for p in i.paths]
        raise EndpointError(f"ingress/{host}{path}", "no Ingress rule matches this host "
                            f"and path (rules: {', '.join(rules) or 'none'})", option="to")
    exact = [c for c in candidates if c[1].path_type == "Exact"]
    return max(exact or candidates, key=lambda c: (bool(c[1].host), len(c[1].path)))


def _http_port(svc: Service) -> ServicePort:
    for port in svc.ports:
        if port.port == 80 or port.name == "http":
            return port
    return svc.ports[0]


def _backend_port(svc: Service, wanted: str) -> ServicePort:
    # The spec loader refused an Ingress whose backend port the Service lacks.
    return next(p for p in svc.ports if wanted in (str(p.port), p.name))


def trace_ingress(model: Model, source: str, host: str, path: str = "/", *,
                  endpoint: str | None = None) -> Trace:
    ingress, rule = match_path(model, host, path)
    controller = model.cluster.service(ingress.controller)
    src = parse_source(model, source)
    front = _http_port(controller)
    if src.netns.kind is NetnsKind.EXTERNAL:
        if controller.type is ServiceType.LOAD_BALANCER and controller.load_balancer_ip:
            address, port = controller.load_balancer_ip, front.port
        elif front.node_port is not None:
            address, port = model.cluster.nodes[0].ip, front.node_port
        else:
            raise EndpointError(f"ingress/{host}{path}", f"the controller's service "
                                f"{controller.key} is not reachable from outside (type "
                                f"{controller.type}, no loadBalancerIP)", option="to")
    else:
        address, port = controller.cluster_ip, front.port
    first = trace(model, src, Destination(f"svc/{controller.key}", address, service=None),
                  port=port, proto=IpProto.TCP, endpoint=endpoint)
    if first.disposition is not Disposition.DELIVERED:
        return first
    backend = model.cluster.service(rule.service)
    target = _backend_port(backend, rule.port)
    proxy_pod = model.pod_by_ip(first.final_packet.ip.dst)
    assert proxy_pod is not None, "an Ingress controller runs in a pod"
    second = trace(model, parse_source(model, f"pod/{proxy_pod.key}"),
                   Destination(f"svc/{backend.key}", backend.cluster_ip, service=backend),
                   port=target.port, proto=target.protocol.ip, sport=PROXY_SPORT)
    why = detail("ingress.proxy", pod=proxy_pod.key, host=host or "*", path=path,
                 rule=f"{rule.path} ({rule.path_type})", svc=backend.key,
                 port=target.port, base=first.reason)
    return replace(first, reason=why, next=second)
