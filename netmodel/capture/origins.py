"""Who most likely programmed an entry read from a node, by the device it is on.

The diff names the component that should program a *missing* entry from the
model's own :class:`~netmodel.state.kernel.Origin`; this guess only labels what
a node holds and the model does not (an extra route, a docker0).
"""

from __future__ import annotations

from netmodel.state.kernel import Origin

__all__ = ["device_origin"]


def device_origin(dev: str, master: str | None = None) -> Origin:
    if dev == "lo":
        return Origin.KERNEL
    if dev.startswith("flannel"):  # flannel.1 (vxlan), flannel0 (udp)
        return Origin.FLANNEL
    if dev == "cni0" or master == "cni0":
        return Origin.CNI
    return Origin.PROVISIONING
