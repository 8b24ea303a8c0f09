"""flannel's host-gw backend (``pkg/backend/hostgw``).

No device and no encapsulation: per remote lease one route
``<remote podCIDR> via <remote node IP> dev eth0``. The kernel only accepts a
gateway it can reach on-link, so the backend "requires direct layer2
connectivity between hosts": across a router the route is refused and the
pod subnet falls through to the default route.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

from netmodel.i18n import detail
from netmodel.spec.cluster import Backend, Node
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.kernel import Address, Link, Origin, RejectedRoute, Route

__all__ = ["HOST_GW", "HostGwBackend"]


@dataclass(frozen=True, slots=True)
class HostGwBackend:
    """The host-gw backend as a :class:`~netmodel.state.backends.FlannelBackend`:
    no device, no encapsulation, routes via the remote node's own address."""

    kind: Backend = Backend.HOST_GW
    device_name: str | None = None
    port: int | None = None

    def device(self, node: Node, underlay_mtu: int, index: int) -> tuple[Link, Address] | None:
        return None

    def network_routes(self, cluster_cidr: IPv4Network) -> tuple[Route, ...]:
        return ()

    def remote_entries(self, node: Node, remote: Node, on_link: bool) -> RemoteEntries:
        """``on_link``: the remote node is on this node's L2 segment (the underlay
        graph says so), so the kernel accepts it as a gateway on eth0."""
        route = Route(remote.pod_cidr, "eth0", Origin.FLANNEL, via=remote.ip)
        if not on_link:
            # fib_check_nh() finds no link-scope route to the gateway on eth0.
            # Shared by every node of the other L2 domains: name only the remote's side.
            reason = detail("hostgw.refused", gateway=remote.ip, segment=remote.segment)
            return RemoteEntries(rejected=(RejectedRoute(route, reason),))
        return RemoteEntries(routes=(route,))


HOST_GW = HostGwBackend()
