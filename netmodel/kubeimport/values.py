"""What an import keeps of each kubectl object: frozen values, one per spec entry.

Only the fields the spec models are kept (see :mod:`netmodel.spec.cluster` and
:mod:`netmodel.spec.services`); each value carries the :class:`Origin` the
spec's comment names. Checks the API server makes (names, ports, labels) are
left to the spec loader, which runs on the written spec before it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from netmodel.kubeimport.origin import Origin

__all__ = ["ImportedContainer", "ImportedDNSConfig", "ImportedEndpoint", "ImportedIngress",
           "ImportedNode", "ImportedPath", "ImportedPod", "ImportedPort", "ImportedService",
           "ImportedServicePort", "SliceEndpoint"]


@dataclass(frozen=True, slots=True)
class ImportedNode:
    name: str
    ip: IPv4Address
    pod_cidr: IPv4Network | None
    vtep_mac: str | None
    origin: Origin
    control_plane: bool = False  # labelled node-role.kubernetes.io/control-plane

    def __str__(self) -> str:
        return f"Node {self.name} {self.ip} podCIDR {self.pod_cidr or '(none)'}"


@dataclass(frozen=True, slots=True)
class ImportedPort:
    container_port: int
    protocol: str
    name: str | None
    host_port: int | None = None
    host_ip: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedContainer:
    name: str
    ports: tuple[ImportedPort, ...]


@dataclass(frozen=True, slots=True)
class ImportedPod:
    namespace: str
    name: str
    node: str
    ip: IPv4Address | None  # None for a hostNetwork pod: the node's address
    host_network: bool
    labels: tuple[tuple[str, str], ...]
    containers: tuple[ImportedContainer, ...]
    origin: Origin
    dns_policy: str = "ClusterFirst"
    dns_config: ImportedDNSConfig | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    def __str__(self) -> str:
        where = "hostNetwork" if self.host_network else str(self.ip)
        return f"Pod {self.namespace}/{self.name} on {self.node} {where}"


@dataclass(frozen=True, slots=True)
class ImportedDNSConfig:
    """``spec.dnsConfig``: nameservers, searches, options (name, value or None)."""

    nameservers: tuple[str, ...]
    searches: tuple[str, ...]
    options: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class ImportedEndpoint:
    """One endpoint of one service port, as the spec writes it."""

    ip: IPv4Address
    node: str | None
    port: int

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}" + (f" on {self.node}" if self.node else "")


@dataclass(frozen=True, slots=True)
class ImportedServicePort:
    name: str
    port: int
    protocol: str
    target: int | str
    node_port: int | None
    # None: no EndpointSlice was read, the selector decides; else kube-proxy's choice.
    endpoints: tuple[ImportedEndpoint, ...] | None = None


@dataclass(frozen=True, slots=True)
class ImportedService:
    namespace: str
    name: str
    type: str
    cluster_ip: IPv4Address
    ports: tuple[ImportedServicePort, ...]
    selector: tuple[tuple[str, str], ...]
    external_traffic_policy: str
    uses_local: bool  # kube-proxy's UsesLocalEndpoints: Local policy, reachable from outside
    external_ips: tuple[IPv4Address, ...]
    load_balancer_ip: IPv4Address | None
    source_ranges: tuple[str, ...]
    health_check_node_port: int | None
    affinity_timeout: int | None  # sessionAffinity ClientIP
    origin: Origin

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    def __str__(self) -> str:
        return f"Service {self.namespace}/{self.name} {self.type} {self.cluster_ip}"


@dataclass(frozen=True, slots=True)
class SliceEndpoint:
    """An EndpointSlice endpoint for one port, with its conditions as kube-proxy
    reads them (pkg/proxy/endpointslicecache.go, newEndpointSliceInfo): ``ready``
    and ``serving`` nil count as true, ``terminating`` nil as false."""

    ip: IPv4Address
    port: int
    node: str | None
    ready: bool
    serving: bool
    terminating: bool
    hinted: bool

    def __str__(self) -> str:
        state = [name for name, on in (("ready", self.ready), ("serving", self.serving),
                                       ("terminating", self.terminating)) if on]
        where = f" on {self.node}" if self.node else ""
        return f"{self.ip}:{self.port}{where} ({', '.join(state) or 'not serving'})"


@dataclass(frozen=True, slots=True)
class ImportedPath:
    host: str
    path: str
    path_type: str
    service: str
    port: int | str


@dataclass(frozen=True, slots=True)
class ImportedIngress:
    namespace: str
    name: str
    controller: str  # namespace/name of the controller's Service ("" until known)
    paths: tuple[ImportedPath, ...]
    origin: Origin
    status_ips: tuple[IPv4Address, ...] = ()  # status.loadBalancer: the controller's address

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    def __str__(self) -> str:
        return f"Ingress {self.namespace}/{self.name} ({len(self.paths)} paths)"
