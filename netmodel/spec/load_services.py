"""Load the ``services:`` and ``ingresses:`` sections, resolving endpoints.

Validation follows the API server: a nodePort outside the range or used twice,
a clusterIP outside the service CIDR, two unnamed ports are errors. What
Kubernetes accepts but is probably a mistake — a selector that matches no pod,
a targetPort no container declares — is a warning, and the service is kept.
Endpoints are what the EndpointSlice controller would publish: every pod of the
namespace whose labels match the selector (pods are taken as ready). A port may
instead list its own ``endpoints:`` (what ``netmodel import`` reads from a real
cluster's EndpointSlices, readiness applied): then they are that port's
endpoints, and the selector, kept for reference, picks none for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from netmodel.spec.cluster import Node, Pod
from netmodel.spec.fields import Fields, kind_of
from netmodel.spec.keys import DEFAULT_NAMESPACE
from netmodel.spec.names import NameKind, problem
from netmodel.spec.protocol import Protocol
from netmodel.spec.services import (
    Endpoint,
    Ingress,
    IngressPath,
    Service,
    ServicePort,
    ServiceType,
    TrafficPolicy,
)
from netmodel.spec.shown import shown
from netmodel.spec.warning import SpecWarning
from netmodel.spec.yamlsource import Path, SourceDoc, format_path

__all__ = ["load_ingresses", "load_services"]

_SERVICE_FIELDS = ("name", "namespace", "type", "clusterIP", "selector", "endpoints",
                   "externalTrafficPolicy", "externalIPs", "loadBalancerIP",
                   "loadBalancerSourceRanges", "healthCheckNodePort", "sessionAffinity",
                   "sessionAffinityConfig", "ports")
_BUILTIN: Path = ("kube-apiserver",)  # who holds default/kubernetes's address
DEFAULT_AFFINITY_TIMEOUT = 10800  # 3 hours, the API default for ClientIP timeoutSeconds


class _ServiceLoader(Fields):
    def __init__(self, doc: SourceDoc, pods: tuple[Pod, ...], nodes: dict[str, Node],
                 service_cidr: IPv4Network, node_ports: tuple[int, int],
                 reserved: Mapping[IPv4Address, Path] | None = None) -> None:
        super().__init__(doc)
        self.pods = pods
        self.nodes = nodes
        self.service_cidr = service_cidr
        self.node_ports = node_ports
        self.warnings: list[SpecWarning] = []
        # Addresses the spec gives elsewhere (cluster.dns.clusterIP): taken
        # before any Service's, as the API server would find them allocated.
        self.cluster_ips: dict[IPv4Address, Path] = dict(reserved or {})
        self.used_node_ports: dict[int, Path] = {}
        self._by_label: dict[tuple[str, str, str], list[int]] | None = None
        self._by_ip: dict[IPv4Address, str] | None = None

    def warn(self, path: Path, problem: str) -> None:
        self.warnings.append(SpecWarning(self.doc.file, self.doc.line_of(path),
                                         format_path(path), problem))

    def services(self, raw: list[Any], builtin: Service | None = None) -> tuple[Service, ...]:
        drafts = []
        seen: dict[str, int] = {}
        if builtin is not None:
            # kube-apiserver created it first: its address and its name are taken.
            self.cluster_ips[builtin.cluster_ip] = _BUILTIN
            if not builtin.ports[0].endpoints:
                self.warn(("nodes",), f"no node has role control-plane: {builtin.key} "
                          "has no endpoints (its API servers are not in the spec)")
        for i, item in enumerate(raw):
            path: Path = ("services", i)
            conf = self.mapping(item, path, _SERVICE_FIELDS)
            if "name" not in conf:
                raise self.fail(path, "missing name (every service needs one)")
            name = self.k8s_name(conf["name"], (*path, "name"), NameKind.SERVICE)
            namespace = self.k8s_name(conf.get("namespace", DEFAULT_NAMESPACE),
                                      (*path, "namespace"), NameKind.NAMESPACE)
            key = f"{namespace}/{name}"
            if builtin is not None and key == builtin.key:
                raise self.fail((*path, "name"), f"{key} already exists (kube-apiserver "
                                "creates it; set cluster.kubernetesService: false to "
                                "describe it yourself)")
            if key in seen:
                raise self.fail((*path, "name"), f"duplicate service {shown(key)} "
                                f"(first at services[{seen[key]}])")
            seen[key] = i
            if "clusterIP" in conf:
                self.claim_cluster_ip(self.address(conf["clusterIP"], (*path, "clusterIP")),
                                      (*path, "clusterIP"))
            drafts.append((path, conf, name, namespace))
        free_ips = self.free_cluster_ips()
        services = []
        for path, conf, name, namespace in drafts:
            if "clusterIP" in conf:
                cluster_ip = self.address(conf["clusterIP"], (*path, "clusterIP"))
            else:
                found = next(free_ips, None)
                if found is None:
                    raise self.fail(path, f"no free address left in serviceCIDR "
                                    f"{self.service_cidr}")
                cluster_ip = found
            services.append(self.service(path, conf, name, namespace, cluster_ip))
        return (builtin, *services) if builtin is not None else tuple(services)

    def claim_cluster_ip(self, ip: IPv4Address, path: Path) -> None:
        net = self.service_cidr
        if ip not in net or ip in (net.network_address, net.broadcast_address):
            raise self.fail(path, f"{ip} is not a usable address of serviceCIDR {net}")
        if ip in self.cluster_ips:
            owner = self.cluster_ips[ip]
            # The API server's own words (ipallocator.ErrAllocated), then whose it is.
            whose = ("default/kubernetes, which kube-apiserver puts at the first "
                     "address of serviceCIDR" if owner is _BUILTIN else format_path(owner[:2]))
            raise self.fail(path, f"{ip}: provided IP is already allocated (to {whose})")
        self.cluster_ips[ip] = path

    def free_cluster_ips(self) -> Iterator[IPv4Address]:
        # The API server picks at random, from the upper band first (KEP-3070:
        # the lower band is kept for addresses chosen by hand, such as the DNS
        # service's .10). A reference needs stable addresses, so this stand-in
        # takes the upper band in order.
        net = self.service_cidr
        size = net.num_addresses
        band = min(max(16, size // 16), 256)
        first = int(net.network_address) + (band + 1 if size > 2 * band else 1)
        for value in range(first, int(net.broadcast_address)):
            candidate = IPv4Address(value)
            if candidate not in self.cluster_ips:
                self.cluster_ips[candidate] = ()
                yield candidate

    def service(self, path: Path, conf: dict[str, Any], name: str, namespace: str,
                cluster_ip: IPv4Address) -> Service:
        kind = self.choice(conf.get("type", "ClusterIP"), (*path, "type"), ServiceType,
                           "service type")
        external_ips = tuple(self.address(v, (*path, "externalIPs", j)) for j, v in
                             enumerate(self.sequence(conf.get("externalIPs"),
                                                     (*path, "externalIPs"))))
        policy = self.choice(conf.get("externalTrafficPolicy", "Cluster"),
                             (*path, "externalTrafficPolicy"), TrafficPolicy,
                             "externalTrafficPolicy")
        if policy is TrafficPolicy.LOCAL and kind is ServiceType.CLUSTER_IP \
                and not external_ips:
            raise self.fail((*path, "externalTrafficPolicy"), "Local may only be set for "
                            "externally-accessible services (NodePort, LoadBalancer or "
                            "externalIPs)")
        lb_ip = None
        if "loadBalancerIP" in conf:
            if kind is not ServiceType.LOAD_BALANCER:
                raise self.fail((*path, "loadBalancerIP"), "only for type LoadBalancer")
            lb_ip = self.address(conf["loadBalancerIP"], (*path, "loadBalancerIP"))
        ranges = tuple(self.cidr(v, (*path, "loadBalancerSourceRanges", j)) for j, v in
                       enumerate(self.sequence(conf.get("loadBalancerSourceRanges"),
                                               (*path, "loadBalancerSourceRanges"))))
        if ranges and kind is not ServiceType.LOAD_BALANCER:
            raise self.fail((*path, "loadBalancerSourceRanges"), "only for type LoadBalancer")
        selector = self.selector(conf, path)
        ports = self.ports(path, conf, kind, namespace, selector)
        health = None
        wants_health = kind is ServiceType.LOAD_BALANCER and policy is TrafficPolicy.LOCAL
        if "healthCheckNodePort" in conf:
            if not wants_health:
                raise self.fail((*path, "healthCheckNodePort"), "only for type LoadBalancer "
                                "with externalTrafficPolicy Local")
            health = self.node_port(conf["healthCheckNodePort"], (*path, "healthCheckNodePort"))
        elif wants_health:
            health = self.allocate_node_port((*path, "healthCheckNodePort"))
        return Service(name=name, namespace=namespace, type=kind, cluster_ip=cluster_ip,
                       ports=ports, external_traffic_policy=policy, external_ips=external_ips,
                       load_balancer_ip=lb_ip, source_ranges=ranges,
                       health_check_node_port=health, selector=selector,
                       affinity_timeout=self.affinity(conf, path))

    def affinity(self, conf: dict[str, Any], path: Path) -> int | None:
        mode = self.string(conf.get("sessionAffinity", "None"), (*path, "sessionAffinity"))
        if mode not in ("None", "ClientIP"):
            raise self.fail((*path, "sessionAffinity"), f"unknown sessionAffinity {shown(mode)} "
                            "(expected one of ClientIP, None)")
        if mode == "None":
            if "sessionAffinityConfig" in conf:
                raise self.fail((*path, "sessionAffinityConfig"), "only with sessionAffinity "
                                "ClientIP")
            return None
        cpath: Path = (*path, "sessionAffinityConfig")
        config = self.optional_mapping(conf.get("sessionAffinityConfig"), cpath,
                                       ("clientIP",))
        client = self.optional_mapping(config.get("clientIP"), (*cpath, "clientIP"),
                                       ("timeoutSeconds",))
        return self.integer(client.get("timeoutSeconds", DEFAULT_AFFINITY_TIMEOUT),
                            (*cpath, "clientIP", "timeoutSeconds"), 1, 86400)

    def selector(self, conf: dict[str, Any], path: Path) -> tuple[tuple[str, str], ...]:
        if "selector" in conf and "endpoints" in conf:
            raise self.fail((*path, "endpoints"), "give a selector or endpoints, not both")
        return self.labels(conf.get("selector"), (*path, "selector"))

    def ports(self, path: Path, conf: dict[str, Any], kind: ServiceType, namespace: str,
              selector: tuple[tuple[str, str], ...]) -> tuple[ServicePort, ...]:
        raw = self.sequence(conf.get("ports"), (*path, "ports"))
        if not raw:
            raise self.fail((*path, "ports"), "missing (expected at least one port)")
        chosen: list[tuple[Pod, ...]] = []

        def selected() -> tuple[Pod, ...]:
            # Only a port without endpoints of its own asks the selector, so a
            # service whose ports all list theirs warns of no unmatched selector.
            if not chosen:
                chosen.append(self.selected_pods(namespace, selector, path))
            return chosen[0]

        names: set[str] = set()
        out = []
        for j, item in enumerate(raw):
            ppath: Path = (*path, "ports", j)
            pconf = self.mapping(item, ppath, ("name", "port", "targetPort", "protocol",
                                               "nodePort", "endpoints"))
            pname = (self.k8s_name(pconf["name"], (*ppath, "name"), NameKind.SERVICE_PORT)
                     if "name" in pconf else "")
            if len(raw) > 1 and not pname:
                raise self.fail(ppath, "missing name (required when a service has more "
                                "than one port)")
            if pname in names:
                raise self.fail((*ppath, "name"), f"duplicate port name {shown(pname)}")
            names.add(pname)
            if "port" not in pconf:
                raise self.fail(ppath, "missing port")
            number = self.integer(pconf["port"], (*ppath, "port"), 1, 65535)
            protocol = self.choice(pconf.get("protocol", "TCP"), (*ppath, "protocol"),
                                   Protocol, "protocol")
            target = pconf.get("targetPort", number)
            if isinstance(target, int) and not isinstance(target, bool):
                target = str(self.integer(target, (*ppath, "targetPort"), 1, 65535))
            else:
                target = self.k8s_name(target, (*ppath, "targetPort"), NameKind.PORT_REFERENCE)
            node_port = None
            if "nodePort" in pconf:
                if kind is ServiceType.CLUSTER_IP:
                    raise self.fail((*ppath, "nodePort"), "may not be used when type is "
                                    "ClusterIP")
                node_port = self.node_port(pconf["nodePort"], (*ppath, "nodePort"))
            elif kind is not ServiceType.CLUSTER_IP:
                node_port = self.allocate_node_port((*ppath, "nodePort"))
            if "endpoints" in pconf:
                if "endpoints" in conf:
                    raise self.fail((*ppath, "endpoints"), "give endpoints for the service or "
                                    "for each port, not both")
                endpoints = self.endpoint_list(pconf["endpoints"], (*ppath, "endpoints"),
                                               target, (*ppath, "targetPort"))
            elif selector:
                endpoints = self.pod_endpoints(selected(), target, protocol,
                                               (*ppath, "targetPort"))
            else:
                endpoints = self.explicit_endpoints(conf, path, target, (*ppath, "targetPort"))
            out.append(ServicePort(pname, number, protocol, target, node_port, endpoints))
        return tuple(out)

    def node_port(self, value: Any, path: Path) -> int:
        low, high = self.node_ports
        number = self.integer(value, path, 1, 65535)
        if not low <= number <= high:
            raise self.fail(path, f"{number} is outside serviceNodePortRange {low}-{high}")
        if number in self.used_node_ports:
            raise self.fail(path, f"{number} is already allocated to "
                            f"{format_path(self.used_node_ports[number])}")
        self.used_node_ports[number] = path
        return number

    def allocate_node_port(self, path: Path) -> int:
        # Like ClusterIPs: the upper band first (KEP-3668), in order here.
        low, high = self.node_ports
        band = min(max(16, (high - low + 1) // 32), 128)
        for number in [*range(low + band, high + 1), *range(low, low + band)]:
            if number not in self.used_node_ports:
                self.used_node_ports[number] = path
                return int(number)
        raise self.fail(path, f"no free port left in serviceNodePortRange {low}-{high}")

    def selected_pods(self, namespace: str, selector: tuple[tuple[str, str], ...],
                      path: Path) -> tuple[Pod, ...]:
        pods = tuple(self.pods[i] for i in self._matching(namespace, selector))
        if not pods:
            text = ",".join(f"{k}={v}" for k, v in selector)
            self.warn((*path, "selector"), f"selector {text} matches no pod in namespace "
                      f"{namespace}: the service has no endpoints")
        return pods

    def _matching(self, namespace: str, selector: tuple[tuple[str, str], ...]) -> list[int]:
        """Pods whose labels include the whole selector: the intersection of one
        index entry per label, not a scan of every pod for every service."""
        if self._by_label is None:
            self._by_label = {}
            for i, pod in enumerate(self.pods):
                for key, value in pod.labels:
                    self._by_label.setdefault((pod.namespace, key, value), []).append(i)
        lists = sorted((self._by_label.get((namespace, k, v), []) for k, v in selector), key=len)
        found = set(lists[0])
        for other in lists[1:]:
            found.intersection_update(other)
        return sorted(found)

    def pod_endpoints(self, pods: tuple[Pod, ...], target: str, protocol: Protocol,
                      path: Path) -> tuple[Endpoint, ...]:
        endpoints = []
        for pod in pods:
            declared = [cp for c in pod.containers for cp in c.ports if cp.protocol == protocol]
            if target.isdigit():
                port = int(target)
                if not any(cp.container_port == port for cp in declared):
                    self.warn(path, f"no container of pod {pod.key} declares {port}/"
                              f"{protocol.ip} (containerPort is informational; the "
                              "endpoint is kept)")
            else:
                named = [cp for cp in declared if cp.name == target]
                if not named:
                    self.warn(path, f"pod {pod.key} has no {protocol.ip} container port "
                              f"named {shown(target)}: it is not an endpoint of this port")
                    continue
                port = named[0].container_port
            endpoints.append(Endpoint(pod.ip, port, pod.node, pod.key))
        return tuple(endpoints)

    def explicit_endpoints(self, conf: dict[str, Any], path: Path, target: str,
                           target_path: Path) -> tuple[Endpoint, ...]:
        out = self.endpoint_list(conf.get("endpoints"), (*path, "endpoints"), target,
                                 target_path)
        if not out:
            self.warn(path, "no selector and no endpoints: the service has no endpoints")
        return out

    def endpoint_list(self, value: Any, path: Path, target: str,
                      target_path: Path) -> tuple[Endpoint, ...]:
        raw = self.sequence(value, path)
        out = []
        for j, item in enumerate(raw):
            epath: Path = (*path, j)
            econf = self.mapping(item, epath, ("ip", "nodeName", "port"))
            if "ip" not in econf:
                raise self.fail(epath, "missing ip")
            ip = self.address(econf["ip"], (*epath, "ip"))
            node = None
            if "nodeName" in econf:
                node = self.string(econf["nodeName"], (*epath, "nodeName"))
                if node not in self.nodes:
                    raise self.fail((*epath, "nodeName"), f"unknown node {shown(node)}")
            if "port" in econf:
                port = self.integer(econf["port"], (*epath, "port"), 1, 65535)
            elif target.isdigit():
                port = int(target)
            else:
                raise self.fail(target_path, f"named targetPort {shown(target)} needs a port on "
                                "each explicit endpoint (no pod to look the name up in)")
            out.append(Endpoint(ip, port, node, self.pod_at(ip)))
        return tuple(out)

    def pod_at(self, ip: IPv4Address) -> str | None:
        """The pod (not hostNetwork) holding ``ip``: an index built once, not a
        scan of every pod for every endpoint (150,000 of each in a large cluster)."""
        if self._by_ip is None:
            self._by_ip = {}
            for pod in self.pods:
                if not pod.host_network:
                    self._by_ip.setdefault(pod.ip, pod.key)
        return self._by_ip.get(ip)


def load_services(doc: SourceDoc, raw: list[Any], pods: tuple[Pod, ...],
                  nodes: dict[str, Node], service_cidr: IPv4Network,
                  node_ports: tuple[int, int], builtin: Service | None = None,
                  reserved: Mapping[IPv4Address, Path] | None = None,
                  ) -> tuple[tuple[Service, ...], list[SpecWarning]]:
    """The spec's Services, after ``builtin`` (default/kubernetes) when there is
    one; ``reserved`` ClusterIPs (kube-dns's) are taken before any of them."""
    loader = _ServiceLoader(doc, pods, nodes, service_cidr, node_ports, reserved)
    return loader.services(raw, builtin), loader.warnings


def load_ingresses(doc: SourceDoc, raw: list[Any], services: tuple[Service, ...]
                   ) -> tuple[Ingress, ...]:
    fields = Fields(doc)
    by_key = {s.key: s for s in services}
    out = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        path: Path = ("ingresses", i)
        conf = fields.mapping(item, path, ("name", "namespace", "annotations", "controller",
                                           "rules"))
        if "name" not in conf:
            raise fields.fail(path, "missing name")
        name = fields.k8s_name(conf["name"], (*path, "name"), NameKind.INGRESS)
        namespace = fields.k8s_name(conf.get("namespace", DEFAULT_NAMESPACE), (*path, "namespace"),
                                    NameKind.NAMESPACE)
        key = f"{namespace}/{name}"
        if key in seen:  # the API server's AlreadyExists, as for Services
            raise fields.fail((*path, "name"), f"duplicate ingress {shown(key)} "
                              f"(first at ingresses[{seen[key]}])")
        seen[key] = i
        controller_conf = fields.mapping(conf.get("controller"), (*path, "controller"),
                                         ("service",))
        controller = _service_reference(fields, controller_conf.get("service"),
                                        (*path, "controller", "service"), namespace)
        if controller not in by_key:
            raise fields.fail((*path, "controller", "service"), f"unknown service "
                              f"{shown(controller)} (the Ingress controller's Service)")
        paths = []
        for r, rule in enumerate(fields.sequence(conf.get("rules"), (*path, "rules"))):
            rpath: Path = (*path, "rules", r)
            rconf = fields.mapping(rule, rpath, ("host", "http"))
            host = fields.string(rconf["host"], (*rpath, "host")) if "host" in rconf else ""
            http = fields.mapping(rconf.get("http"), (*rpath, "http"), ("paths",))
            for p, entry in enumerate(fields.sequence(http.get("paths"),
                                                      (*rpath, "http", "paths"))):
                ppath: Path = (*rpath, "http", "paths", p)
                paths.append(_ingress_path(fields, entry, ppath, host, namespace, by_key))
        out.append(Ingress(name, namespace, controller, tuple(paths),
                           _service_upstream(fields, conf.get("annotations"),
                                             (*path, "annotations"))))
    return tuple(out)


SERVICE_UPSTREAM = "nginx.ingress.kubernetes.io/service-upstream"
# strconv.ParseBool, which ingress-nginx's parser.GetBoolAnnotation calls; a value
# it cannot parse leaves the default (false), as the controller does.
_TRUE = ("1", "t", "T", "TRUE", "true", "True")


def _service_upstream(fields: Fields, value: Any, path: Path) -> bool:
    """Whether ingress-nginx proxies to the ClusterIP: the ``service-upstream``
    annotation (docs/user-guide/nginx-configuration/annotations.md, "Service
    Upstream"; internal/ingress/controller/controller.go, ``anns.ServiceUpstream``)."""
    if value is None:
        return False
    if not isinstance(value, dict):
        raise fields.fail(path, f"expected a mapping of annotation: value, got "
                          f"{kind_of(value)}")
    for key, val in value.items():
        kpath: Path = (*path, str(key))
        key_text = fields.string(key, kpath)
        why = problem(key_text, NameKind.LABEL_KEY)  # ValidateAnnotations: IsQualifiedName
        if why is not None:
            raise fields.fail(kpath, why)
        if not isinstance(val, str):
            # ObjectMeta.Annotations is map[string]string: a YAML true is refused.
            raise fields.fail(kpath, f"expected a string (quote it: \"true\"), got "
                              f"{kind_of(val)}")
    return value.get(SERVICE_UPSTREAM) in _TRUE


def _service_reference(fields: Fields, value: Any, path: Path, namespace: str) -> str:
    """``NAME`` (in ``namespace``) or ``NS/NAME``, as ``NS/NAME``: each part is
    checked as the object it names would be (the namespace a DNS-1123 label,
    the name a DNS-1035 label), so a typo reads as one, not as "unknown service"."""
    text = fields.string(value, path)
    ns, slash, name = text.rpartition("/")
    if not slash:
        ns = namespace
    for part, kind in ((ns, NameKind.NAMESPACE), (name, NameKind.SERVICE)):
        why = problem(part, kind)
        if why is not None:
            raise fields.fail(path, f"in {shown(text)}: {why}")
    return f"{ns}/{name}"


def _ingress_path(fields: Fields, entry: Any, path: Path, host: str, namespace: str,
                  services: dict[str, Service]) -> IngressPath:
    conf = fields.mapping(entry, path, ("path", "pathType", "backend"))
    text = fields.string(conf.get("path", "/"), (*path, "path"))
    if not text.startswith("/"):
        raise fields.fail((*path, "path"), f"{shown(text)} must start with '/'")
    path_type = fields.string(conf.get("pathType", "Prefix"), (*path, "pathType"))
    if path_type not in ("Exact", "Prefix", "ImplementationSpecific"):
        raise fields.fail((*path, "pathType"), f"unknown pathType {shown(path_type)} (expected "
                          "one of Exact, ImplementationSpecific, Prefix)")
    backend = fields.mapping(conf.get("backend"), (*path, "backend"), ("service",))
    spath: Path = (*path, "backend", "service")
    svc = fields.mapping(backend.get("service"), spath, ("name", "port"))
    # networking/validation's validateIngressBackend checks the name as a Service
    # name and a named port with IsValidPortName.
    name = fields.k8s_name(svc.get("name"), (*spath, "name"), NameKind.SERVICE)
    key = f"{namespace}/{name}"
    if key not in services:
        raise fields.fail((*spath, "name"), f"unknown service {shown(key)} (an Ingress backend is "
                          "in the Ingress's namespace)")
    port = fields.mapping(svc.get("port"), (*spath, "port"), ("number", "name"))
    if "number" in port:
        value = str(fields.integer(port["number"], (*spath, "port", "number"), 1, 65535))
        known = [str(p.port) for p in services[key].ports]
    else:
        value = fields.k8s_name(port.get("name"), (*spath, "port", "name"),
                                NameKind.PORT_REFERENCE)
        known = [p.name for p in services[key].ports]
    if value not in known:
        raise fields.fail((*spath, "port"), f"service {key} has no port {value} (ports: "
                          f"{', '.join(known)})")
    return IngressPath(host, text, path_type, key, value)
