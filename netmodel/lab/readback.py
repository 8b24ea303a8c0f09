"""State proof: read every lab netns back and compare it with the model's text.

``ip -d link``, ``ip addr``, ``ip route``, ``ip neigh`` and ``bridge fdb`` in
every netns, and ``iptables-save`` (filter, nat) on every node, against what
``netmodel state`` prints for the same netns. Only the differences in
:data:`NORMALISATIONS` are undone on the kernel's side first — what the lab
(veths for NICs, its own netns names) or the kernel on its own (running timers,
per-CPU queues, this host's default qdisc) makes different. Anything else is a
difference, reported line by line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from netmodel.lab.build import Lab
from netmodel.lab.rules import TABLES as IPTABLES_TABLES
from netmodel.lab.shell import run_in
from netmodel.state.iproute import TABLES, render_table
from netmodel.state.kernel import LinkKind, Netns
from netmodel.state.netfilter import save_text
from netmodel.state.netns_id import NetnsId, NetnsKind

__all__ = ["NORMALISATIONS", "Comparison", "Normalisation", "ReadContext", "compare_state",
           "normalise"]

READ_COMMANDS = {
    "links": ("ip", "-d", "link"),
    "addrs": ("ip", "addr"),
    "routes": ("ip", "route"),
    "neigh": ("ip", "neigh"),
    "fdb": ("bridge", "fdb"),
}


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the normalisations need to know about the lab, seen from one netns."""

    underlay: str  # the lab netns the NICs' peers live in
    link_netns: dict[str, str]  # lab netns name -> what ip(8) prints for it on a real node
    default_qdisc: str  # this host's net.core.default_qdisc


Replacement = str | Callable[[re.Match[str], ReadContext], str]


@dataclass(frozen=True, slots=True)
class Normalisation:
    """A difference the lab legitimately makes, undone on the kernel's text.

    ``pattern`` is a multiline regex in which ``<underlay>`` and
    ``<default_qdisc>`` stand for the :class:`ReadContext` values; with ``kinds``
    it only applies inside the blocks of links the model gives one of those kinds.
    """

    why: str
    tables: frozenset[str]
    kinds: frozenset[LinkKind] | None
    pattern: str
    replacement: Replacement

    def apply(self, text: str, context: ReadContext) -> str:
        pattern = (self.pattern.replace("<underlay>", re.escape(context.underlay))
                   .replace("<default_qdisc>", re.escape(context.default_qdisc)))
        replacement = self.replacement
        if isinstance(replacement, str):
            return re.sub(pattern, replacement, text, flags=re.M)
        return re.sub(pattern, lambda m: replacement(m, context), text, flags=re.M)


def _peer_netns(match: re.Match[str], context: ReadContext) -> str:
    return context.link_netns.get(match[1], match[0].strip())


_NIC = frozenset({LinkKind.ETHERNET})
_LINKS = frozenset({"links", "addrs"})
NORMALISATIONS: tuple[Normalisation, ...] = (
    Normalisation("a NIC is a veth in the lab: ip(8) shows its peer's ifindex (eth0@if7)",
                  _LINKS, _NIC, r"^(\d+: [^:@]+)@if\d+:", r"\1:"),
    Normalisation("a NIC is a veth in the lab: ip(8) names the netns of its peer",
                  _LINKS, _NIC, r" link-netns <underlay>(?= |$)", ""),
    Normalisation("a veth has no qdisc (IFF_NO_QUEUE) where a NIC gets the default "
                  "(fq_codel on a systemd node)", _LINKS, _NIC, r" qdisc noqueue ",
                  " qdisc fq_codel "),
    Normalisation("a veth's kind line, queue count and tso_max_size are not a NIC driver's "
                  "(eth0's queue counts and tso_max_size are not compared)",
                  frozenset({"links"}), _NIC,
                  r"maxmtu (\d+) \n    veth addrgenmode (\S+) numtxqueues \d+ numrxqueues \d+ "
                  r"(gso_max_size \d+ gso_max_segs \d+) tso_max_size \d+ ",
                  r"maxmtu \1 addrgenmode \2 numtxqueues 1 numrxqueues 1 \3 tso_max_size 65536 "),
    Normalisation("containerd names a pod netns cni-<uuid> and a node's is the unnamed init "
                  "netns (shown by nsid); the lab's have lab names",
                  _LINKS, frozenset({LinkKind.VETH}), r" link-netns (\S+)",
                  lambda m, c: " " + _peer_netns(m, c)),
    Normalisation("bridge and port timers run (gc_timer restarts every 300 s, "
                  "forward_delay_timer 15 s after a port comes up); the model prints them "
                  "at rest", frozenset({"links"}), None, r"(\w+_timer) +\d+\.\d\d ",
                  r"\1    0.00 "),
    Normalisation("a veth gets one queue per possible CPU of the lab machine; the model "
                  "prints a 2-vCPU node", frozenset({"links"}), frozenset({LinkKind.VETH}),
                  r"numtxqueues \d+ numrxqueues \d+", "numtxqueues 2 numrxqueues 2"),
    Normalisation("flannel0 gets this host's net.core.default_qdisc; the model assumes "
                  "fq_codel (systemd's)", _LINKS, frozenset({LinkKind.TUN}),
                  r" qdisc <default_qdisc> ", " qdisc fq_codel "),
)
IPTABLES_IGNORED = "iptables-save's '#' comment lines (generator version and a timestamp)"
# `ip neigh` walks the neighbour hash table, so its order is the hash's: both
# sides are sorted. `ip route` (FIB trie, key order) and `bridge fdb` (ifindex
# order, then each bridge's newest-first list) are compared as printed.
SORTED_TABLES = frozenset({"neigh"})
FDB_ORDER_IGNORED = ("the order of a VXLAN device's FDB entries: a hash table's before Linux "
                     "6.16, newest first after, and on a node the order leases reached "
                     "flanneld; they are compared as a set, in place")


def _vxlan_entries_sorted(lines: list[str]) -> list[str]:
    """``lines`` with the VXLAN FDB entries (those with a ``dst``) sorted among
    the positions they hold; every other line stays where it is."""
    positions = [i for i, line in enumerate(lines) if " dst " in line]
    out = list(lines)
    for i, line in zip(positions, sorted(lines[i] for i in positions), strict=True):
        out[i] = line
    return out


def normalise(text: str, table: str, netns: Netns, context: ReadContext,
              rules: tuple[Normalisation, ...] = NORMALISATIONS) -> str:
    """Apply ``rules`` to the kernel's ``table`` for ``netns``, block by block."""
    rules = tuple(r for r in rules if table in r.tables)
    blocks: list[list[str]] = []
    for line in text.splitlines(keepends=True):
        if not blocks or (table in ("links", "addrs") and re.match(r"\d+: ", line)):
            blocks.append([])
        blocks[-1].append(line)
    out = []
    for lines in blocks:
        block = "".join(lines)
        name = re.match(r"\d+: ([^:@]+)", block) if table in ("links", "addrs") else None
        link = netns.link(name[1]) if name else None
        for rule in rules:
            if rule.kinds is None or (link is not None and link.kind in rule.kinds):
                block = rule.apply(block, context)
        out.append(block)
    return "".join(out)


def read_context(lab: Lab, netns: Netns) -> ReadContext:
    """What the normalisations need to know about the lab, seen from ``netns``."""
    names = lab.names
    nsids = {}
    for line in run_in(lab.lab_name(netns.id), "ip", "netns", "list-id").splitlines():
        match = re.fullmatch(r"nsid (\d+) \(iproute2 netns name: (\S+)\)", line.strip())
        if match:
            nsids[match[2]] = int(match[1])
    shown = {}
    for ns in lab.netns():
        for link in ns.links:
            if link.peer_netns is not None and link.link_netns is not None:
                shown[names.netns[link.peer_netns]] = f"link-netns {link.link_netns}"
    for netns_id, name in names.netns.items():
        if netns_id.kind is NetnsKind.NODE and name in nsids:
            shown[name] = f"link-netnsid {nsids[name]}"
    with open("/proc/sys/net/core/default_qdisc", encoding="ascii") as f:
        default_qdisc = f.read().strip()
    return ReadContext(names.underlay, shown, default_qdisc)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One table of one netns: the model's lines and the kernel's (normalised)."""

    netns: str  # the model's label, e.g. "node-1 · pod default/web-1"
    lab_netns: str
    table: str
    expected: tuple[str, ...]
    actual: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return self.expected == self.actual

    def diff(self) -> str:
        # "$" marks line ends: ip route and ip neigh end their lines with a space.
        return "\n".join(difflib.unified_diff(
            [f"{x}$" for x in self.expected], [f"{x}$" for x in self.actual],
            "model (netmodel state)", "kernel (normalised)", lineterm=""))


def kernel_table(lab: Lab, netns: Netns, table: str) -> str:
    tool, *args = READ_COMMANDS[table]
    return run_in(lab.lab_name(netns.id), tool, *args)


def kernel_iptables(lab: Lab, node: str) -> list[str]:
    lines: list[str] = []
    for table in IPTABLES_TABLES:
        text = run_in(lab.lab_name(NetnsId.node(node)), "iptables-save", "-t", table)
        lines += [line for line in text.splitlines() if not line.startswith("#")]
    return lines


def compare_state(lab: Lab) -> list[Comparison]:
    """Every table of every lab netns, and every node's iptables, model vs kernel."""
    out = []
    for netns in lab.netns():
        context = read_context(lab, netns)
        where = f"{netns.node} · {netns.label}"
        for table in TABLES:
            kernel = normalise(kernel_table(lab, netns, table), table, netns, context)
            expected, actual = render_table(netns, table).splitlines(), kernel.splitlines()
            if table in SORTED_TABLES:
                expected, actual = sorted(expected), sorted(actual)
            elif table == "fdb":
                expected, actual = _vxlan_entries_sorted(expected), _vxlan_entries_sorted(actual)
            out.append(Comparison(where, lab.lab_name(netns.id), table, tuple(expected),
                                  tuple(actual)))
    for node in lab.model.cluster.nodes:
        expected = save_text(lab.model.ruleset(node.name)).splitlines()
        out.append(Comparison(f"{node.name} · host", lab.lab_name(NetnsId.node(node.name)),
                              "iptables", tuple(expected),
                              tuple(kernel_iptables(lab, node.name))))
    return out
