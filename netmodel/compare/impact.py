"""Which walks a node's differences break: re-traced on the captured state.

The walks re-traced are those that can cross the node: pod → pod walks with
one end on it (to and from its own pods, and the first pod of every other
node), and pod → Service walks from its first pod (or the node itself when it
runs none) and, for every Service with an endpoint on it, from a pod elsewhere.
When the only differences are iptables rules, only the
Services those rules name (by their ``ns/name:port`` comment, or a chain that
rule of the model belongs to) are re-traced: a kube-proxy rule serves its own
Service, so a 10,000-Service node is not walked 10,000 times for one rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from netmodel.compare.differences import Difference, Identity
from netmodel.errors import NetmodelError
from netmodel.i18n.compare import compare_word
from netmodel.spec.cluster import Cluster
from netmodel.state.model import Model
from netmodel.state.netfilter import Comment, Ruleset
from netmodel.trace.hops import Action, Disposition, Step, Trace
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk_all

__all__ = ["Broken", "Impact", "Outcome", "relevant_walks", "retrace"]

# kube-proxy's comments start with the Service port they serve: "ns/name:port …"
# (pkg/proxy/iptables/proxier.go, svcPortNameString).
_SERVICE_IN_COMMENT = re.compile(r"([a-z0-9.-]+/[a-z0-9.-]+)")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the sender sees: the request's disposition, the reply's when it is
    lost, and an Ingress walk's second connection."""

    disposition: Disposition
    reply: Disposition | None = None
    then: Outcome | None = None

    def render(self, lang: str) -> str:
        out = str(self.disposition)
        if self.reply is not None:
            out += compare_word("outcome.reply", lang, reply=self.reply)
        if self.then is not None:
            out += compare_word("outcome.then", lang, then=self.then.render(lang))
        return out


@dataclass(frozen=True, slots=True)
class Broken:
    """A walk whose outcome differs on the captured node."""

    source: str
    destination: str
    endpoint: str | None  # the Service endpoint this outcome is for, when chosen
    modelled: Outcome  # in the model: DELIVERED, NO_ROUTE…
    captured: Outcome
    reason: Trace  # the captured trace, whose reason says where it ended
    causes: tuple[Difference, ...]


@dataclass(frozen=True, slots=True)
class Impact:
    walks: int  # walks re-traced
    broken: tuple[Broken, ...]


def _outcome(trace: Trace) -> Outcome:
    reply = trace.reply
    lost = (reply.disposition if trace.disposition is Disposition.DELIVERED
            and reply is not None and reply.disposition is not Disposition.DELIVERED
            else None)
    return Outcome(trace.disposition, lost,
                   _outcome(trace.next) if trace.next is not None else None)


def _chain_services(rulesets: Iterable[Ruleset]) -> dict[str, str]:
    """Which Service each kube-proxy chain serves: a chain a commented rule jumps
    to is that Service's, and so is every chain it jumps to in turn (kube-proxy
    drops the comments of KUBE-SEP rules on large clusters)."""
    owner: dict[str, str] = {}
    jumps: dict[str, set[str]] = {}
    for ruleset in rulesets:
        for rule in ruleset.rules:
            target = rule.target.name
            if target is None or not target.startswith("KUBE-"):
                continue
            jumps.setdefault(rule.chain, set()).add(target)
            comment = rule.item(Comment)
            if isinstance(comment, Comment) and target.startswith(("KUBE-SVC-", "KUBE-SVL-",
                                                                   "KUBE-EXT-", "KUBE-FW-")):
                found = _SERVICE_IN_COMMENT.match(comment.text)
                if found:
                    owner.setdefault(target, found[1])
    queue = list(owner)
    while queue:
        chain = queue.pop()
        for target in jumps.get(chain, ()):
            if target not in owner:
                owner[target] = owner[chain]
                queue.append(target)
    return owner


def _services_named(differences: Iterable[Difference],
                    chains: dict[str, str]) -> tuple[set[str] | None, bool]:
    """The Services the differences' rules name (by comment, or by the chain
    they are in), or None when a difference is not an iptables rule (then every
    Service may be affected); and whether some rule names none (it may change
    pod → pod walks: a FLANNEL- or KUBE-FORWARD rule)."""
    if not differences:
        return None, True  # nothing to narrow by: every walk is re-traced
    named: set[str] = set()
    unnamed = False
    for difference in differences:
        if difference.what not in ("rule", "chain", "order"):
            return None, True
        found: set[str] = set()
        comment = difference.rule.item(Comment) if difference.rule is not None else None
        if isinstance(comment, Comment):
            match = _SERVICE_IN_COMMENT.match(comment.text)
            if match:
                found.add(match[1])
        if difference.chain is not None and difference.chain[1] in chains:
            found.add(chains[difference.chain[1]])
        named |= found
        unnamed = unnamed or not found
    return named, unnamed


def relevant_walks(cluster: Cluster, node: str, differences: list[Difference],
                   chains: dict[str, str] | None = None) -> Iterator[WalkRequest]:
    """Walks that cross ``node``'s host netns. Pods elsewhere are represented by
    the first pod of each other node: every pod of a remote node reaches this
    one through the same route, neighbour and FDB entry here (its own veth is
    on its own node, which is modelled)."""
    pods = [p for p in cluster.pods if not p.host_network]
    here = [p for p in pods if p.node == node]
    firsts: dict[str, str] = {}
    for pod in pods:
        if pod.node != node:
            firsts.setdefault(pod.node, f"pod/{pod.key}")
    named, unnamed = _services_named(differences, chains or {})
    if named is None or unnamed:
        for a in here:
            for b in here:
                if a is not b:
                    yield WalkRequest.of(f"pod/{a.key}", f"pod/{b.key}")
            for other in firsts.values():
                yield WalkRequest.of(f"pod/{a.key}", other)
                yield WalkRequest.of(other, f"pod/{a.key}")
    source = f"pod/{here[0].key}" if here else f"node/{node}"
    elsewhere = next(iter(firsts.values()), None)
    for service in cluster.services:
        if named is not None and not any(n == service.key or n.startswith(f"{service.key}:")
                                         for n in named):
            continue
        yield WalkRequest.of(source, f"svc/{service.key}")
        local = any(e.node == node for port in service.ports for e in port.endpoints)
        if local and elsewhere is not None:
            yield WalkRequest.of(elsewhere, f"svc/{service.key}")


def _uses(trace: Trace, node: str) -> set[Identity]:
    """What the steps of ``trace`` (its reply, an Ingress leg) in ``node``'s host
    netns use."""
    out: set[Identity] = set()
    for hop in trace.hops:
        if hop.node == node and hop.netns == "host":
            for step in hop.steps:
                out.update(_step_uses(step))
    for leg in (trace.reply, trace.next):
        if leg is not None:
            out |= _uses(leg, node)
    return out


def _step_uses(step: Step) -> set[Identity]:
    """The kernel objects one step read, as :class:`Difference.uses` names them."""
    args = dict(step.detail.args)
    device = step.device
    out: set[Identity] = set()
    if device is not None:
        out.add(("dev", device))
    if step.action is Action.FORWARD or step.detail.key == "fwd.disabled":
        out.add(("sysctl", "net.ipv4.ip_forward"))
    route = args.get("route")
    if route is not None:
        out.add(("route", str(route)))
    dst = args.get("dst")
    if dst is not None:
        out.add(("address", str(dst)))
    ip, mac = args.get("ip"), args.get("mac")
    if ip is not None and device is not None:
        out.add(("neigh", str(ip), device))
    if mac is not None:
        out.add(("fdb", str(mac), str(args.get("dev", device))))
    for hit in step.rules:
        out.add(("rule", hit.rule.table, hit.rule.chain, hit.rule.save()))
        out.add(("chain", hit.rule.table, hit.rule.chain))
    return out


def retrace(cluster: Cluster, captured: Model, modelled: Model, node: str,
            differences: list[Difference]) -> Impact:
    broken: list[Broken] = []
    count = 0
    chains = _chain_services((modelled.ruleset(node), captured.ruleset(node))) \
        if any(d.what in ("rule", "chain", "order") for d in differences) else {}
    for request in relevant_walks(cluster, node, differences, chains):
        try:
            before = list(walk_all(modelled, request))
        except NetmodelError:
            continue  # a walk the model itself cannot trace (a pod without ports…)
        count += 1
        after = list(walk_all(captured, request))
        before_by = {_endpoint(t): t for t in before}
        for trace in after:
            model_trace = before_by.get(_endpoint(trace), before[0])
            if _outcome(trace) == _outcome(model_trace):
                continue
            used = _uses(model_trace, node) | _uses(trace, node)
            causes = tuple(d for d in differences if d.uses & used)
            broken.append(Broken(request.source, request.destination, _endpoint(trace),
                                 _outcome(model_trace), _outcome(trace), trace, causes))
    return Impact(count, tuple(broken))


def _endpoint(trace: Trace) -> str | None:
    if not trace.alternatives:
        return None
    final = trace.final_packet
    return f"{final.ip.dst}:{final.l4.dport}"
