"""The front door for traces: every endpoint form, one endpoint choice or all.

``ingress/HOST/PATH`` becomes two connections (see :mod:`netmodel.trace.ingress`);
everything else one. Where kube-proxy chooses an endpoint at random,
:func:`all_walks` yields one trace per choice, each with its probability.
"""

from __future__ import annotations

from collections.abc import Iterator

from netmodel.state.model import Model
from netmodel.trace.hops import Trace
from netmodel.trace.ingress import trace_ingress
from netmodel.trace.tracer import DEFAULT_SPORT, trace_endpoints

__all__ = ["all_walks", "walk_between"]


def walk_between(model: Model, source: str, destination: str, *, port: int | None = None,
                 proto: str | None = None, sport: int = DEFAULT_SPORT,
                 endpoint: str | None = None) -> Trace:
    if destination.startswith("ingress/"):
        host, _, path = destination.removeprefix("ingress/").partition("/")
        return trace_ingress(model, source, host, "/" + path, endpoint=endpoint)
    return trace_endpoints(model, source, destination, port=port, proto=proto, sport=sport,
                           endpoint=endpoint)


def all_walks(model: Model, source: str, destination: str, *, port: int | None = None,
              proto: str | None = None, sport: int = DEFAULT_SPORT) -> Iterator[Trace]:
    """One trace per endpoint the first random choice can pick (a generator)."""
    first = walk_between(model, source, destination, port=port, proto=proto, sport=sport)
    if not first.alternatives:
        yield first
        return
    for endpoint, _ in first.alternatives:
        yield walk_between(model, source, destination, port=port, proto=proto, sport=sport,
                           endpoint=endpoint)
