"""Write the kubectl documents the import tests read (run from anywhere; review the diff).

A three-node flannel vxlan cluster as `kubectl get nodes,pods,services,
endpointslices,ingresses,networkpolicies -A -o json` would print it (a v1 List,
keys sorted, 4-space indent), the same as `-o yaml`, the same split into one
file per kind, and `kubectl -n kube-flannel get configmap kube-flannel-cfg -o json`.
Conditions are those of a real rollout: web-3 failing its readiness probe,
api-old-1 terminating (still serving), a finished Job pod, a dual-stack pod.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
STAMP = "2026-11-30T09:00:00Z"
F = "flannel.alpha.coreos.com/"


def _uid(namespace: str, name: str) -> str:
    digest = hashlib.sha256(f"{namespace}/{name}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def meta(name: str, namespace: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"creationTimestamp": STAMP, "name": name,
                           "resourceVersion": str(1000 + len(name)),
                           "uid": _uid(namespace or "", name)}
    if namespace is not None:
        out["namespace"] = namespace
    out.update(extra)
    return out


def node(n: int, vtep: str) -> dict[str, Any]:
    ip = f"192.168.56.{10 + n}"
    labels = {"kubernetes.io/hostname": f"node-{n}", "kubernetes.io/os": "linux"}
    if n == 1:  # kubeadm init ran here
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": meta(f"node-{n}", annotations={
                F + "backend-data": json.dumps({"VNI": 1, "VtepMAC": vtep},
                                               separators=(",", ":")),
                F + "backend-type": "vxlan", F + "kube-subnet-manager": "true",
                F + "public-ip": ip,
                "node.alpha.kubernetes.io/ttl": "0"},
                labels=labels),
            "spec": {"podCIDR": f"10.244.{n - 1}.0/24", "podCIDRs": [f"10.244.{n - 1}.0/24"]},
            "status": {"addresses": [{"address": ip, "type": "InternalIP"},
                                     {"address": f"node-{n}", "type": "Hostname"}],
                       "conditions": [{"status": "True", "type": "Ready"}],
                       "nodeInfo": {"kubeProxyVersion": "v1.34.2", "kubeletVersion": "v1.34.2"}}}


def pod(namespace: str, name: str, node_name: str | None, ip: str | None,
        labels: dict[str, str], containers: list[dict[str, Any]], *, phase: str = "Running",
        ready: bool = True, host: bool = False, extra_ips: tuple[str, ...] = (),
        deleting: bool = False, dns: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": containers, "dnsPolicy": "ClusterFirst",
                            "restartPolicy": "Always", "schedulerName": "default-scheduler"}
    if dns is not None:
        spec.update(dns)
    if node_name is not None:
        spec["nodeName"] = node_name
    if host:
        spec["hostNetwork"] = True
    status: dict[str, Any] = {"phase": phase, "conditions": [
        {"status": "True" if ready else "False", "type": "Ready"}]}
    if ip is not None:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}, *({"ip": x} for x in extra_ips)]
        status["hostIP"] = "192.168.56.11"
    extra: dict[str, Any] = {"labels": labels}
    if deleting:
        extra["deletionTimestamp"] = STAMP
        extra["deletionGracePeriodSeconds"] = 30
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(name, namespace, **extra),
            "spec": spec, "status": status}


def container(name: str, *ports: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"image": f"registry.example/{name}:1", "name": name}
    if ports:
        out["ports"] = list(ports)
    return out


def service(namespace: str, name: str, kind: str, cluster_ip: str | None,
            ports: list[dict[str, Any]], selector: dict[str, str] | None = None,
            **spec_extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"ports": ports, "sessionAffinity": "None", "type": kind}
    if cluster_ip is not None:
        spec["clusterIP"] = cluster_ip
        spec["clusterIPs"] = [cluster_ip]
        spec["ipFamilies"] = ["IPv4"]
        spec["ipFamilyPolicy"] = "SingleStack"
    if selector is not None:
        spec["selector"] = selector
    if kind in ("NodePort", "LoadBalancer"):
        spec["externalTrafficPolicy"] = "Cluster"
    spec.update(spec_extra)
    status: dict[str, Any] = {"loadBalancer": {}}
    if "status_ip" in spec:
        status = {"loadBalancer": {"ingress": [{"ip": spec.pop("status_ip"),
                                                "ipMode": "VIP"}]}}
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, namespace),
            "spec": spec, "status": status}


def endpoint(ip: str, node_name: str | None, target: str | None, *, ready: bool = True,
             serving: bool | None = None, terminating: bool = False) -> dict[str, Any]:
    conditions = {"ready": ready, "serving": ready if serving is None else serving,
                  "terminating": terminating}
    out: dict[str, Any] = {"addresses": [ip], "conditions": conditions}
    if node_name is not None:
        out["nodeName"] = node_name
    if target is not None:
        ns, name = target.split("/")
        out["targetRef"] = {"kind": "Pod", "name": name, "namespace": ns,
                            "uid": _uid(ns, name)}
    return out


def endpoint_slice(namespace: str, service_name: str, suffix: str,
                   endpoints: list[dict[str, Any]], ports: list[dict[str, Any]],
                   address_type: str = "IPv4") -> dict[str, Any]:
    return {"addressType": address_type, "apiVersion": "discovery.k8s.io/v1",
            "endpoints": endpoints, "kind": "EndpointSlice",
            "metadata": meta(f"{service_name}-{suffix}", namespace, labels={
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                "kubernetes.io/service-name": service_name}),
            "ports": ports}


def objects() -> dict[str, list[dict[str, Any]]]:
    http = {"containerPort": 80, "name": "http", "protocol": "TCP"}
    nodes = [node(1, "0a:58:0a:f4:00:01"), node(2, "0a:58:0a:f4:01:01"),
             node(3, "0a:58:0a:f4:02:01")]
    pods = [
        pod("default", "web-1", "node-1", "10.244.0.2", {"app": "web"}, [container("nginx", http)]),
        pod("default", "web-2", "node-2", "10.244.1.2", {"app": "web"}, [container("nginx", http)],
            extra_ips=("fd00:10:244:1::2",)),
        pod("default", "web-3", "node-3", "10.244.2.2", {"app": "web"}, [container("nginx", http)],
            ready=False),
        pod("default", "db-1", "node-2", "10.244.1.3", {"app": "db"}, [container(
            "postgres", {"containerPort": 5432, "protocol": "TCP"})]),
        pod("default", "api-old-1", "node-3", "10.244.2.3", {"app": "api"}, [container(
            "api", {"containerPort": 8080, "name": "api", "protocol": "TCP"})],
            ready=False, deleting=True),
        pod("default", "client", "node-3", "10.244.2.4", {"app": "client"}, [container("curl")],
            dns={"dnsConfig": {"options": [{"name": "ndots", "value": "2"}]}}),
        pod("kube-system", "coredns-668d6bf9bc-x2vqp", "node-2", "10.244.1.4",
            {"k8s-app": "kube-dns", "pod-template-hash": "668d6bf9bc"}, [container(
                "coredns", {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                {"containerPort": 9153, "name": "metrics", "protocol": "TCP"})],
            dns={"dnsPolicy": "Default"}),
        pod("default", "report-29100", "node-1", None, {"job-name": "report"},
            [container("report")], phase="Succeeded", ready=False),
        pod("default", "cache-1", "node-1", "10.244.0.4", {"app": "cache"}, [container(
            "redis", {"containerPort": 6379, "hostPort": 6379, "protocol": "TCP"})]),
        pod("kube-system", "kube-proxy-7xk2p", "node-1", "192.168.56.11",
            {"k8s-app": "kube-proxy"}, [container("kube-proxy")], host=True,
            dns={"dnsPolicy": "ClusterFirstWithHostNet"}),
        pod("ingress-nginx", "ingress-nginx-controller-5d9f7", "node-1", "10.244.0.3",
            {"app.kubernetes.io/component": "controller",
             "app.kubernetes.io/name": "ingress-nginx"},
            [container("controller", {"containerPort": 80, "name": "http", "protocol": "TCP"},
                       {"containerPort": 443, "name": "https", "protocol": "TCP"})]),
    ]
    services = [
        service("default", "kubernetes", "ClusterIP", "10.96.0.1",
                [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]),
        service("default", "web", "ClusterIP", "10.96.0.20",
                [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
                {"app": "web"}),
        service("default", "db", "NodePort", "10.96.1.2",
                [{"nodePort": 30432, "port": 5432, "protocol": "TCP", "targetPort": 5432}],
                {"app": "db"}),
        service("default", "api", "ClusterIP", "10.96.0.30",
                [{"port": 80, "protocol": "TCP", "targetPort": "api"}], {"app": "api"}),
        service("kube-system", "kube-dns", "ClusterIP", "10.96.0.10",
                [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                 {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                 {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
                {"k8s-app": "kube-dns"}),
        service("default", "docs", "ExternalName", None, [{"port": 443, "protocol": "TCP",
                                                           "targetPort": 443}],
                externalName="docs.example.com"),
        service("default", "web-headless", "ClusterIP", "None",
                [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
                {"app": "web"}),
        service("ingress-nginx", "ingress-nginx-controller", "LoadBalancer", "10.96.2.10",
                [{"name": "http", "nodePort": 31080, "port": 80, "protocol": "TCP",
                  "targetPort": "http"},
                 {"name": "https", "nodePort": 31443, "port": 443, "protocol": "TCP",
                  "targetPort": "https"}],
                {"app.kubernetes.io/component": "controller",
                 "app.kubernetes.io/name": "ingress-nginx"},
                status_ip="198.51.100.10", allocateLoadBalancerNodePorts=True),
    ]
    slices = [
        endpoint_slice("default", "kubernetes", "x", [endpoint("192.168.56.11", None, None)],
                       [{"name": "https", "port": 6443, "protocol": "TCP"}]),
        endpoint_slice("default", "web", "k7d2q", [
            endpoint("10.244.0.2", "node-1", "default/web-1"),
            endpoint("10.244.1.2", "node-2", "default/web-2"),
            endpoint("10.244.2.2", "node-3", "default/web-3", ready=False)],
            [{"name": "http", "port": 80, "protocol": "TCP"}]),
        endpoint_slice("default", "web", "v6", [
            endpoint("fd00:10:244:1::2", "node-2", "default/web-2")],
            [{"name": "http", "port": 80, "protocol": "TCP"}], address_type="IPv6"),
        endpoint_slice("default", "db", "m2x8c", [endpoint("10.244.1.3", "node-2", "default/db-1")],
                       [{"name": "", "port": 5432, "protocol": "TCP"}]),
        endpoint_slice("kube-system", "kube-dns", "t8r5n", [endpoint(
            "10.244.1.4", "node-2", "kube-system/coredns-668d6bf9bc-x2vqp")],
            [{"name": "dns", "port": 53, "protocol": "UDP"},
             {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
             {"name": "metrics", "port": 9153, "protocol": "TCP"}]),
        endpoint_slice("default", "api", "p9f3z", [endpoint(
            "10.244.2.3", "node-3", "default/api-old-1", ready=False, serving=True,
            terminating=True)], [{"name": "", "port": 8080, "protocol": "TCP"}]),
        endpoint_slice("ingress-nginx", "ingress-nginx-controller", "q4w7e", [endpoint(
            "10.244.0.3", "node-1", "ingress-nginx/ingress-nginx-controller-5d9f7")],
            [{"name": "http", "port": 80, "protocol": "TCP"},
             {"name": "https", "port": 443, "protocol": "TCP"}]),
    ]
    ingresses = [{
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": meta("shop", "default"),
        "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {
            "paths": [{"backend": {"service": {"name": "web", "port": {"number": 80}}},
                       "path": "/", "pathType": "Prefix"}]}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "198.51.100.10"}]}}}]
    policies = [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": meta("deny-all", "default"),
                 "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}]
    return {"nodes": nodes, "pods": pods, "services": services, "endpointslices": slices,
            "ingresses": ingresses, "networkpolicies": policies}


def flannel_cfg(backend: str = "vxlan") -> dict[str, Any]:
    net_conf = {"Network": "10.244.0.0/16", "EnableNFTables": False,
                "Backend": {"Type": backend}}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "data": {"cni-conf.json": json.dumps({"name": "cbr0", "cniVersion": "0.3.1"}),
                     "net-conf.json": json.dumps(net_conf, indent=2)},
            "metadata": meta("kube-flannel-cfg", "kube-flannel",
                             labels={"app": "flannel", "tier": "node"})}


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"resourceVersion": ""}}


def kubectl_json(data: Any) -> str:
    return json.dumps(data, indent=4, sort_keys=True) + "\n"


def kubectl_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=True, default_flow_style=False, width=10**6)


def main() -> None:
    kinds = objects()
    every = [item for items in kinds.values() for item in items]
    (HERE / "cluster.json").write_text(kubectl_json(as_list(every)))
    (HERE / "cluster.yaml").write_text(kubectl_yaml(as_list(every)))
    split = HERE / "split"
    split.mkdir(exist_ok=True)
    for kind, items in kinds.items():
        (split / f"{kind}.json").write_text(kubectl_json(as_list(items)))
    (HERE / "kube-flannel-cfg.json").write_text(kubectl_json(flannel_cfg()))


if __name__ == "__main__":
    main()
