"""``ip -j neigh`` → :class:`~netmodel.state.kernel.Neighbor` values.

Only entries a daemon installed (PERMANENT, NOARP) are state; the rest were
learnt from traffic and age out (REACHABLE, STALE, DELAY…) or never resolved
(FAILED, INCOMPLETE). They are counted, not kept: the tracer resolves such a
neighbour by ARP on the device's L2 domain, as the kernel would.
"""

from __future__ import annotations

from dataclasses import dataclass

from netmodel.capture.entries import json_entries
from netmodel.capture.origins import device_origin
from netmodel.state.kernel import Neighbor

__all__ = ["ParsedNeighbors", "parse_neigh"]

_INSTALLED = ("PERMANENT", "NOARP")


@dataclass(frozen=True, slots=True)
class ParsedNeighbors:
    installed: tuple[Neighbor, ...]
    learnt: int  # dynamic entries left out of the state
    # The resolved ones among them: which MAC answers for a pod's IP on cni0
    # ties the pod to its veth where the CNI's names and MACs are random.
    resolved: tuple[Neighbor, ...] = ()


def parse_neigh(text: str, file: str) -> ParsedNeighbors:
    installed: list[Neighbor] = []
    resolved: list[Neighbor] = []
    learnt = 0
    for entry in json_entries(text, file):
        ip = entry.address("dst")
        states = entry.get("state", list, [])
        state = next((s for s in states if s in _INSTALLED), None)
        dev = entry.text("dev")
        if state is None or "lladdr" not in entry.data:
            learnt += 1
            if "lladdr" in entry.data:
                resolved.append(Neighbor(ip, dev, entry.mac("lladdr"), device_origin(dev),
                                         next(iter(states), "")))
            continue
        installed.append(Neighbor(ip, dev, entry.mac("lladdr"), device_origin(dev), state))
    return ParsedNeighbors(tuple(installed), learnt, tuple(resolved))
