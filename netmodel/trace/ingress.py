"""Trace through an Ingress: two connections, not one.

An Ingress is rules for a proxy, not a packet path: the client connects to the
controller (see :mod:`netmodel.trace.proxy` for how it is reached), the
controller picks a backend by host and path and opens a *new* connection from
its own pod. ingress-nginx connects to one of the backend Service's endpoint
addresses, which it balances over itself; only with the ``service-upstream``
annotation does it connect to the ClusterIP and leave the pick to kube-proxy.
The client's address ends at the controller; the backend sees the controller's.
"""

from __future__ import annotations

from dataclasses import replace

from netmodel.errors import EndpointError
from netmodel.i18n import detail
from netmodel.spec.protocol import IpProto
from netmodel.spec.services import Ingress, IngressPath, Service, ServicePort
from netmodel.state.model import Model
from netmodel.trace.endpoints import Destination, parse_source
from netmodel.trace.hops import Disposition, Trace
from netmodel.trace.proxy import Upstream, front_door, proxy_connection, proxy_pod_of
from netmodel.trace.tracer import trace

__all__ = ["match_path", "trace_ingress"]


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
    address, port = front_door(model, src, controller, _http_port(controller),
                               f"ingress/{host}{path}")
    first = trace(model, src, Destination(f"svc/{controller.key}", address, service=None),
                  port=port, proto=IpProto.TCP, endpoint=endpoint)
    if first.disposition is not Disposition.DELIVERED:
        return first
    backend = model.cluster.service(rule.service)
    target = _backend_port(backend, rule.port)
    proxy_pod = proxy_pod_of(model, first, controller, f"ingress/{host}{path}")
    second = proxy_connection(model, proxy_pod, (Upstream(backend, target),),
                              cluster_ip=ingress.service_upstream)
    args = dict(pod=proxy_pod.key, host=host or "*", path=path,
                rule=f"{rule.path} ({rule.path_type})", svc=backend.key, port=target.port,
                base=first.reason)
    if second is None:
        return replace(first, reason=detail("ingress.no_endpoints", **args))
    key = "ingress.proxy.upstream" if ingress.service_upstream else "ingress.proxy"
    return replace(first, reason=detail(key, **args), next=second)
