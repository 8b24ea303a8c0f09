"""Every difference between a node's captured tables and the modelled ones.

Compared: links (kind, MTU, bridge master, hairpin, VXLAN parameters and the
VXLAN device's MAC, flannel's VtepMAC), addresses, the main
routing table, installed neighbour entries, FDB entries that point somewhere
(a VXLAN device's, or a NIC's permanent ones), iptables chains, rules and the
builtin chains' policies in the filter and nat tables.

Not compared, because they differ on every healthy node (:data:`NOT_COMPARED`):
learnt neighbour and FDB entries, the local routing table, link-local and
multicast routes, multicast FDB entries, ifindexes, veth names and the MACs the
kernel or the CNI generate, counters, conntrack, and the order of rules in the
builtin chains (kube-proxy, kubelet and flanneld each insert their own jumps,
in whatever order they started). Rules in kube-proxy's and flanneld's own
chains are compared in order: their writers rewrite those chains whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Network

from netmodel.capture.iptables import rule_writer
from netmodel.capture.node import Capture
from netmodel.state.kernel import FdbEntry, Link, LinkKind, Netns, Origin, Route
from netmodel.state.netfilter import BUILTIN_CHAINS, Rule, Ruleset

__all__ = ["Change", "Difference", "Identity", "compare_node"]

Identity = tuple[str, ...]  # what a trace step uses: ("route", text), ("dev", name)…
_LINK_LOCAL = IPv4Network("169.254.0.0/16")
_MULTICAST = IPv4Network("224.0.0.0/4")


class Change(StrEnum):
    MISSING = "missing"  # the model has it, the node does not
    EXTRA = "extra"  # the node has it, the model does not
    CHANGED = "changed"  # both have it, differently


@dataclass(frozen=True, slots=True)
class Difference:
    """One object that differs. ``what`` is its kind (route, neighbour, fdb,
    link, address, rule, chain, policy, order), ``text`` the object as ip(8) or
    iptables-save prints it (the model's, except for an extra one), ``found``
    what the node has instead (for a change), ``who`` the component that
    programs it: an :class:`Origin` or an iptables writer (kube-proxy, kubelet,
    flanneld)."""

    what: str
    change: Change
    text: str
    who: Origin | str
    found: str | None = None
    uses: frozenset[Identity] = frozenset()  # trace steps that depend on it
    # What it does that no walk shows (the tracer's packets are small): a
    # catalogue key of netmodel.i18n.compare and its arguments.
    note: tuple[str, tuple[tuple[str, str], ...]] | None = None
    chain: tuple[str, str] | None = None  # (table, chain) of an iptables difference
    rule: Rule | None = None  # the rule itself, for a rule difference

    def __str__(self) -> str:
        found = f" (the node has {self.found})" if self.found else ""
        return f"{self.what} {self.text}: {self.change}{found}"


def compare_node(model_ns: Netns, model_rules: Ruleset, capture: Capture) -> list[Difference]:
    captured = capture.state.netns
    out: list[Difference] = []
    out += _links(model_ns, captured, capture.veths)
    out += _addresses(model_ns, captured)
    out += _routes(model_ns, captured)
    out += _neighbors(model_ns, captured)
    out += _fdb(model_ns, captured)
    out += _rules(model_rules, capture, capture.policies)
    out += _sysctls(capture)
    out += [Difference("iprule", Change.EXTRA, rule, Origin.PROVISIONING,
                       note=("note.iprule", ())) for rule in capture.ip_rules]
    return out


# What a Kubernetes node needs (kubeadm's preflight checks them; "Container
# Runtimes" in the Kubernetes docs): forwarding on, bridged frames through iptables.
_SYSCTLS = {"net.ipv4.ip_forward": ("1", None),
            "net.bridge.bridge-nf-call-iptables": ("1", "note.bridge_nf")}


def _sysctls(capture: Capture) -> list[Difference]:
    out = []
    for name, (wanted, note) in _SYSCTLS.items():
        found = capture.sysctls.get(name)
        if found is not None and found != wanted:
            out.append(Difference("sysctl", Change.CHANGED, f"{name} = {wanted}",
                                  Origin.PROVISIONING, f"{name} = {found}",
                                  frozenset({("sysctl", name)}),
                                  (note, ()) if note else None))
    return out


# -- links ----------------------------------------------------------------------


def _link_attributes(link: Link) -> dict[str, str]:
    out = {"kind": str(link.kind), "mtu": str(link.mtu), "master": link.master or "none"}
    if link.kind is LinkKind.VXLAN and link.mac:
        # The VtepMAC: every other node's FDB and neighbour entry for this node
        # names it (flannel's backend-data annotation). A NIC's own MAC is in no
        # Kubernetes object, so a spec cannot know it: not compared.
        out["address"] = link.mac
    if link.master is not None:
        out["hairpin"] = "on" if link.hairpin else "off"
    if link.vxlan is not None:
        vx = link.vxlan
        out["vxlan"] = (f"id {vx.vni} local {vx.local} dev {vx.dev} dstport {vx.port} "
                        f"{'learning' if vx.learning else 'nolearning'}")
    return out


def _links(model: Netns, captured: Netns, veths: dict[str, str]) -> list[Difference]:
    out: list[Difference] = []
    theirs = {link.name: link for link in captured.links}
    matched: set[str] = set()
    for link in model.links:
        name = link.name
        if link.peer_netns is not None and link.kind is LinkKind.VETH:
            name = veths.get(link.peer_netns.name, "")
            label = f"{link.name} (veth of pod {link.peer_netns.name})"
        else:
            label = link.name
        found = theirs.get(name)
        uses = frozenset({("dev", link.name), ("dev", name)})
        if found is None:
            out.append(Difference("link", Change.MISSING, label, link.origin, uses=uses))
            continue
        matched.add(name)
        mine, seen = _link_attributes(link), _link_attributes(found)
        for key in mine:
            if mine[key] != seen.get(key):
                note = _mtu_note(model, link, found) if key == "mtu" else None
                out.append(Difference("link", Change.CHANGED, f"{label} {key} {mine[key]}",
                                      link.origin, f"{key} {seen.get(key, 'none')}", uses,
                                      note))
    for link in captured.links:
        if link.name not in matched:
            out.append(Difference("link", Change.EXTRA, str(link), link.origin,
                                  uses=frozenset({("dev", link.name)})))
    return out


def _mtu_note(model: Netns, link: Link, found: Link
              ) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """A device on the pods' way out with a smaller MTU than the pods send: the
    pods' MTU (cni0's, the bridge plugin's ``mtu``) is what their packets fill."""
    bridge = next((x for x in model.links if x.kind is LinkKind.BRIDGE), None)
    pods = bridge.mtu if bridge is not None else link.mtu
    if found.mtu >= pods or link.kind not in (LinkKind.VXLAN, LinkKind.TUN,
                                                LinkKind.ETHERNET):
        return None
    return "note.mtu", (("dev", link.name), ("mtu", str(found.mtu)), ("pods", str(pods)))


def _addresses(model: Netns, captured: Netns) -> list[Difference]:
    mine = {(a.dev, str(a.interface), a.scope): a for a in model.addresses}
    theirs = {(a.dev, str(a.interface), a.scope): a for a in captured.addresses}
    out = [Difference("address", Change.MISSING, f"{key[1]} dev {key[0]}", a.origin,
                      uses=frozenset({("address", key[1].split("/")[0])}))
           for key, a in mine.items() if key not in theirs]
    out += [Difference("address", Change.EXTRA, f"{key[1]} dev {key[0]}", a.origin,
                       uses=frozenset({("address", key[1].split("/")[0])}))
            for key, a in theirs.items() if key not in mine]
    return out


# -- routes, neighbours, FDB -----------------------------------------------------------


def _kernel_own(route: Route) -> bool:
    return route.dst.subnet_of(_LINK_LOCAL) or route.dst.subnet_of(_MULTICAST)


def _routes(model: Netns, captured: Netns) -> list[Difference]:
    mine = {r.dst: r for r in model.routes}
    theirs = {r.dst: r for r in captured.routes if not _kernel_own(r)}
    out: list[Difference] = []
    for dst, route in mine.items():
        found = theirs.get(dst)
        uses = frozenset({("route", str(route))})
        if found is None:
            out.append(Difference("route", Change.MISSING, str(route), route.origin, uses=uses))
        elif str(found) != str(route):
            out.append(Difference("route", Change.CHANGED, str(route), route.origin,
                                  str(found), uses | {("route", str(found))}))
    out += [Difference("route", Change.EXTRA, str(r), r.origin,
                       uses=frozenset({("route", str(r)), ("route-dst", str(r.dst))}))
            for dst, r in theirs.items() if dst not in mine]
    return out


def _neighbors(model: Netns, captured: Netns) -> list[Difference]:
    mine = {(n.ip, n.dev): n for n in model.neighbors}
    theirs = {(n.ip, n.dev): n for n in captured.neighbors}
    out: list[Difference] = []
    for key, n in mine.items():
        uses = frozenset({("neigh", str(n.ip), n.dev)})
        found = theirs.get(key)
        if found is None:
            out.append(Difference("neighbour", Change.MISSING, str(n), n.origin, uses=uses))
        elif found.mac != n.mac:
            out.append(Difference("neighbour", Change.CHANGED, str(n), n.origin,
                                  f"lladdr {found.mac}", uses))
    out += [Difference("neighbour", Change.EXTRA, str(n), n.origin,
                       uses=frozenset({("neigh", str(n.ip), n.dev)}))
            for key, n in theirs.items() if key not in mine]
    return out


def _compared_fdb(ns: Netns) -> dict[tuple[str, str], FdbEntry]:
    """Entries that point somewhere: a VXLAN device's (to a VTEP) and a NIC's own
    permanent unicast ones; not multicast, not learnt, not a bridge's (those
    follow the generated MACs of cni0 and the veths)."""
    bridged = {link.name for link in ns.links
               if link.kind is LinkKind.BRIDGE or link.master is not None
               or link.kind is LinkKind.VETH}
    out: dict[tuple[str, str], FdbEntry] = {}
    for entry in ns.fdb:
        if int(entry.mac.split(":")[0], 16) & 1 or not entry.permanent:
            continue
        if entry.master is not None or entry.dev in bridged:
            continue
        out.setdefault((entry.mac, entry.dev), entry)
    return out


def _fdb(model: Netns, captured: Netns) -> list[Difference]:
    mine, theirs = _compared_fdb(model), _compared_fdb(captured)
    out: list[Difference] = []
    for key, entry in mine.items():
        uses = frozenset({("fdb", entry.mac, entry.dev)})
        found = theirs.get(key)
        if found is None:
            out.append(Difference("fdb", Change.MISSING, str(entry), entry.origin, uses=uses))
        elif found.dst != entry.dst:
            out.append(Difference("fdb", Change.CHANGED, str(entry), entry.origin,
                                  f"dst {found.dst}", uses))
    out += [Difference("fdb", Change.EXTRA, str(e), e.origin,
                       uses=frozenset({("fdb", e.mac, e.dev)}))
            for key, e in theirs.items() if key not in mine]
    return out


# -- iptables --------------------------------------------------------------------------


def _by_chain(rules: Iterable[Rule], texts: Iterable[str] | None = None
              ) -> dict[tuple[str, str], list[tuple[Rule, str]]]:
    """Each chain's rules with their iptables-save text: the model's printed by
    ``Rule.save()``, a capture's as the node saved them."""
    out: dict[tuple[str, str], list[tuple[Rule, str]]] = {}
    if texts is None:
        for rule in rules:
            out.setdefault((rule.table, rule.chain), []).append((rule, rule.save()))
    else:
        for rule, text in zip(rules, texts, strict=True):
            out.setdefault((rule.table, rule.chain), []).append((rule, text))
    return out


def _rule_uses(rule: Rule) -> frozenset[Identity]:
    return frozenset({("rule", rule.table, rule.chain, rule.save())})


def _rules(model: Ruleset, capture: Capture,
           policies: dict[tuple[str, str], str]) -> list[Difference]:
    captured = capture.state.ruleset
    out: list[Difference] = []
    for (table, chain), policy in sorted(policies.items()):
        if policy != "ACCEPT":
            out.append(Difference("policy", Change.CHANGED, f"-t {table} -P {chain} ACCEPT",
                                  "kube-proxy" if table == "nat" else Origin.PROVISIONING,
                                  f"policy {policy}",
                                  frozenset({("chain", table, chain)}), chain=(table, chain)))
    declared_mine, declared_theirs = set(model.chains), set(captured.chains)
    for table, chain in sorted(declared_mine - declared_theirs):
        out.append(Difference("chain", Change.MISSING, f"-t {table} -N {chain}",
                              _chain_writer(chain), uses=frozenset({("chain", table, chain)}),
                              chain=(table, chain)))
    for table, chain in sorted(declared_theirs - declared_mine):
        out.append(Difference("chain", Change.EXTRA, f"-t {table} -N {chain}",
                              _chain_writer(chain), uses=frozenset({("chain", table, chain)}),
                              chain=(table, chain)))
    # The model's rules as load_capture printed them, if these are those rules.
    printed = capture.model_rule_lines if capture.model_rules is model else None
    mine = _by_chain(model.rules, printed)
    theirs = _by_chain(captured.rules, capture.rule_lines)
    for key in sorted(set(mine) | set(theirs)):
        pairs_a, pairs_b = mine.get(key, []), theirs.get(key, [])
        text_a = [text for _, text in pairs_a]
        text_b = [text for _, text in pairs_b]
        if text_a == text_b:
            continue
        # The node's own spelling first; where it differs, the parsed rule as
        # iptables-save prints it (the same rule written another way is equal).
        text_b = [r.save() for r, _ in pairs_b]
        if text_a == text_b:
            continue
        a, b = [r for r, _ in pairs_a], [r for r, _ in pairs_b]
        missing = Counter(text_a) - Counter(text_b)
        extra = Counter(text_b) - Counter(text_a)
        for rule in a:
            if missing[rule.save()] > 0:
                missing[rule.save()] -= 1
                out.append(Difference("rule", Change.MISSING, f"-t {rule.table} "
                                      f"{rule.save()}", rule.writer, uses=_rule_uses(rule),
                                      chain=key, rule=rule))
        for rule in b:
            if extra[rule.save()] > 0:
                extra[rule.save()] -= 1
                out.append(Difference("rule", Change.EXTRA, f"-t {rule.table} {rule.save()}",
                                      rule.writer, uses=_rule_uses(rule), chain=key,
                                      rule=rule))
        builtin = key[1] in BUILTIN_CHAINS[key[0]]
        if sorted(text_a) == sorted(text_b) and not builtin:
            out.append(Difference("order", Change.CHANGED, f"-t {key[0]} {key[1]}",
                                  a[0].writer, "rules in another order",
                                  frozenset(u for r in a for u in _rule_uses(r)), chain=key))
    return out


def _chain_writer(chain: str) -> str:
    return rule_writer(chain, None)
