"""A Node as the spec's ``nodes:`` entry: name, address, podCIDR, VTEP MAC.

A node labelled ``node-role.kubernetes.io/control-plane`` is the spec's
``role: control-plane`` (kubeadm's label, where kube-apiserver runs). The
address is the one flannel tunnels to: the ``public-ip`` annotation
flanneld publishes for the node's lease (vxlan's FDB entries and host-gw's
routes point at it), else the node's first IPv4 ``InternalIP``.
"""

from __future__ import annotations

from netmodel.kubeimport.addresses import address, network
from netmodel.kubeimport.documents import KubeObject
from netmodel.kubeimport.fields import Fields
from netmodel.kubeimport.flannel import Lease, read_lease
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.values import ImportedNode

__all__ = ["CONTROL_PLANE_LABELS", "read_node"]

CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")


def read_node(obj: KubeObject, notes: Notes) -> tuple[ImportedNode, Lease]:
    fields = Fields(obj.data, obj.origin)
    name = fields.required(("metadata", "name"), "every node has a name")
    lease = read_lease(fields, notes)
    internal = None
    for i, _ in enumerate(fields.sequence(("status", "addresses"))):
        kind = fields.string(("status", "addresses", i, "type"))
        text = fields.string(("status", "addresses", i, "address"))
        if kind != "InternalIP" or not text:
            continue
        found = address(fields, ("status", "addresses", i, "address"), text)
        if found is None:
            notes.add("ipv6", what="node InternalIP")
        elif internal is None:
            internal = found
    ip = lease.public_ip or internal
    if ip is None:
        raise fields.fail(("status", "addresses"), "no IPv4 InternalIP and no flannel "
                          "public-ip annotation (netmodel needs the node's IPv4 address)")
    if lease.public_ip is not None and internal is not None and lease.public_ip != internal:
        notes.add("node.public-ip")
    cidr = None
    single = fields.string(("spec", "podCIDR"))
    many = [fields.string(("spec", "podCIDRs", i)) or ""
            for i in range(len(fields.sequence(("spec", "podCIDRs"))))]
    for i, text in enumerate([single] if single else many):
        path = ("spec", "podCIDR") if single else ("spec", "podCIDRs", i)
        if text is None:
            continue
        found_cidr = network(fields, path, text)
        if found_cidr is not None and cidr is None:
            cidr = found_cidr
    for i, text in enumerate(many):
        if text and network(fields, ("spec", "podCIDRs", i), text) is None:
            notes.add("ipv6", what="node podCIDR")
    if cidr is None:
        notes.add("node.no-podcidr")
    if lease.vtep_mac is None:
        notes.add("node.no-vtep")
    labels = dict(fields.labels(("metadata", "labels")))
    # kubeadm labels its control-plane nodes (the legacy label is "master").
    plane = any(key in labels for key in CONTROL_PLANE_LABELS)
    return ImportedNode(name, ip, cidr, lease.vtep_mac, obj.origin, plane), lease
