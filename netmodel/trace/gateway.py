"""Trace through a Gateway: its proxy's two connections, as for an Ingress.

``gateway/NAME/HOST/PATH``: the client connects to the Service the Gateway's
implementation created (a LoadBalancer in front of the proxy Deployment's
pods); the listener on that port whose hostname fits the Host header takes
the request, the HTTPRoute rules attached to it are matched in the API's order
of precedence, and the proxy opens its own connection to an endpoint of a
backendRef, chosen by weight (Envoy Gateway routes to endpoints by default,
see :mod:`netmodel.trace.proxy`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from netmodel.errors import EndpointError, echo
from netmodel.i18n import detail
from netmodel.spec.gateway import (
    Gateway,
    HTTPRoute,
    Listener,
    PathMatch,
    RouteRule,
    hostname_matches,
    hostnames_intersect,
)
from netmodel.spec.protocol import IpProto
from netmodel.state.model import Model
from netmodel.trace.endpoints import Destination, parse_source
from netmodel.trace.hops import Disposition, Trace
from netmodel.trace.proxy import Upstream, front_door, proxy_connection, proxy_pod_of
from netmodel.trace.tracer import trace

__all__ = ["RouteMatch", "find_gateway", "match_route", "select_listener", "trace_gateway"]


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """What a request matched: the listener, the route, its rule and the match."""

    listener: Listener
    route: HTTPRoute
    rule: RouteRule
    rule_index: int
    match: PathMatch


def find_gateway(model: Model, text: str, name: str) -> Gateway:
    """A gateway by ``NAME`` (unique across namespaces) or ``NS/NAME``."""
    found = [g for g in model.cluster.gateways if name in (g.name, g.key)]
    if len(found) == 1:
        return found[0]
    known = ", ".join(sorted(g.key for g in model.cluster.gateways)) or "none"
    if not found:
        raise EndpointError(text, f"no gateway {echo(name)} in the spec (gateways: {known})",
                            option="to")
    raise EndpointError(text, f"gateway name {echo(name)} is in several namespaces: write "
                        "gateway/NS/NAME/HOST/PATH", option="to")


def _host_specificity(pattern: str | None) -> tuple[int, int]:
    """Exact hostnames first, then longer wildcards, then none (``Listener.Hostname``)."""
    if pattern is None:
        return (0, 0)
    return (0 if pattern.startswith("*.") else 1, len(pattern))


def select_listener(gateway: Gateway, host: str, port: int | None, text: str) -> Listener:
    """The listener that takes a request for ``host``: on ``port`` (default: the
    first listener port that accepts the host), the most specific hostname."""
    fitting = [li for li in gateway.listeners if hostname_matches(li.hostname, host)]
    if port is None and fitting:
        port = fitting[0].port
    on_port = [li for li in fitting if li.port == port]
    if not on_port:
        where = f" on port {port}" if port is not None else ""
        raise EndpointError(text, f"no listener of gateway {gateway.key}{where} accepts host "
                            f"{echo(host)} (listeners: "
                            f"{', '.join(str(li) for li in gateway.listeners)}); the Gateway "
                            "answers 404", option="to")
    return max(on_port, key=lambda li: _host_specificity(li.hostname))


def _attached(route: HTTPRoute, gateway: Gateway, listener: Listener) -> bool:
    return any(p.gateway == gateway.key and p.section in (None, listener.name)
               for p in route.parents)


def _route_host_rank(route: HTTPRoute, listener: Listener, host: str) -> tuple[int, int] | None:
    """How specifically ``route`` claims ``host`` on ``listener``: None when it
    does not; else (characters of a matching non-wildcard hostname, characters
    of a matching hostname), the order ``HTTPRouteSpec.Hostnames`` gives. Route
    hostnames that do not intersect the listener's are ignored."""
    if not route.hostnames:
        return (0, 0)
    ranks = [(0 if h.startswith("*.") else len(h), len(h)) for h in route.hostnames
             if hostnames_intersect(listener.hostname, h) and hostname_matches(h, host)]
    return max(ranks) if ranks else None


def match_route(model: Model, gateway: Gateway, listener: Listener, host: str, path: str,
                text: str) -> RouteMatch:
    """The rule the proxy applies. Precedence, from ``HTTPRouteRule.Matches``
    (httproute_types.go): the route with the most specific matching hostname,
    then an Exact path match, then the longest PathPrefix (methods, headers and
    query params are not modelled), then the oldest route (spec order stands for
    creationTimestamp, which makes "{namespace}/{name}" order moot), then the
    first matching rule of that route."""
    best: tuple[tuple[int, ...], RouteMatch] | None = None
    for route in model.cluster.http_routes:
        if not _attached(route, gateway, listener):
            continue
        rank = _route_host_rank(route, listener, host)
        if rank is None:
            continue
        for r, rule in enumerate(route.rules):
            for m, match in enumerate(rule.matches):
                if not match.matches(path):
                    continue
                exact = int(match.type == "Exact")
                key = (*rank, exact, match.prefix_length, -route.order, -r, -m)
                if best is None or key > best[0]:
                    best = (key, RouteMatch(listener, route, rule, r, match))
    if best is None:
        raise EndpointError(text, f"no HTTPRoute rule attached to listener {listener.name} of "
                            f"gateway {gateway.key} matches host {echo(host)} path "
                            f"{echo(path)}; the Gateway answers 404", option="to")
    return best[1]


def trace_gateway(model: Model, source: str, text: str, *, port: int | None = None,
                  endpoint: str | None = None) -> Trace:
    parts = text.removeprefix("gateway/").split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise EndpointError(text, "expected gateway/NAME/HOST/PATH", option="to")
    keys = {g.key for g in model.cluster.gateways}
    if len(parts) >= 3 and f"{parts[0]}/{parts[1]}" in keys:
        name, host, rest = f"{parts[0]}/{parts[1]}", parts[2], parts[3:]
    else:
        name, host, rest = parts[0], parts[1], parts[2:]
    if not host:
        raise EndpointError(text, "expected gateway/NAME/HOST/PATH (the host is empty)",
                            option="to")
    path = "/" + "/".join(rest)
    gateway = find_gateway(model, text, name)
    listener = select_listener(gateway, host, port, text)
    found = match_route(model, gateway, listener, host, path, text)
    service = model.cluster.service(gateway.service)
    front = next(p for p in service.ports if p.port == listener.port)
    src = parse_source(model, source)
    address, dport = front_door(model, src, service, front, text)
    first = trace(model, src, Destination(f"svc/{service.key}", address, service=None),
                  port=dport, proto=IpProto.TCP, endpoint=endpoint)
    if first.disposition is not Disposition.DELIVERED:
        return first
    proxy_pod = proxy_pod_of(model, first, service, text)
    upstreams = tuple(
        Upstream(svc, next(p for p in svc.ports if p.port == ref.port), ref.weight)
        for ref in found.rule.backends for svc in (model.cluster.service(ref.service),))
    args = dict(pod=proxy_pod.key, gateway=gateway.key, cls=gateway.class_name,
                listener=listener.name, host=host, path=path, route=found.route.key,
                rule=found.rule_index + 1, match=str(found.match), base=first.reason,
                backends=", ".join(f"{b.service}:{b.port}" for b in found.rule.backends) or "-",
                weights=":".join(str(b.weight) for b in found.rule.backends) or "-")
    second = proxy_connection(model, proxy_pod, upstreams, cluster_ip=False)
    if second is None:
        # No backendRefs, or none with a weight and an endpoint: the Gateway
        # answers 500 for an invalid or absent backend, 503 without endpoints
        # (HTTPRouteRule.BackendRefs).
        weighted = any(ref.weight for ref in found.rule.backends)
        key = "gateway.no_endpoints" if weighted else "gateway.no_backend"
        return replace(first, reason=detail(key, **args))
    return replace(first, reason=detail("gateway.proxy", **args), next=second)
