"""Load cluster DNS: ``cluster.dns``, a pod's ``dnsPolicy``/``dnsConfig``, a
node's ``resolvConf``; build the CoreDNS pods and the ``kube-system/kube-dns``
Service that kubeadm's DNS addon installs.

Opt-in: with no ``cluster.dns`` the spec has no CoreDNS and no kube-dns
Service (every output of such a spec is what it was), but kubelet still has
its clusterDNS and clusterDomain, so each pod's resolv.conf is computed. With
``cluster.dns`` the Service and its endpoints are ordinary model objects:
kube-proxy's rules, the tracer and the state tables see them as any other.

```yaml
cluster:
  dns:
    clusterIP: 10.96.0.10     # kubelet --cluster-dns; default: the 10th address
    domain: cluster.local     # kubelet --cluster-domain
    coredns:                  # the Deployment's pods, where the scheduler put them
      - {node: node-1}
      - {node: node-2, name: coredns-2, ip: 10.244.1.9}
```
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Any

from netmodel.spec.addressing import derive_mac
from netmodel.spec.cluster import Container, ContainerPort, Node, Pod, Protocol
from netmodel.spec.dns import (
    COREDNS_LABEL,
    DEFAULT_DNS_INDEX,
    DEFAULT_DOMAIN,
    KUBE_DNS,
    MAX_NAMESERVERS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_PATHS,
    ClusterDNS,
    DNSOption,
    DNSPolicy,
    PodDNSConfig,
    ResolvConf,
)
from netmodel.spec.fields import Fields
from netmodel.spec.names import NameKind, problem
from netmodel.spec.services import Endpoint, Service, ServicePort, ServiceType
from netmodel.spec.shown import shown
from netmodel.spec.yamlsource import Path

__all__ = ["DNS_PATH", "DnsFields", "kube_dns_service"]

DNS_PATH: Path = ("cluster", "dns")
_NAMESPACE, _, _SERVICE = KUBE_DNS.partition("/")

# The coredns container of kubeadm's CoreDNSDeployment manifest
# (cmd/kubeadm/app/phases/addons/dns/manifests.go), ports as it declares them.
_COREDNS_CONTAINER = Container("coredns", (
    ContainerPort(53, Protocol.UDP, "dns"),
    ContainerPort(53, Protocol.TCP, "dns-tcp"),
    ContainerPort(9153, Protocol.TCP, "metrics"),
    ContainerPort(8080, Protocol.TCP, "liveness-probe"),
    ContainerPort(8181, Protocol.TCP, "readiness-probe"),
))
# kubeadm's CoreDNSService: (name, port, protocol, targetPort).
_KUBE_DNS_PORTS = (("dns", 53, Protocol.UDP, 53), ("dns-tcp", 53, Protocol.TCP, 53),
                   ("metrics", 9153, Protocol.TCP, 9153))


class DnsFields(Fields):
    """The DNS fields of a spec, read and checked as the API server and kubeadm would."""

    def cluster_dns(self, value: Any, given: bool,
                    service_cidr: IPv4Network) -> tuple[ClusterDNS, list[Any]]:
        """``cluster.dns`` (``given``: the key is there, even empty), and its raw
        ``coredns`` entries (placed once the spec's pods are)."""
        conf = self.optional_mapping(value, DNS_PATH, ("clusterIP", "domain", "coredns"))
        ip_path: Path = (*DNS_PATH, "clusterIP")
        if "clusterIP" in conf:
            cluster_ip = self.address(conf["clusterIP"], ip_path)
        elif service_cidr.num_addresses > DEFAULT_DNS_INDEX + 1:
            cluster_ip = service_cidr.network_address + DEFAULT_DNS_INDEX
        else:
            # utilnet.GetIndexedIP fails the same way: kubeadm init stops here.
            raise self.fail(("cluster", "serviceCIDR"), f"{service_cidr} has no 10th address "
                            "for the cluster DNS (give cluster.dns.clusterIP)")
        # The kube-dns Service carries this address as its spec.clusterIP, and the
        # API server refuses a ClusterIP outside the service range.
        if cluster_ip not in service_cidr or cluster_ip in (service_cidr.network_address,
                                                            service_cidr.broadcast_address):
            raise self.fail(ip_path, f"{cluster_ip} is not a usable address of serviceCIDR "
                            f"{service_cidr} (the kube-dns Service's ClusterIP must be)")
        domain = self.string(conf.get("domain", DEFAULT_DOMAIN), (*DNS_PATH, "domain"))
        # kubeadm's ValidateNetworking: ValidateDNS1123Subdomain(networking.dnsDomain).
        why = problem(domain, NameKind.DNS_DOMAIN)
        if why is not None:
            raise self.fail((*DNS_PATH, "domain"), why)
        raw = self.sequence(conf.get("coredns"), (*DNS_PATH, "coredns"))
        return ClusterDNS(cluster_ip, domain, given), raw

    def pod_dns(self, conf: dict[str, Any], path: Path) -> tuple[DNSPolicy, PodDNSConfig | None]:
        """``dnsPolicy`` and ``dnsConfig`` of a pod, as validatePodDNSConfig checks them."""
        if "dnsPolicy" not in conf and "dnsConfig" not in conf:
            return DNSPolicy.CLUSTER_FIRST, None  # most pods: no field read at all
        policy = self.choice(conf.get("dnsPolicy", "ClusterFirst"), (*path, "dnsPolicy"),
                             DNSPolicy, "dnsPolicy")
        cpath: Path = (*path, "dnsConfig")
        if "dnsConfig" not in conf:
            if policy is DNSPolicy.NONE:
                raise self.fail((*path, "dnsPolicy"), "must provide dnsConfig when dnsPolicy "
                                "is None")
            return policy, None
        raw = self.optional_mapping(conf["dnsConfig"], cpath,
                                    ("nameservers", "searches", "options"))
        servers = tuple(self.address(v, (*cpath, "nameservers", i)) for i, v in
                        enumerate(self.sequence(raw.get("nameservers"), (*cpath, "nameservers"))))
        if policy is DNSPolicy.NONE and not servers:
            raise self.fail((*cpath, "nameservers"), "must provide at least one DNS nameserver "
                            "when dnsPolicy is None")
        if len(servers) > MAX_NAMESERVERS:
            raise self.fail((*cpath, "nameservers"), f"must not have more than "
                            f"{MAX_NAMESERVERS} nameservers")
        searches = self.searches(raw.get("searches"), (*cpath, "searches"))
        options = []
        for i, item in enumerate(self.sequence(raw.get("options"), (*cpath, "options"))):
            opath: Path = (*cpath, "options", i)
            option = self.mapping(item, opath, ("name", "value"))
            if "name" not in option:
                raise self.fail(opath, "missing name (must not be empty)")
            name = self.string(option["name"], (*opath, "name"))
            value = (self.string(option["value"], (*opath, "value"))
                     if option.get("value") is not None else None)
            options.append(DNSOption(name, value))
        return policy, PodDNSConfig(servers, searches, tuple(options))

    def searches(self, value: Any, path: Path) -> tuple[str, ...]:
        out = tuple(self.string(v, (*path, i)) for i, v in
                    enumerate(self.sequence(value, path)))
        if len(out) > MAX_SEARCH_PATHS:
            raise self.fail(path, f"must not have more than {MAX_SEARCH_PATHS} search paths")
        if len(" ".join(out)) > MAX_SEARCH_CHARS:
            raise self.fail(path, f"must not have more than {MAX_SEARCH_CHARS} characters "
                            "(including spaces) in the search list")
        for i, search in enumerate(out):
            # "it is fine to have a trailing dot" (validatePodDNSConfig).
            why = problem(search.removesuffix("."), NameKind.SEARCH_DOMAIN)
            if why is not None:
                raise self.fail((*path, i), why)
        return out

    def resolv_conf(self, value: Any, path: Path, router: IPv4Address) -> ResolvConf:
        """A node's ``resolvConf``: its /etc/resolv.conf, the file kubelet's
        ``--resolv-conf`` names. Left out: the underlay router as the one
        nameserver, as a DHCP server on the segment would hand out."""
        if value is None:
            return ResolvConf(nameservers=(str(router),))
        conf = self.mapping(value, path, ("nameservers", "searches", "options"))
        servers = tuple(str(self.address(v, (*path, "nameservers", i))) for i, v in
                        enumerate(self.sequence(conf.get("nameservers"),
                                                (*path, "nameservers"))))
        # parseResolvConf trims one trailing dot from each search domain.
        searches = tuple(self.string(v, (*path, "searches", i)).removesuffix(".") for i, v in
                         enumerate(self.sequence(conf.get("searches"), (*path, "searches"))))
        options = tuple(self.string(v, (*path, "options", i)) for i, v in
                        enumerate(self.sequence(conf.get("options"), (*path, "options"))))
        return ResolvConf(servers, searches, options)

    def coredns_pods(self, raw: list[Any], nodes: dict[str, Node],
                     pods: tuple[Pod, ...]) -> tuple[Pod, ...]:
        """The CoreDNS Deployment's pods, as ``cluster.dns.coredns`` places them.

        Addresses come after the spec's own pods: adding DNS to a spec leaves
        every pod it had where it was (a real cluster started CoreDNS first; its
        pods would hold .2 and .3, and a reader's web-1 would move)."""
        taken = {int(p.ip) for p in pods if not p.host_network}
        keys = {p.key for p in pods}
        out = []
        for i, item in enumerate(raw):
            path: Path = (*DNS_PATH, "coredns", i)
            out.append(self.coredns_pod(item, path, i, nodes, taken, keys))
        return tuple(out)

    def coredns_pod(self, item: Any, path: Path, i: int, nodes: dict[str, Node],
                    taken: set[int], keys: set[str]) -> Pod:
        conf = self.mapping(item, path, ("name", "node", "ip"))
        name = self.k8s_name(conf.get("name", f"coredns-{i + 1}"), (*path, "name"),
                             NameKind.POD)
        key = f"{_NAMESPACE}/{name}"
        if key in keys:
            raise self.fail((*path, "name"), f"duplicate pod {shown(key)}")
        keys.add(key)
        if "node" not in conf:
            raise self.fail(path, "missing node (the scheduler's choice must be given)")
        node_name = self.string(conf["node"], (*path, "node"))
        node = nodes.get(node_name)
        if node is None:
            raise self.fail((*path, "node"), f"unknown node {shown(node_name)} (expected "
                            f"one of {', '.join(sorted(nodes)[:5])})")
        pool = _host_local(node.pod_cidr)
        if "ip" in conf:
            ip = self.address(conf["ip"], (*path, "ip"))
            if int(ip) not in pool:
                raise self.fail((*path, "ip"), f"{ip} is not an address host-local hands "
                                f"out in node {node.name}'s podCIDR {node.pod_cidr} "
                                "(.2 to the last before broadcast)")
            if int(ip) in taken:
                raise self.fail((*path, "ip"), f"{ip} is taken twice (another pod has it)")
        else:
            found = next((v for v in pool if v not in taken), None)
            if found is None:
                raise self.fail(path, f"no free pod address left in node {node.name}'s "
                                f"podCIDR {node.pod_cidr}")
            ip = IPv4Address(found)
        taken.add(int(ip))
        return Pod(name=name, namespace=_NAMESPACE, node=node.name, ip=ip,
                   host_network=False, mac=derive_mac("pod", key, "eth0"),
                   labels=(COREDNS_LABEL,), containers=(_COREDNS_CONTAINER,),
                   # kubeadm's manifest: CoreDNS itself resolves upstream names
                   # through the node's resolv.conf (forward . /etc/resolv.conf).
                   dns_policy=DNSPolicy.DEFAULT)


def kube_dns_service(dns: ClusterDNS, pods: tuple[Pod, ...]) -> Service:
    """kubeadm's CoreDNSService: ``kube-system/kube-dns`` at the cluster DNS
    address, selector ``k8s-app=kube-dns``, its endpoints every pod of the
    namespace that carries the label (the EndpointSlice controller's choice)."""
    selected = [p for p in pods if p.namespace == _NAMESPACE and COREDNS_LABEL in p.labels]
    ports = tuple(
        ServicePort(name, port, protocol, str(target), None,
                    tuple(Endpoint(p.ip, target, p.node, p.key)
                          for p in selected))
        for name, port, protocol, target in _KUBE_DNS_PORTS)
    return Service(name=_SERVICE, namespace=_NAMESPACE, type=ServiceType.CLUSTER_IP,
                   cluster_ip=dns.cluster_ip, ports=ports, selector=(COREDNS_LABEL,))


def _host_local(cidr: IPv4Network) -> range:
    """host-local's default range (load.py's _first/_last): .1 is the gateway
    (cni0), pods from .2 to the address before broadcast."""
    return range(int(cidr.network_address) + 2, int(cidr.broadcast_address))
