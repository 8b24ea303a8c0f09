"""Which flows ``netmodel lab --verify`` replays for a spec.

Every walk a page of the site draws from this spec (its ``netmodel`` fences),
and the spec's own scenarios, generated from what it declares: from its first
pod with a netns, a ping, a TCP and a UDP exchange with a pod on another node
(or the same node in a one-node cluster), every port of every Service with
endpoints or without, and every NodePort from an external client to every
node — which covers both externalTrafficPolicy values wherever the spec uses
them; the way out (that pod to a server on the internet, masqueraded by
flanneld); and every hostPort from an external client, from its own node and
from its pod.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

from netmodel.site.fences import find_fences, read_fence
from netmodel.spec.protocol import IpProto
from netmodel.spec.services import ServiceType
from netmodel.state.model import Model
from netmodel.state.portmap import pod_mappings
from netmodel.trace.request import WalkRequest

__all__ = ["EXTERNAL_CLIENT", "LabFlow", "external_clients", "lab_flows", "scenario_flows",
           "site_flows"]

EXTERNAL_CLIENT = "203.0.113.7"  # RFC 5737 TEST-NET-3, beyond the router's uplink
EXTERNAL_SERVER = "192.0.2.80"  # RFC 5737 TEST-NET-1: "the internet" for egress
EGRESS_PORT = 443
UDP_PROBE_PORT = 5353


@dataclass(frozen=True, slots=True)
class LabFlow:
    """A walk the lab replays, and where it comes from."""

    request: WalkRequest
    where: str = ""  # "docs/services.md:120" or "scenario"

    def __str__(self) -> str:
        return str(self.request)


def _flow(source: str, destination: str, port: int | None, proto: IpProto | None,
          where: str) -> LabFlow:
    return LabFlow(WalkRequest(source, destination, port, proto), where)


def lab_flows(spec: Path, model: Model, root: Path) -> list[LabFlow]:
    """Every flow ``netmodel lab --verify`` replays for ``spec``: the walks the
    site under ``root`` draws from it (when ``root`` has a ``docs/``), then the
    spec's scenarios; each once, where it first appears."""
    docs, diagrams = root / "docs", root / "diagrams"
    flows = (site_flows(spec, docs, diagrams) if docs.is_dir() else []) + scenario_flows(model)
    unique: dict[WalkRequest, LabFlow] = {}
    for flow in flows:
        unique.setdefault(flow.request, flow)
    return list(unique.values())


def site_flows(spec: Path, docs: Path, diagrams: Path) -> list[LabFlow]:
    """The walks the site's pages draw from ``spec`` (English pages; the Chinese
    twins draw the same walks)."""
    out: list[LabFlow] = []
    for page in sorted(docs.rglob("*.md")):
        if page.name.endswith(".zh.md"):
            continue
        where = page.as_posix()
        for fence in find_fences(page.read_text(encoding="utf-8")):
            options = read_fence(fence, where)
            # A walk through a captured node (`state:`) is that capture's, not the
            # model's: the lab, which builds the model's cluster, cannot replay it.
            if options.request is None or options.state:
                continue
            if (diagrams / options.spec).resolve() != spec.resolve():
                continue
            out.append(LabFlow(options.request.pinned(None), f"{where}:{fence.line}"))
    return out


def scenario_flows(model: Model) -> list[LabFlow]:
    cluster = model.cluster
    pods = [p for p in cluster.pods if not p.host_network]
    out: list[LabFlow] = []
    if pods:
        client = pods[0]
        others = [p for p in pods if p.node != client.node] or pods[1:]
        if others:
            peer = f"pod/{others[0].key}"
            out += [_flow(f"pod/{client.key}", peer, None, IpProto.ICMP, "scenario"),
                    _flow(f"pod/{client.key}", peer, None, None, "scenario"),
                    _flow(f"pod/{client.key}", peer, UDP_PROBE_PORT, IpProto.UDP, "scenario")]
        for svc in cluster.services:
            for port in svc.ports:
                out.append(_flow(f"pod/{client.key}", f"svc/{svc.key}", port.port,
                                 port.protocol.ip, "scenario"))
        out.append(_flow(f"pod/{client.key}", f"external/{EXTERNAL_SERVER}", EGRESS_PORT,
                         IpProto.TCP, "scenario"))
    for pod in pods:
        node = cluster.node(pod.node)
        for mapping in pod_mappings(pod):
            # From outside, from the node (nat OUTPUT), and from the pod itself
            # (hairpin: portmap's SETMARK and MASQ chains).
            for source in (f"external/{EXTERNAL_CLIENT}", f"node/{node.name}", f"pod/{pod.key}"):
                specific = mapping.host_ip is not None and not mapping.host_ip.is_unspecified
                address = mapping.host_ip if specific else node.ip
                out.append(_flow(source, f"ip/{address}", mapping.host_port,
                                 mapping.protocol, "scenario"))
    for svc in cluster.services:
        if svc.type not in (ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER):
            continue
        for port in svc.ports:
            if port.node_port is None:
                continue
            out += [_flow(f"external/{EXTERNAL_CLIENT}", f"node/{node.name}", port.node_port,
                          port.protocol.ip, "scenario") for node in cluster.nodes]
    return out


def external_clients(flows: list[LabFlow]) -> tuple[IPv4Address, ...]:
    """The hosts beyond the uplink the flows name, as a source or (egress) as
    the destination."""
    seen: dict[IPv4Address, None] = {}
    for flow in flows:
        for end in (flow.request.source, flow.request.destination):
            if end.startswith("external/"):
                seen[IPv4Address(end.removeprefix("external/"))] = None
    return tuple(seen)
