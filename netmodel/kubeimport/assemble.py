"""All objects of all input files, joined into one cluster's values.

Objects are read in file order and kept by kind and ``namespace/name``; the
same object twice (two overlapping files) is an error naming both places. What
kubectl does not show is filled in from the objects where they determine it and
otherwise assumed, with a warning that says so: the cluster CIDR from
``kube-flannel-cfg`` (else the nodes' podCIDRs), the service CIDR from the
cluster IPs, the underlay from the node addresses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path as FsPath

from netmodel.kubeimport.documents import KubeObject, read_documents
from netmodel.kubeimport.endpoints import usable_endpoints
from netmodel.kubeimport.fields import Fields
from netmodel.kubeimport.flannel import FLANNEL_CONFIGMAP, Lease, NetConf, read_net_conf
from netmodel.kubeimport.ingresses import read_ingress
from netmodel.kubeimport.nodes import read_node
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.origin import KubectlError, Origin
from netmodel.kubeimport.pods import read_pod
from netmodel.kubeimport.services import read_service
from netmodel.kubeimport.slices import Slice, read_slice
from netmodel.kubeimport.values import (
    ImportedIngress,
    ImportedNode,
    ImportedPod,
    ImportedService,
)
from netmodel.spec.cluster import DEFAULT_SERVICE_CIDR, Backend
from netmodel.spec.dns import DEFAULT_DNS_INDEX
from netmodel.spec.load import DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_PORT_RANGE

__all__ = ["ImportOptions", "ImportedCluster", "assemble"]

_WIDEST_UNDERLAY = 8


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the user may tell an import that kubectl output does not hold."""

    underlay: tuple[IPv4Network, ...] = ()
    service_cidr: IPv4Network | None = None
    ingress_controller: str | None = None  # namespace/name
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedCluster:
    name: str
    backend: Backend
    cluster_cidr: IPv4Network
    service_cidr: IPv4Network
    node_ports: tuple[int, int]
    segments: tuple[IPv4Network, ...]
    nodes: tuple[ImportedNode, ...]
    pods: tuple[ImportedPod, ...]
    services: tuple[ImportedService, ...]
    ingresses: tuple[ImportedIngress, ...]
    config: Origin | None  # where kube-flannel-cfg came from


class _Collector:
    def __init__(self, notes: Notes) -> None:
        self.notes = notes
        self.seen: dict[tuple[str, str, str], Origin] = {}
        self.nodes: list[ImportedNode] = []
        self.leases: list[tuple[ImportedNode, Lease]] = []
        self.pods: list[ImportedPod] = []
        self.services: list[ImportedService] = []
        self.slices: list[Slice] = []
        self.slices_read = False
        self.ingresses: list[ImportedIngress] = []
        self.net_conf: tuple[NetConf, Origin] | None = None

    def once(self, obj: KubeObject) -> None:
        meta = Fields(obj.data, obj.origin)
        key = (obj.kind, meta.string(("metadata", "namespace")) or "",
               meta.string(("metadata", "name")) or "")
        first = self.seen.setdefault(key, obj.origin)
        if first is not obj.origin:
            name = "/".join(part for part in key[1:] if part)
            raise obj.origin.error(("metadata", "name"), f"{obj.kind} {name} appears twice "
                                   f"(first in {first.label})")

    def add(self, obj: KubeObject) -> None:
        kind, notes = obj.kind, self.notes
        if kind == "Node":
            self.once(obj)
            node, lease = read_node(obj, notes)
            self.nodes.append(node)
            self.leases.append((node, lease))
        elif kind == "Pod":
            self.once(obj)
            pod = read_pod(obj, notes)
            if pod is not None:
                self.pods.append(pod)
        elif kind == "Service":
            self.once(obj)
            service = read_service(obj, notes)
            if service is not None:
                self.services.append(service)
        elif kind == "EndpointSlice":
            self.once(obj)
            self.slices_read = True
            found = read_slice(obj, notes)
            if found is not None:
                self.slices.append(found)
        elif kind == "Ingress":
            self.once(obj)
            self.ingresses.append(read_ingress(obj, notes))
        elif kind == "ConfigMap":
            self.once(obj)
            fields = Fields(obj.data, obj.origin)
            if fields.string(("metadata", "name")) == FLANNEL_CONFIGMAP:
                if self.net_conf is not None:
                    raise obj.origin.error(("metadata", "name"), f"a second {FLANNEL_CONFIGMAP} "
                                           f"(first in {self.net_conf[1].label})")
                self.net_conf = (read_net_conf(fields, notes), obj.origin)
            else:
                notes.add("configmap.other")
        else:
            notes.add("kind.unmodelled", kind=kind)


def assemble(paths: Sequence[str], options: ImportOptions, notes: Notes) -> ImportedCluster:
    """Read every file and join what they hold (errors: :class:`KubectlError`)."""
    collector = _Collector(notes)
    for path in paths:
        for obj in read_documents(path):
            collector.add(obj)
    if not collector.nodes:
        raise KubectlError(paths[0] if paths else "", None, "", "no Node in the input "
                           "(include nodes: kubectl get nodes,pods,services,endpointslices,"
                           "ingresses -A -o json)")
    nodes = tuple(sorted(collector.nodes, key=lambda n: n.name))
    backend, network = _flannel(collector, nodes, notes)
    names = {n.name for n in nodes}
    for pod in collector.pods:
        if pod.node not in names:
            raise pod.origin.error(("spec", "nodeName"), f"pod {pod.namespace}/{pod.name} runs "
                                   f"on node {pod.node!r}, which is not in the input")
    services = _with_endpoints(collector, names, notes)
    service_cidr = options.service_cidr or _service_cidr(services, network, notes)
    _check_dns(services, service_cidr, notes)
    ingresses = _ingresses(collector.ingresses, services, options.ingress_controller, notes)
    segments = options.underlay or _underlay(nodes, notes)
    cfg = collector.net_conf[1] if collector.net_conf else None
    name = options.name or _cluster_name(paths[0])
    return ImportedCluster(
        name=name, backend=backend, cluster_cidr=network, service_cidr=service_cidr,
        node_ports=_node_ports(services, notes), segments=tuple(segments), nodes=nodes,
        pods=tuple(sorted(collector.pods, key=lambda p: p.key)),
        services=tuple(sorted(services, key=lambda s: s.key)),
        ingresses=tuple(sorted(ingresses, key=lambda i: i.key)), config=cfg)


def _flannel(collector: _Collector, nodes: tuple[ImportedNode, ...],
             notes: Notes) -> tuple[Backend, IPv4Network]:
    leases = sorted(collector.leases, key=lambda pair: pair[0].name)
    if collector.net_conf is not None:
        conf, _ = collector.net_conf
        for node, lease in leases:
            if lease.backend is not None and lease.backend is not conf.backend:
                raise node.origin.error(("metadata", "annotations",
                                         "flannel.alpha.coreos.com/backend-type"),
                                        f"node {node.name}'s flannel backend {lease.backend} "
                                        f"differs from net-conf.json's {conf.backend}")
        return conf.backend, conf.network
    backend: Backend | None = None
    first: ImportedNode | None = None
    for node, lease in leases:
        if lease.backend is None:
            continue
        if backend is None:
            backend, first = lease.backend, node
        elif lease.backend is not backend:
            assert first is not None
            raise node.origin.error(("metadata", "annotations",
                                     "flannel.alpha.coreos.com/backend-type"),
                                    f"node {node.name}'s flannel backend {lease.backend} "
                                    f"differs from node {first.name}'s {backend}")
    default = IPv4Network(DEFAULT_CLUSTER_CIDR)
    cidrs = [n.pod_cidr for n in nodes if n.pod_cidr is not None]
    network = default if all(c.subnet_of(default) for c in cidrs) else _covering(cidrs, 24)
    notes.add("flannel.cfg.missing", network=network)
    return backend or Backend.VXLAN, network


def _covering(nets: Iterable[IPv4Network], longest: int) -> IPv4Network:
    """The smallest network holding every one of ``nets``, at most a /``longest``."""
    items = list(nets)
    low = min(int(n.network_address) for n in items)
    high = max(int(n.broadcast_address) for n in items)
    prefix = min(longest, 32 - (low ^ high).bit_length())
    return IPv4Network((low, prefix), strict=False)


def _with_endpoints(collector: _Collector, nodes: set[str],
                    notes: Notes) -> list[ImportedService]:
    if not collector.slices_read:
        if any(s.selector for s in collector.services):
            notes.add("slices.none")
        return collector.services
    by_service: dict[tuple[str, str], list[Slice]] = {}
    for found in sorted(collector.slices, key=lambda s: (s.namespace, s.service, s.name)):
        by_service.setdefault((found.namespace, found.service), []).append(found)
    out = []
    for service in collector.services:
        slices = by_service.pop(service.key, [])
        wanted = {(p.name, p.protocol) for p in service.ports}
        for found in slices:
            for pname, protocol, _ in found.ports:
                if (pname, protocol) not in wanted:
                    notes.add("slice.port-unmatched")
        ports = []
        for port in service.ports:
            endpoints = [e for found in slices for pname, protocol, eps in found.ports
                         if (pname, protocol) == (port.name, port.protocol) for e in eps]
            ports.append(replace(port, endpoints=usable_endpoints(
                endpoints, service.uses_local, nodes, notes)))
        out.append(replace(service, ports=tuple(ports)))
    if by_service:
        notes.add("slice.orphan", sum(len(v) for v in by_service.values()))
    return out


def _service_cidr(services: list[ImportedService], network: IPv4Network,
                  notes: Notes) -> IPv4Network:
    default = IPv4Network(DEFAULT_SERVICE_CIDR)
    ips = [s.cluster_ip for s in services]
    # default/kubernetes holds the range's first address (pkg/controlplane/services.go,
    # ServiceIPRange): the range starts just before it.
    anchor = next((s.cluster_ip for s in services if s.key == ("default", "kubernetes")), None)
    if all(ip in default for ip in ips) and not default.overlaps(network) and (
            anchor is None or anchor == default.network_address + 1):
        return default
    if anchor is not None:
        ips.append(anchor - 1)
    cidr = _covering([IPv4Network(ip) for ip in ips], 24)
    if cidr.overlaps(network):
        raise KubectlError(services[0].origin.file, None, "", f"the cluster IPs span {cidr}, "
                           f"which overlaps the cluster CIDR {network} (give --service-cidr)")
    notes.add("service-cidr.assumed", cidr=cidr)
    return cidr


def _check_dns(services: list[ImportedService], service_cidr: IPv4Network,
               notes: Notes) -> None:
    """kubelet's --cluster-dns is not in kubectl output; the spec gives pods the
    range's 10th address (kubeadm's), so say so when kube-dns is elsewhere."""
    assumed = service_cidr.network_address + DEFAULT_DNS_INDEX
    for service in services:
        if service.key == ("kube-system", "kube-dns") and service.cluster_ip != assumed:
            notes.add("dns.cluster-ip", assumed=assumed, actual=service.cluster_ip)


def _node_ports(services: list[ImportedService], notes: Notes) -> tuple[int, int]:
    low, high = (int(p) for p in DEFAULT_NODE_PORT_RANGE.split("-"))
    used = [p for s in services for port in s.ports
            for p in (port.node_port, s.health_check_node_port) if p]
    if used and (min(used) < low or max(used) > high):
        low, high = min(low, *used), max(high, *used)
        notes.add("node-ports.widened", range=f"{low}-{high}")
    return low, high


def _underlay(nodes: tuple[ImportedNode, ...], notes: Notes) -> list[IPv4Network]:
    ips = [n.ip for n in nodes]
    cidr = _covering([IPv4Network(ip) for ip in ips], 24)
    taken = set(ips)
    while cidr.prefixlen >= _WIDEST_UNDERLAY:
        reserved = {cidr.network_address, cidr.broadcast_address, cidr.network_address + 1}
        if not reserved & taken:
            notes.add("underlay.assumed", cidr=cidr)
            return [cidr]
        cidr = cidr.supernet()
    raise nodes[0].origin.error((), "no underlay network holds every node address with a "
                                "router at .1 (give --underlay CIDR)")


def _ingresses(found: list[ImportedIngress], services: list[ImportedService],
               controller: str | None, notes: Notes) -> list[ImportedIngress]:
    by_key = {f"{s.namespace}/{s.name}": s for s in services}
    by_address: dict[IPv4Address, str] = {}
    for service in sorted(services, key=lambda s: s.key):
        for ip in (service.load_balancer_ip, *service.external_ips):
            if ip is not None:
                by_address.setdefault(ip, f"{service.namespace}/{service.name}")
    out = []
    for ingress in found:
        chosen = controller or next((by_address[ip] for ip in ingress.status_ips
                                     if ip in by_address), None)
        if chosen is None or chosen not in by_key:
            notes.add("ingress.no-controller")
            continue
        paths = []
        for path in ingress.paths:
            target = by_key.get(f"{ingress.namespace}/{path.service}")
            if target is None or not any(p.port == path.port or p.name == path.port
                                         for p in target.ports):
                notes.add("ingress.backend-missing")
                continue
            paths.append(path)
        out.append(replace(ingress, controller=chosen, paths=tuple(paths)))
    return out


def _cluster_name(path: str) -> str:
    """The first file's stem as a DNS label (the spec's cluster name), or ``imported``."""
    text = "".join(c if c.isalnum() else "-" for c in FsPath(path).stem.lower()).strip("-")
    return text[:63].strip("-") or "imported"
