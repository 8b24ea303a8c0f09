"""Services and Ingresses as frozen values, with their endpoints resolved.

What the API server and the EndpointSlice controller would hand kube-proxy:
each service port with its cluster IP, node port, and the endpoints (pod IP and
resolved target port, and the node each runs on) that its selector picks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network

from netmodel.spec.protocol import Protocol

__all__ = [
    "Endpoint",
    "Ingress",
    "IngressPath",
    "Service",
    "ServicePort",
    "ServiceType",
    "TrafficPolicy",
    "path_prefix_matches",
]


def path_prefix_matches(prefix: str, path: str) -> bool:
    """A path prefix as both Ingress (``Prefix``) and Gateway API (``PathPrefix``)
    define it: element by element, a trailing '/' ignored, so ``/foo`` matches
    ``/foo`` and ``/foo/bar``, not ``/foobar``."""
    prefix = prefix.rstrip("/")
    return prefix == "" or path == prefix or path.startswith(prefix + "/")


class ServiceType(StrEnum):
    CLUSTER_IP = "ClusterIP"
    NODE_PORT = "NodePort"
    LOAD_BALANCER = "LoadBalancer"


class TrafficPolicy(StrEnum):
    CLUSTER = "Cluster"
    LOCAL = "Local"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One ready endpoint of one service port."""

    ip: IPv4Address
    port: int
    node: str | None  # nodeName; None for an endpoint outside the cluster
    pod: str | None = None  # namespace/name when selected from a pod

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass(frozen=True, slots=True)
class ServicePort:
    name: str  # "" for the single unnamed port
    port: int
    protocol: Protocol
    target: str  # the targetPort as written: a number or a container port name
    node_port: int | None
    endpoints: tuple[Endpoint, ...]

    def __str__(self) -> str:
        return f"{self.port}/{self.protocol.ip}"


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    namespace: str
    type: ServiceType
    cluster_ip: IPv4Address
    ports: tuple[ServicePort, ...]
    external_traffic_policy: TrafficPolicy = TrafficPolicy.CLUSTER
    external_ips: tuple[IPv4Address, ...] = ()
    load_balancer_ip: IPv4Address | None = None
    source_ranges: tuple[IPv4Network, ...] = ()
    health_check_node_port: int | None = None
    selector: tuple[tuple[str, str], ...] = ()
    affinity_timeout: int | None = None  # sessionAffinity ClientIP: timeoutSeconds

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def port_name(self, port: ServicePort) -> str:
        """kube-proxy's ServicePortName.String(): ``ns/name:port`` (``ns/name`` unnamed)."""
        return f"{self.key}:{port.name}" if port.name else self.key

    @property
    def external(self) -> bool:
        """Reachable from outside: a node port, an LB IP, or an external IP."""
        return self.type is not ServiceType.CLUSTER_IP or bool(self.external_ips)

    def __str__(self) -> str:
        return f"service {self.key} {self.type} {self.cluster_ip}"


@dataclass(frozen=True, slots=True)
class IngressPath:
    host: str
    path: str
    path_type: str  # Prefix | Exact | ImplementationSpecific
    service: str  # namespace/name
    port: str  # a number or a service port name

    def matches(self, host: str, path: str) -> bool:
        if self.host and self.host != host:
            return False
        if self.path_type == "Exact":
            return path == self.path
        return path_prefix_matches(self.path, path)


@dataclass(frozen=True, slots=True)
class Ingress:
    name: str
    namespace: str
    controller: str  # namespace/name of the controller's Service
    paths: tuple[IngressPath, ...]
    # nginx.ingress.kubernetes.io/service-upstream: proxy to the backend's
    # ClusterIP instead of its endpoint addresses (ingress-nginx's default).
    service_upstream: bool = False

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"
