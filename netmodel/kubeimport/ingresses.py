"""An Ingress as the spec's ``ingresses:`` entry: host and path rules to a Service port.

The spec also names the Ingress controller's Service, which an Ingress does not
say. The controller publishes its own Service's address in each Ingress's
``status.loadBalancer`` (ingress-nginx's ``--publish-service``), so the Service
whose LoadBalancer IP or external IP is that address is the controller; failing
that, ``--ingress-controller NS/NAME`` names it (see :mod:`~netmodel.kubeimport.assemble`).
"""

from __future__ import annotations

from netmodel.kubeimport.addresses import address
from netmodel.kubeimport.documents import KubeObject
from netmodel.kubeimport.fields import Fields
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.values import ImportedIngress, ImportedPath

__all__ = ["read_ingress"]


def read_ingress(obj: KubeObject, notes: Notes) -> ImportedIngress:
    fields = Fields(obj.data, obj.origin)
    name = fields.required(("metadata", "name"), "every Ingress has a name")
    namespace = fields.string(("metadata", "namespace")) or "default"
    for field in ("defaultBackend", "tls"):
        if fields.raw(("spec", field)):
            notes.add("ingress.field", field=f"spec.{field}")
    paths = []
    for r, _ in enumerate(fields.sequence(("spec", "rules"))):
        rpath = ("spec", "rules", r)
        host = fields.string((*rpath, "host")) or ""
        for p, _ in enumerate(fields.sequence((*rpath, "http", "paths"))):
            ppath = (*rpath, "http", "paths", p)
            service = fields.string((*ppath, "backend", "service", "name"))
            if service is None:
                notes.add("ingress.field", field="backend.resource")
                continue
            number = fields.integer((*ppath, "backend", "service", "port", "number"))
            port: int | str = number if number is not None else (
                fields.required((*ppath, "backend", "service", "port", "name"),
                                "a backend names its Service port by number or name"))
            paths.append(ImportedPath(host, fields.string((*ppath, "path")) or "/",
                                      fields.string((*ppath, "pathType")) or "Prefix",
                                      service, port))
    ips = []
    for i, _ in enumerate(fields.sequence(("status", "loadBalancer", "ingress"))):
        text = fields.string(("status", "loadBalancer", "ingress", i, "ip"))
        found = address(fields, ("status", "loadBalancer", "ingress", i, "ip"),
                        text) if text else None
        if found is not None:
            ips.append(found)
    return ImportedIngress(namespace, name, "", tuple(paths), obj.origin, tuple(ips))
