"""Trace endpoints as the CLI and page fences write them.

``pod/NAME`` (namespace default), ``pod/NS/NAME``, ``node/NAME``, ``ip/ADDR``.
A source resolves to the netns whose socket sends (a hostNetwork pod sends from
its node's netns) and, for ``ip/``, a bound source address; a destination
resolves to an address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, ip_address

from netmodel.errors import EndpointError, echo, quoted
from netmodel.spec.cluster import Cluster, Pod
from netmodel.spec.keys import object_key
from netmodel.spec.services import Service
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.state.node_state import UPLINK_ADDRESS

__all__ = ["Destination", "Source", "parse_destination", "parse_source", "pod_named"]

_SOURCES = "pod/NAME, pod/NS/NAME, node/NAME, ip/ADDR or external/ADDR"
# ingress/HOST/PATH and gateway/NAME/HOST/PATH are destinations too, but walks.py
# takes them before they get here.
_DESTINATIONS = ("pod/NAME, pod/NS/NAME, node/NAME, ip/ADDR, external/ADDR, svc/NAME, "
                 "svc/NS/NAME, ingress/HOST/PATH or gateway/NAME/HOST/PATH")


@dataclass(frozen=True, slots=True)
class Source:
    text: str
    netns: NetnsId
    address: IPv4Address | None  # None: the kernel selects the source address
    pod: Pod | None = None


@dataclass(frozen=True, slots=True)
class Destination:
    text: str
    address: IPv4Address
    pod: Pod | None = None
    service: Service | None = None


@contextmanager
def _as(option: str) -> Iterator[None]:
    """Name the option an endpoint error came from; the helpers below serve both ends."""
    try:
        yield
    except EndpointError as exc:
        if exc.option is None:
            exc.option = option
        raise


def parse_source(model: Model, text: str) -> Source:
    """``text`` as a fence's ``from`` (the CLI's FROM) names it."""
    with _as("from"):
        return _source(model, text)


def parse_destination(model: Model, text: str) -> Destination:
    """``text`` as a fence's ``to`` (the CLI's TO) names it."""
    with _as("to"):
        return _destination(model, text)


def _source(model: Model, text: str) -> Source:
    kind, rest = _split(text, _SOURCES)
    if kind == "pod":
        pod = pod_named(model.cluster, text, rest)
        netns = model.pod_netns(pod).id
        return Source(text, netns, None, pod)
    if kind == "node":
        _node(model, text, rest)
        return Source(text, NetnsId.node(rest), None)
    if kind == "external":
        address = _external(model, text, rest)
        return Source(text, model.netns(NetnsId.external(address)).id, address)
    if kind == "ip":
        address = _address(text, rest)
        _refuse(text, address, _no_sender(address))
        owner = _owner_netns(model, address)
        if owner is None:
            raise EndpointError(text, f"no pod, node or router in the spec holds {address} "
                                "(a source must be an address the cluster owns)")
        return Source(text, owner, address, model.pod_by_ip(address))
    raise _unknown(text, kind, _SOURCES)


def _destination(model: Model, text: str) -> Destination:
    kind, rest = _split(text, _DESTINATIONS)
    if kind == "pod":
        pod = pod_named(model.cluster, text, rest)
        return Destination(text, pod.ip, pod)
    if kind == "node":
        return Destination(text, _node(model, text, rest))
    if kind == "ip":
        address = _address(text, rest)
        _refuse(text, address, _no_receiver(address))
        return Destination(text, address, model.pod_by_ip(address))
    if kind == "external":
        address = _external(model, text, rest)
        return Destination(text, address)
    if kind == "svc":
        key = object_key(rest)
        try:
            svc = model.cluster.service(key)
        except KeyError:
            known = sorted(s.key for s in model.cluster.services)
            hint = ", ".join(known[:5]) + (", …" if len(known) > 5 else "")
            raise EndpointError(text, f"no service {echo(key)} in the spec (services: "
                                f"{hint or 'none'})") from None
        return Destination(text, svc.cluster_ip, service=svc)
    raise _unknown(text, kind, _DESTINATIONS)


def _split(text: str, forms: str) -> tuple[str, str]:
    kind, sep, rest = text.partition("/")
    if not sep or not rest:
        raise EndpointError(text, f"expected {forms}")
    return kind, rest


def _unknown(text: str, kind: str, forms: str) -> EndpointError:
    return EndpointError(text, f"unknown endpoint kind {quoted(kind)} (expected {forms})")


def pod_named(cluster: Cluster, text: str, rest: str, option: str | None = None) -> Pod:
    """The pod ``rest`` (``NAME`` or ``NS/NAME``) of endpoint ``text``; one that
    is not in the spec is an EndpointError naming a few that are."""
    key = object_key(rest)
    try:
        return cluster.pod(key)
    except KeyError:
        known = sorted(cluster.pods_by_key)
        hint = ", ".join(known[:5]) + (", …" if len(known) > 5 else "")
        raise EndpointError(text, f"no pod {echo(key)} in the spec (pods: {hint or 'none'})",
                            option) from None


def _node(model: Model, text: str, name: str) -> IPv4Address:
    try:
        return model.cluster.node(name).ip
    except KeyError:
        known = sorted(model.cluster.nodes_by_name)
        hint = ", ".join(known[:5]) + (", …" if len(known) > 5 else "")
        raise EndpointError(text, f"no node {echo(name)} in the spec (nodes: "
                            f"{hint or 'none'})") from None


def _address(text: str, rest: str) -> IPv4Address:
    try:
        address = ip_address(rest)
    except ValueError:
        raise EndpointError(text, f"invalid IPv4 address {quoted(rest)}") from None
    if not isinstance(address, IPv4Address):
        raise EndpointError(text, "IPv6 is not modelled (expected an IPv4 address)")
    return address


# Addresses no single host sends from or is reached at. Linux's
# ip_route_input_slow (net/ipv4/route.c) drops a packet whose source is
# multicast, the limited broadcast or in 0.0.0.0/8, or loopback arriving on a
# non-loopback device, as a martian source, and one to 0.0.0.0/8 as a martian
# destination; tcp_v4_connect refuses a multicast or broadcast destination
# (ENETUNREACH). The walker models none of that, so it would trace such a packet
# as if it were an ordinary unicast flow: these are refused as input instead.
_THIS_NETWORK = IPv4Network("0.0.0.0/8")  # RFC 1122 3.2.1.3 ("this host on this network")
_LIMITED_BROADCAST = IPv4Address("255.255.255.255")
_UNSPECIFIED = ("unspecified (0.0.0.0/8 means 'this host on this network' and is no host's "
                "address)")
_BROADCAST = "the limited broadcast address (it means every host on the link, not one)"
_MULTICAST = "multicast (224.0.0.0/4 names a group of receivers, not one host)"
_LOOPBACK = ("loopback (127.0.0.0/8 never leaves the host that uses it: Linux drops it "
             "arriving on any other device as a martian source)")


def _no_receiver(address: IPv4Address) -> str | None:
    """Why ``address`` is no destination a flow can have, or None. Loopback is one:
    a pod or node reaching itself over lo."""
    if address.is_unspecified or address in _THIS_NETWORK:
        return _UNSPECIFIED
    if address == _LIMITED_BROADCAST:
        return _BROADCAST
    if address.is_multicast:
        return _MULTICAST
    return None


def _no_sender(address: IPv4Address) -> str | None:
    """Why ``address`` is no source a flow can have, or None."""
    return _no_receiver(address) or (_LOOPBACK if address.is_loopback else None)


def _no_client(address: IPv4Address) -> str | None:
    """Why ``address`` cannot be a client beyond the cluster's router, or None."""
    if (why := _no_sender(address)) is not None:
        return why
    if address.is_link_local:
        return ("link-local (169.254.0.0/16 is valid on one link only: routers do not "
                "forward it, RFC 3927)")
    if address.is_reserved:
        return "reserved (240.0.0.0/4 is not routed on the internet)"
    return None


_UNICAST = "netmodel traces unicast flows between hosts"
_CLIENT = "a client needs a unicast address outside the cluster, e.g. 198.51.100.7"


def _refuse(text: str, address: IPv4Address, why: str | None, need: str = _UNICAST) -> None:
    if why is not None:
        raise EndpointError(text, f"{address} is {why}; {need}")


def _external(model: Model, text: str, rest: str) -> IPv4Address:
    """An address outside everything the cluster owns or routes itself."""
    address = _address(text, rest)
    _refuse(text, address, _no_client(address), _CLIENT)
    cluster = model.cluster
    inside = [("clusterCIDR", cluster.cluster_cidr), ("serviceCIDR", cluster.service_cidr),
              *((f"segment {s.name}", s.cidr) for s in cluster.underlay.segments)]
    for name, net in inside:
        if address in net:
            raise EndpointError(text, f"{address} is inside the cluster's {name} {net} "
                                "(an external client needs an address outside it)")
    if address == UPLINK_ADDRESS.ip or (not address.is_global and not address.is_private):
        raise EndpointError(text, f"{address} cannot be a client (expected a unicast address "
                            "outside the cluster, e.g. 198.51.100.7)")
    return address


def _owner_netns(model: Model, address: IPv4Address) -> NetnsId | None:
    pod = model.pod_by_ip(address)
    if pod is not None:
        return model.pod_netns(pod).id
    node = model.node_by_ip(address)
    if node is not None:
        return NetnsId.node(node.name)
    lease = model.lease_for(address)
    if lease is not None:  # flannel.1's .0 or cni0's .1 belong to the node
        netns = model.node_netns(lease.name)
        if model.table(netns.id).local_address(address) is not None:
            return netns.id
    for segment in model.cluster.underlay.segments:
        if address == segment.router_ip:
            return NetnsId.router()
    return None
