"""Values that mirror what one Linux network namespace holds.

Links, addresses, the main routing table, permanent neighbour entries and FDB
entries: the same facts ``ip link``, ``ip addr``, ``ip route``, ``ip neigh`` and
``bridge fdb`` print. Each entry records who programmed it (the kernel, the CNI
bridge plugin, flanneld), so traces and diagrams can say why it is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from netmodel.i18n import Detail, origin_text
from netmodel.state.netns_id import NetnsId

__all__ = [
    "Address",
    "FdbEntry",
    "Link",
    "LinkKind",
    "Neighbor",
    "Netns",
    "Origin",
    "RejectedRoute",
    "Route",
    "VxlanInfo",
]


class LinkKind(StrEnum):
    LOOPBACK = "loopback"
    ETHERNET = "ethernet"  # the node's NIC (or the router's leg on a segment)
    VETH = "veth"
    BRIDGE = "bridge"
    VXLAN = "vxlan"
    TUN = "tun"


class Origin(StrEnum):
    """Who put an entry there."""

    KERNEL = "kernel"  # derived by the kernel from an address (proto kernel)
    CNI = "cni"  # the bridge plugin with host-local IPAM, on pod creation
    FLANNEL = "flanneld"
    PROVISIONING = "provisioning"  # the node's own network setup (DHCP, netplan…)
    LOAD_BALANCER = "load-balancer"  # the cloud LB (or MetalLB) sending a VIP to a node

    def render(self, lang: str) -> str:
        return origin_text(self.value, lang)


@dataclass(frozen=True, slots=True)
class VxlanInfo:
    vni: int
    local: IPv4Address
    dev: str
    port: int
    learning: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    index: int
    name: str
    kind: LinkKind
    mac: str | None
    mtu: int
    origin: Origin
    master: str | None = None
    port_no: int | None = None  # bridge port number, for bridge ports
    hairpin: bool = False
    peer_netns: NetnsId | None = None  # the veth peer's netns
    peer_index: int | None = None
    peer_name: str | None = None
    link_netns: str | None = None  # how ip(8) names the peer netns, e.g. cni-…
    vxlan: VxlanInfo | None = None

    def __str__(self) -> str:
        return f"{self.index}: {self.name} ({self.kind}, mtu {self.mtu})"


@dataclass(frozen=True, slots=True)
class Address:
    dev: str
    interface: IPv4Interface
    origin: Origin
    scope: str = "global"

    @property
    def ip(self) -> IPv4Address:
        return self.interface.ip

    @property
    def has_broadcast(self) -> bool:
        # The kernel only has a broadcast address when it was asked for one
        # ("brd +"); /31 and /32 have none.
        return self.interface.network.prefixlen < 31 and self.dev != "lo"

    def __str__(self) -> str:
        return f"{self.interface} on {self.dev}"


@dataclass(frozen=True, slots=True)
class Route:
    dst: IPv4Network
    dev: str
    origin: Origin
    via: IPv4Address | None = None
    src: IPv4Address | None = None
    onlink: bool = False
    proto_kernel: bool = False  # the prefix route the kernel adds with an address
    unreachable: bool = False  # RTN_UNREACHABLE: lookups end in EHOSTUNREACH

    def __str__(self) -> str:
        # ip(8) prints a host route's destination without its /32.
        if self.dst.prefixlen == 0:
            dst = "default"
        elif self.dst.prefixlen == 32:
            dst = str(self.dst.network_address)
        else:
            dst = str(self.dst)
        if self.unreachable:
            return f"unreachable {dst}"
        out = dst
        if self.via is not None:
            out += f" via {self.via}"
        out += f" dev {self.dev}"
        if self.proto_kernel:
            out += " proto kernel scope link"
        if self.src is not None:
            out += f" src {self.src}"
        if self.onlink:
            out += " onlink"
        return out


@dataclass(frozen=True, slots=True)
class RejectedRoute:
    """A route a daemon asked for and the kernel refused, and why (a catalogue
    detail, so the reason reads in the page's language)."""

    route: Route
    reason: Detail

    def __str__(self) -> str:
        return f"{self.route}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Neighbor:
    ip: IPv4Address
    dev: str
    mac: str
    origin: Origin
    state: str = "PERMANENT"

    def __str__(self) -> str:
        return f"{self.ip} dev {self.dev} lladdr {self.mac} {self.state}"


@dataclass(frozen=True, slots=True)
class FdbEntry:
    """One ``bridge fdb`` line: a bridge's (``master``) or a device's own (``self``)."""

    mac: str
    dev: str
    origin: Origin
    dst: IPv4Address | None = None  # VXLAN: the remote VTEP's underlay IP
    master: str | None = None
    permanent: bool = True

    def __str__(self) -> str:
        out = f"{self.mac} dev {self.dev}"
        if self.dst is not None:
            out += f" dst {self.dst}"
        out += f" master {self.master}" if self.master else " self"
        return out + (" permanent" if self.permanent else "")


@dataclass(frozen=True, slots=True)
class Netns:
    """One network namespace: a node's host netns, a pod's, or the router's."""

    id: NetnsId
    node: str
    label: str
    links: tuple[Link, ...]
    addresses: tuple[Address, ...]
    routes: tuple[Route, ...]
    neighbors: tuple[Neighbor, ...] = ()
    fdb: tuple[FdbEntry, ...] = ()
    ip_forward: bool = False
    rejected: tuple[RejectedRoute, ...] = ()

    def link(self, name: str) -> Link | None:
        for link in self.links:
            if link.name == name:
                return link
        return None

    def __str__(self) -> str:
        return f"netns {self.label} on {self.node}"
