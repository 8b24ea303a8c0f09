"""Connection tracking entries, as ``conntrack -L`` prints them.

Only a connection's first packet walks the nat table. The entry remembers the
tuple it arrived with and the tuple a reply will carry; a reply that matches it
is un-NATed by conntrack itself (destination at PREROUTING/OUTPUT, source at
POSTROUTING), with no rule involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from netmodel.spec.protocol import IpProto

__all__ = ["CtEntry", "Tuple"]

Tuple = tuple[IPv4Address, int, IPv4Address, int]  # src, sport, dst, dport

# The kernel's first-packet timeouts and states, as `conntrack -L` prints them.
_TIMEOUT = {IpProto.TCP: "120 SYN_SENT", IpProto.UDP: "30", IpProto.ICMP: "30",
            IpProto.SCTP: "10 COOKIE_WAIT"}


@dataclass(frozen=True, slots=True)
class CtEntry:
    node: str
    proto: IpProto
    original: Tuple
    reply: Tuple

    @property
    def dnat(self) -> bool:
        return (self.original[2], self.original[3]) != (self.reply[0], self.reply[1])

    @property
    def snat(self) -> bool:
        return (self.original[0], self.original[1]) != (self.reply[2], self.reply[3])

    def __str__(self) -> str:
        number, state = self.proto.number, _TIMEOUT[self.proto]

        def side(t: Tuple) -> str:
            if self.proto is IpProto.ICMP:
                return f"src={t[0]} dst={t[2]} type=8 code=0 id={t[1] or t[3]}"
            return f"src={t[0]} dst={t[2]} sport={t[1]} dport={t[3]}"

        reply = side(self.reply).replace("type=8", "type=0") if self.proto is IpProto.ICMP \
            else side(self.reply)
        return (f"{self.proto:<8} {number} {state} {side(self.original)} [UNREPLIED] "
                f"{reply} mark=0 use=1")
