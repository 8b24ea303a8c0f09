"""The front door for traces: a :class:`WalkRequest` in, one trace or all out.

``ingress/HOST/PATH`` and ``gateway/NAME/HOST/PATH`` become two connections (see
:mod:`netmodel.trace.ingress`, :mod:`netmodel.trace.gateway`);
everything else one. Where kube-proxy chooses an endpoint at random,
:func:`walk_all` yields one trace per choice, each with its probability.
:func:`succeeded` says whether a walk worked, as ping and curl's exit status does.
"""

from __future__ import annotations

from collections.abc import Iterator

from netmodel.errors import InputError
from netmodel.spec.protocol import IpProto
from netmodel.state.model import Model
from netmodel.trace.gateway import trace_gateway
from netmodel.trace.hops import Disposition, Trace
from netmodel.trace.ingress import trace_ingress
from netmodel.trace.proxy import PROXY_ERRORS
from netmodel.trace.request import DEFAULT_SPORT, WalkRequest
from netmodel.trace.tracer import trace_request

__all__ = ["WalkRequest", "all_walks", "succeeded", "walk", "walk_all", "walk_between"]


def walk(model: Model, request: WalkRequest) -> Trace:
    """The walk ``request`` asks for, with its reply (and, through an Ingress,
    the controller's own connection in ``Trace.next``)."""
    with model.walking(request.clients):
        return _walk(model, request)


def _walk(model: Model, request: WalkRequest) -> Trace:
    if request.destination.startswith("ingress/"):
        # The client speaks HTTP to the controller's own port, and the controller
        # picks the backend's: a port or protocol given here would be ignored.
        for option, value in (("port", request.port), ("proto", request.proto)):
            if value is not None:
                raise InputError(option, value, "does not apply to ingress/HOST/PATH (the "
                                 "client connects to the controller's Service port, the "
                                 "controller to the backend the rule names)")
        if request.sport != DEFAULT_SPORT:
            raise InputError("sport", request.sport, "does not apply to ingress/HOST/PATH")
        host, _, path = request.destination.removeprefix("ingress/").partition("/")
        return trace_ingress(model, request.source, host, "/" + path,
                             endpoint=request.endpoint)
    if request.destination.startswith("gateway/"):
        # --port picks the listener (its port); the protocol is the listener's.
        if request.proto is not None:
            raise InputError("proto", request.proto, "does not apply to gateway/NAME/HOST/"
                             "PATH (the client speaks HTTP to a listener, the proxy to the "
                             "backendRef's port)")
        if request.sport != DEFAULT_SPORT:
            raise InputError("sport", request.sport, "does not apply to gateway/NAME/HOST/PATH")
        return trace_gateway(model, request.source, request.destination, port=request.port,
                             endpoint=request.endpoint)
    return trace_request(model, request)


def walk_all(model: Model, request: WalkRequest) -> Iterator[Trace]:
    """One trace per endpoint the first random choice can pick (a generator);
    a pinned ``request.endpoint`` is replaced by each choice in turn."""
    first = walk(model, request.pinned(None))
    if not first.alternatives:
        yield first
        return
    for endpoint, _ in first.alternatives:
        yield walk(model, request.pinned(endpoint))


def walk_between(model: Model, source: str, destination: str, *, port: int | None = None,
                 proto: str | IpProto | None = None, sport: int = DEFAULT_SPORT,
                 endpoint: str | None = None) -> Trace:
    """:func:`walk` with the request spelled as arguments (``proto="udp"``)."""
    return walk(model, WalkRequest.of(source, destination, port=port, proto=proto,
                                      sport=sport, endpoint=endpoint))


def all_walks(model: Model, source: str, destination: str, *, port: int | None = None,
              proto: str | IpProto | None = None,
              sport: int = DEFAULT_SPORT) -> Iterator[Trace]:
    """:func:`walk_all` with the request spelled as arguments."""
    return walk_all(model, WalkRequest.of(source, destination, port=port, proto=proto,
                                          sport=sport))


def succeeded(trace: Trace) -> bool:
    """Whether the connection worked, every leg of it.

    Delivered counts only with its reply delivered back to the sender: a reply
    that is dropped or routed away is a lost connection, as a client sees it.
    A packet that leaves the cluster has done all the model can follow (the far
    end is not modelled), so it counts as sent, like a ping that got out. An
    Ingress or Gateway walk succeeds only if the proxy's new connection does
    too, and fails where the proxy answers an HTTP error itself (no endpoint).
    """
    if trace.reason.key in PROXY_ERRORS:
        return False
    if trace.disposition is Disposition.DELIVERED:
        ok = trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    else:
        ok = trace.disposition is Disposition.EXITS_CLUSTER
    return ok and (trace.next is None or succeeded(trace.next))
