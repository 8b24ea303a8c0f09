"""Benchmark ``netmodel import`` on kubectl output of a cluster at Kubernetes' limits.

The issue's target: importing the ``kubectl get nodes,pods,services,endpointslices,
ingresses -A -o json`` of 5,000 nodes, 150,000 pods and 10,000 Services with
their EndpointSlices (some 1–2 GB) in under 60 s and 3 GiB. The script

1. generates that document, deterministically, into a temporary directory (a v1
   ``List``, keys sorted and indented as kubectl prints them; each pod with the
   managedFields, probes, volumes and statuses a Deployment's pod carries, so
   the bytes per pod are a real cluster's), plus ``kube-flannel-cfg``;
2. runs ``netmodel import cluster.json kube-flannel-cfg.json -o spec.yaml`` in a
   child process: wall time, and peak RSS from ``resource.getrusage(RUSAGE_CHILDREN)``;
3. runs a second child that loads the written spec with ``load_spec`` and
   traces one pod → Service walk, since the spec must also load within the
   same limits: time and peak RSS again.

It prints the figures next to the targets and never fails on them (the machines
are shared). Generation is not timed against anything.

    python benchmarks/bench_kubectl_import.py                     # the issue's size
    python benchmarks/bench_kubectl_import.py --nodes 50 --pods 1500 --services 100  # smoke
    python benchmarks/bench_kubectl_import.py --keep              # keep the files, print where
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from ipaddress import IPv4Address
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
STAMP = "2026-11-30T09:00:00Z"
NETWORK = "10.128.0.0/9"  # 32,768 /24s: room for 5,000 nodes, clear of 10.96.0.0/12
PODS_PER_NODE_MAX = 253
TARGET_SECONDS = 60
TARGET_GIB = 3

LOAD_CHILD = """\
import json, resource, sys, time
t0 = time.perf_counter()
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk
cluster = load_spec(sys.argv[1])
t1 = time.perf_counter()
trace = walk(Model(cluster), WalkRequest.of(sys.argv[2], sys.argv[3]))
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "walk_s": t2 - t1, "disposition": str(trace.disposition),
                  "pods": len(cluster.pods), "services": len(cluster.services),
                  "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _uid(kind: str, i: int) -> str:
    return f"{i:08x}-{len(kind):04x}-4000-8000-{i * 7919 % 16**12:012x}"


def _node_ip(n: int) -> str:
    return str(IPv4Address("172.16.0.10") + n)


def _pod_cidr_base(n: int) -> IPv4Address:
    return IPv4Address("10.128.0.0") + 256 * n


def node(n: int) -> dict[str, Any]:
    name = f"node-{n:05d}"
    vtep = f"0a:58:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}:01"
    f = "flannel.alpha.coreos.com/"
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"annotations": {
            f + "backend-data": json.dumps({"VNI": 1, "VtepMAC": vtep}, separators=(",", ":")),
            f + "backend-type": "vxlan", f + "kube-subnet-manager": "true",
            f + "public-ip": _node_ip(n),
            "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
            "creationTimestamp": STAMP,
            "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                       "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
                       "kubernetes.io/os": "linux",
                       "topology.kubernetes.io/zone": f"zone-{n % 3}"},
            "name": name, "resourceVersion": str(100000 + n), "uid": _uid("node", n)},
        "spec": {"podCIDR": f"{_pod_cidr_base(n)}/24", "podCIDRs": [f"{_pod_cidr_base(n)}/24"]},
        "status": {
            "addresses": [{"address": _node_ip(n), "type": "InternalIP"},
                          {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "8", "memory": "32Gi", "pods": "110"},
            "capacity": {"cpu": "8", "memory": "32Gi", "pods": "110"},
            "conditions": [{"lastHeartbeatTime": STAMP, "lastTransitionTime": STAMP,
                            "message": m, "reason": r, "status": s, "type": t}
                           for t, s, r, m in (
                               ("MemoryPressure", "False", "KubeletHasSufficientMemory",
                                "kubelet has sufficient memory available"),
                               ("DiskPressure", "False", "KubeletHasNoDiskPressure",
                                "kubelet has no disk pressure"),
                               ("PIDPressure", "False", "KubeletHasSufficientPID",
                                "kubelet has sufficient PID available"),
                               ("Ready", "True", "KubeletReady", "kubelet is posting ready "
                                "status"))],
            "nodeInfo": {"architecture": "amd64", "containerRuntimeVersion": "containerd://2.1.4",
                         "kernelVersion": "6.12.0-1-amd64", "kubeProxyVersion": "v1.34.2",
                         "kubeletVersion": "v1.34.2", "operatingSystem": "linux",
                         "osImage": "Debian GNU/Linux 13 (trixie)"}}}


def _placement(i: int, nodes: int) -> tuple[int, str]:
    n = i % nodes
    return n, str(_pod_cidr_base(n) + 2 + i // nodes)


def _endpoint_state(i: int) -> tuple[bool, bool, bool]:
    """ready, serving, terminating: one pod in 40 failing readiness, one in 97 terminating."""
    if i % 97 == 0:
        return False, True, True
    if i % 40 == 0:
        return False, False, False
    return True, True, False


def pod(i: int, nodes: int, services: int) -> dict[str, Any]:
    n, ip = _placement(i, nodes)
    app = f"app-{i % services:05d}"
    ns = f"team-{i % services % 100:02d}"
    name = f"{app}-7c9f8d6b5-{i:06d}"
    ready, _, terminating = _endpoint_state(i)
    container = {
        "env": [{"name": "APP_NAME", "value": app}, {"name": "POD_IP", "valueFrom": {
            "fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}}],
        "image": f"registry.example.com/{app}:1.4.2", "imagePullPolicy": "IfNotPresent",
        "livenessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": "http",
                                                             "scheme": "HTTP"},
                          "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
        "name": "app",
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"},
                  {"containerPort": 9090, "name": "metrics", "protocol": "TCP"}],
        "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/ready", "port": "http",
                                                              "scheme": "HTTP"},
                           "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 1},
        "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m",
                                                                   "memory": "128Mi"}},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                          "name": f"kube-api-access-{i % 100000:05d}", "readOnly": True}]}
    managed = [{"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {
        "f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {},
                                                          "f:pod-template-hash": {}},
                       "f:ownerReferences": {".": {}, "k:{\"uid\":\"x\"}": {}}},
        "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {
            ".": {}, "f:env": {}, "f:image": {}, "f:livenessProbe": {}, "f:name": {},
            "f:ports": {}, "f:readinessProbe": {}, "f:resources": {}}},
            "f:dnsPolicy": {}, "f:restartPolicy": {}, "f:schedulerName": {}}},
        "manager": "kube-controller-manager", "operation": "Update", "time": STAMP},
        {"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {
            "f:conditions": {}, "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {},
            "f:podIP": {}, "f:podIPs": {}, "f:startTime": {}}},
         "manager": "kubelet", "operation": "Update", "subresource": "status", "time": STAMP}]
    metadata: dict[str, Any] = {
        "creationTimestamp": STAMP, "generateName": f"{app}-7c9f8d6b5-",
        "labels": {"app": app, "pod-template-hash": "7c9f8d6b5"}, "managedFields": managed,
        "name": name, "namespace": ns,
        "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True,
                             "controller": True, "kind": "ReplicaSet",
                             "name": f"{app}-7c9f8d6b5", "uid": _uid("rs", i % services)}],
        "resourceVersion": str(500000 + i), "uid": _uid("pod", i)}
    if terminating:
        metadata["deletionGracePeriodSeconds"] = 30
        metadata["deletionTimestamp"] = STAMP
    conditions = [{"lastProbeTime": None, "lastTransitionTime": STAMP, "status": s, "type": t}
                  for t, s in (("PodReadyToStartContainers", "True"), ("Initialized", "True"),
                               ("Ready", "True" if ready else "False"),
                               ("ContainersReady", "True" if ready else "False"),
                               ("PodScheduled", "True"))]
    return {
        "apiVersion": "v1", "kind": "Pod", "metadata": metadata,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst",
                 "enableServiceLinks": True, "nodeName": f"node-{n:05d}",
                 "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
                 "restartPolicy": "Always", "schedulerName": "default-scheduler",
                 "securityContext": {}, "serviceAccount": "default",
                 "serviceAccountName": "default", "terminationGracePeriodSeconds": 30,
                 "tolerations": [{"effect": "NoExecute", "key": k, "operator": "Exists",
                                  "tolerationSeconds": 300} for k in (
                                      "node.kubernetes.io/not-ready",
                                      "node.kubernetes.io/unreachable")],
                 "volumes": [{"name": f"kube-api-access-{i % 100000:05d}", "projected": {
                     "defaultMode": 420, "sources": [
                         {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                         {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}],
                                        "name": "kube-root-ca.crt"}},
                         {"downwardAPI": {"items": [{"fieldRef": {
                             "apiVersion": "v1", "fieldPath": "metadata.namespace"},
                             "path": "namespace"}]}}]}}]},
        "status": {"conditions": conditions, "containerStatuses": [{
            "containerID": f"containerd://{i:064x}", "image": f"registry.example.com/{app}:1.4.2",
            "imageID": f"registry.example.com/{app}@sha256:{i * 31:064x}",
            "lastState": {}, "name": "app", "ready": ready, "restartCount": 0, "started": True,
            "state": {"running": {"startedAt": STAMP}}}],
            "hostIP": _node_ip(n), "hostIPs": [{"ip": _node_ip(n)}], "phase": "Running",
            "podIP": ip, "podIPs": [{"ip": ip}], "qosClass": "Burstable", "startTime": STAMP}}


def service(s: int) -> dict[str, Any]:
    app = f"app-{s:05d}"
    kind = "NodePort" if s % 10 == 0 else "ClusterIP"
    ip = str(IPv4Address("10.96.16.0") + s)
    port: dict[str, Any] = {"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}
    metrics: dict[str, Any] = {"name": "metrics", "port": 9090, "protocol": "TCP",
                               "targetPort": 9090}
    spec: dict[str, Any] = {"clusterIP": ip, "clusterIPs": [ip],
                            "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                            "ipFamilyPolicy": "SingleStack", "ports": [port, metrics],
                            "selector": {"app": app}, "sessionAffinity": "None", "type": kind}
    if kind == "NodePort":
        # The API server gives every port of a NodePort Service a node port.
        port["nodePort"] = 30000 + s // 10
        metrics["nodePort"] = 31000 + s // 10
        spec["externalTrafficPolicy"] = "Cluster"
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"creationTimestamp": STAMP, "labels": {"app": app}, "name": app,
                         "namespace": f"team-{s % 100:02d}", "resourceVersion": str(900000 + s),
                         "uid": _uid("svc", s)},
            "spec": spec, "status": {"loadBalancer": {}}}


def endpoint_slice(s: int, nodes: int, pods: int, services: int) -> dict[str, Any]:
    app = f"app-{s:05d}"
    endpoints = []
    for i in range(s, pods, services):
        n, ip = _placement(i, nodes)
        ready, serving, terminating = _endpoint_state(i)
        endpoints.append({"addresses": [ip], "conditions": {
            "ready": ready, "serving": serving, "terminating": terminating},
            "nodeName": f"node-{n:05d}",
            "targetRef": {"kind": "Pod", "name": f"{app}-7c9f8d6b5-{i:06d}",
                          "namespace": f"team-{s % 100:02d}", "uid": _uid("pod", i)},
            "zone": f"zone-{n % 3}"})
    return {"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "endpoints": endpoints,
            "kind": "EndpointSlice",
            "metadata": {"creationTimestamp": STAMP, "generateName": f"{app}-",
                         "generation": 1, "labels": {
                             "app": app,
                             "endpointslice.kubernetes.io/managed-by":
                                 "endpointslice-controller.k8s.io",
                             "kubernetes.io/service-name": app},
                         "name": f"{app}-x7k2p", "namespace": f"team-{s % 100:02d}",
                         "resourceVersion": str(950000 + s), "uid": _uid("eps", s)},
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"},
                      {"name": "metrics", "port": 9090, "protocol": "TCP"}]}


def _write_item(out: IO[str], item: dict[str, Any], first: bool) -> None:
    text = json.dumps(item, indent=4, sort_keys=True).replace("\n", "\n        ")
    out.write(("" if first else ",\n") + "        " + text)


def generate(where: Path, nodes: int, pods: int, services: int) -> Path:
    """Write cluster.json (the List) and kube-flannel-cfg.json; return cluster.json."""
    if pods > nodes * PODS_PER_NODE_MAX:
        raise SystemExit(f"--pods {pods}: at most {PODS_PER_NODE_MAX} per node")
    target = where / "cluster.json"
    with target.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write('{\n    "apiVersion": "v1",\n    "items": [\n')
        first = True
        for n in range(nodes):
            _write_item(out, node(n), first)
            first = False
        for i in range(pods):
            _write_item(out, pod(i, nodes, services), first)
        for s in range(services):
            _write_item(out, service(s), first)
        for s in range(services):
            _write_item(out, endpoint_slice(s, nodes, pods, services), first)
        out.write('\n    ],\n    "kind": "List",\n    "metadata": {\n'
                  '        "resourceVersion": ""\n    }\n}\n')
    cfg = {"apiVersion": "v1", "kind": "ConfigMap",
           "data": {"net-conf.json": json.dumps({"Network": NETWORK,
                                                 "Backend": {"Type": "vxlan"}}, indent=2)},
           "metadata": {"name": "kube-flannel-cfg", "namespace": "kube-flannel"}}
    (where / "kube-flannel-cfg.json").write_text(json.dumps(cfg, indent=4, sort_keys=True))
    return target


def _child(command: list[str], cwd: Path
           ) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    """Run ``command`` in ``cwd``: its wall time, its CPU time (user + system: the
    figure that does not grow when other jobs share the cores) and the peak RSS
    (KiB) of the largest child so far."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env,
                          cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, after.ru_maxrss, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=150_000)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args(argv)
    where = Path(tempfile.mkdtemp(prefix="nm-kubectl-import-"))
    try:
        start = time.perf_counter()
        document = generate(where, args.nodes, args.pods, args.services)
        size = document.stat().st_size
        print(f"generated {document} ({size / 2**30:.2f} GiB: {args.nodes} nodes, {args.pods} "
              f"pods, {args.services} Services and EndpointSlices) in "
              f"{time.perf_counter() - start:.0f} s")
        spec = where / "spec.yaml"
        # Run where the files are, as a user would: the spec's comments name them so.
        wall, cpu, rss, done = _child([sys.executable, "-m", "netmodel", "import",
                                       document.name, "kube-flannel-cfg.json", "-o", spec.name],
                                      where)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        warnings = [line for line in done.stderr.splitlines() if "warning" in line]
        print(f"netmodel import: {wall:.1f} s wall, {cpu:.1f} s CPU (target < "
              f"{TARGET_SECONDS} s), peak RSS "
              f"{rss / 2**20:.2f} GiB (target < {TARGET_GIB} GiB); spec "
              f"{spec.stat().st_size / 2**20:.1f} MiB; {len(warnings)} warning line(s)")
        for line in warnings:
            print(f"  {line}")
        # A pod of service 1 to that service, from a node other than its endpoints'.
        source = f"pod/team-01/app-00001-7c9f8d6b5-{1:06d}"
        wall, cpu, _, done = _child([sys.executable, "-c", LOAD_CHILD, str(spec), source,
                                     "svc/team-02/app-00002"], where)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        figures = json.loads(done.stdout)
        print(f"load_spec of the written spec: {figures['load_s']:.1f} s, one walk "
              f"{figures['walk_s']:.2f} s ({figures['disposition']}), {wall:.1f} s wall and "
              f"{cpu:.1f} s CPU in all; peak RSS {figures['rss_kib'] / 2**20:.2f} GiB "
              f"(target < {TARGET_GIB} GiB)")
    finally:
        if args.keep:
            print(f"kept {where}")
        else:
            shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
