"""``netmodel lab --verify``: replay a spec's flows and say, per flow, whether
the kernel did what the model says — and keep a record the site can show.

A record (``diagrams/replays/<spec>.json``) lists the fingerprint of every
trace the kernel matched claim for claim: the headers the trace claims on each
device, the disposition and the reply. A page's walk whose fingerprint is in the
record was replayed on a kernel; a model change that alters the walk changes
its fingerprint, and the page stops saying so until the lab runs again.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from netmodel.errors import NetmodelError
from netmodel.files import write_whole
from netmodel.lab.build import Lab
from netmodel.lab.flows import LabFlow
from netmodel.lab.replay import ConnectionResult, Session, replay_connection
from netmodel.site.replays import REPLAYS
from netmodel.state.model import Model
from netmodel.trace.fingerprint import fingerprint
from netmodel.trace.hops import Trace
from netmodel.trace.proxy import every_proxy_connection
from netmodel.trace.walks import walk_all

__all__ = ["REPLAYS", "FlowResult", "fingerprint", "kernel_release", "record", "verify_flows",
           "write_record"]

@dataclass(frozen=True, slots=True)
class FlowResult:
    flow: LabFlow
    connections: tuple[ConnectionResult, ...]
    error: str | None = None  # the model cannot trace it

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.connections)


def _second_connections(model: Model, firsts: tuple[Trace, ...]) -> tuple[Trace, ...]:
    """A proxy's own connections to the backend (an Ingress controller's, a
    Gateway's), every endpoint it may reach."""
    out: dict[str, Trace] = {}
    for first in firsts:
        if first.next is None:
            continue
        for second in every_proxy_connection(model, first.next):
            out.setdefault(fingerprint(second), second)
    return tuple(out.values())


def verify_flows(lab: Lab, flows: list[LabFlow]) -> list[FlowResult]:
    model = lab.model
    session = Session(lab)
    results = []
    try:
        for flow in flows:
            try:
                firsts = tuple(walk_all(model, flow.request))
            except NetmodelError as exc:
                results.append(FlowResult(flow, (), str(exc)))
                continue
            # The first connection ends at the Ingress controller: the replay
            # compares it alone, then the controller's connection on its own.
            alone = tuple(_without_next(t) for t in firsts)
            connections = [replay_connection(session, alone)]
            seconds = _second_connections(model, firsts)
            if seconds:
                connections.append(replay_connection(session, seconds))
            results.append(FlowResult(flow, tuple(connections)))
    finally:
        session.close()
    return results


def _without_next(trace: Trace) -> Trace:
    return replace(trace, next=None) if trace.next is not None else trace


def matched_fingerprints(results: list[FlowResult], model: Model) -> set[str]:
    """Every trace the kernel matched, and every whole walk (an Ingress's two
    connections) whose parts all matched."""
    out: set[str] = set()
    for result in results:
        parts = []
        for connection in result.connections:
            ok = {fingerprint(a.trace) for a in connection.attempts if a.ok}
            out |= ok
            parts.append(ok)
        if result.error is None and len(parts) == 2 and all(parts):
            for first in walk_all(model, result.flow.request):
                if (fingerprint(_without_next(first)) in parts[0] and first.next is not None
                        and fingerprint(first.next) in parts[1]):
                    out.add(fingerprint(first))
    return out


def kernel_release() -> str:
    return f"Linux {platform.release().split('-')[0]}"


def record(results: list[FlowResult], model: Model, spec: str) -> dict[str, Any]:
    """The replay record for ``spec``: deterministic for the same model and kernel."""
    return {"spec": spec, "kernel": kernel_release(),
            "flows": len(results), "matched": sum(r.ok for r in results),
            "fingerprints": sorted(matched_fingerprints(results, model))}


def write_record(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, json.dumps(data, indent=1) + "\n")
