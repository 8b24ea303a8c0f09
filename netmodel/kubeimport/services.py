"""A Service as the spec's ``services:`` entry, as far as the spec models it.

kube-proxy programs ClusterIP, NodePort and LoadBalancer Services that have a
cluster IP (pkg/proxy/serviceport.go, ``newBaseServiceInfo``; the proxier skips
``ShouldSkipService``: ExternalName and headless ones). Those are imported; the
others are counted and left out, as are fields the spec does not model.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from netmodel.kubeimport.addresses import address
from netmodel.kubeimport.documents import KubeObject
from netmodel.kubeimport.fields import Fields, Path
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.values import ImportedService, ImportedServicePort
from netmodel.spec.load_services import DEFAULT_AFFINITY_TIMEOUT

__all__ = ["read_service"]

_MODELLED = ("ClusterIP", "NodePort", "LoadBalancer")


def read_service(obj: KubeObject, notes: Notes) -> ImportedService | None:
    fields = Fields(obj.data, obj.origin)
    name = fields.required(("metadata", "name"), "every Service has a name")
    namespace = fields.string(("metadata", "namespace")) or "default"
    kind = fields.string(("spec", "type")) or "ClusterIP"
    if kind not in _MODELLED:
        notes.add("service.type", type=kind)
        return None
    texts: list[tuple[Path, str | None]] = [
        (("spec", "clusterIP"), fields.string(("spec", "clusterIP")))]
    texts += [(("spec", "clusterIPs", i), fields.string(("spec", "clusterIPs", i)))
              for i in range(len(fields.sequence(("spec", "clusterIPs"))))]
    if any(text == "None" for _, text in texts):
        notes.add("service.headless")
        return None
    cluster_ip = None
    for path, text in texts:
        if text:
            found = address(fields, path, text)
            if found is None:
                if path[1] == "clusterIPs":
                    notes.add("ipv6", what="Service clusterIP")
            elif cluster_ip is None:
                cluster_ip = found
    if cluster_ip is None:
        if any(text for _, text in texts):
            return None  # IPv6 only, counted above
        raise fields.fail(("spec", "clusterIP"), f"Service {namespace}/{name} has no "
                          "clusterIP (the API server allocates one to every ClusterIP, "
                          "NodePort and LoadBalancer Service)")
    ports = []
    for i, _ in enumerate(fields.sequence(("spec", "ports"))):
        ppath = ("spec", "ports", i)
        number = fields.integer((*ppath, "port"))
        if number is None:
            raise fields.fail((*ppath, "port"), "missing")
        raw_target = fields.raw((*ppath, "targetPort"))
        target: int | str
        if raw_target is None:
            target = number  # the API's default: targetPort = port
        elif isinstance(raw_target, int) and not isinstance(raw_target, bool):
            target = raw_target
        elif isinstance(raw_target, str):
            target = int(raw_target) if raw_target.isdigit() else raw_target
        else:
            raise fields.fail((*ppath, "targetPort"), "expected a port number or name")
        ports.append(ImportedServicePort(fields.string((*ppath, "name")) or "", number,
                                         fields.string((*ppath, "protocol")) or "TCP", target,
                                         fields.integer((*ppath, "nodePort"))))
    external_ips = []
    for i, _ in enumerate(fields.sequence(("spec", "externalIPs"))):
        path = ("spec", "externalIPs", i)
        found = address(fields, path, fields.string(path) or "")
        if found is None:
            notes.add("ipv6", what="Service externalIP")
        else:
            external_ips.append(found)
    policy = fields.string(("spec", "externalTrafficPolicy")) or "Cluster"
    if policy == "Local" and kind == "ClusterIP" and not external_ips:
        policy = "Cluster"  # only the IPv6 external IPs made it reachable from outside
    for field, default in (("internalTrafficPolicy", "Cluster"), ("trafficDistribution", None),
                           ("allocateLoadBalancerNodePorts", True)):
        value = fields.raw(("spec", field))
        if value is not None and value != default:
            notes.add("service.field", field=f"{field} {value}")
    return ImportedService(
        namespace=namespace, name=name, type=kind, cluster_ip=cluster_ip, ports=tuple(ports),
        selector=fields.labels(("spec", "selector")), external_traffic_policy=policy,
        uses_local=policy == "Local", external_ips=tuple(external_ips),
        load_balancer_ip=_load_balancer_ip(fields, kind, notes),
        source_ranges=tuple(fields.string(("spec", "loadBalancerSourceRanges", i)) or ""
                            for i in range(len(fields.sequence(
                                ("spec", "loadBalancerSourceRanges"))))),
        health_check_node_port=fields.integer(("spec", "healthCheckNodePort")),
        affinity_timeout=_affinity(fields), origin=obj.origin)


def _load_balancer_ip(fields: Fields, kind: str, notes: Notes) -> IPv4Address | None:
    if kind != "LoadBalancer":
        return None
    hostname = False
    for i, _ in enumerate(fields.sequence(("status", "loadBalancer", "ingress"))):
        path = ("status", "loadBalancer", "ingress", i)
        if fields.string((*path, "ipMode")) == "Proxy":
            # KEP-1860: kube-proxy then leaves the address to the load balancer's
            # proxy; the model binds it on every node as for ipMode VIP.
            notes.add("service.field", field="status.loadBalancer.ingress[].ipMode Proxy")
        text = fields.string((*path, "ip"))
        if text:
            found = address(fields, (*path, "ip"), text)
            if found is not None:
                return found
            notes.add("ipv6", what="LoadBalancer address")
        elif fields.string((*path, "hostname")):
            hostname = True
    text = fields.string(("spec", "loadBalancerIP"))
    if text:
        return address(fields, ("spec", "loadBalancerIP"), text)
    if hostname:
        notes.add("service.lb-hostname")
    return None


def _affinity(fields: Fields) -> int | None:
    if fields.string(("spec", "sessionAffinity")) != "ClientIP":
        return None
    timeout = fields.integer(("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"))
    return DEFAULT_AFFINITY_TIMEOUT if timeout is None else timeout
