"""A walk asked for, as one frozen value: from where, to where, which port and
protocol, which source port, and which endpoint if kube-proxy's choice is pinned.

The CLI builds one from its flags, a page fence from its options, the lab from
its flows, and the API from its arguments; :func:`netmodel.trace.walks.walk`
answers it. Values are checked once, here, so every front end refuses the same
things in the same words (an :class:`~netmodel.errors.InputError` naming the option).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address

from netmodel.errors import InputError
from netmodel.spec.protocol import TRACEABLE, IpProto

__all__ = ["DEFAULT_SPORT", "WalkRequest", "parse_proto"]

DEFAULT_SPORT = 40000  # a port from the ephemeral range (32768-60999)


def parse_proto(text: str | IpProto | None) -> IpProto | None:
    """``--proto tcp`` (or a fence's ``proto: udp``) as the protocol it names."""
    if text is None:
        return None
    try:
        found: IpProto | None = text if isinstance(text, IpProto) else IpProto(text)
    except ValueError:
        found = None
    if found not in TRACEABLE:
        raise InputError("proto", text, "unknown protocol (expected one of "
                         f"{', '.join(TRACEABLE)})")
    return found


@dataclass(frozen=True, slots=True)
class WalkRequest:
    """One walk: ``source`` and ``destination`` as endpoint text (``pod/web-1``,
    ``svc/db``, ``ingress/HOST/PATH``…), resolved against a model when walked.

    ``port`` and ``proto`` None: the destination's first port decides (a
    Service's first port, or the pod's first declared TCP/UDP port), and a ping
    where there is none. ``endpoint`` (``IP:PORT``) pins kube-proxy's random pick.
    """

    source: str
    destination: str
    port: int | None = None
    proto: IpProto | None = None
    sport: int = DEFAULT_SPORT
    endpoint: str | None = None

    def __post_init__(self) -> None:
        # Callers from Python may spell the protocol as text ("udp"): a StrEnum
        # equals its text, but the walker compares by identity, so it is made the
        # protocol itself here, once.
        object.__setattr__(self, "proto", parse_proto(self.proto))
        for option, value in (("port", self.port), ("sport", self.sport)):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(option, value, "expected a port number")
            if not 1 <= value <= 65535:
                raise InputError(option, value, "out of range (expected 1-65535)")

    @property
    def clients(self) -> tuple[IPv4Address, ...]:
        """The external clients the request names (``external/ADDR``): the wan has
        them while this walk is traced."""
        out = []
        for end in (self.source, self.destination):
            kind, _, rest = end.partition("/")
            if kind == "external":
                try:
                    out.append(IPv4Address(rest))
                except ValueError:
                    continue  # the endpoint parser says what is wrong with it
        return tuple(out)

    @classmethod
    def of(cls, source: str, destination: str, *, port: int | None = None,
           proto: str | IpProto | None = None, sport: int = DEFAULT_SPORT,
           endpoint: str | None = None) -> WalkRequest:
        """A request from text as a user typed it (``proto="udp"``)."""
        return cls(source, destination, port, parse_proto(proto), sport, endpoint)

    def pinned(self, endpoint: str | None) -> WalkRequest:
        """The same walk with kube-proxy's choice pinned to ``endpoint``."""
        return replace(self, endpoint=endpoint)

    def __str__(self) -> str:
        port = f" port {self.port}" if self.port is not None else ""
        proto = f" {self.proto}" if self.proto is not None else ""
        pin = f" via {self.endpoint}" if self.endpoint is not None else ""
        return f"{self.source} → {self.destination}{port}{proto}{pin}"
