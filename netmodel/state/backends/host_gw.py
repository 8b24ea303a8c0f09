"""flannel's host-gw backend (``pkg/backend/hostgw``).

No device and no encapsulation: per remote lease one route
``<remote podCIDR> via <remote node IP> dev eth0``. The kernel only accepts a
gateway it can reach on-link, so the backend "requires direct layer2
connectivity between hosts": across a router the route is refused and the
pod subnet falls through to the default route.
"""

from __future__ import annotations

from netmodel.spec.cluster import Node
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.kernel import Origin, RejectedRoute, Route

__all__ = ["remote_entries"]


def remote_entries(node: Node, remote: Node, on_link: bool) -> RemoteEntries:
    """``on_link``: the remote node is on this node's L2 segment (the underlay
    graph says so), so the kernel accepts it as a gateway on eth0."""
    route = Route(remote.pod_cidr, "eth0", Origin.FLANNEL, via=remote.ip)
    if not on_link:
        # fib_check_nh() finds no link-scope route to the gateway on eth0.
        # Shared by every node of the other L2 domains: name only the remote's side.
        reason = (f"the kernel refused it (RTM_NEWROUTE: Nexthop has invalid gateway, "
                  f"ENETUNREACH): {remote.ip} is on segment {remote.segment}, which eth0 "
                  "does not reach without a router")
        return RemoteEntries(rejected=(RejectedRoute(route, reason),))
    return RemoteEntries(routes=(route,))
