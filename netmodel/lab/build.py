"""Build a model's cluster in real Linux network namespaces, from its own state.

Every link, address, route, neighbour, FDB entry and iptables rule is created
from the model's :class:`~netmodel.state.kernel.Netns` and
:class:`~netmodel.state.netfilter.Ruleset` values, the data ``netmodel state``
prints. The wires are veth pairs whose far ends are ports of bridges in the
lab's underlay netns (see :mod:`netmodel.lab.names`). Nothing is added to the
machine's own network namespace: every command targets a lab netns, and a veth
pair is created inside one lab netns with its peer moved to another.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address

from netmodel.lab.names import UPLINK_BRIDGE, LabNames
from netmodel.lab.rules import writer_payloads
from netmodel.lab.shell import LabError, netns_exists, run, run_in
from netmodel.state.backends.udp import PORT as UDP_PORT
from netmodel.state.kernel import Address, Link, LinkKind, Netns, Origin
from netmodel.state.l2_domain import L2Domain
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId, NetnsKind

__all__ = ["Lab", "destroy"]

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
# The model's nodes run with IPv6 off (its ip(8) output has no inet6 lines).
_SYSCTLS = ("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
# A Kubernetes node: bridged frames go through iptables (br_netfilter, per netns
# since Linux 5.3), as kubelet requires of the network plugin.
_NODE_SYSCTLS = ("net.bridge.bridge-nf-call-iptables=1",)
PR_SET_PDEATHSIG = 1  # include/uapi/linux/prctl.h
_KEEP, _KEPT = "keep", "kept"  # detach()'s word to a proxy, and its answer


def _die_with(parent: int) -> Callable[[], None]:
    """The proxies' preexec_fn: SIGKILL when the lab's process dies (prctl(2)
    PR_SET_PDEATHSIG), so a CLI killed with SIGKILL, whose finally never runs,
    leaves no udp proxy behind under PID 1. The setting survives execve(2) of
    ``ip netns exec`` (which execs the proxy without forking) and of Python as
    long as neither is set-user-ID or has file capabilities (those clear it; the
    proxy's stdin, see udp_proxy, still ends with the lab). It is tied to the thread
    that called Popen: labs are built from the main thread. libc is looked up
    here, before fork(): the child only calls it."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def preexec() -> None:
        if prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            os._exit(127)
        if os.getppid() != parent:  # the lab died before prctl: nobody to follow
            os._exit(0)
    return preexec


@dataclass
class Lab:
    """One cluster's namespaces: nodes, pods, router, external clients, wires."""

    model: Model
    externals: tuple[IPv4Address, ...] = ()
    prefix: str | None = None
    names: LabNames = field(init=False)
    created: list[str] = field(default_factory=list)
    proxies: list[subprocess.Popen[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.names = LabNames.of(self.model, self.externals, self.prefix)
        # The lab's clients exist as real netns beyond the uplink for every flow:
        # the model's wan has them for every walk too.
        self.model.declare_clients(self.externals)

    # -- what readers look at -----------------------------------------------------

    def netns(self) -> list[Netns]:
        """The model's netns the lab built: nodes, pods, router, clients."""
        return [self.model.netns(netns_id) for netns_id in self.names.netns]

    def lab_name(self, netns_id: NetnsId) -> str:
        return self.names.netns[netns_id]

    # -- building -----------------------------------------------------------------

    def build(self) -> None:
        """Create everything; on any failure tear down what exists and re-raise."""
        existing = [n for n in self.names.all if netns_exists(n)]
        if existing:
            raise LabError(f"lab namespace {existing[0]} already exists "
                           f"(remove the old lab with: netmodel lab --destroy SPEC)")
        try:
            self._build()
        except BaseException:
            self.close()
            raise

    def _build(self) -> None:
        for name in self.names.all:
            self._add_netns(name)
        cluster = self.model.cluster
        self._bridges = {L2Domain.segment(s.name): f"seg{i}"
                         for i, s in enumerate(cluster.underlay.segments)}
        self._bridges[L2Domain.wan()] = UPLINK_BRIDGE
        for bridge in self._bridges.values():
            run_in(self.names.underlay, "ip", "link", "add", bridge, "type", "bridge")
            run_in(self.names.underlay, "ip", "link", "set", bridge, "up")
        spaces = self.netns()
        for ns in spaces:
            if ns.ip_forward:
                self._in(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1")
            for link in sorted(ns.links, key=lambda link: link.index):
                self._create(ns, link)
        for ns in spaces:
            for link in ns.links:
                if link.master is not None:
                    self._in(ns, "ip", "link", "set", link.name, "master", link.master)
                if link.hairpin:
                    self._in(ns, "ip", "link", "set", link.name, "type", "bridge_slave",
                             "hairpin", "on")
            for link in ns.links:
                self._in(ns, "ip", "link", "set", link.name, "up")
        for ns in spaces:
            self._program(ns)
        for node in cluster.nodes:
            self._rules(node.name)
        for ns in spaces:
            self._announce(ns)

    def _add_netns(self, name: str) -> None:
        self.created.append(name)  # before the attempt: a half-made netns is deleted too
        run("ip", "netns", "add", name)
        run_in(name, "sysctl", "-qw", *_SYSCTLS)
        run_in(name, "ip", "link", "set", "lo", "up")

    def _create(self, ns: Netns, link: Link) -> None:
        common = ("address", link.mac, "mtu", str(link.mtu)) if link.mac else ()
        if link.kind is LinkKind.LOOPBACK:
            return  # every netns has lo, up since _add_netns
        if link.kind is LinkKind.ETHERNET:
            # A "physical" NIC is a veth whose other end is a port of its L2
            # domain's bridge in the underlay netns.
            domain = self.model.l2_domain(ns, link.name)
            port = self.names.ports[ns.id, link.name]
            assert domain is not None
            run_in(self.names.underlay, "ip", "link", "add", port, "mtu", str(link.mtu),
                   "type", "veth", "peer", "name", link.name, *common,
                   "netns", self.lab_name(ns.id))
            run_in(self.names.underlay, "ip", "link", "set", port, "master",
                   self._bridges[domain], "up")
        elif link.kind is LinkKind.VXLAN:
            vx = link.vxlan
            assert vx is not None
            self._in(ns, "ip", "link", "add", link.name, *common, "type", "vxlan",
                     "id", str(vx.vni), "local", str(vx.local), "dev", vx.dev,
                     "dstport", str(vx.port), "learning" if vx.learning else "nolearning")
        elif link.kind is LinkKind.BRIDGE:
            self._in(ns, "ip", "link", "add", link.name, *common, "type", "bridge")
        elif link.kind is LinkKind.TUN:
            self._start_udp_proxy(ns, link.name)
            self._in(ns, "ip", "link", "set", link.name, "mtu", str(link.mtu))
        elif link.kind is LinkKind.VETH:
            assert link.peer_netns is not None and link.peer_name is not None
            peer_ns = self.model.netns(link.peer_netns)
            peer = peer_ns.link(link.peer_name)
            assert peer is not None and peer.mac is not None
            if self._exists(ns, link.name):
                return  # created with its peer
            self._in(ns, "ip", "link", "add", link.name, *common, "type", "veth", "peer",
                     "name", peer.name, "address", peer.mac, "mtu", str(peer.mtu),
                     "netns", self.lab_name(peer_ns.id))
        else:  # pragma: no cover - a new LinkKind needs a recipe here
            raise LabError(f"no lab recipe for link kind {link.kind}")

    def _exists(self, ns: Netns, dev: str) -> bool:
        try:
            self._in(ns, "ip", "link", "show", "dev", dev)
        except LabError:
            return False
        return True

    def _start_udp_proxy(self, ns: Netns, dev: str) -> None:
        """flanneld's part of the udp backend: the TUN device and its proxy."""
        cluster = self.model.cluster
        leases = [f"{n.pod_cidr}={n.ip}" for n in cluster.nodes if n.name != ns.node]
        proxy = subprocess.Popen(
            ("ip", "netns", "exec", self.lab_name(ns.id), sys.executable, "-m",
             "netmodel.lab.udp_proxy", dev, str(UDP_PORT), *leases),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,  # a ^C to the CLI is the CLI's to handle
            preexec_fn=_die_with(os.getpid()))  # dies with the lab unless kept: detach()
        self.proxies.append(proxy)
        assert proxy.stdout is not None
        if proxy.stdout.readline().strip() != "ready":
            proxy.kill()
            _, err = proxy.communicate(timeout=10)
            raise LabError(f"udp proxy for {dev} in {self.lab_name(ns.id)} failed: "
                           f"{' '.join(err.split())[-300:]}")

    def _program(self, ns: Netns) -> None:
        for address in ns.addresses:
            if address.origin is not Origin.KERNEL:  # the kernel adds lo's itself
                self._in(ns, "ip", "addr", "add", *_address_args(address))
        for route in ns.routes:
            if route.proto_kernel:
                continue  # the kernel adds these with the address
            if route.unreachable:
                self._in(ns, "ip", "route", "add", "unreachable", str(route.dst))
                continue
            args = ["ip", "route", "add", str(route.dst)]
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
            self._in(ns, *args)
        for neighbor in ns.neighbors:
            self._in(ns, "ip", "neigh", "add", str(neighbor.ip), "lladdr", neighbor.mac,
                     "dev", neighbor.dev, "nud", neighbor.state.lower())
        for entry in ns.fdb:
            if entry.dst is not None:
                self._in(ns, "bridge", "fdb", "add", entry.mac, "dev", entry.dev,
                         "dst", str(entry.dst), "self", "permanent")

    def _rules(self, node: str) -> None:
        """The node's iptables rules, restored in the order their writers add them."""
        lab_ns = self.lab_name(NetnsId.node(node))
        run_in(lab_ns, "sysctl", "-qw", *_NODE_SYSCTLS)
        for who, payload in writer_payloads(self.model.ruleset(node)):
            try:
                # -w: the legacy backend's xtables lock is one file for the whole
                # host, so another netns's iptables may hold it; kube-proxy waits too.
                run_in(lab_ns, "iptables-restore", "-w", "5", "--noflush", stdin=payload)
            except LabError as exc:
                raise LabError(f"{lab_ns}: {who}'s iptables payload rejected: {exc}") from None

    def _announce(self, ns: Netns) -> None:
        """Each pod sends one frame so its node's bridge learns its MAC."""
        if ns.id.kind is not NetnsKind.POD:
            return
        for link in ns.links:
            ips = [a.ip for a in ns.addresses if a.dev == link.name]
            if link.kind is LinkKind.VETH and link.mac and ips:
                self._garp(ns, link, ips[0])

    def _garp(self, ns: Netns, link: Link, ip: IPv4Address) -> None:
        assert link.mac is not None and link.peer_netns is not None
        self._in(ns, sys.executable, "-c", _GARP, link.name, link.mac, str(ip))
        # Learning happens when the frame is processed off the peer's backlog:
        # wait for it rather than race the read-back.
        host = self.lab_name(link.peer_netns)
        deadline = time.monotonic() + 5
        while link.mac not in run_in(host, "bridge", "fdb", "show", "dev",
                                     str(link.peer_name)):
            if time.monotonic() > deadline:
                raise LabError(f"{host}'s bridge did not learn {link.mac} from "
                               f"{self.lab_name(ns.id)}")
            time.sleep(0.05)

    def _in(self, ns: Netns, *argv: str, stdin: str | None = None) -> str:
        return run_in(self.lab_name(ns.id), *argv, stdin=stdin)

    # -- teardown -----------------------------------------------------------------

    def close(self) -> None:
        """Stop the udp proxies and delete every netns this lab made (idempotent)."""
        try:
            for proxy in self.proxies:
                if proxy.poll() is None:
                    os.killpg(proxy.pid, signal.SIGKILL)
                proxy.communicate(timeout=10)
        finally:
            self.proxies.clear()
            _delete(list(reversed(self.created)))
            self.created.clear()

    def detach(self) -> None:
        """Leave everything up (``--keep``): ``netmodel lab --destroy`` removes it."""
        for proxy in self.proxies:
            # A kept proxy must outlive the CLI: it clears its parent-death signal
            # (only a process can clear its own) and says so before we go.
            assert proxy.stdin is not None and proxy.stdout is not None
            proxy.stdin.write(_KEEP + "\n")
            proxy.stdin.flush()
            if proxy.stdout.readline().strip() != _KEPT:
                raise LabError(f"udp proxy {proxy.pid} did not confirm it stays up")
            proxy.stdin.close()
            proxy.stdout.close()
            if proxy.stderr is not None:
                proxy.stderr.close()
            # The proxy now belongs to the kept lab (its own session; --destroy
            # kills it): stop Popen from waiting for, or warning about, it.
            proxy.returncode = 0
        self.proxies.clear()
        self.created.clear()


def destroy(model: Model, prefix: str | None = None) -> list[str]:
    """Remove a lab left up with ``--keep`` (or by a crash): every netns named
    like this cluster's lab, and the processes inside them. Returns their names."""
    names = LabNames.of(model, prefix=prefix)
    listed = [line.split()[0] for line in run("ip", "netns", "list").splitlines() if line]
    ours = sorted(n for n in listed if names.owns(n))
    for name in ours:
        for pid in run("ip", "netns", "pids", name).split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
    _delete(ours)
    return ours


def _delete(names: list[str]) -> None:
    failures = []
    for name in names:
        done = subprocess.run(("ip", "netns", "del", name), capture_output=True,
                              text=True, check=False)
        if done.returncode != 0 and netns_exists(name):
            failures.append(f"{name}: {done.stderr.strip()}")
    if failures:
        raise LabError("could not delete lab namespaces: " + "; ".join(failures))


def _address_args(address: Address) -> list[str]:
    args = [str(address.interface)]
    if address.has_broadcast:
        args += ["brd", "+"]
    return [*args, "scope", address.scope, "dev", address.dev]

