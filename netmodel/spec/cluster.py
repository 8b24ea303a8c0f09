"""The cluster spec as frozen values: what the user described, defaults applied.

Field names follow Kubernetes' own (``podCIDR`` becomes ``pod_cidr``). Nothing
here is derived kernel state; that lives in :mod:`netmodel.state.node_state`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network

from netmodel.spec.dns import DEFAULT_DNS_INDEX, ClusterDNS, DNSPolicy, PodDNSConfig, ResolvConf
from netmodel.spec.gateway import Gateway, HTTPRoute
from netmodel.spec.protocol import Protocol
from netmodel.spec.services import Ingress, Service
from netmodel.spec.warning import SpecWarning

__all__ = [
    "Backend",
    "Cluster",
    "Container",
    "ContainerPort",
    "Node",
    "NodeRole",
    "Pod",
    "Protocol",
    "Segment",
    "Underlay",
]


class Backend(StrEnum):
    """flannel's ``Backend.Type``."""

    VXLAN = "vxlan"
    HOST_GW = "host-gw"
    UDP = "udp"

    @property
    def overhead(self) -> int:
        """Encapsulation bytes: flannel's ``encapOverhead``, which sets the pod MTU.

        vxlan: outer IPv4 20 + UDP 8 + VXLAN 8 + the inner frame's Ethernet 14 (the
        kernel's VXLAN_HEADROOM); udp: IPv4 20 + UDP 8 (flannel0 is a TUN device,
        so no inner Ethernet header); host-gw: none. The spec needs it to validate
        the underlay MTU, so it lives with the backend's name.
        """
        return _OVERHEAD[self]


_OVERHEAD = {Backend.VXLAN: 50, Backend.UDP: 28, Backend.HOST_GW: 0}
# Defaults for values built by hand (tests); the loader always sets both.
_NO_RESOLV_CONF = ResolvConf()
# kubeadm's default serviceSubnet (the kube-apiserver's --service-cluster-ip-range).
DEFAULT_SERVICE_CIDR = "10.96.0.0/12"
_KUBEADM_DNS = ClusterDNS(IPv4Network(DEFAULT_SERVICE_CIDR).network_address + DEFAULT_DNS_INDEX)


class NodeRole(StrEnum):
    """A node's ``role``: kubeadm's control-plane nodes run kube-apiserver."""

    CONTROL_PLANE = "control-plane"
    WORKER = "worker"


@dataclass(frozen=True, slots=True)
class Segment:
    """One L2 segment of the underlay; its ``.1`` is the router's leg on it."""

    name: str
    cidr: IPv4Network

    @property
    def router_ip(self) -> IPv4Address:
        return self.cidr.network_address + 1

    def __str__(self) -> str:
        return f"segment {self.name} {self.cidr}"


@dataclass(frozen=True, slots=True)
class Underlay:
    """The nodes' own network: MTU and the segments the router joins."""

    mtu: int
    segments: tuple[Segment, ...]

    def segment(self, name: str) -> Segment:
        for seg in self.segments:
            if seg.name == name:
                return seg
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class ContainerPort:
    container_port: int
    protocol: Protocol = Protocol.TCP
    name: str | None = None
    # hostPort: the portmap CNI plugin DNATs this port of the node to the pod;
    # hostIP narrows it to one of the node's addresses (None: every local one).
    host_port: int | None = None
    host_ip: IPv4Address | None = None

    def __str__(self) -> str:
        return f"{self.container_port}/{self.protocol.ip}"


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    ports: tuple[ContainerPort, ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its underlay address and MAC, its podCIDR, its VTEP MAC."""

    name: str
    ip: IPv4Address
    pod_cidr: IPv4Network
    segment: str
    mac: str
    vtep_mac: str
    # role: control-plane: kube-apiserver runs here (a static pod, hostNetwork),
    # and its address is an endpoint of default/kubernetes.
    control_plane: bool = False
    # The node's own /etc/resolv.conf as kubelet's parseResolvConf reads it
    # (--resolv-conf): the base of a Default pod's, and ClusterFirst's searches.
    resolv_conf: ResolvConf = _NO_RESOLV_CONF

    def __str__(self) -> str:
        return f"node {self.name} {self.ip} podCIDR {self.pod_cidr}"


@dataclass(frozen=True, slots=True)
class Pod:
    """A pod. A hostNetwork pod has the node's IP and no netns of its own."""

    name: str
    namespace: str
    node: str
    ip: IPv4Address
    host_network: bool
    mac: str
    labels: tuple[tuple[str, str], ...] = ()
    containers: tuple[Container, ...] = ()
    dns_policy: DNSPolicy = DNSPolicy.CLUSTER_FIRST
    dns_config: PodDNSConfig | None = None

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def listener(self, port: int, protocol: Protocol | None) -> str | None:
        """The container that declares ``port/protocol``, if any (none for a
        protocol without ports: ICMP)."""
        if protocol is None:
            return None
        for container in self.containers:
            for cport in container.ports:
                if cport.container_port == port and cport.protocol == protocol:
                    return container.name
        return None

    def __str__(self) -> str:
        net = "hostNetwork" if self.host_network else str(self.ip)
        return f"pod {self.key} on {self.node} {net}"


@dataclass(frozen=True, slots=True, eq=False)
class Cluster:
    """A loaded spec. Compared by identity: it is the key of per-node caches."""

    name: str
    source: str
    backend: Backend
    cluster_cidr: IPv4Network
    service_cidr: IPv4Network
    node_port_range: tuple[int, int]
    underlay: Underlay
    nodes: tuple[Node, ...]
    pods: tuple[Pod, ...]
    nodes_by_name: Mapping[str, Node] = field(repr=False)
    pods_by_key: Mapping[str, Pod] = field(repr=False)
    pods_by_node: Mapping[str, tuple[Pod, ...]] = field(repr=False)
    services: tuple[Service, ...] = ()
    ingresses: tuple[Ingress, ...] = ()
    gateways: tuple[Gateway, ...] = ()
    http_routes: tuple[HTTPRoute, ...] = ()
    warnings: tuple[SpecWarning, ...] = ()
    dns: ClusterDNS = _KUBEADM_DNS

    def service(self, key: str) -> Service:
        """A service by ``namespace/name``."""
        for svc in self.services:
            if svc.key == key:
                return svc
        raise KeyError(key)

    def __str__(self) -> str:
        return (f"cluster {self.name} ({self.backend}, {len(self.nodes)} nodes, "
                f"{len(self.pods)} pods, Network {self.cluster_cidr})")

    def node(self, name: str) -> Node:
        return self.nodes_by_name[name]

    def pod(self, key: str) -> Pod:
        """A pod by ``namespace/name``."""
        return self.pods_by_key[key]
