"""What encapsulation costs: the pod MTU each backend leaves."""

from __future__ import annotations

from netmodel.spec.cluster import Backend

__all__ = ["pod_mtu"]


def pod_mtu(backend: Backend, underlay_mtu: int) -> int:
    """flannel's ``FLANNEL_MTU``: the uplink MTU minus the backend's
    ``encapOverhead`` (:attr:`Backend.overhead`)."""
    return underlay_mtu - backend.overhead
