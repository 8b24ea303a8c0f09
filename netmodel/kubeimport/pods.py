"""A Pod as the spec's ``pods:`` entry: where it runs, its address, labels, ports.

Only pods that hold an address are imported: a pod in phase Succeeded or Failed
has had its sandbox torn down and its address released to host-local (which may
hand it to another pod), and a pod without ``status.podIP`` has no netns yet.
Both are counted. A pod without ``spec.nodeName`` is an error: the spec places
every pod on a node, and a pending pod has none.
"""

from __future__ import annotations

from netmodel.kubeimport.addresses import address
from netmodel.kubeimport.documents import KubeObject
from netmodel.kubeimport.fields import Fields, Path
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.values import (
    ImportedContainer,
    ImportedDNSConfig,
    ImportedPod,
    ImportedPort,
)

__all__ = ["read_pod"]

_FINISHED = ("Succeeded", "Failed")


def read_pod(obj: KubeObject, notes: Notes) -> ImportedPod | None:
    fields = Fields(obj.data, obj.origin)
    name = fields.required(("metadata", "name"), "every pod has a name")
    namespace = fields.string(("metadata", "namespace")) or "default"
    node = fields.string(("spec", "nodeName"))
    if not node:
        raise fields.fail(("spec", "nodeName"), f"pod {namespace}/{name} has no nodeName "
                          "(not scheduled yet: the spec places every pod on a node; import "
                          "again once it runs, or leave it out of the input)")
    if fields.string(("status", "phase")) in _FINISHED:
        notes.add("pod.finished")
        return None
    host = bool(fields.boolean(("spec", "hostNetwork")))
    ip = None
    texts: list[tuple[Path, str | None]] = [
        (("status", "podIP"), fields.string(("status", "podIP")))]
    texts += [(("status", "podIPs", i, "ip"), fields.string(("status", "podIPs", i, "ip")))
              for i in range(len(fields.sequence(("status", "podIPs"))))]
    for path, text in texts:
        if not text:
            continue
        found = address(fields, path, text)
        if found is None:
            if path[1] == "podIPs" and not host:
                notes.add("ipv6", what="pod address")
        elif ip is None:
            ip = found
    if ip is None and not host:
        notes.add("pod.no-ip")
        return None
    containers = []
    for i, _ in enumerate(fields.sequence(("spec", "containers"))):
        cpath = ("spec", "containers", i)
        cname = fields.required((*cpath, "name"), "every container has a name")
        ports = []
        for j, _ in enumerate(fields.sequence((*cpath, "ports"))):
            ppath = (*cpath, "ports", j)
            number = fields.integer((*ppath, "containerPort"))
            if number is None:
                raise fields.fail((*ppath, "containerPort"), "missing")
            ports.append(ImportedPort(number, fields.string((*ppath, "protocol")) or "TCP",
                                      fields.string((*ppath, "name")) or None,
                                      fields.integer((*ppath, "hostPort")) or None,
                                      fields.string((*ppath, "hostIP")) or None))
        containers.append(ImportedContainer(cname, tuple(ports)))
    for i, _ in enumerate(fields.sequence(("spec", "initContainers"))):
        if fields.sequence(("spec", "initContainers", i, "ports")):
            notes.add("pod.init-ports")
    return ImportedPod(namespace, name, node, None if host else ip, host,
                       fields.labels(("metadata", "labels")), tuple(containers), obj.origin,
                       fields.string(("spec", "dnsPolicy")) or "ClusterFirst",
                       _dns_config(fields))


def _dns_config(fields: Fields) -> ImportedDNSConfig | None:
    base = ("spec", "dnsConfig")
    if not fields.mapping(base):
        return None
    options = []
    for i, _ in enumerate(fields.sequence((*base, "options"))):
        options.append((fields.string((*base, "options", i, "name")) or "",
                        fields.string((*base, "options", i, "value"))))
    return ImportedDNSConfig(
        tuple(fields.string((*base, "nameservers", i)) or ""
              for i in range(len(fields.sequence((*base, "nameservers"))))),
        tuple(fields.string((*base, "searches", i)) or ""
              for i in range(len(fields.sequence((*base, "searches"))))),
        tuple(options))
