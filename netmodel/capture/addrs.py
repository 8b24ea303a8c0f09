"""``ip -j addr`` → :class:`~netmodel.state.kernel.Address` values (IPv4 only:
the model is IPv4-only, so ``inet6`` entries are left out)."""

from __future__ import annotations

from ipaddress import IPv4Interface

from netmodel.capture.entries import Entry, json_entries
from netmodel.capture.origins import device_origin
from netmodel.state.kernel import Address, Origin

__all__ = ["parse_addrs"]


def parse_addrs(text: str, file: str) -> tuple[Address, ...]:
    out: list[Address] = []
    for entry in json_entries(text, file):
        dev = entry.text("ifname")
        master = entry.get("master", str)
        infos = entry.get("addr_info", list, [])
        for i, raw in enumerate(infos):
            info = Entry(entry.file, entry.line, entry.index, raw if isinstance(raw, dict)
                         else {}, f"addr_info[{i}].")
            if not isinstance(raw, dict):
                raise info.error("", "expected an object")
            if info.get("family", str) != "inet":
                continue
            local = info.address("local")
            length = info.number("prefixlen")
            if not 0 <= length <= 32:
                raise info.error("prefixlen", f"{length} is not an IPv4 prefix length")
            origin = Origin.KERNEL if dev == "lo" else device_origin(dev, master)
            out.append(Address(dev, IPv4Interface(f"{local}/{length}"), origin,
                               scope=info.get("scope", str, "global")))
    return tuple(out)
