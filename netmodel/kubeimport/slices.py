"""EndpointSlices, read as kube-proxy reads them.

kube-proxy joins a slice to its Service by the ``kubernetes.io/service-name``
label (pkg/proxy/endpointslicecache.go, ``endpointSliceCacheKeys``), takes each
endpoint's first address only, skips a port with no number, and reads the
conditions with ``ready`` and ``serving`` nil as true and ``terminating`` nil
as false (``newEndpointSliceInfo``). An IPv4 proxy ignores IPv6 slices and FQDN
slices carry no address it can use; both are counted here.
"""

from __future__ import annotations

from dataclasses import dataclass

from netmodel.kubeimport.addresses import address
from netmodel.kubeimport.documents import KubeObject
from netmodel.kubeimport.fields import Fields
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.values import SliceEndpoint

__all__ = ["SERVICE_NAME_LABEL", "Slice", "read_slice"]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True, slots=True)
class Slice:
    """One slice: its Service, and its endpoints per (port name, protocol)."""

    namespace: str
    service: str
    name: str
    ports: tuple[tuple[str, str, tuple[SliceEndpoint, ...]], ...]


def read_slice(obj: KubeObject, notes: Notes) -> Slice | None:
    fields = Fields(obj.data, obj.origin)
    name = fields.required(("metadata", "name"), "every EndpointSlice has a name")
    namespace = fields.string(("metadata", "namespace")) or "default"
    labels = dict(fields.labels(("metadata", "labels")))
    service = labels.get(SERVICE_NAME_LABEL)
    if not service:
        notes.add("slice.no-service-label")
        return None
    family = fields.string(("addressType",))
    if family == "IPv6":
        notes.add("ipv6", what="EndpointSlice")
        return None
    if family == "FQDN":
        notes.add("slice.fqdn")
        return None
    base = []
    for i, _ in enumerate(fields.sequence(("endpoints",))):
        epath = ("endpoints", i)
        first = fields.string((*epath, "addresses", 0))
        if not first:
            continue  # kube-proxy: "Ignoring invalid endpoint port with empty address"
        ip = address(fields, (*epath, "addresses", 0), first)
        if ip is None:
            notes.add("ipv6", what="endpoint address")
            continue
        ready = fields.boolean((*epath, "conditions", "ready"))
        serving = fields.boolean((*epath, "conditions", "serving"))
        terminating = fields.boolean((*epath, "conditions", "terminating"))
        hinted = bool(fields.sequence((*epath, "hints", "forZones"))
                      or fields.sequence((*epath, "hints", "forNodes")))
        base.append((ip, fields.string((*epath, "nodeName")) or None,
                     ready is not False, serving is not False, terminating is True, hinted))
    ports = []
    for j, _ in enumerate(fields.sequence(("ports",))):
        ppath = ("ports", j)
        number = fields.integer((*ppath, "port"))
        if not number:
            continue  # "Ignoring invalid endpoint port"
        pname = fields.string((*ppath, "name")) or ""
        protocol = fields.string((*ppath, "protocol")) or "TCP"
        ports.append((pname, protocol, tuple(SliceEndpoint(ip, number, node, r, s, t, h)
                                             for ip, node, r, s, t, h in base)))
    return Slice(namespace, service, name, tuple(ports))
