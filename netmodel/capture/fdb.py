"""``bridge -j fdb`` → :class:`~netmodel.state.kernel.FdbEntry` values, in the
order printed (the tracer's lookup takes the first entry for a MAC, as the
kernel's does). Fields as bridge/fdb.c prints them: ``mac``, ``ifname``,
``dst``, ``master``, ``flags`` (``self``) and ``state`` ("permanent", or "" for
an entry the bridge learnt)."""

from __future__ import annotations

from netmodel.capture.entries import json_entries
from netmodel.capture.origins import device_origin
from netmodel.state.kernel import FdbEntry, Origin

__all__ = ["parse_fdb"]


def parse_fdb(text: str, file: str) -> tuple[FdbEntry, ...]:
    out: list[FdbEntry] = []
    for entry in json_entries(text, file):
        mac = entry.mac("mac")
        dev = entry.text("ifname")
        master = entry.get("master", str)
        dst = entry.address("dst") if "dst" in entry.data else None
        state = entry.get("state", str, "")
        multicast = int(mac.split(":")[0], 16) & 1
        origin = Origin.KERNEL if (multicast or (master and dst is None)) \
            else device_origin(dev, master)
        out.append(FdbEntry(mac, dev, origin, dst=dst, master=master,
                            permanent=state in ("permanent", "static")))
    return tuple(out)
