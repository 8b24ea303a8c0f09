"""Trace proof: send real packets through the lab and capture what crosses
every device.

For one connection the model gives one trace per endpoint kube-proxy may pick
(:func:`~netmodel.trace.walks.all_walks`). The lab opens a listener wherever a trace
is delivered, flushes conntrack, sends the first packet from the source's netns
(a TCP SYN, a UDP datagram or an ICMP echo request, from the trace's source
port), lets the listener answer, and reads what AF_PACKET sockets in every lab
netns saw; :mod:`netmodel.lab.claims` compares that with each trace. The frame
the kernel chose is matched to the trace of the endpoint it reached; attempts
are repeated until every endpoint the model lists has been reached, and
reaching one it does not list is a difference.
"""

from __future__ import annotations

import contextlib
import errno
import select
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass

from netmodel.lab.build import Lab
from netmodel.lab.claims import (
    LegResult,
    Renaming,
    claims,
    compare_leg,
    endpoint_of,
    expected_outcome,
    masqueraded_addresses,
)
from netmodel.lab.frames import TCP_ACK, TCP_SYN, Captured, Tunnels, decode, internet_checksum
from netmodel.lab.netns import inside
from netmodel.spec.cluster import Backend
from netmodel.spec.protocol import IpProto
from netmodel.state.backends.udp import PORT as UDP_PORT
from netmodel.state.netns_id import NetnsKind
from netmodel.trace.hops import Disposition, Trace

__all__ = ["Attempt", "ConnectionResult", "Session", "replay_connection"]

REQUEST = b"netmodel-lab request"
REPLY = b"netmodel-lab reply"
WAIT_REPLY = 1.5  # seconds for an answer the model expects; every wait is bounded
WAIT_SILENCE = 0.6  # seconds to watch for an answer the model says never comes
SETTLE = 0.05  # for the last frames to reach the capture sockets
MAX_ATTEMPTS = 40  # per connection, to reach every endpoint a random choice can pick
NETLINK_NETFILTER = 12
_CT_FLUSH = struct.pack("=LHHLL", 20, (1 << 8) | 2, 0x1 | 0x4, 1, 0) + struct.pack(
    "=BBH", socket.AF_INET, 0, 0)  # nfnetlink CTNETLINK IPCTNL_MSG_CT_DELETE: flush


@dataclass(frozen=True, slots=True)
class Attempt:
    trace: Trace
    endpoint: str | None
    request: LegResult
    reply: LegResult | None
    outcome: str  # what the client saw: reply, refused, no reply, unreachable
    expected_outcome: str
    frames: int

    @property
    def ok(self) -> bool:
        return (self.request.ok and (self.reply is None or self.reply.ok)
                and self.outcome == self.expected_outcome)

    def first_difference(self) -> str | None:
        if not self.request.ok:
            return f"request: {self.request.difference}"
        if self.reply is not None and not self.reply.ok:
            return f"reply: {self.reply.difference}"
        if self.outcome != self.expected_outcome:
            return (f"the client saw {self.outcome}; the model says "
                    f"{self.expected_outcome} ({self.trace.disposition})")
        return None


@dataclass(frozen=True, slots=True)
class ConnectionResult:
    candidates: tuple[Trace, ...]
    attempts: tuple[Attempt, ...]
    endpoints_listed: tuple[str, ...]
    endpoints_reached: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return (all(a.ok for a in self.attempts)
                and set(self.endpoints_reached) == set(self.endpoints_listed))


def _is_request(frame: Captured) -> bool:
    l4 = frame.packet.l4
    if l4.proto is IpProto.TCP:
        return bool(frame.tcp_flags & TCP_SYN) and not frame.tcp_flags & TCP_ACK
    if l4.proto is IpProto.ICMP:
        return l4.sport == 8 and frame.payload.startswith(REQUEST)
    return frame.payload.startswith(REQUEST)


def _is_reply(frame: Captured) -> bool:
    l4 = frame.packet.l4
    if l4.proto is IpProto.TCP:
        return bool(frame.tcp_flags & TCP_SYN) and bool(frame.tcp_flags & TCP_ACK)
    if l4.proto is IpProto.ICMP:
        return l4.sport == 0 and frame.payload.startswith(REQUEST)
    return frame.payload.startswith(REPLY)


class Session:
    """Capture sockets in every lab netns, and conntrack flushers on the nodes."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        cluster = lab.model.cluster
        vxlan_port = None
        if cluster.backend is Backend.VXLAN:
            flannel = lab.model.node_netns(cluster.nodes[0].name).link("flannel.1")
            vxlan_port = flannel.vxlan.port if flannel and flannel.vxlan else None
        self.tunnels = Tunnels(vxlan_port,
                               UDP_PORT if cluster.backend is Backend.UDP else None)
        self.captures: dict[str, socket.socket] = {}
        self.flushers: list[socket.socket] = []
        for netns_id, name in lab.names.netns.items():
            with inside(name):
                sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                     socket.htons(0x0003))  # ETH_P_ALL
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                sock.setblocking(False)
                self.captures[name] = sock
                if netns_id.kind is NetnsKind.NODE:
                    flusher = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                            NETLINK_NETFILTER)
                    flusher.setblocking(False)
                    self.flushers.append(flusher)

    def close(self) -> None:
        for sock in [*self.captures.values(), *self.flushers]:
            sock.close()

    def drain(self) -> list[Captured]:
        out = []
        for name, sock in self.captures.items():
            while True:
                try:
                    data, address = sock.recvfrom(65535)
                except BlockingIOError:
                    break
                frame = decode(name, data, address, self.tunnels)
                if frame is not None:
                    out.append(frame)
        return out

    def flush_conntrack(self) -> None:
        """Forget every connection, so kube-proxy's rules choose afresh."""
        for flusher in self.flushers:
            flusher.send(_CT_FLUSH)
        time.sleep(0.005)
        for flusher in self.flushers:
            with contextlib.suppress(BlockingIOError):
                while flusher.recv(4096):
                    pass


@contextlib.contextmanager
def _listeners(lab: Lab, candidates: tuple[Trace, ...]) -> Iterator[list[socket.socket]]:
    """A server wherever a candidate trace is delivered (TCP accepts, UDP echoes;
    the kernel answers pings itself)."""
    wanted = set()
    for trace in candidates:
        if trace.disposition is Disposition.DELIVERED and trace.flow.proto is not IpProto.ICMP:
            final = trace.final_packet
            wanted.add((lab.lab_name(trace.hops[-1].netns_id), trace.flow.proto,
                        final.l4.dport))
    socks = []
    try:
        for netns, proto, port in sorted(wanted):
            with inside(netns):
                kind = socket.SOCK_STREAM if proto is IpProto.TCP else socket.SOCK_DGRAM
                sock = socket.socket(socket.AF_INET, kind)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("0.0.0.0", port))
            if proto is IpProto.TCP:
                sock.listen(16)
            sock.setblocking(False)
            socks.append(sock)
        yield socks
    finally:
        for sock in socks:
            sock.close()


def _client(lab: Lab, trace: Trace) -> socket.socket:
    flow = trace.flow
    with inside(lab.lab_name(trace.hops[0].netns_id)):
        if flow.proto is IpProto.ICMP:
            sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        else:
            kind = socket.SOCK_STREAM if flow.proto is IpProto.TCP else socket.SOCK_DGRAM
            sock = socket.socket(socket.AF_INET, kind)
    sock.setblocking(False)
    if flow.proto is IpProto.ICMP:
        first = trace.hops[0].steps[0].packet.l4
        body = struct.pack("!BBHHH", 8, 0, 0, first.dport, 1) + REQUEST
        body = body[:2] + struct.pack("!H", internet_checksum(body)) + body[4:]
        sock.sendto(body, (str(flow.dst), 0))
        return sock
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Close with a reset: no TIME_WAIT holding the 4-tuple for the next attempt.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.bind(("0.0.0.0", flow.sport))
    if flow.proto is IpProto.TCP:
        sock.connect_ex((str(flow.dst), flow.dport))
    else:
        sock.connect((str(flow.dst), flow.dport))
        sock.send(REQUEST)
    return sock


def _exchange(trace: Trace, client: socket.socket, servers: list[socket.socket],
              wait: float) -> str:
    """Serve the listeners until the client has its answer, or ``wait`` is over."""
    deadline = time.monotonic() + wait
    proto = trace.flow.proto
    accepted: list[socket.socket] = []
    try:
        while (left := deadline - time.monotonic()) > 0:
            writable = [client] if proto is IpProto.TCP else []
            readable, ready, _ = select.select([client, *servers], writable, [], left)
            for server in readable:
                if server is client:
                    continue
                if server.type == socket.SOCK_STREAM:
                    with contextlib.suppress(BlockingIOError):
                        accepted.append(server.accept()[0])
                else:
                    with contextlib.suppress(BlockingIOError):
                        _, peer = server.recvfrom(2048)
                        server.sendto(REPLY, peer)
            if proto is IpProto.TCP and (client in ready or client in readable):
                error = client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error == 0:
                    return "a reply"
                return "refused" if error == errno.ECONNREFUSED else os_error(error)
            if proto is not IpProto.TCP and client in readable:
                try:
                    data = client.recv(2048)
                except ConnectionRefusedError:
                    return "refused"
                except OSError as exc:
                    return os_error(exc.errno or 0)
                if proto is IpProto.UDP and data.startswith(REPLY):
                    return "a reply"
                if proto is IpProto.ICMP and len(data) > 28:
                    icmp = data[(data[0] & 0x0F) * 4:]
                    if icmp[0] == 0 and icmp[8:].startswith(REQUEST):
                        return "a reply"
                    if icmp[0] == 3:
                        return "refused" if icmp[1] == 3 else "unreachable"
        return "no reply"
    finally:
        for sock in accepted:
            sock.close()


def os_error(number: int) -> str:
    if number in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "unreachable"
    return errno.errorcode.get(number, str(number))


def _attempt(session: Session, candidates: tuple[Trace, ...],
             servers: list[socket.socket]) -> Attempt:
    lab = session.lab
    first = candidates[0]
    session.flush_conntrack()
    time.sleep(SETTLE)
    session.drain()
    client = _client(lab, first)
    try:
        delivered = any(expected_outcome(t, lab) == "a reply" for t in candidates)
        outcome = _exchange(first, client, servers, WAIT_REPLY if delivered else WAIT_SILENCE)
        time.sleep(SETTLE)
        frames = session.drain()
    finally:
        client.close()
    requests = [f for f in frames if _is_request(f)]
    replies = [f for f in frames if _is_reply(f)]
    best: Attempt | None = None
    for trace in candidates:
        renaming = Renaming()
        masq = masqueraded_addresses(trace)
        request = compare_leg(claims(lab, trace), _hop_netns(lab, trace), requests,
                              "request", renaming, masq)
        reply = None
        if trace.reply is not None:
            offset = sum(len(h.steps) for h in trace.hops) + 1
            reply = compare_leg(claims(lab, trace.reply, offset),
                                _hop_netns(lab, trace.reply), replies, "reply", renaming, masq)
        attempt = Attempt(trace, endpoint_of(trace), request, reply, outcome,
                          expected_outcome(trace, lab), len(frames))
        if attempt.ok:
            return attempt
        if best is None or _progress(attempt) > _progress(best):
            best = attempt
    assert best is not None
    return best


def _hop_netns(lab: Lab, trace: Trace) -> set[str]:
    return {lab.lab_name(hop.netns_id) for hop in trace.hops}


def _progress(attempt: Attempt) -> int:
    return attempt.request.matched + (attempt.reply.matched if attempt.reply else 0)


def replay_connection(session: Session, candidates: tuple[Trace, ...]) -> ConnectionResult:
    """Replay one connection until every endpoint the model lists was reached
    (at most :data:`MAX_ATTEMPTS` times), or a difference shows."""
    listed = tuple(sorted({e for t in candidates if (e := endpoint_of(t)) is not None}))
    attempts: list[Attempt] = []
    reached: list[str] = []
    with _listeners(session.lab, candidates) as servers:
        for _ in range(MAX_ATTEMPTS if listed else 1):
            attempt = _attempt(session, candidates, servers)
            attempts.append(attempt)
            if not attempt.ok:
                break
            if attempt.endpoint is not None and attempt.endpoint not in reached:
                reached.append(attempt.endpoint)
            if set(reached) >= set(listed):
                break
    return ConnectionResult(candidates, tuple(attempts), listed, tuple(sorted(reached)))
