"""Captured frames, decoded into the model's own :class:`~netmodel.trace.packet.Packet`.

An AF_PACKET socket in a lab netns sees every frame on every device of that
netns, both ways. A frame is decoded down to the innermost IPv4 packet:
VXLAN (UDP to the flannel VXLAN port: 8-byte header, VNI, inner Ethernet) and
flanneld's udp encapsulation (UDP to or from its port: a bare inner IPv4
packet) become :class:`~netmodel.trace.packet.Outer` headers, as in the model.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from ipaddress import IPv4Address

from netmodel.spec.protocol import IpProto
from netmodel.trace.packet import L4, Ethernet, IPv4, Outer, Packet

__all__ = ["Captured", "Tunnels", "decode", "internet_checksum"]

ETH_P_IP = 0x0800
ARPHRD_NONE = 0xFFFE  # a TUN device: frames are bare IP packets
PACKET_OUTGOING = socket.PACKET_OUTGOING
PACKET_OTHERHOST = socket.PACKET_OTHERHOST
TCP_SYN, TCP_ACK = 0x02, 0x10


@dataclass(frozen=True, slots=True)
class Tunnels:
    vxlan_port: int | None
    udp_port: int | None


@dataclass(frozen=True, slots=True)
class Captured:
    """One frame seen in a lab netns."""

    netns: str  # lab netns name
    device: str
    outgoing: bool
    otherhost: bool  # not addressed to this station (a flooded frame)
    packet: Packet
    tcp_flags: int
    payload: bytes


def internet_checksum(data: bytes) -> int:
    """RFC 1071: the ones' complement of the ones' complement sum of 16-bit words
    (IPv4 header, ICMP). Summing a header whose checksum field is zero gives the
    value to put there."""
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _ipv4(data: bytes) -> tuple[IPv4, int, bytes] | None:
    if len(data) < 20 or data[0] >> 4 != 4:
        return None
    ihl = (data[0] & 0x0F) * 4
    total = struct.unpack("!H", data[2:4])[0]
    header = IPv4(IPv4Address(data[12:16]), IPv4Address(data[16:20]), data[8])
    return header, data[9], data[ihl:total]


def _inner(data: bytes, has_eth: bool,
           tunnels: Tunnels) -> tuple[Packet, int, bytes] | None:
    """The packet in ``data`` (an Ethernet frame or a bare IP packet), decoding
    one level of encapsulation."""
    eth = None
    if has_eth:
        if len(data) < 14 or struct.unpack("!H", data[12:14])[0] != ETH_P_IP:
            return None
        eth, data = Ethernet(_mac(data[6:12]), _mac(data[0:6])), data[14:]
    decoded = _ipv4(data)
    if decoded is None:
        return None
    ip, proto, rest = decoded
    if proto == socket.IPPROTO_ICMP and len(rest) >= 8:
        icmp_id = struct.unpack("!H", rest[4:6])[0]
        return Packet(ip, L4(IpProto.ICMP, rest[0], icmp_id), eth), 0, rest[8:]
    if proto == socket.IPPROTO_TCP and len(rest) >= 20:
        sport, dport = struct.unpack("!HH", rest[:4])
        offset = (rest[12] >> 4) * 4
        return Packet(ip, L4(IpProto.TCP, sport, dport), eth), rest[13], rest[offset:]
    if proto == socket.IPPROTO_UDP and len(rest) >= 8:
        sport, dport = struct.unpack("!HH", rest[:4])
        body = rest[8:]
        if tunnels.vxlan_port is not None and dport == tunnels.vxlan_port and len(body) >= 8:
            vni = int.from_bytes(body[4:7], "big")
            inner = _inner(body[8:], True, tunnels)
            if inner is not None:
                packet, flags, payload = inner
                outer = Outer(ip, sport, dport, eth, vni)
                return Packet(packet.ip, packet.l4, packet.eth, outer), flags, payload
        if tunnels.udp_port is not None and tunnels.udp_port in (sport, dport):
            inner = _inner(body, False, tunnels)
            if inner is not None:
                packet, flags, payload = inner
                return Packet(packet.ip, packet.l4, None, Outer(ip, sport, dport, eth)), \
                    flags, payload
        return Packet(ip, L4(IpProto.UDP, sport, dport), eth), 0, body
    return None


def decode(netns: str, data: bytes, address: tuple[object, ...],
           tunnels: Tunnels) -> Captured | None:
    """A frame from ``recvfrom`` on an AF_PACKET socket, or None if not IPv4."""
    device, _, pkttype, hatype = address[:4]
    assert isinstance(pkttype, int) and isinstance(hatype, int)
    decoded = _inner(data, hatype != ARPHRD_NONE, tunnels)
    if decoded is None:
        return None
    packet, flags, payload = decoded
    return Captured(netns, str(device), pkttype == PACKET_OUTGOING,
                    pkttype == PACKET_OTHERHOST, packet, flags, payload)
