"""Trace a flow between two endpoints, and its reply.

The request is sent from the source's socket; if it is delivered, the reply is
sent from the receiving netns back to the address the request arrived from,
and walked the same way. Ports default to the destination pod's first declared
containerPort; with none, the flow is an ICMP echo (a ping).
"""

from __future__ import annotations

from dataclasses import replace

from netmodel.errors import InputError
from netmodel.spec.protocol import TRACEABLE, IpProto
from netmodel.state.model import Model
from netmodel.trace.conntrack import CtEntry
from netmodel.trace.endpoints import Destination, Source, parse_destination, parse_source
from netmodel.trace.forwarding import walk
from netmodel.trace.hops import Disposition, Flow, Trace
from netmodel.trace.packet import ICMP_ECHO_REQUEST, L4, IPv4, Packet
from netmodel.trace.request import DEFAULT_SPORT, WalkRequest, parse_proto

__all__ = ["DEFAULT_SPORT", "trace", "trace_endpoints", "trace_request"]


def trace_request(model: Model, request: WalkRequest) -> Trace:
    """Resolve the request's endpoints against ``model`` and trace between them."""
    with model.walking(request.clients):
        src = parse_source(model, request.source)
        dst = parse_destination(model, request.destination)
        return trace(model, src, dst, port=request.port, proto=request.proto,
                     sport=request.sport, endpoint=request.endpoint)


def trace_endpoints(model: Model, source: str, destination: str, *, port: int | None = None,
                    proto: str | IpProto | None = None, sport: int = DEFAULT_SPORT,
                    endpoint: str | None = None) -> Trace:
    """Parse ``pod/…``, ``node/…``, ``ip/…`` endpoints and trace between them."""
    return trace_request(model, WalkRequest.of(source, destination, port=port, proto=proto,
                                               sport=sport, endpoint=endpoint))


def trace(model: Model, src: Source, dst: Destination, *, port: int | None = None,
          proto: IpProto | None = None, sport: int = DEFAULT_SPORT,
          endpoint: str | None = None) -> Trace:
    proto = parse_proto(proto)  # text from a Python caller becomes the protocol
    if proto is IpProto.ICMP and (port is not None or sport != DEFAULT_SPORT):
        option, value = ("port", port) if port is not None else ("sport", sport)
        raise InputError(option, value, "does not apply to icmp (an echo request has "
                         "no ports)")
    proto, port = _flow_kind(dst, port, proto)
    if proto is IpProto.ICMP:
        l4 = L4(IpProto.ICMP, ICMP_ECHO_REQUEST, 1)
        flow = Flow(src.address, dst.address, IpProto.ICMP, 0, 0)
    else:
        l4 = L4(proto, sport, port)
        flow = Flow(src.address, dst.address, proto, sport, port)
    conntrack: list[CtEntry] = []
    request = walk(model, src.netns, Packet(IPv4(src.address, dst.address), l4),
                   conntrack=conntrack, endpoint=endpoint)
    if endpoint is not None and not request.alternatives:
        # A pin that nothing consulted would be silently ignored: the user meant
        # a Service and the walk never met its chain.
        raise InputError("endpoint", endpoint, "this walk meets no kube-proxy endpoint "
                         f"choice ({request.disposition} without crossing a Service's "
                         "KUBE-SVC chain), so there is nothing to pin")
    chosen = next((s.packet.ip.src for h in request.hops for s in h.steps
                   if s.packet.ip.src is not None), None)
    flow = replace(flow, src=chosen)
    reply = None
    if request.disposition is Disposition.DELIVERED:
        arrived = request.final_packet
        assert arrived.ip.src is not None
        back = Packet(IPv4(arrived.ip.dst, arrived.ip.src), arrived.l4.reversed())
        answer = walk(model, request.final_netns, back, reply=True, conntrack=conntrack)
        reply = Trace(Flow(back.ip.src, back.ip.dst, proto, back.l4.sport, back.l4.dport),
                      answer.disposition, answer.reason, answer.hops,
                      rules_tested=answer.rules_tested)
    return Trace(flow, request.disposition, request.reason, request.hops, reply,
                 rules_tested=request.rules_tested, probability=request.probability,
                 conntrack=tuple(conntrack), alternatives=request.alternatives)


def _flow_kind(dst: Destination, port: int | None,
               proto: IpProto | None) -> tuple[IpProto, int]:
    if proto is IpProto.ICMP:
        return IpProto.ICMP, 0
    if dst.service is not None:
        ports = [p for p in dst.service.ports
                 if (port is None or p.port == port)
                 and (proto is None or p.protocol.ip is proto)]
        if not ports:
            known = ", ".join(str(p) for p in dst.service.ports)
            wanted = (f"{proto} port" if port is None
                      else f"port {port}" + (f"/{proto}" if proto else ""))
            option, value = ("port", port) if port is not None else ("proto", proto)
            raise InputError(option, value, f"service {dst.service.key} has no {wanted} "
                             f"(expected one of its ports: {known}; or proto icmp, a ping)")
        return ports[0].protocol.ip, ports[0].port
    if port is not None:
        return proto or IpProto.TCP, port
    if dst.pod is not None:
        for container in dst.pod.containers:
            for cport in container.ports:
                if cport.protocol.ip in TRACEABLE and cport.protocol.ip is (proto or
                                                                            cport.protocol.ip):
                    return cport.protocol.ip, cport.container_port
    if proto is not None:
        raise InputError("proto", proto, f"a port is needed for {proto} (the destination "
                         f"declares no {proto} port)")
    return IpProto.ICMP, 0
