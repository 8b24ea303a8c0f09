"""What a trace claims the kernel does, and the comparison with what it did.

Each TRANSMIT and RECEIVE step of a trace (request and reply) is a claim that a
frame with exactly these headers crossed that device in that direction. A leg's
claims are compared, in order, with the frames the capture sockets saw
(:mod:`netmodel.lab.frames`); the first one the captures contradict is the
difference reported. Nothing here sends or captures: :mod:`netmodel.lab.replay`
does that.

Two header values are the kernel's free choice, so they are matched as a
consistent renaming rather than compared: the VXLAN outer UDP source port (a
hash of the inner flow with a per-boot seed; the model uses its own hash) and
ports MASQUERADE ``--random-fully`` rewrites (the model keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netmodel.lab.build import Lab
from netmodel.lab.frames import Captured
from netmodel.spec.protocol import IpProto
from netmodel.trace.hops import Action, Disposition, Trace
from netmodel.trace.packet import Packet

__all__ = ["Claim", "LegResult", "Renaming", "claims", "compare_leg", "endpoint_of",
           "expected_outcome", "masqueraded_addresses"]


@dataclass(frozen=True, slots=True)
class Claim:
    """A frame the model says crosses ``device`` of ``netns`` (in or out)."""

    number: int  # the step's number in the trace, as `netmodel trace` prints it
    netns: str  # lab netns name
    place: str  # the model's name for it: "node-1 · host"
    action: Action
    device: str
    packet: Packet

    @property
    def outgoing(self) -> bool:
        return self.action is Action.TRANSMIT

    def __str__(self) -> str:
        return f"step {self.number} {self.action} {self.device} ({self.place})"


@dataclass(frozen=True, slots=True)
class LegResult:
    claims: int
    matched: int
    difference: str | None

    @property
    def ok(self) -> bool:
        return self.difference is None


def claims(lab: Lab, trace: Trace, first_number: int = 1) -> list[Claim]:
    """The trace's TRANSMIT and RECEIVE steps, in order, with their numbers."""
    out, number = [], first_number
    for hop in trace.hops:
        for step in hop.steps:
            if step.action in (Action.TRANSMIT, Action.RECEIVE) and step.device:
                out.append(Claim(number, lab.lab_name(hop.netns_id),
                                 f"{hop.node} · {hop.netns}", step.action, step.device,
                                 step.packet))
            number += 1
    return out


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, sub in value.items():
            out.update(_flatten(sub, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): value}


def _fields(packet: Packet) -> dict[str, Any]:
    flat = _flatten(packet.to_json())
    return {k: v for k, v in flat.items() if v is not None and k != "l4.proto"}


@dataclass
class Renaming:
    """Header values the kernel chooses freely: model value -> the kernel's,
    which must stay the same wherever the model's value appears."""

    seen: dict[tuple[str, int], int] = field(default_factory=dict)

    def accept(self, kind: str, model: int, kernel: int) -> bool:
        return self.seen.setdefault((kind, model), kernel) == kernel


def _free_fields(packet: Packet, leg: str, masqueraded: set[str]) -> dict[str, str]:
    """Which fields of ``packet`` hold a value the kernel picks, keyed to a kind."""
    free: dict[str, str] = {}
    if packet.outer is not None and packet.outer.vni is not None:
        free["outer.udp.sport"] = "vxlan source port"
    if masqueraded:
        ip = packet.ip
        moved = str(ip.src) in masqueraded if leg == "request" else str(ip.dst) in masqueraded
        if moved:
            if packet.l4.proto is IpProto.ICMP:
                free["l4.id"] = "masquerade"
            else:
                free["l4.sport" if leg == "request" else "l4.dport"] = "masquerade"
    return free


def masqueraded_addresses(trace: Trace) -> set[str]:
    """The addresses a --random-fully MASQUERADE gave the request, if any."""
    random = any("--random-fully" in hit.rule.save() for step in trace.steps
                 for hit in step.rules if hit.rule.target.name == "MASQUERADE")
    if not random:
        return set()
    sources = [str(s.packet.ip.src) for s in trace.steps
               if s.packet.ip.src is not None and s.action is not Action.SEND]
    return set(sources[1:]) - {sources[0]} if sources else set()


def compare_leg(leg_claims: list[Claim], hop_netns: set[str],
                frames: list[Captured], leg: str, renaming: Renaming,
                masqueraded: set[str]) -> LegResult:
    """Each claim against the frame seen there (the k-th claim on a device and
    direction takes the k-th frame), then: nothing seen where the model's path
    does not go."""
    used: dict[tuple[str, str, bool], int] = {}
    matched = 0
    for claim in leg_claims:
        key = (claim.netns, claim.device, claim.outgoing)
        here = [f for f in frames if (f.netns, f.device, f.outgoing) == key]
        k = used.get(key, 0)
        used[key] = k + 1
        if k >= len(here):
            way = "leaving through" if claim.outgoing else "arriving on"
            return LegResult(len(leg_claims), matched,
                             f"{claim}: no frame seen {way} {claim.device} in {claim.netns}")
        model, kernel = _fields(claim.packet), _fields(here[k].packet)
        free = _free_fields(claim.packet, leg, masqueraded)
        for name, value in model.items():
            seen = kernel.get(name)
            if seen == value:
                continue
            if name in free and isinstance(seen, int) and renaming.accept(free[name], value,
                                                                            seen):
                continue
            return LegResult(len(leg_claims), matched,
                             f"{claim}: {name} model {value}, kernel {seen}")
        matched += 1
    stray = sorted({(f.netns, f.device) for f in frames
                    if f.netns not in hop_netns and not f.otherhost})
    if stray:
        where = ", ".join(f"{dev} in {ns}" for ns, dev in stray)
        return LegResult(len(leg_claims), matched,
                         f"also seen on {where}, where the model's path does not go")
    return LegResult(len(leg_claims), matched, None)


def expected_outcome(trace: Trace, lab: Lab) -> str:
    if trace.disposition is Disposition.DELIVERED and trace.reply is not None:
        return "a reply"
    if trace.disposition is Disposition.REJECTED:
        return "refused"
    if trace.disposition is Disposition.NO_ROUTE:
        if len(trace.hops) == 1:
            return "unreachable"  # ENETUNREACH from the sender's own routing table
        # A router's ICMP error reaches the sender only if it has a route back.
        src = trace.final_packet.active_ip.src
        back = lab.model.table(trace.hops[-1].netns_id).lookup(src) if src else None
        return "unreachable" if back is not None and not back.unreachable else "no reply"
    return "no reply"


def endpoint_of(trace: Trace) -> str | None:
    """The endpoint a Service trace reached (its final destination), if it went
    through a random choice."""
    if not trace.alternatives:
        return None
    final = trace.final_packet
    return f"{final.ip.dst}:{final.l4.dport}"
