"""Load a cluster spec (YAML) into a :class:`~netmodel.spec.cluster.Cluster`.

Every default is the real one (see ``reference/k8s-networking-facts.md``):
flannel's Network 10.244.0.0/16, a /24 per node in node order (kube-controller-
manager's ``--node-cidr-mask-size``), the bridge at .1 and pods from .2 to .254
(host-local's gateway, ``rangeStart`` and ``rangeEnd``), kubeadm's service CIDR
10.96.0.0/12 and the NodePort range 30000-32767.

Every problem is a :class:`~netmodel.errors.SpecError` naming file, line and field.
"""

from __future__ import annotations

import bisect
import gc
import os
import stat
from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any, TypeVar

from netmodel.errors import SpecError
from netmodel.spec.addressing import derive_mac
from netmodel.spec.apiserver import kubernetes_service
from netmodel.spec.cluster import (
    DEFAULT_SERVICE_CIDR,
    Backend,
    Cluster,
    Container,
    ContainerPort,
    Node,
    NodeRole,
    Pod,
    Protocol,
    Segment,
    Underlay,
)
from netmodel.spec.dns import KUBE_DNS, ResolvConf
from netmodel.spec.keys import DEFAULT_NAMESPACE
from netmodel.spec.load_dns import DNS_PATH, DnsFields, kube_dns_service
from netmodel.spec.load_gateways import load_gateways, load_http_routes
from netmodel.spec.load_services import load_ingresses, load_services
from netmodel.spec.names import NameKind
from netmodel.spec.services import Service
from netmodel.spec.shown import shown
from netmodel.spec.yamlsource import Path, format_path, parse_yaml

__all__ = ["load_spec", "parse_spec"]

DEFAULT_CLUSTER_CIDR = "10.244.0.0/16"
DEFAULT_NODE_PORT_RANGE = "30000-32767"
DEFAULT_UNDERLAY_CIDR = "192.168.56.0/24"
DEFAULT_MTU = 1500
NODE_CIDR_MASK = 24  # kube-controller-manager's defaultNodeMaskCIDRIPv4
# Above any real spec: 150,000 pods at some 100 bytes each are ~15 MB written
# by hand, and ~70 MB as `netmodel import` writes Kubernetes' largest tested
# cluster (a comment per pod, each Service port's EndpointSlice endpoints; see
# benchmarks/bench_kubectl_import.py). A file past it is a mistake, and reading
# it whole would only exhaust memory.
MAX_SPEC_BYTES = 128 * 2**20
KERNEL_MIN_MTU = 68  # ip(8) prints it as "minmtu 68" for every Ethernet-like device

T = TypeVar("T")


def load_spec(path: str | FsPath) -> Cluster:
    """Read and load a spec file; a missing file is a SpecError too."""
    return parse_spec(read_spec_text(path, str(path)), str(path))


def read_spec_text(path: str | FsPath, name: str) -> str:
    """A spec file's text, as every front end reads it (``name`` for errors)."""
    try:
        data = _read_regular(path, name)
        # utf-8-sig: an editor's byte-order mark is not part of the first key.
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise SpecError(name, None, "", f"cannot read spec: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SpecError(name, None, "", "spec is not UTF-8 text") from None


def _read_regular(path: str | FsPath, name: str) -> bytes:
    """The bytes of a regular file of at most MAX_SPEC_BYTES.

    Anything else is refused before it is read: /dev/zero never ends (the read
    grows until MemoryError), a FIFO blocks until some writer opens it, a
    directory is not text. O_NONBLOCK makes the open of a FIFO return at once,
    and fstat() of the opened file, not stat() of the name, is what is read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SpecError(name, None, "", f"not a regular file (a {_file_kind(info.st_mode)}; "
                            "expected a YAML spec file)")
        if info.st_size > MAX_SPEC_BYTES:
            raise SpecError(name, None, "", f"spec is {info.st_size} bytes (expected at "
                            f"most {MAX_SPEC_BYTES // 2**20} MiB)")
        # A file growing while read is cut at the limit too.
        data = handle.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(name, None, "", f"spec is larger than {MAX_SPEC_BYTES // 2**20} MiB "
                        "(expected a smaller file)")
    return data


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "special file"


def parse_spec(text: str, file: str = "<spec>") -> Cluster:
    # Loading allocates millions of small acyclic objects; the cyclic collector
    # would rescan the growing heap again and again and find nothing to free,
    # so it pauses while we load. The collector belongs to the host process
    # (the CLI, MkDocs, a test run): it is left exactly as found, enabled or
    # not, and nothing is frozen. gc.freeze() would move every object of the
    # process, the caller's included, out of collection for good.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Loader(parse_yaml(text, file)).cluster()
    finally:
        if enabled:
            gc.enable()


class _Loader(DnsFields):
    # -- the spec ------------------------------------------------------------

    def cluster(self) -> Cluster:
        root = self.doc.data
        if root is None:
            raise SpecError(self.doc.file, None, "", "empty spec (expected cluster:, nodes:)")
        top = self.mapping(root, (), ("cluster", "nodes", "pods", "services", "ingresses",
                                        "gateways", "httpRoutes"))
        conf = self.optional_mapping(top.get("cluster"), ("cluster",),
                            ("name", "backend", "clusterCIDR", "serviceCIDR",
                             "serviceNodePortRange", "underlay", "kubernetesService",
                             "dns"))
        name = self.name(conf.get("name", FsPath(self.doc.file).stem), ("cluster", "name"))
        backend = self.choice(conf.get("backend", "vxlan"), ("cluster", "backend"),
                              Backend, "backend")
        cluster_cidr = self.cidr(conf.get("clusterCIDR", DEFAULT_CLUSTER_CIDR),
                                 ("cluster", "clusterCIDR"))
        service_cidr = self.cidr(conf.get("serviceCIDR", DEFAULT_SERVICE_CIDR),
                                 ("cluster", "serviceCIDR"))
        if service_cidr.overlaps(cluster_cidr):
            raise self.fail(("cluster", "serviceCIDR"), f"{service_cidr} overlaps "
                            f"clusterCIDR {cluster_cidr} (expected disjoint ranges)")
        port_range = self.port_range(conf.get("serviceNodePortRange", DEFAULT_NODE_PORT_RANGE))
        dns, coredns = self.cluster_dns(conf.get("dns"), "dns" in conf, service_cidr)
        underlay = self.underlay(conf.get("underlay"), backend, cluster_cidr, service_cidr)
        if "nodes" not in top:
            raise self.fail(("nodes",), "missing (expected at least one node)")
        nodes = self.nodes(self.sequence(top["nodes"], ("nodes",)), underlay, cluster_cidr)
        by_name = {n.name: n for n in nodes}
        pods = self.pods(self.sequence(top.get("pods"), ("pods",)), by_name)
        pods += self.coredns_pods(coredns, by_name, pods)
        reserved = {dns.cluster_ip: DNS_PATH} if dns.service else {}
        builtin = None
        if self.boolean(conf.get("kubernetesService", True), ("cluster", "kubernetesService")):
            builtin = kubernetes_service(service_cidr, (n.ip for n in nodes if n.control_plane))
        services, warnings = load_services(
            self.doc, self.sequence(top.get("services"), ("services",)), pods, by_name,
            service_cidr, port_range, builtin, reserved)
        if dns.service:
            self.check_kube_dns(services, builtin)
            services += (kube_dns_service(dns, pods),)
        ingresses = load_ingresses(self.doc, self.sequence(top.get("ingresses"),
                                                           ("ingresses",)), services)
        gateways = load_gateways(self.doc, self.sequence(top.get("gateways"), ("gateways",)),
                                 services)
        routes, route_warnings = load_http_routes(
            self.doc, self.sequence(top.get("httpRoutes"), ("httpRoutes",)), services, gateways)
        warnings = [*warnings, *route_warnings]
        by_node: dict[str, list[Pod]] = {n.name: [] for n in nodes}
        for pod in pods:
            by_node[pod.node].append(pod)
        return Cluster(
            name=name, source=self.doc.file, backend=backend, cluster_cidr=cluster_cidr,
            service_cidr=service_cidr, node_port_range=port_range, underlay=underlay,
            nodes=nodes, pods=pods,
            nodes_by_name=MappingProxyType(by_name),
            pods_by_key=MappingProxyType({p.key: p for p in pods}),
            pods_by_node=MappingProxyType({k: tuple(v) for k, v in by_node.items()}),
            services=services, ingresses=ingresses, gateways=gateways,
            http_routes=routes, warnings=tuple(warnings), dns=dns,
        )

    def check_kube_dns(self, services: tuple[Service, ...], builtin: Service | None) -> None:
        # The spec's own Services follow default/kubernetes, which it does not list.
        for i, svc in enumerate(services[1:] if builtin is not None else services):
            if svc.key == KUBE_DNS:
                raise self.fail(("services", i, "name"), f"{KUBE_DNS} is the Service "
                                "cluster.dns creates (leave it out, or cluster.dns)")

    def port_range(self, value: Any) -> tuple[int, int]:
        path: Path = ("cluster", "serviceNodePortRange")
        text = self.string(value, path)
        low, sep, high = text.partition("-")
        if not (sep and low.isdigit() and high.isdigit()):
            raise self.fail(path, f"invalid port range {shown(text)} (expected LOW-HIGH "
                            "such as 30000-32767)")
        lo, hi = int(low), int(high)
        if not 1 <= lo <= hi <= 65535:
            raise self.fail(path, f"invalid port range {shown(text)} (expected 1 <= LOW <= "
                            "HIGH <= 65535)")
        return lo, hi

    def underlay(self, value: Any, backend: Backend, cluster_cidr: IPv4Network,
                 service_cidr: IPv4Network) -> Underlay:
        path: Path = ("cluster", "underlay")
        conf = self.optional_mapping(value, path, ("mtu", "cidr", "segments"))
        mtu = self.integer(conf.get("mtu", DEFAULT_MTU), (*path, "mtu"),
                           KERNEL_MIN_MTU + backend.overhead, 65535)
        if "cidr" in conf and "segments" in conf:
            raise self.fail((*path, "cidr"), "give either cidr (one segment) or segments, "
                            "not both")
        if "segments" in conf:
            raw = self.sequence(conf["segments"], (*path, "segments"))
            if not raw:
                raise self.fail((*path, "segments"), "empty (expected at least one segment)")
        else:
            raw = [{"name": "underlay", "cidr": conf.get("cidr", DEFAULT_UNDERLAY_CIDR)}]
        segments: list[Segment] = []
        for i, item in enumerate(raw):
            spath: Path = (*path, "segments", i) if "segments" in conf else path
            seg = self.mapping(item, spath, ("name", "cidr"))
            seg_name = self.name(seg.get("name", f"segment-{i + 1}"), (*spath, "name"))
            cpath = (*spath, "cidr")
            cidr = self.cidr(seg.get("cidr"), cpath)
            if cidr.num_addresses < 4:
                raise self.fail(cpath, f"{cidr} is too small (expected /30 or larger: "
                                "a router and at least one node)")
            for other in segments:
                if other.name == seg_name:
                    raise self.fail((*spath, "name"), f"duplicate segment name {shown(seg_name)}")
                if other.cidr.overlaps(cidr):
                    raise self.fail(cpath, f"{cidr} overlaps segment {other.name} "
                                    f"{other.cidr} (expected disjoint segments)")
            for label, net in (("clusterCIDR", cluster_cidr), ("serviceCIDR", service_cidr)):
                if net.overlaps(cidr):
                    raise self.fail(cpath, f"{cidr} overlaps {label} {net} "
                                    "(expected the underlay apart from cluster ranges)")
            segments.append(Segment(seg_name, cidr))
        return Underlay(mtu, tuple(segments))

    def nodes(self, raw: list[Any], underlay: Underlay,
              cluster_cidr: IPv4Network) -> tuple[Node, ...]:
        if not raw:
            raise self.fail(("nodes",), "empty (expected at least one node)")
        default_segment = underlay.segments[0].name
        seen: dict[str, int] = {}
        ips: dict[IPv4Address, int] = {}
        given = _DisjointCidrs()
        partial: list[tuple[int, str, str, IPv4Address | None, IPv4Network | None,
                            str | None, str | None]] = []
        roles: dict[int, NodeRole] = {}
        resolv: dict[int, ResolvConf] = {}
        for i, item in enumerate(raw):
            path: Path = ("nodes", i)
            conf = self.mapping(item, path, ("name", "ip", "podCIDR", "segment", "mac",
                                             "vtepMAC", "role", "resolvConf"))
            if "role" in conf:
                roles[i] = self.choice(conf["role"], (*path, "role"), NodeRole, "node role")
            if "name" not in conf:
                raise self.fail(path, "missing name (every node needs one)")
            name = self.k8s_name(conf["name"], (*path, "name"), NameKind.NODE)
            if name in seen:
                raise self.fail((*path, "name"), f"duplicate node name {shown(name)} "
                                f"(first at nodes[{seen[name]}])")
            seen[name] = i
            ip = self.address(conf["ip"], (*path, "ip")) if "ip" in conf else None
            if "segment" in conf:
                seg_name = self.string(conf["segment"], (*path, "segment"))
            else:
                # A node is on the segment its address is on, as the kernel's
                # connected route says. With no address given, or one on no
                # segment, the first segment (then check_host says why not).
                holding = [s.name for s in underlay.segments if ip is not None and ip in s.cidr]
                seg_name = holding[0] if len(holding) == 1 else default_segment
                if ip is not None and not holding and len(underlay.segments) > 1:
                    where = ", ".join(f"{s.name} {s.cidr}" for s in underlay.segments)
                    raise self.fail((*path, "ip"), f"{ip} is on no underlay segment "
                                    f"(expected an address in one of: {where})")
            try:
                segment = underlay.segment(seg_name)
            except KeyError:
                names = ", ".join(sorted(s.name for s in underlay.segments))
                raise self.fail((*path, "segment"), f"unknown segment {shown(seg_name)} "
                                f"(expected one of {names})") from None
            if ip is not None:
                self.check_host(ip, segment, (*path, "ip"))
                if ip in ips:
                    raise self.fail((*path, "ip"), f"{ip} is taken twice "
                                    f"(also nodes[{ips[ip]}].ip)")
                ips[ip] = i
            cidr = None
            if "podCIDR" in conf:
                cidr = self.cidr(conf["podCIDR"], (*path, "podCIDR"))
                if not cidr.subnet_of(cluster_cidr):
                    raise self.fail((*path, "podCIDR"), f"{cidr} is outside clusterCIDR "
                                    f"{cluster_cidr} (expected a subnet of it)")
                if cidr.prefixlen > 30:
                    raise self.fail((*path, "podCIDR"), f"{cidr} is too small (expected "
                                    "/30 or larger: the bridge, a pod, network, broadcast)")
                clash = given.add(cidr, i)
                if clash is not None:
                    first, j = clash
                    raise self.fail((*path, "podCIDR"), f"{cidr} overlaps nodes[{j}].podCIDR "
                                    f"{first} ({partial[j][1]})")
            mac = self.mac(conf["mac"], (*path, "mac")) if "mac" in conf else None
            vtep = self.mac(conf["vtepMAC"], (*path, "vtepMAC")) if "vtepMAC" in conf else None
            partial.append((i, name, seg_name, ip, cidr, mac, vtep))
            resolv[i] = self.resolv_conf(conf.get("resolvConf"), (*path, "resolvConf"),
                                         segment.router_ip)
        # With no role written anywhere, the first node is the control plane, as
        # in a kubeadm cluster whose first node ran `kubeadm init`.
        planes = ({i for i, r in roles.items() if r is NodeRole.CONTROL_PLANE} if roles
                  else {partial[0][0]})
        explicit = given.networks()
        free_ips = {s.name: _hosts_after_router(s) for s in underlay.segments}
        free_cidrs = _subnets(cluster_cidr, NODE_CIDR_MASK)
        nodes = []
        macs: dict[str, dict[str, int]] = {"mac": {}, "vtepMAC": {}}
        for i, name, seg_name, ip, cidr, mac, vtep in partial:
            if ip is None:
                ip = _next_free(free_ips[seg_name], ips)
                if ip is None:
                    raise self.fail(("nodes", i), f"no free address left in segment "
                                    f"{seg_name} {underlay.segment(seg_name).cidr} "
                                    "(expected a larger underlay cidr)")
                ips[ip] = i
            if cidr is None:
                cidr = _next_free_subnet(free_cidrs, explicit)
                if cidr is None:
                    raise self.fail(("nodes", i), f"no free /{NODE_CIDR_MASK} left in "
                                    f"clusterCIDR {cluster_cidr} for this node "
                                    "(expected a larger clusterCIDR or fewer nodes)")
            node = Node(name=name, ip=ip, pod_cidr=cidr, segment=seg_name,
                        mac=mac or derive_mac("node", name, "eth0"),
                        vtep_mac=vtep or derive_mac("node", name, "flannel.1"),
                        control_plane=i in planes, resolv_conf=resolv[i])
            # Two eth0s with one MAC on a segment, or two flannel.1s with one
            # VTEP MAC in the overlay, make every peer's FDB and neighbour
            # entries ambiguous: the second node's traffic reaches the first.
            for field, value, given_here in (("mac", node.mac, mac),
                                             ("vtepMAC", node.vtep_mac, vtep)):
                owner = macs[field].setdefault(value, i)
                if owner != i:
                    raise self.fail(("nodes", i, field) if given_here else ("nodes", i),
                                    f"{value} is taken twice (also "
                                    f"{format_path(('nodes', owner, field))} of "
                                    f"{partial[owner][1]})")
            nodes.append(node)
        return tuple(nodes)

    def check_host(self, ip: IPv4Address, segment: Segment, path: Path) -> None:
        if ip not in segment.cidr:
            raise self.fail(path, f"{ip} is outside segment {segment.name} {segment.cidr}")
        if ip in (segment.cidr.network_address, segment.cidr.broadcast_address):
            raise self.fail(path, f"{ip} is the network or broadcast address of "
                            f"{segment.cidr} (expected a host address)")
        if ip == segment.router_ip:
            raise self.fail(path, f"{ip} is the underlay router's address on "
                            f"{segment.name} (the router is always .1)")

    def pods(self, raw: list[Any], nodes: dict[str, Node]) -> tuple[Pod, ...]:
        seen: dict[str, int] = {}
        taken: dict[IPv4Address, int] = {}
        pending: list[tuple[int, dict[str, Any], str, str, Node, bool]] = []
        for i, item in enumerate(raw):
            path: Path = ("pods", i)
            conf = self.mapping(item, path, ("name", "namespace", "node", "labels", "ip",
                                             "hostNetwork", "containers", "mac", "dnsPolicy",
                                             "dnsConfig"))
            if "name" not in conf:
                raise self.fail(path, "missing name (every pod needs one)")
            name = self.k8s_name(conf["name"], (*path, "name"), NameKind.POD)
            namespace = self.k8s_name(conf.get("namespace", DEFAULT_NAMESPACE),
                                      (*path, "namespace"), NameKind.NAMESPACE)
            key = f"{namespace}/{name}"
            if key in seen:
                raise self.fail((*path, "name"), f"duplicate pod {shown(key)} "
                                f"(first at pods[{seen[key]}])")
            seen[key] = i
            if "node" not in conf:
                raise self.fail(path, "missing node (the scheduler's choice must be given)")
            node_name = self.string(conf["node"], (*path, "node"))
            node = nodes.get(node_name)
            if node is None:
                raise self.fail((*path, "node"), f"unknown node {shown(node_name)} (expected one "
                                f"of {_some(sorted(nodes))})")
            host = self.boolean(conf.get("hostNetwork", False), (*path, "hostNetwork"))
            if "ip" in conf:
                ip = self.address(conf["ip"], (*path, "ip"))
                if host:
                    if ip != node.ip:
                        raise self.fail((*path, "ip"), f"{ip} is not node {node.name}'s "
                                        f"address {node.ip} (a hostNetwork pod has it)")
                else:
                    self.check_pod_ip(ip, node, (*path, "ip"))
                    if ip in taken:
                        raise self.fail((*path, "ip"), f"{ip} is taken twice "
                                        f"(also pods[{taken[ip]}].ip)")
                    taken[ip] = i
            pending.append((i, conf, name, namespace, node, host))
        pools: dict[str, Iterator[int]] = {}
        taken_ints = {int(ip) for ip in taken}
        pods = []
        for i, conf, name, namespace, node, host in pending:
            path = ("pods", i)
            if host:
                ip = node.ip
            elif "ip" in conf:
                ip = self.address(conf["ip"], (*path, "ip"))
            else:
                pool = pools.get(node.name)
                if pool is None:
                    pool = pools[node.name] = _pod_range(node.pod_cidr)
                found = next((v for v in pool if v not in taken_ints), None)
                if found is None:
                    raise self.fail(path, f"no free pod address left in node {node.name}'s "
                                    f"podCIDR {node.pod_cidr} (host-local allocates "
                                    f"{_range_text(node.pod_cidr)})")
                ip = IPv4Address(found)
            key = f"{namespace}/{name}"
            mac = (self.mac(conf["mac"], (*path, "mac")) if "mac" in conf
                   else derive_mac("pod", key, "eth0"))
            policy, dns_config = self.pod_dns(conf, path)
            pods.append(Pod(name=name, namespace=namespace, node=node.name, ip=ip,
                            host_network=host, mac=mac,
                            labels=self.labels(conf.get("labels"), (*path, "labels")),
                            containers=self.containers(conf.get("containers"),
                                                       (*path, "containers"), host),
                            dns_policy=policy, dns_config=dns_config))
        self.check_host_ports(pods)
        return tuple(pods)

    def check_host_ports(self, pods: list[Pod]) -> None:
        """The scheduler's NodePorts filter (``framework.HostPortInfo.CheckConflict``):
        two pods on one node cannot both hold a protocol and port on one hostIP,
        and hostIP 0.0.0.0 (or none) holds it on every address. The spec pins pods
        to nodes, so a conflict is a pod the scheduler would never have put there."""
        held: dict[tuple[str, Protocol, int], list[tuple[IPv4Address | None, int, Path]]] = {}
        for i, pod in enumerate(pods):
            for c, container in enumerate(pod.containers):
                for j, port in enumerate(container.ports):
                    if port.host_port is None:
                        continue
                    path: Path = ("pods", i, "containers", c, "ports", j, "hostPort")
                    wild = port.host_ip is None or port.host_ip.is_unspecified
                    slot = held.setdefault((pod.node, port.protocol, port.host_port), [])
                    for ip, owner, where in slot:
                        if owner != i and (wild or ip is None or ip.is_unspecified
                                           or ip == port.host_ip):
                            raise self.fail(path, f"{port.host_port}/{port.protocol} is "
                                            f"already held on node {pod.node} by pod "
                                            f"{pods[owner].key} ({format_path(where)}): the "
                                            "scheduler would not place this pod there")
                    slot.append((port.host_ip, i, path))

    def check_pod_ip(self, ip: IPv4Address, node: Node, path: Path) -> None:
        if ip not in node.pod_cidr:
            raise self.fail(path, f"{ip} is outside node {node.name}'s podCIDR "
                            f"{node.pod_cidr}")
        if not _first(node.pod_cidr) <= ip <= _last(node.pod_cidr):
            raise self.fail(path, f"{ip} is reserved in {node.pod_cidr} (host-local "
                            f"allocates {_range_text(node.pod_cidr)}; .1 is cni0)")

    def containers(self, value: Any, path: Path, host: bool = False) -> tuple[Container, ...]:
        out = []
        names: set[str] = set()
        host_ports: dict[str, Path] = {}
        for i, item in enumerate(self.sequence(value, path)):
            cpath = (*path, i)
            conf = self.mapping(item, cpath, ("name", "image", "ports"))
            name = self.k8s_name(conf.get("name", f"container-{i + 1}"), (*cpath, "name"),
                                 NameKind.CONTAINER)
            if name in names:
                raise self.fail((*cpath, "name"), f"duplicate container name {shown(name)}")
            names.add(name)
            ports = []
            for j, port in enumerate(self.sequence(conf.get("ports"), (*cpath, "ports"))):
                ppath = (*cpath, "ports", j)
                pconf = self.mapping(port, ppath, ("containerPort", "protocol", "name",
                                                   "hostPort", "hostIP"))
                if "containerPort" not in pconf:
                    raise self.fail(ppath, "missing containerPort")
                number = self.integer(pconf["containerPort"], (*ppath, "containerPort"),
                                      1, 65535)
                protocol = self.choice(pconf.get("protocol", "TCP"), (*ppath, "protocol"),
                                       Protocol, "protocol")
                pname = (self.k8s_name(pconf["name"], (*ppath, "name"),
                                       NameKind.CONTAINER_PORT) if "name" in pconf else None)
                host_port, host_ip = self.host_port(pconf, ppath, number, protocol, host,
                                                    host_ports)
                ports.append(ContainerPort(number, protocol, pname, host_port, host_ip))
            out.append(Container(name, tuple(ports)))
        return tuple(out)

    def host_port(self, conf: dict[str, Any], path: Path, container_port: int,
                  protocol: Protocol, host_network: bool, seen: dict[str, Path],
                  ) -> tuple[int | None, IPv4Address | None]:
        """hostPort and hostIP, checked as the API server does (core validation's
        validateContainerPorts, validateHostNetwork, AccumulateUniqueHostPorts)."""
        host_ip = (self.address(conf["hostIP"], (*path, "hostIP")) if "hostIP" in conf
                   else None)
        if "hostPort" in conf:
            number: int | None = self.integer(conf["hostPort"], (*path, "hostPort"), 1, 65535)
        else:
            # SetDefaults_Pod: with hostNetwork, hostPort defaults to containerPort.
            number = container_port if host_network else None
        if number is None:
            if host_ip is not None:
                raise self.fail((*path, "hostIP"), "only with hostPort")
            return None, None
        if host_network and number != container_port:
            raise self.fail((*path, "hostPort"), f"{number} must match containerPort "
                            f"{container_port} when hostNetwork is true")
        key = f"{protocol}/{host_ip or ''}/{number}"
        if key in seen:
            raise self.fail((*path, "hostPort"), f"Duplicate value: {shown(key)} (also "
                            f"{format_path(seen[key])})")
        seen[key] = (*path, "hostPort")
        return number, host_ip


class _DisjointCidrs:
    """podCIDRs in the order the spec gives them, each checked against those before.

    kube-controller-manager's range allocator never hands one /24 to two nodes,
    and two nodes routing the same pod range break every route to it. Kept
    sorted by first address: the set so far is disjoint, so a new range can
    only overlap its two neighbours (a bisect and two comparisons, not a scan).
    The first node in spec order that collides is the one reported, as an
    allocator admitting nodes one at a time would refuse it.
    """

    def __init__(self) -> None:
        self._ranges: list[tuple[int, int, int, IPv4Network]] = []

    def add(self, cidr: IPv4Network, index: int) -> tuple[IPv4Network, int] | None:
        """Keep ``cidr`` (of node ``index``), or return the earlier one it overlaps."""
        first, last = int(cidr.network_address), int(cidr.broadcast_address)
        at = bisect.bisect_left(self._ranges, (first,))
        clashes = []
        if at > 0 and self._ranges[at - 1][1] >= first:
            clashes.append(self._ranges[at - 1])
        if at < len(self._ranges) and self._ranges[at][0] <= last:
            clashes.append(self._ranges[at])
        if clashes:
            _, _, j, other = min(clashes, key=lambda r: r[2])
            return other, j
        self._ranges.insert(at, (first, last, index, cidr))
        return None

    def networks(self) -> list[IPv4Network]:
        return [r[3] for r in self._ranges]


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")


def _first(cidr: IPv4Network) -> IPv4Address:
    """host-local's default ``rangeStart``: the gateway is .1, pods start at .2."""
    return cidr.network_address + 2


def _last(cidr: IPv4Network) -> IPv4Address:
    """host-local's default ``rangeEnd``: the address before broadcast."""
    return cidr.broadcast_address - 1


def _pod_range(cidr: IPv4Network) -> Iterator[int]:
    return iter(range(int(_first(cidr)), int(_last(cidr)) + 1))


def _range_text(cidr: IPv4Network) -> str:
    return f"{_first(cidr)}-{_last(cidr)}"


def _hosts_after_router(segment: Segment) -> Iterator[IPv4Address]:
    start = int(segment.router_ip) + 1
    end = int(segment.cidr.broadcast_address)
    return (IPv4Address(v) for v in range(start, end))


def _subnets(net: IPv4Network, prefix: int) -> Iterator[IPv4Network]:
    if net.prefixlen > prefix:
        return iter(())
    return net.subnets(new_prefix=prefix)


def _next_free(pool: Iterator[IPv4Address], taken: dict[IPv4Address, int]
               ) -> IPv4Address | None:
    for candidate in pool:
        if candidate not in taken:
            return candidate
    return None


def _next_free_subnet(pool: Iterator[IPv4Network], explicit: list[IPv4Network]
                      ) -> IPv4Network | None:
    # Allocated subnets come from one ascending iterator and never overlap each
    # other; only the podCIDRs written in the spec can be in the way.
    for candidate in pool:
        if not any(candidate.overlaps(t) for t in explicit):
            return candidate
    return None
