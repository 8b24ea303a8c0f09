"""``ip -j route show table all`` → the main table as
:class:`~netmodel.state.kernel.Route` values.

The model holds the main table; the kernel's ``local`` table (an entry per
address and broadcast address) it computes from the addresses instead, and any
other table is not modelled: :func:`parse_routes` counts what it leaves out so
the diff can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

from netmodel.capture.entries import Entry, json_entries
from netmodel.capture.origins import device_origin
from netmodel.state.kernel import Origin, Route

__all__ = ["ParsedRoutes", "parse_routes"]


@dataclass(frozen=True, slots=True)
class ParsedRoutes:
    main: tuple[Route, ...]
    other_tables: int  # entries of the local table and any other


def parse_routes(text: str, file: str) -> ParsedRoutes:
    main: list[Route] = []
    other = 0
    for entry in json_entries(text, file):
        if entry.get("table", str, "main") != "main":
            other += 1
            continue
        if entry.get("family", str, "inet") != "inet":
            continue
        main.append(_route(entry))
    return ParsedRoutes(tuple(main), other)


def _dst(entry: Entry) -> IPv4Network:
    text = entry.text("dst")
    if text == "default":
        return IPv4Network("0.0.0.0/0")
    try:
        return IPv4Network(text)  # a host route is printed without its /32
    except ValueError:
        raise entry.error("dst", f"not an IPv4 destination: {text!r}") from None


def _route(entry: Entry) -> Route:
    kind = entry.get("type", str, "unicast")
    dst = _dst(entry)
    if kind == "unreachable":
        return Route(dst, entry.get("dev", str, "lo"), Origin.PROVISIONING, unreachable=True)
    if kind != "unicast":
        raise entry.error("type", f"a {kind} route in the main table is not modelled "
                          "(unicast and unreachable are)")
    if "nexthops" in entry.data:
        raise entry.error("nexthops", "multipath routes are not modelled")
    dev = entry.text("dev")
    flags = entry.get("flags", list, [])
    via = entry.address("gateway") if "gateway" in entry.data else None
    src = entry.address("prefsrc") if "prefsrc" in entry.data else None
    kernel = entry.get("protocol", str) == "kernel" and entry.get("scope", str) == "link"
    return Route(dst, dev, Origin.KERNEL if kernel else device_origin(dev), via=via, src=src,
                 onlink="onlink" in flags, proto_kernel=kernel)
