"""A whole capture as the model's :class:`~netmodel.state.observed.NodeState`.

The tables are parsed file by file; then the capture is tied to the spec:

- each pod's veth is found (by the name the model gives it, else as the bridge
  port where cni0 learnt the pod's MAC) and paired with the pod's modelled netns,
  so a walk from or to that pod crosses the node as captured;
- a NIC the lab makes out of a veth (``eth0@if7``) is read as the NIC the model
  has, as :mod:`netmodel.lab.readback` does;
- a pod MAC cni0 has not learnt (yet, or any more: entries age out after 300 s)
  is added as learnt on its port, because the kernel floods a frame for an
  unknown MAC and learns from the answer, where the model only forwards by FDB.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from netmodel.capture.addrs import parse_addrs
from netmodel.capture.entries import CaptureError
from netmodel.capture.fdb import parse_fdb
from netmodel.capture.ip_rules import parse_ip_rules
from netmodel.capture.iptables import parse_iptables
from netmodel.capture.layout import read_capture
from netmodel.capture.links import parse_links
from netmodel.capture.neigh import parse_neigh
from netmodel.capture.nic import nic_name, rename_device
from netmodel.capture.routes import parse_routes
from netmodel.errors import InputError
from netmodel.spec.addressing import veth_name
from netmodel.spec.cluster import Cluster
from netmodel.state.kernel import Address, FdbEntry, Link, LinkKind, Neighbor, Netns, Origin, Route
from netmodel.state.model import Model
from netmodel.state.netfilter import Ruleset
from netmodel.state.netns_id import NetnsId
from netmodel.state.node_state import BRIDGE
from netmodel.state.observed import NodeState

__all__ = ["Capture", "Ignored", "load_capture", "parse_overrides"]


@dataclass(frozen=True, slots=True)
class Ignored:
    """What a capture holds that the model does not, counted for the diff's summary."""

    other_route_tables: int = 0  # the local table (and any other) entries
    learnt_neighbors: int = 0  # REACHABLE, STALE… entries
    other_iptables_tables: int = 0  # mangle, raw… rules
    conntrack: int = 0  # conntrack -L lines


@dataclass(frozen=True, slots=True)
class Capture:
    """A node's capture, tied to the spec: the state, and what was left out."""

    node: str
    state: NodeState
    veths: dict[str, str]  # pod key -> its veth's name on the node as captured
    policies: dict[tuple[str, str], str]
    rule_lines: tuple[str, ...]  # each rule of state.ruleset as the node saved it
    model_rules: Ruleset  # the model's rules for this node, and each printed once
    model_rule_lines: tuple[str, ...]
    sysctls: dict[str, str]  # the ones captured: net.ipv4.ip_forward…
    ip_rules: tuple[str, ...]  # policy routing rules beyond the kernel's defaults
    ignored: Ignored
    renamed_nic: tuple[str, str] | None = None  # (the node's name, the model's) if renamed


def load_capture(path: str | Path, cluster: Cluster, node: str,
                 model: Model | None = None) -> Capture:
    """``path`` (a directory or .tar.gz from ``netmodel collect``) as ``node``'s
    state; ``model`` is the cluster's (made here if not given): the entries the
    model has too take its values, and its rules' printing is kept for the diff."""
    if node not in cluster.nodes_by_name:
        raise InputError("node", node, "is not a node of the spec")
    model = model if model is not None else Model(cluster)
    files = read_capture(path)
    links = parse_links(files.texts["links"], files.path("links"))
    addresses = parse_addrs(files.texts["addrs"], files.path("addrs"))
    routes = parse_routes(files.texts["routes"], files.path("routes"))
    neighbors = parse_neigh(files.texts["neigh"], files.path("neigh"))
    fdb = parse_fdb(files.texts["fdb"], files.path("fdb"))
    model_rules = model.ruleset(node)
    model_lines = tuple(rule.save() for rule in model_rules.rules)
    rules = parse_iptables(files.texts["iptables"], files.path("iptables"),
                           {(r.table, line): r for r, line in
                            zip(model_rules.rules, model_lines, strict=True)})
    forward = _ip_forward(files.texts.get("ip_forward"), files.path("ip_forward"))
    sysctls = {name: files.texts[table].strip() for table, name in _SYSCTLS.items()
               if table in files.texts}
    ip_rules = parse_ip_rules(files.texts["ip_rules"], files.path("ip_rules")) \
        if "ip_rules" in files.texts else ()
    conntrack = sum(1 for line in files.texts.get("conntrack", "").splitlines()
                    if line.strip() and not line.startswith("conntrack "))

    modelled = model.node_netns(node)
    raw = Netns(id=NetnsId.node(node), node=node, label="host", links=links,
                addresses=addresses, routes=routes.main, neighbors=neighbors.installed,
                fdb=fdb, ip_forward=forward)
    real_nic = nic_name(raw, cluster.node(node).ip)
    model_nic = next((link.name for link in modelled.links
                      if link.kind is LinkKind.ETHERNET), None)
    renamed = None
    if real_nic is not None and model_nic is not None and real_nic != model_nic \
            and raw.link(model_nic) is None:
        raw, renamed = rename_device(raw, real_nic, model_nic), (real_nic, model_nic)
    links, veths = _bind(cluster, node, raw.links, raw.fdb, neighbors.resolved)
    learnt = _learnt(cluster, node, veths, raw.fdb)
    netns = _adopt_origins(modelled, replace(raw, links=links, fdb=raw.fdb + learnt))
    ignored = Ignored(routes.other_tables, neighbors.learnt, rules.other_tables, conntrack)
    return Capture(node, NodeState(netns, rules.ruleset, files.source), veths, rules.policies,
                   rules.lines, model_rules, model_lines, sysctls, ip_rules, ignored, renamed)


_SYSCTLS = {"ip_forward": "net.ipv4.ip_forward",
            "bridge_nf": "net.bridge.bridge-nf-call-iptables"}
_T = TypeVar("_T", Link, Address, Route, Neighbor, FdbEntry)


def _adopt(modelled: tuple[_T, ...], captured: tuple[_T, ...]) -> tuple[_T, ...]:
    """``captured`` with the model's origin on every entry the model has too
    (the same text as ip(8) prints it): who programs an entry is the model's
    knowledge, which a capture cannot show; the rest keep their guess."""
    origins = {str(entry): entry.origin for entry in modelled}
    return tuple(replace(entry, origin=origins.get(str(entry), entry.origin))
                 for entry in captured)


def _adopt_origins(modelled: Netns, captured: Netns) -> Netns:
    """Also the routes flanneld asks for and the kernel refuses (host-gw across
    racks), where the node lacks them too: a capture cannot show what was refused,
    the model knows why."""
    held = {r.dst for r in captured.routes}
    return replace(captured,
                   rejected=tuple(r for r in modelled.rejected if r.route.dst not in held),
                   links=_adopt(modelled.links, captured.links),
                   addresses=_adopt(modelled.addresses, captured.addresses),
                   routes=_adopt(modelled.routes, captured.routes),
                   neighbors=_adopt(modelled.neighbors, captured.neighbors),
                   fdb=_adopt(modelled.fdb, captured.fdb))


def _ip_forward(text: str | None, file: str) -> bool:
    if text is None:
        return True  # an older capture: a node forwards (kubelet's requirement)
    value = text.strip()
    if value not in ("0", "1"):
        raise CaptureError(file, 1, "net.ipv4.ip_forward", f"expected 0 or 1, not {value!r}")
    return value == "1"


def _bind(cluster: Cluster, node: str, links: tuple[Link, ...], fdb: tuple[FdbEntry, ...],
          resolved: tuple[Neighbor, ...]) -> tuple[tuple[Link, ...], dict[str, str]]:
    """Each pod's veth: by the model's name (the lab's), else the cni0 port that
    learnt the pod's MAC, else the port that learnt the MAC the node resolved the
    pod's IP to on cni0 (a real node: random veth names and pod MACs)."""
    by_name = {link.name: link for link in links}
    ports_by_mac = {e.mac: e.dev for e in fdb if e.master == BRIDGE and not e.permanent}
    mac_by_ip = {n.ip: n.mac for n in resolved if n.dev == BRIDGE}
    veths: dict[str, str] = {}
    for pod in cluster.pods_by_node[node]:
        if pod.host_network:
            continue
        name = veth_name(node, pod.key)
        if name not in by_name:
            name = ports_by_mac.get(pod.mac) or ports_by_mac.get(mac_by_ip.get(pod.ip, ""), "")
        link = by_name.get(name)
        if link is not None and link.kind is LinkKind.VETH and pod.key not in veths.values():
            veths[pod.key] = name
    owner = {name: key for key, name in veths.items()}
    out = []
    for link in links:
        key = owner.get(link.name)
        if key is not None:
            link = replace(link, peer_netns=NetnsId.pod(key), peer_name="eth0",
                           origin=Origin.CNI)
        elif link.kind is LinkKind.VETH and link.master is None and link.name.startswith("eth"):
            # The lab's NIC: a veth to the underlay's bridge, a NIC to the model.
            link = replace(link, kind=LinkKind.ETHERNET, peer_index=None, link_netns=None)
        out.append(link)
    return tuple(out), veths


def _learnt(cluster: Cluster, node: str, veths: dict[str, str],
            fdb: tuple[FdbEntry, ...]) -> tuple[FdbEntry, ...]:
    known = {(e.master, e.mac) for e in fdb}
    return tuple(FdbEntry(pod.mac, veths[pod.key], Origin.KERNEL, master=BRIDGE,
                          permanent=False)
                 for pod in cluster.pods_by_node[node]
                 if pod.key in veths and (BRIDGE, pod.mac) not in known)


def parse_overrides(cluster: Cluster, given: list[str]) -> dict[str, Capture]:
    """``--state NODE=PATH`` options, each once."""
    out: dict[str, Capture] = {}
    for option in given:
        node, sep, path = option.partition("=")
        if not sep or not node or not path:
            raise CaptureError("--state", None, "", f"expected NODE=CAPTURE, not {option!r}")
        if node in out:
            raise CaptureError("--state", None, "", f"node {node!r} given twice")
        if node not in cluster.nodes_by_name:
            raise InputError("state", option, f"{node!r} is not a node of the spec")
        out[node] = load_capture(path, cluster, node)
    return out
