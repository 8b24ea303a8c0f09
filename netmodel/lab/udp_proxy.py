"""A stand-in for flanneld's udp backend proxy, run inside a lab node netns.

It does what ``pkg/backend/udp/proxy_amd64.c`` does with a packet: read it from
the TUN device, find the lease whose subnet holds the destination, decrement
the inner TTL (fixing the checksum), and send the bare IP packet in a UDP
datagram to that node on the flannel port; datagrams received on the port get
their TTL decremented again and are written into the TUN device. Packets whose
TTL would reach zero are dropped (flanneld sends ICMP time exceeded; the lab's
flows never get there). Run as ``python -m netmodel.lab.udp_proxy DEV PORT
SUBNET=IP …``; it prints ``ready`` once the TUN device exists.

It lives as long as the lab that started it: the lab sets its parent-death
signal (see :mod:`netmodel.lab.build`), and an end of its stdin before the
lab said ``keep`` means the lab is gone too. On ``keep`` (``netmodel lab
--keep``) it clears the signal, answers ``kept`` and stops reading stdin.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import select
import socket
import struct
import sys
from ipaddress import IPv4Address, IPv4Network

from netmodel.lab.frames import internet_checksum

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
MAX_PACKET = 65535
PR_SET_PDEATHSIG = 1  # include/uapi/linux/prctl.h; 0 as the signal clears it, prctl(2)


def decrement_ttl(packet: bytes) -> bytes | None:
    """The packet with TTL − 1 and its header checksum recomputed, or None."""
    if len(packet) < 20 or packet[0] >> 4 != 4 or packet[8] <= 1:
        return None
    header = bytearray(packet[:(packet[0] & 0x0F) * 4])
    header[8] -= 1
    header[10:12] = b"\0\0"
    header[10:12] = struct.pack("!H", internet_checksum(bytes(header)))
    return bytes(header) + packet[len(header):]


def main(argv: list[str]) -> None:
    dev, port = argv[0], int(argv[1])
    leases = [(IPv4Network(s), str(IPv4Address(ip)))
              for s, _, ip in (arg.partition("=") for arg in argv[2:])]
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH22x", dev.encode(), IFF_TUN | IFF_NO_PI))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", port))
    print("ready", flush=True)
    control: int | None = sys.stdin.fileno()
    while True:
        watched = [tun, udp.fileno()] + ([control] if control is not None else [])
        readable, _, _ = select.select(watched, [], [])
        if control is not None and control in readable:
            word = os.read(control, 64).decode().strip()
            if word != "keep":
                return  # the lab went without keeping us (EOF), or nonsense
            if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) != 0:
                return
            print("kept", flush=True)
            control = None
        if tun in readable:
            packet = decrement_ttl(os.read(tun, MAX_PACKET))
            if packet is not None:
                dst = IPv4Address(packet[16:20])
                peer = next((ip for subnet, ip in leases if dst in subnet), None)
                if peer is not None:
                    udp.sendto(packet, (peer, port))
        if udp.fileno() in readable:
            packet = decrement_ttl(udp.recv(MAX_PACKET))
            if packet is not None:
                os.write(tun, packet)


if __name__ == "__main__":
    main(sys.argv[1:])
