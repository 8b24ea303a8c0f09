"""Build a model's derived kernel state in real Linux network namespaces.

Used by ``test_kernel_oracle.py``: every device, address, route, neighbour and
FDB entry is created from the model's own :class:`~netmodel.kernel.Netns` values,
then read back with iproute2. Nothing is ever added to the root netns: every
``ip``/``bridge`` command targets a lab netns (``-n NS`` or ``ip netns exec``),
and veth pairs are created with both ends inside lab namespaces.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from netmodel.kernel import Address, Link, LinkKind, Netns, Origin
from netmodel.model import Model
from netmodel.node_state import node_netns_id, pod_netns_id

__all__ = ["Lab", "LabError", "Normalisation", "ReadContext", "lab_unavailable", "normalise"]

# The node's eth0 sits on one bridge per underlay segment in this netns.
UNDERLAY = "ul"
# The kernel side of flanneld's udp backend: a process holds the TUN device open
# (TUNSETIFF with IFF_TUN|IFF_NO_PI, not persistent), as flanneld does; without
# a reader the device stays NO-CARRIER.
_TUN_HOLDER = """
import fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH22x", sys.argv[1].encode(), 0x0001 | 0x1000))
print("ready", flush=True)
sys.stdin.read()
"""
# A gratuitous ARP request from a pod's eth0, as the CNI bridge plugin sends one
# on ADD: cni0 learns the pod's MAC on its port, and with arp_accept=0 no
# neighbour entry appears anywhere.
_GARP = """
import socket, struct, sys
dev, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
ip = socket.inet_aton(sys.argv[3])
arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip + bytes(6) + ip
frame = b"\\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp
with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
    s.bind((dev, 0))
    s.send(frame.ljust(60, b"\\0"))
"""
_SYSCTLS = ("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
READ_COMMANDS = {
    "links": ("ip", "-d", "link"),
    "addrs": ("ip", "addr"),
    "routes": ("ip", "route"),
    "neigh": ("ip", "neigh"),
    "fdb": ("bridge", "fdb"),
}


class LabError(RuntimeError):
    """A lab command failed: the command line and what it printed."""


def _run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise LabError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def lab_unavailable(probe_name: str, *, tun: bool = False) -> str | None:
    """Why the lab cannot run here (``tun``: with a TUN device), or None."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    for tool in ("ip", "bridge"):
        if shutil.which(tool) is None:
            return f"iproute2's {tool!r} is not installed"
    if tun and not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun to create flannel0 with"
    try:
        _run("ip", "netns", "add", probe_name)
    except LabError as exc:
        return f"cannot create a network namespace ({exc})"
    try:
        _run("ip", "netns", "del", probe_name)
    except LabError as exc:
        return f"cannot delete the probe namespace ({exc})"
    return None


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What the normalisations need to know about the lab, seen from one netns."""

    underlay: str  # the lab netns node eth0s' peers live in
    link_netns: dict[str, str]  # lab netns name -> what ip(8) prints for it on a real node
    default_qdisc: str  # this host's net.core.default_qdisc


Replacement = str | Callable[[re.Match[str], ReadContext], str]


@dataclass(frozen=True, slots=True)
class Normalisation:
    """A difference the lab legitimately makes, undone on the kernel's text.

    ``pattern`` is a regex (multiline) in which the placeholders ``<underlay>`` and
    ``<default_qdisc>`` stand for the :class:`ReadContext` values; with ``kinds`` it
    only applies inside the ``ip link``/``ip addr`` blocks of the links the model
    gives one of those kinds.
    """

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


def normalise(text: str, table: str, netns: Netns, context: ReadContext,
              rules: tuple[Normalisation, ...]) -> str:
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


@dataclass
class Lab:
    """One cluster's node and pod namespaces plus an underlay netns."""

    model: Model
    prefix: str  # unique per run, e.g. nmo-<pid>-vxlan
    names: dict[str, str] = field(default_factory=dict)  # model netns id -> lab netns
    created: list[str] = field(default_factory=list)
    holders: list[subprocess.Popen[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        cluster = self.model.cluster
        for i, node in enumerate(cluster.nodes, start=1):
            self.names[node_netns_id(node.name)] = f"{self.prefix}-n{i}"
        for i, pod in enumerate((p for p in cluster.pods if not p.host_network), start=1):
            self.names[pod_netns_id(pod.key)] = f"{self.prefix}-p{i}"
        self.underlay = f"{self.prefix}-{UNDERLAY}"

    # -- what the tests look at ---------------------------------------------------

    def netns(self) -> list[Netns]:
        """The model's netns the lab built, nodes first."""
        return [self.model.netns(netns_id) for netns_id in self.names]

    def read(self, netns: Netns, table: str) -> str:
        tool, *args = READ_COMMANDS[table]
        return _run(tool, "-n", self.names[netns.id], *args)

    def context(self, netns: Netns) -> ReadContext:
        """What the normalisations need to know about the lab, seen from ``netns``."""
        nsids = {}
        for line in _run("ip", "-n", self.names[netns.id], "netns", "list-id").splitlines():
            # nsid 0 (iproute2 netns name: nmo-…-n1)
            match = re.fullmatch(r"nsid (\d+) \(iproute2 netns name: (\S+)\)", line.strip())
            if match:
                nsids[match[2]] = int(match[1])
        shown = {}
        for ns in self.netns():
            for link in ns.links:
                if link.peer_netns is not None and link.link_netns is not None:
                    shown[self.names[link.peer_netns]] = f"link-netns {link.link_netns}"
        for netns_id, name in self.names.items():
            if netns_id.startswith("node:") and name in nsids:
                shown[name] = f"link-netnsid {nsids[name]}"
        with open("/proc/sys/net/core/default_qdisc", encoding="ascii") as f:
            default_qdisc = f.read().strip()
        return ReadContext(self.underlay, shown, default_qdisc)

    # -- building -----------------------------------------------------------------

    def build(self) -> None:
        """Create everything; on any failure tear down what exists and re-raise."""
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        for name in (self.underlay, *self.names.values()):
            self._add_netns(name)
        cluster = self.model.cluster
        self._segments = {s.name: f"seg{i}" for i, s in enumerate(cluster.underlay.segments)}
        for bridge in self._segments.values():
            self._ip(self.underlay, "link", "add", bridge, "type", "bridge")
            self._ip(self.underlay, "link", "set", bridge, "up")
        spaces = self.netns()
        for ns in spaces:
            if ns.ip_forward:
                self._exec(ns.id, "sysctl", "-qw", "net.ipv4.ip_forward=1")
            for link in sorted(ns.links, key=lambda link: link.index):
                self._create(ns, link)
        for ns in spaces:
            for link in ns.links:
                if link.master is not None:
                    self._ip_of(ns, "link", "set", link.name, "master", link.master)
                if link.hairpin:
                    self._ip_of(ns, "link", "set", link.name, "type", "bridge_slave",
                                "hairpin", "on")
            for link in ns.links:
                self._ip_of(ns, "link", "set", link.name, "up")
        for ns in spaces:
            self._program(ns)
        for ns in spaces:
            self._announce(ns)

    def _add_netns(self, name: str) -> None:
        self.created.append(name)  # before the attempt: a half-made netns is deleted too
        _run("ip", "netns", "add", name)
        _run("ip", "netns", "exec", name, "sysctl", "-qw", *_SYSCTLS)
        self._ip(name, "link", "set", "lo", "up")

    def _create(self, ns: Netns, link: Link) -> None:
        common = ("address", link.mac, "mtu", str(link.mtu)) if link.mac else ()
        if link.kind is LinkKind.LOOPBACK:
            return  # every netns has lo, up since _add_netns
        if link.kind is LinkKind.ETHERNET:
            # A "physical" NIC is a veth whose other end is a port of the
            # segment's bridge in the underlay netns.
            node = self.model.cluster.node(ns.node)
            port = f"u-{self.names[ns.id].rsplit('-', 1)[1]}"
            self._ip(self.underlay, "link", "add", port, "mtu", str(link.mtu), "type", "veth",
                     "peer", "name", link.name, *common, "netns", self.names[ns.id])
            self._ip(self.underlay, "link", "set", port, "master",
                     self._segments[node.segment], "up")
        elif link.kind is LinkKind.VXLAN:
            vx = link.vxlan
            assert vx is not None
            self._ip_of(ns, "link", "add", link.name, *common, "type", "vxlan",
                        "id", str(vx.vni), "local", str(vx.local), "dev", vx.dev,
                        "dstport", str(vx.port), "learning" if vx.learning else "nolearning")
        elif link.kind is LinkKind.BRIDGE:
            self._ip_of(ns, "link", "add", link.name, *common, "type", "bridge")
        elif link.kind is LinkKind.TUN:
            self._hold_tun(ns, link.name)
            self._ip_of(ns, "link", "set", link.name, "mtu", str(link.mtu))
        elif link.kind is LinkKind.VETH:
            assert link.peer_netns is not None and link.peer_name is not None
            peer_ns = self.model.netns(link.peer_netns)
            peer = peer_ns.link(link.peer_name)
            assert peer is not None and peer.mac is not None
            if self._exists(ns, link.name):
                return  # created with its peer
            self._ip_of(ns, "link", "add", link.name, *common, "type", "veth", "peer",
                        "name", peer.name, "address", peer.mac, "mtu", str(peer.mtu),
                        "netns", self.names[peer_ns.id])
        else:  # pragma: no cover - a new LinkKind needs a recipe here
            raise LabError(f"no lab recipe for link kind {link.kind}")

    def _exists(self, ns: Netns, dev: str) -> bool:
        done = subprocess.run(("ip", "-n", self.names[ns.id], "link", "show", "dev", dev),
                              capture_output=True, check=False)
        return done.returncode == 0

    def _hold_tun(self, ns: Netns, dev: str) -> None:
        holder = subprocess.Popen(
            ("ip", "netns", "exec", self.names[ns.id], sys.executable, "-c", _TUN_HOLDER, dev),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.holders.append(holder)
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "ready":
            holder.kill()
            _, err = holder.communicate(timeout=10)
            raise LabError(f"TUN holder for {dev} in {self.names[ns.id]} failed: {err.strip()}")

    def _program(self, ns: Netns) -> None:
        for address in ns.addresses:
            if address.origin is not Origin.KERNEL:  # the kernel adds lo's itself
                self._ip_of(ns, "addr", "add", *_address_args(address))
        for route in ns.routes:
            if route.proto_kernel:
                continue  # the kernel adds these with the address
            args = ["route", "add", str(route.dst)]
            if route.via is not None:
                args += ["via", str(route.via)]
            # Route has no scope: the model prints none, i.e. RT_SCOPE_UNIVERSE, which
            # is what flanneld asks for even without a gateway (udp's Network route);
            # ip(8) alone would make a gateway-less route "scope link".
            args += ["dev", route.dev, "scope", "global"]
            if route.src is not None:
                args += ["src", str(route.src)]
            if route.onlink:
                args.append("onlink")
            self._ip_of(ns, *args)
        for neighbor in ns.neighbors:
            self._ip_of(ns, "neigh", "add", str(neighbor.ip), "lladdr", neighbor.mac,
                        "dev", neighbor.dev, "nud", neighbor.state.lower())
        for entry in ns.fdb:
            if entry.dst is not None:
                _run("bridge", "-n", self.names[ns.id], "fdb", "add", entry.mac,
                     "dev", entry.dev, "dst", str(entry.dst), "self", "permanent")

    def _announce(self, ns: Netns) -> None:
        """Each pod sends one frame so its node's bridge learns its MAC."""
        if not ns.id.startswith("pod:"):
            return
        for link in ns.links:
            ips = [a.ip for a in ns.addresses if a.dev == link.name]
            if link.kind is LinkKind.VETH and link.mac and ips:
                self._garp(ns, link, ips[0])

    def _garp(self, ns: Netns, link: Link, ip: IPv4Address) -> None:
        assert link.mac is not None and link.peer_netns is not None
        self._exec(ns.id, sys.executable, "-c", _GARP, link.name, link.mac, str(ip))
        # Learning happens when the frame is processed off the peer's backlog:
        # wait for it rather than race the read-back.
        host = self.names[link.peer_netns]
        deadline = time.monotonic() + 5
        while link.mac not in _run("bridge", "-n", host, "fdb", "show", "dev",
                                   str(link.peer_name)):
            if time.monotonic() > deadline:
                raise LabError(f"{host}'s bridge did not learn {link.mac} from "
                               f"{self.names[ns.id]}")
            time.sleep(0.05)

    # -- command helpers ----------------------------------------------------------

    def _ip(self, lab_ns: str, *args: str) -> None:
        _run("ip", "-n", lab_ns, *args)

    def _ip_of(self, ns: Netns, *args: str) -> None:
        self._ip(self.names[ns.id], *args)

    def _exec(self, netns_id: str, *argv: str) -> None:
        _run("ip", "netns", "exec", self.names[netns_id], *argv)

    # -- teardown -----------------------------------------------------------------

    def close(self) -> None:
        """Stop the TUN holders and delete every netns this lab made (idempotent)."""
        try:
            for holder in self.holders:
                if holder.poll() is None:
                    holder.kill()
                holder.communicate(timeout=10)
        finally:
            self.holders.clear()
            self._delete_netns()

    def _delete_netns(self) -> None:
        failures = []
        for name in reversed(self.created):
            done = subprocess.run(("ip", "netns", "del", name), capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0 and os.path.exists(f"/var/run/netns/{name}"):
                failures.append(f"{name}: {done.stderr.strip()}")
        self.created.clear()
        if failures:
            raise LabError("could not delete lab namespaces: " + "; ".join(failures))


def _address_args(address: Address) -> list[str]:
    args = [str(address.interface)]
    if address.has_broadcast:
        args += ["brd", "+"]
    return [*args, "scope", address.scope, "dev", address.dev]
