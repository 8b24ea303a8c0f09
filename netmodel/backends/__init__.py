"""flannel's backends: what each programs on a node, keyed by ``Backend``.

Each backend module exposes the same small surface: ``OVERHEAD`` (bytes of
encapsulation, which sets the pod MTU), ``device_links``/``device_addresses``
for its own device, and ``remote_entries`` for one remote node's lease, which
flanneld's ``handleSubnetEvents`` turns into routes, neighbours and FDB entries.
"""

from __future__ import annotations

from netmodel.spec import Backend

__all__ = ["overhead", "pod_mtu"]

_OVERHEAD = {Backend.VXLAN: 50, Backend.UDP: 28, Backend.HOST_GW: 0}


def overhead(backend: Backend) -> int:
    """Encapsulation bytes: flannel's ``encapOverhead`` for the backend.

    vxlan: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 (the kernel's
    VXLAN_HEADROOM); udp: IPv4 20 + UDP 8; host-gw: none.
    """
    return _OVERHEAD[backend]


def pod_mtu(backend: Backend, underlay_mtu: int) -> int:
    """flannel's ``FLANNEL_MTU``: the uplink MTU minus the overhead."""
    return underlay_mtu - overhead(backend)
