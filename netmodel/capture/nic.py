"""A node's NIC under the model's name.

The model calls a node's underlay NIC ``eth0``; a real node's is ``ens3``,
``enp1s0`` or ``eth1``. The capture's NIC is the link that holds the node's IP
(the spec's ``ip``); it is renamed, with every entry on it (addresses, routes,
neighbours, FDB entries, the VXLAN device's underlying ``dev``), so the diff
compares in model terms instead of listing every entry on it twice.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from netmodel.state.kernel import Netns

__all__ = ["nic_name", "rename_device"]


def nic_name(netns: Netns, ip: IPv4Address) -> str | None:
    """The device that holds ``ip``, if any."""
    return next((a.dev for a in netns.addresses if a.ip == ip), None)


def rename_device(netns: Netns, old: str, new: str) -> Netns:
    def dev(name: str) -> str:
        return new if name == old else name
    links = tuple(replace(link, name=dev(link.name),
                          master=dev(link.master) if link.master else None,
                          vxlan=replace(link.vxlan, dev=dev(link.vxlan.dev))
                          if link.vxlan else None) for link in netns.links)
    return replace(netns, links=links,
                   addresses=tuple(replace(a, dev=dev(a.dev)) for a in netns.addresses),
                   routes=tuple(replace(r, dev=dev(r.dev)) for r in netns.routes),
                   neighbors=tuple(replace(n, dev=dev(n.dev)) for n in netns.neighbors),
                   fdb=tuple(replace(e, dev=dev(e.dev),
                                     master=dev(e.master) if e.master else None)
                             for e in netns.fdb))
