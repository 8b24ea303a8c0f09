"""flannel's udp backend (``pkg/backend/udp``): a TUN device and a userspace proxy.

``flannel0`` is a TUN device holding the node subnet's network address as a
/32, with one route for the whole flannel Network. Packets routed into it are
read by flanneld's C proxy, which looks the destination up in its own lease
table, decrements the inner TTL, and sends the raw IP packet in a UDP datagram
from the node's IP to the remote node on port 8285. The receiving proxy
decrements the TTL again and writes the packet into its TUN device.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Interface, IPv4Network

from netmodel.spec.cluster import Backend, Node
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.backends.mtu import pod_mtu
from netmodel.state.kernel import Address, Link, LinkKind, Origin, Route

__all__ = ["DEVICE", "PORT", "UDP", "UdpBackend"]

PORT = 8285  # defaultPort
DEVICE = "flannel0"  # ip.OpenTun("flannel%d") on a node with no other flannel TUN


@dataclass(frozen=True, slots=True)
class UdpBackend:
    """The udp backend as a :class:`~netmodel.state.backends.FlannelBackend`."""

    kind: Backend = Backend.UDP
    device_name: str | None = DEVICE
    port: int | None = PORT

    def device(self, node: Node, underlay_mtu: int, index: int) -> tuple[Link, Address] | None:
        link = Link(index=index, name=DEVICE, kind=LinkKind.TUN, mac=None,
                    mtu=pod_mtu(Backend.UDP, underlay_mtu), origin=Origin.FLANNEL)
        address = Address(DEVICE, IPv4Interface(f"{node.pod_cidr.network_address}/32"),
                          Origin.FLANNEL)
        return link, address

    def network_routes(self, cluster_cidr: IPv4Network) -> tuple[Route, ...]:
        """The route configureIface adds explicitly (a /32 gets no prefix route)."""
        return (Route(cluster_cidr, DEVICE, Origin.FLANNEL),)

    def remote_entries(self, node: Node, remote: Node, on_link: bool) -> RemoteEntries:
        # Nothing in the kernel: the lease table lives in flanneld's proxy, which
        # picks the remote node per packet (proxy_amd64.c, find_route).
        return RemoteEntries()


UDP = UdpBackend()
