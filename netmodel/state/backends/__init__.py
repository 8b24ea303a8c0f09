"""flannel's backends behind one interface: what each programs on a node.

flanneld picks a backend from ``Backend.Type`` in its net-conf.json
(``pkg/backend/manager.go``); each one (``pkg/backend/{vxlan,hostgw,udp}``)
creates its own device, if any, when the node registers, and turns every other
node's lease into kernel entries in ``handleSubnetEvents``. :class:`FlannelBackend`
is that surface; :func:`backend_for` gives the implementation for a spec's backend.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Protocol

from netmodel.spec.cluster import Backend, Node
from netmodel.state.backends.entries import RemoteEntries
from netmodel.state.backends.host_gw import HOST_GW
from netmodel.state.backends.mtu import pod_mtu
from netmodel.state.backends.udp import UDP
from netmodel.state.backends.vxlan import VXLAN
from netmodel.state.kernel import Address, Link, Route

__all__ = ["FlannelBackend", "backend_for", "pod_mtu"]


class FlannelBackend(Protocol):
    """What a flannel backend programs on a node, and what it costs a packet."""

    @property
    def kind(self) -> Backend: ...

    @property
    def device_name(self) -> str | None:
        """The backend's own device (``flannel.1``, ``flannel0``), None for host-gw."""

    @property
    def port(self) -> int | None:
        """The UDP port its encapsulated packets use, None without encapsulation."""

    def device(self, node: Node, underlay_mtu: int, index: int) -> tuple[Link, Address] | None:
        """The device flanneld creates on ``node`` and the address it gives it."""

    def network_routes(self, cluster_cidr: IPv4Network) -> tuple[Route, ...]:
        """Routes for the whole flannel Network, added once per node."""

    def remote_entries(self, node: Node, remote: Node, on_link: bool) -> RemoteEntries:
        """What ``handleSubnetEvents`` programs for ``remote``'s lease. ``on_link``:
        ``remote`` shares ``node``'s L2 segment."""


_BACKENDS: dict[Backend, FlannelBackend] = {Backend.VXLAN: VXLAN, Backend.HOST_GW: HOST_GW,
                                           Backend.UDP: UDP}


def backend_for(backend: Backend) -> FlannelBackend:
    """The implementation of ``backend``."""
    return _BACKENDS[backend]
