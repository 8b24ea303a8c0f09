"""An HTTP proxy's two connections: the client's to the proxy, the proxy's own.

An Ingress controller and a Gateway's data plane are both proxies in pods: the
client connects to their Service (a LoadBalancer IP or a node port from
outside, the ClusterIP from inside), the TCP connection ends in the proxy pod,
and the proxy opens a *new* connection from its own address. Where that one
goes is the proxy's choice, not kube-proxy's:

- **to an endpoint address**, picked by the proxy's own balancer from the
  Service's endpoints: ingress-nginx's default ("By default the Ingress-Nginx
  Controller uses a list of all endpoints (Pod IP/port) in the NGINX upstream
  configuration", docs/user-guide/nginx-configuration/annotations.md, "Service
  Upstream") and Envoy Gateway's (``EnvoyProxySpec.RoutingType``: "The default
  is "Endpoint"", api/v1alpha1/envoyproxy_types.go; Envoy receives the
  addresses as EDS endpoints). The packet's destination is a pod address, so
  kube-proxy's ``KUBE-SERVICES`` matches nothing and no DNAT happens;
- **to the ClusterIP**, with ``nginx.ingress.kubernetes.io/service-upstream:
  "true"`` (or Envoy Gateway's ``routingType: Service``): then kube-proxy on the
  proxy's node DNATs it like any pod-to-Service connection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address

from netmodel.errors import EndpointError, InputError
from netmodel.spec.cluster import Pod
from netmodel.spec.protocol import IpProto
from netmodel.spec.services import Endpoint, Service, ServicePort, ServiceType
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsKind
from netmodel.trace.endpoints import Destination, Source, parse_source
from netmodel.trace.hops import Trace
from netmodel.trace.request import DEFAULT_SPORT, WalkRequest
from netmodel.trace.tracer import trace, trace_request

__all__ = [
    "PROXY_ERRORS",
    "PROXY_SPORT",
    "Upstream",
    "choices",
    "every_proxy_connection",
    "front_door",
    "proxy_connection",
    "proxy_pod_of",
]

PROXY_SPORT = DEFAULT_SPORT + 1  # the proxy's own ephemeral port for the new connection
# A first connection whose reason is one of these reached the proxy, which then
# answered an HTTP error itself (500 without a backend, 503 without endpoints):
# the request failed although every packet was delivered.
PROXY_ERRORS = frozenset({"ingress.no_endpoints", "gateway.no_backend",
                          "gateway.no_endpoints"})


@dataclass(frozen=True, slots=True)
class Upstream:
    """One backend the proxy balances over, with its share (a backendRef's weight;
    1 for an Ingress backend)."""

    service: Service
    port: ServicePort
    weight: int = 1


def front_door(model: Model, src: Source, service: Service, port: ServicePort,
               what: str) -> tuple[IPv4Address, int]:
    """Where a client connects to reach a proxy's Service: the LoadBalancer IP
    (else the first node's node port) from outside, the ClusterIP from inside."""
    if src.netns.kind is not NetnsKind.EXTERNAL:
        return service.cluster_ip, port.port
    if service.type is ServiceType.LOAD_BALANCER and service.load_balancer_ip:
        return service.load_balancer_ip, port.port
    if port.node_port is not None:
        return model.cluster.nodes[0].ip, port.node_port
    raise EndpointError(what, f"the proxy's service {service.key} is not reachable from "
                        f"outside (type {service.type}, no loadBalancerIP)", option="to")


def choices(upstreams: tuple[Upstream, ...]) -> tuple[tuple[Endpoint, float], ...]:
    """Every endpoint the proxy may pick, with its probability: a backend's
    weight over the sum of weights, shared equally by its endpoints (round
    robin in ingress-nginx, Envoy's default balancer within a weighted cluster).
    A backend without endpoints keeps its share, which the proxy answers with
    an error, so the probabilities may sum to less than 1."""
    total = sum(u.weight for u in upstreams)
    out: list[tuple[Endpoint, float]] = []
    for upstream in upstreams:
        endpoints = upstream.port.endpoints
        if not upstream.weight or not endpoints:
            continue
        share = upstream.weight / total / len(endpoints)
        out.extend((e, share) for e in endpoints)
    return tuple(out)


def proxy_connection(model: Model, proxy: Pod, upstreams: tuple[Upstream, ...], *,
                     cluster_ip: bool) -> Trace | None:
    """The proxy's own connection: to the first upstream's ClusterIP, or to the
    first endpoint it may pick, with every pick in ``alternatives``. None when
    there is nothing to connect to (every backend empty or weighted 0)."""
    src = parse_source(model, f"pod/{proxy.key}")
    if cluster_ip:
        live = [u for u in upstreams if u.weight]
        if not live:
            return None
        first = live[0]
        return trace(model, src, Destination(f"svc/{first.service.key}",
                                             first.service.cluster_ip, service=first.service),
                     port=first.port.port, proto=first.port.protocol.ip, sport=PROXY_SPORT)
    picks = choices(upstreams)
    if not picks:
        return None
    chosen, probability = picks[0]
    proto = next(u.port.protocol.ip for u in upstreams if chosen in u.port.endpoints)
    second = _to_endpoint(model, src, chosen, proto)
    return replace(second, probability=probability,
                   alternatives=tuple((str(e), p) for e, p in picks) if len(picks) > 1 else ())


def proxy_pod_of(model: Model, first: Trace, service: Service, text: str) -> Pod:
    """The proxy's pod that the client's connection reached through ``service``
    (an Ingress controller's, a Gateway's). A Service whose endpoints are no
    pod (a node's address written in the spec) has no proxy to connect on."""
    pod = model.pod_by_ip(first.final_packet.ip.dst)
    if pod is None:
        raise InputError("to", text, f"{service.key} leads to {first.final_packet.ip.dst}, "
                         "which is no pod (expected the proxy's pods behind it)")
    return pod


def _to_endpoint(model: Model, src: Source, endpoint: Endpoint, proto: IpProto) -> Trace:
    pod = model.pod_by_ip(endpoint.ip)
    dst = Destination(f"ip/{endpoint.ip}", endpoint.ip, pod)
    return trace(model, src, dst, port=endpoint.port, proto=proto, sport=PROXY_SPORT)


def every_proxy_connection(model: Model, second: Trace) -> tuple[Trace, ...]:
    """``second`` and the connection of every other pick it lists: to the other
    endpoints directly, or (through a ClusterIP) with kube-proxy pinned to each."""
    source = f"{second.hops[0].netns_id.kind}/{second.hops[0].netns_id.name}"
    through_service = second.flow.dst in model.cluster.service_cidr
    out = [second]
    for pick, _ in second.alternatives:
        if through_service:
            request = WalkRequest(source, f"ip/{second.flow.dst}", second.flow.dport,
                                  second.flow.proto, second.flow.sport, pick)
        else:
            address, _, port = pick.rpartition(":")
            request = WalkRequest(source, f"ip/{address}", int(port), second.flow.proto,
                                  second.flow.sport)
        out.append(trace_request(model, request))
    return tuple(out)
