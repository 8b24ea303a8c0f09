"""Run a packet through one netfilter hook of a node, rule by rule.

Chains are walked as the kernel walks them: top to bottom, a jump descends, the
end of a user chain (or RETURN) comes back, the end of a builtin chain applies
its policy (ACCEPT here). MARK changes the packet's mark and goes on; DNAT and
MASQUERADE end the nat table's walk. Where kube-proxy's ``statistic`` match
picks an endpoint at random, the caller's choice decides, and the walk records
the probability of that choice.

The count of rules *tested* is what the kernel would test: every rule above
the one that matched, in every chain entered. Large chains are indexed by
(destination, protocol, port) so that counting 10,000 rules does not mean
evaluating them in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from ipaddress import IPv4Address

from netmodel.errors import EndpointError, NetmodelError
from netmodel.state.netfilter import (
    AddrType,
    CtState,
    DPort,
    Dst,
    Mark,
    Multiport,
    Proto,
    Recent,
    Rule,
    Ruleset,
    Src,
    Statistic,
)
from netmodel.trace.packet import Packet

__all__ = ["ChainIndexes", "Choice", "HookResult", "RuleHit", "run_hook"]

_INDEX_FROM = 32  # chains shorter than this are scanned


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that matched, where it sits, and how many rules its chain tested."""

    table: str
    chain: str
    position: int  # 1-based, as `iptables -L --line-numbers` counts
    rule: Rule
    probability: float | None = None  # for a statistic choice: the chance of this branch


@dataclass(slots=True)
class Choice:
    """Which endpoint a statistic match picks: ``pinned`` ("IP:port") or the first;
    the alternatives met are recorded for enumerating all traces."""

    pinned: str | None = None
    alternatives: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HookResult:
    verdict: str  # ACCEPT | DROP | REJECT
    packet: Packet
    mark: int
    hits: tuple[RuleHit, ...]
    tested: int
    dnat: tuple[IPv4Address, int] | None = None
    masquerade: bool = False
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class _Context:
    packet: Packet
    is_local: Callable[[IPv4Address], bool]
    ctstate: str


class _Index:
    """Rule positions of one chain keyed by (dst, proto, dport); the rest generic.
    Built once per chain's rules, which nodes with the same rules share."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self.keyed: dict[tuple[int | None, str | None, int | None], list[int]] = {}
        self.generic: list[int] = []
        self.branch: tuple[list[int], list[str], list[float]] | None = None
        self.branch_known = False  # computed on the first walk that needs it
        for i, rule in enumerate(rules):
            key = _key(rule)
            if key is None:
                self.generic.append(i)
            else:
                self.keyed.setdefault(key, []).append(i)

    def candidates(self, packet: Packet) -> Iterator[int]:
        if len(self.rules) < _INDEX_FROM:
            yield from range(len(self.rules))
            return
        dst = int(packet.ip.dst)
        found = [*self.keyed.get((dst, packet.l4.proto, packet.l4.dport), ()),
                 *self.keyed.get((None, packet.l4.proto, packet.l4.dport), ()), *self.generic]
        yield from sorted(found)


def _key(rule: Rule) -> tuple[int | None, str | None, int | None] | None:
    """The exact (host, proto, port) a rule needs, if that is all it selects on."""
    proto = rule.item(Proto)
    dport = rule.item(DPort)
    if not isinstance(proto, Proto) or not isinstance(dport, DPort):
        return None
    dst = rule.item(Dst)
    host = None
    if isinstance(dst, Dst):
        if dst.negated or dst.net.prefixlen != 32:
            return None
        host = int(dst.net.network_address)
    selective = (Src, AddrType, Mark, CtState, Statistic, Recent, Multiport)
    if any(isinstance(it, selective) for it in rule.items):
        return None
    return host, proto.name, dport.port


class ChainIndexes:
    """The indexes of the chains one Model's walks have entered. Keyed by the
    rules tuple's identity, which nodes with the same kube-proxy rules share (a
    10,000-rule KUBE-SERVICES is indexed once, not per node); each entry holds
    its tuple, so the id is not reused while the entry lives. One per Model
    (:meth:`Model.memo`): the indexes go with the state they were built from."""

    MAX = 250_000  # chains: two 10,000-Service clusters' worth

    def __init__(self) -> None:
        self._found: dict[int, tuple[tuple[Rule, ...], _Index]] = {}

    def index(self, rules: tuple[Rule, ...]) -> _Index:
        found = self._found.get(id(rules))
        if found is None or found[0] is not rules:
            if len(self._found) >= self.MAX:  # evicted rulesets leave theirs behind
                self._found.clear()
            found = (rules, _Index(rules))
            self._found[id(rules)] = found
        return found[1]


class _Tables:
    """A node's chains, looked up by name, with their indexes."""

    def __init__(self, ruleset: Ruleset, indexes: ChainIndexes) -> None:
        self.groups = ruleset.groups
        self.indexes = indexes

    def index(self, table: str, chain: str) -> _Index | None:
        rules = self.groups.get((table, chain))
        return None if rules is None else self.indexes.index(rules)

    def dnat_of(self, chain: str | None) -> str | None:
        """Where an endpoint chain (KUBE-SEP-…) DNATs to, as "IP:port"."""
        if chain is None or not chain.startswith("KUBE-SEP-"):
            return None
        for rule in self.groups.get(("nat", chain), ()):
            if rule.target.name == "DNAT" and rule.target.to is not None:
                return f"{rule.target.to[0]}:{rule.target.to[1]}"
        return None


def run_hook(ruleset: Ruleset, table: str, hook: str, packet: Packet, *, mark: int,
             ctstate: str, is_local: Callable[[IPv4Address], bool],
             choice: Choice, indexes: ChainIndexes | None = None) -> HookResult:
    """Walk ``table``'s builtin ``hook`` chain for ``packet``, with the chain
    indexes in ``indexes`` (the Model's, to build each once; by default, fresh)."""
    tables = _Tables(ruleset, ChainIndexes() if indexes is None else indexes)
    walk = _Walk(tables, table, _Context(packet, is_local, ctstate), mark, choice)
    verdict = walk.chain(hook, builtin=True) or "ACCEPT"
    return HookResult(verdict, walk.packet, walk.mark, tuple(walk.hits), walk.tested,
                      walk.dnat, walk.masquerade, walk.probability)


class _Walk:
    def __init__(self, tables: _Tables, table: str, ctx: _Context, mark: int,
                 choice: Choice) -> None:
        self.tables = tables
        self.table = table
        self.ctx = ctx
        self.packet = ctx.packet
        self.mark = mark
        self.choice = choice
        self.hits: list[RuleHit] = []
        self.tested = 0
        self.dnat: tuple[IPv4Address, int] | None = None
        self.masquerade = False
        self.probability = 1.0
        self.depth = 0

    def chain(self, name: str, builtin: bool = False) -> str | None:
        """A verdict, or None when the chain ran out (RETURN)."""
        index = self.tables.index(self.table, name)
        if index is None:
            return None
        self.depth += 1
        if self.depth > 64:
            raise NetmodelError(f"iptables chain nesting deeper than 64 at {name}")
        branch = self._statistic_branch(name, index)
        last = -1
        try:
            for i in index.candidates(self.packet):
                last = i
                rule = index.rules[i]
                if not self._matches(rule, i, branch):
                    continue
                probability = branch[1] if branch is not None and i == branch[0] else None
                self.hits.append(RuleHit(self.table, name, i + 1, rule, probability))
                verdict = self._target(rule)
                if verdict == "RETURN":
                    return None
                if verdict is not None:
                    return verdict
            return None
        finally:
            self.tested += (last + 1) if last >= 0 else 0
            self.depth -= 1

    def _options(self, name: str, index: _Index
                 ) -> tuple[list[int], list[str], list[float]] | None:
        if not index.branch_known:
            options = [(i, r) for i, r in enumerate(index.rules)
                       if self.tables.dnat_of(r.target.name) and r.item(Recent) is None]
            found = None
            if options:  # a choice of one still checks a pinned endpoint
                # Endpoint i is taken when draws 1..i-1 failed and draw i passed:
                # (1 - p1)…(1 - p(i-1))·pi, each p the decimal kube-proxy wrote
                # ("%0.10f" of 1/(n-i), proxier.go). Multiplied exactly (a Fraction
                # of each written decimal) and rounded to a float once, so 1/3's
                # second share prints 0.33333333335, the product of the rules'
                # own numbers, not float noise (0.33333333335000004).
                odds = []
                remaining = Fraction(1)
                for _, rule in options:
                    stat = rule.item(Statistic)
                    p = Fraction(stat.probability) if isinstance(stat, Statistic) else Fraction(1)
                    odds.append(float(remaining * p))
                    remaining *= 1 - p
                found = ([i for i, _ in options],
                         [self.tables.dnat_of(r.target.name) or "" for _, r in options], odds)
            index.branch, index.branch_known = found, True
        return index.branch

    def _statistic_branch(self, name: str, index: _Index) -> tuple[int, float] | None:
        """In a KUBE-SVC/SVL chain: which rule the random draw takes, and its odds."""
        found = self._options(name, index)
        if found is None:
            return None
        positions, endpoints, odds = found
        self.choice.alternatives = list(zip(endpoints, odds, strict=True))
        wanted = self.choice.pinned
        if wanted is None:
            pick = 0
        elif wanted in endpoints:
            pick = endpoints.index(wanted)
        else:
            raise EndpointError(wanted, "not one this service's chain can pick (expected "
                                f"one of {', '.join(endpoints)})", option="endpoint")
        self.probability *= odds[pick]
        return positions[pick], odds[pick]

    def _matches(self, rule: Rule, position: int, branch: tuple[int, float] | None) -> bool:
        pkt = self.packet
        for item in rule.items:
            if isinstance(item, Src):
                if (pkt.ip.src is not None and pkt.ip.src in item.net) == item.negated:
                    return False
            elif isinstance(item, Dst):
                if (pkt.ip.dst in item.net) == item.negated:
                    return False
            elif isinstance(item, Proto):
                if pkt.l4.proto != item.name:
                    return False
            elif isinstance(item, DPort):
                if pkt.l4.dport != item.port:
                    return False
            elif isinstance(item, Multiport):
                if pkt.l4.proto != item.proto or pkt.l4.dport not in item.ports:
                    return False
            elif isinstance(item, AddrType):
                address = pkt.ip.src if item.direction == "src" else pkt.ip.dst
                if address is None or not self.ctx.is_local(address):
                    return False
            elif isinstance(item, Mark):
                if ((self.mark & item.mask) == item.value) == item.negated:
                    return False
            elif isinstance(item, CtState):
                if (self.ctx.ctstate in item.states) == item.negated:
                    return False
            elif isinstance(item, Recent):
                if item.seconds is not None:
                    return False  # a first packet: this client has no recent entry yet
            elif isinstance(item, Statistic) and (branch is None or branch[0] != position):
                return False
        # The unconditional last rule matches only when the draw got that far.
        return not (branch is not None and rule.item(Recent) is None
                    and position != branch[0] and self.tables.dnat_of(rule.target.name))

    def _target(self, rule: Rule) -> str | None:
        target = rule.target
        name = target.name
        if name is None:
            return None
        if name == "MARK":
            assert target.mark is not None
            self.mark = self.mark | target.mark if target.op == "or" else self.mark ^ target.mark
            return None
        if name == "DNAT":
            assert target.to is not None
            self.dnat = target.to
            return "ACCEPT"
        if name == "MASQUERADE":
            self.masquerade = True
            return "ACCEPT"
        if name in ("ACCEPT", "DROP", "REJECT", "RETURN"):
            return name
        return self.chain(name)
