"""flannel's vxlan backend (``pkg/backend/vxlan``).

One VXLAN device per node, ``flannel.<VNI>`` = ``flannel.1``, on the kernel's
default port 8472, with learning off: flanneld programs every remote VTEP by
hand. It holds the node subnet's network address as a /32 ("so that no
broadcast routes are created"), which is why host→remote-pod traffic leaves
with source 10.244.X.0. Per remote lease, ``handleSubnetEvents`` adds, in this
order, an ARP entry, an FDB entry and an onlink route (1 of each per host).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Interface, IPv4Network

from netmodel.spec.cluster import Backend, Node
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.backends.mtu import pod_mtu
from netmodel.state.kernel import (
    Address,
    FdbEntry,
    Link,
    LinkKind,
    Neighbor,
    Origin,
    Route,
    VxlanInfo,
)

__all__ = ["DEVICE", "PORT", "VNI", "VXLAN", "VxlanBackend"]

VNI = 1  # defaultVNI
PORT = 8472  # the Linux driver's default, kept "for compatibility with early adopters"
DEVICE = f"flannel.{VNI}"


@dataclass(frozen=True, slots=True)
class VxlanBackend:
    """The vxlan backend as a :class:`~netmodel.state.backends.FlannelBackend`."""

    kind: Backend = Backend.VXLAN
    device_name: str | None = DEVICE
    port: int | None = PORT

    def device(self, node: Node, underlay_mtu: int, index: int) -> tuple[Link, Address] | None:
        link = Link(index=index, name=DEVICE, kind=LinkKind.VXLAN, mac=node.vtep_mac,
                    mtu=pod_mtu(Backend.VXLAN, underlay_mtu), origin=Origin.FLANNEL,
                    vxlan=VxlanInfo(vni=VNI, local=node.ip, dev="eth0", port=PORT))
        address = Address(DEVICE, IPv4Interface(f"{node.pod_cidr.network_address}/32"),
                          Origin.FLANNEL)
        return link, address

    def network_routes(self, cluster_cidr: IPv4Network) -> tuple[Route, ...]:
        return ()  # one onlink route per remote lease instead

    def remote_entries(self, node: Node, remote: Node, on_link: bool) -> RemoteEntries:
        """The same three entries whether or not ``remote`` shares the segment: the
        outer packet is routed like any other UDP datagram."""
        gateway = remote.pod_cidr.network_address
        return RemoteEntries(
            neighbors=(Neighbor(gateway, DEVICE, remote.vtep_mac, Origin.FLANNEL),),
            fdb=(FdbEntry(remote.vtep_mac, DEVICE, Origin.FLANNEL, dst=remote.ip),),
            routes=(Route(remote.pod_cidr, DEVICE, Origin.FLANNEL, via=gateway, onlink=True),),
        )


VXLAN = VxlanBackend()
