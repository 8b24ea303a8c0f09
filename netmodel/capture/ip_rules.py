"""``ip -j rule`` → the policy routing rules a node adds to the kernel's three.

The model routes by the main table alone, which is what the kernel's default
rules amount to for a node's traffic (0: local, 32766: main, 32767: default,
fib_rules defaults in net/ipv4/fib_rules.c). Any other rule changes which table
a packet is looked up in; the diff lists it (the walks are still traced with
the main table).
"""

from __future__ import annotations

from netmodel.capture.entries import json_entries

__all__ = ["parse_ip_rules"]

_DEFAULTS = {(0, "local"), (32766, "main"), (32767, "default")}


def parse_ip_rules(text: str, file: str) -> tuple[str, ...]:
    """The rules beyond the defaults, as ``ip rule`` prints them."""
    out: list[str] = []
    for entry in json_entries(text, file):
        priority = entry.number("priority")
        table = str(entry.data.get("table", ""))
        selectors = {k: v for k, v in entry.data.items()
                     if k not in ("priority", "table", "src", "flags")}
        src = entry.get("src", str, "all")
        if (priority, table) in _DEFAULTS and src == "all" and not selectors:
            continue
        extra = "".join(f" {k} {v}" for k, v in sorted(selectors.items()))
        out.append(f"{priority}: from {src}{extra} lookup {table}")
    return tuple(out)
