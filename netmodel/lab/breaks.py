"""Break one thing in a lab node, as a real node breaks: the checks of
``netmodel diff`` and ``trace --state`` against the kernel (tests/test_capture_lab.py).

Each :class:`Break` changes one kernel object of a node's host netns with the
tools an operator (or a crashed daemon) would use, derived from the model's
own state so it applies to any spec: a VXLAN FDB entry, a route to another
node's subnet, a permanent neighbour entry, a kube-proxy rule, flannel.1's MTU.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from netmodel.lab.build import Lab
from netmodel.lab.shell import run_in
from netmodel.state.netns_id import NetnsId

__all__ = ["BREAKS", "Break", "apply_break"]


@dataclass(frozen=True, slots=True)
class Break:
    name: str
    what: str  # the Difference.what diff must report
    text: str  # a fragment of the object diff must name


def _commands(lab: Lab, node: str, name: str) -> tuple[tuple[tuple[str, ...], ...], Break]:
    ns = lab.model.node_netns(node)
    if name == "fdb":
        entry = next(e for e in ns.fdb if e.dst is not None)
        return (("bridge", "fdb", "del", entry.mac, "dev", entry.dev, "dst", str(entry.dst),
                 "self"),), Break(name, "fdb", entry.mac)
    if name == "route":
        route = next(r for r in ns.routes if r.dev.startswith("flannel") and r.via)
        return (("ip", "route", "del", str(route.dst)),), Break(name, "route", str(route.dst))
    if name == "neigh":
        neighbor = ns.neighbors[0]
        return (("ip", "neigh", "del", str(neighbor.ip), "dev", neighbor.dev),), \
            Break(name, "neighbour", str(neighbor.ip))
    if name == "mtu":
        link = next(link for link in ns.links if link.name.startswith("flannel"))
        return (("ip", "link", "set", link.name, "mtu", str(link.mtu - 50)),), \
            Break(name, "link", f"{link.name} mtu {link.mtu}")
    if name == "kube-proxy":
        rule = next(r for r in lab.model.ruleset(node).rules
                    if r.chain == "KUBE-SERVICES" and r.target.name
                    and r.target.name.startswith("KUBE-SVC-"))
        words = shlex.split(rule.save())
        return (("iptables", "-w", "5", "-t", rule.table, "-D", *words[1:]),), \
            Break(name, "rule", rule.save())
    raise ValueError(f"no break {name!r}")


BREAKS = ("fdb", "route", "neigh", "kube-proxy", "mtu")


def apply_break(lab: Lab, node: str, name: str) -> Break:
    """Change ``name``'s object in ``node``'s lab netns; what diff must name."""
    commands, expected = _commands(lab, node, name)
    for argv in commands:
        run_in(lab.lab_name(NetnsId.node(node)), *argv)
    return expected
