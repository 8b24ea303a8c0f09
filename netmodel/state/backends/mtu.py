"""What encapsulation costs: the pod MTU each backend leaves."""

from __future__ import annotations

from netmodel.spec.cluster import Backend

__all__ = ["overhead", "pod_mtu"]


def overhead(backend: Backend) -> int:
    """Encapsulation bytes: flannel's ``encapOverhead`` (:attr:`Backend.overhead`)."""
    return backend.overhead


def pod_mtu(backend: Backend, underlay_mtu: int) -> int:
    """flannel's ``FLANNEL_MTU``: the uplink MTU minus the overhead."""
    return underlay_mtu - overhead(backend)
