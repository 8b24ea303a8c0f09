"""flannel's backends: what each programs on a node, keyed by ``Backend``.

Each backend module exposes the same small surface: ``OVERHEAD`` (bytes of
encapsulation, which sets the pod MTU), ``device_links``/``device_addresses``
for its own device, and ``remote_entries`` for one remote node's lease, which
flanneld's ``handleSubnetEvents`` turns into routes, neighbours and FDB entries.
"""

from __future__ import annotations

from netmodel.spec.cluster import Backend

__all__ = ["overhead", "pod_mtu"]

def overhead(backend: Backend) -> int:
    """Encapsulation bytes: flannel's ``encapOverhead`` (:attr:`Backend.overhead`)."""
    return backend.overhead


def pod_mtu(backend: Backend, underlay_mtu: int) -> int:
    """flannel's ``FLANNEL_MTU``: the uplink MTU minus the overhead."""
    return underlay_mtu - overhead(backend)
