"""iptables rules as values: kube-proxy's restore payload, iptables-save, matching.

A :class:`Rule` keeps its matches in the order they were written, as kube-proxy
and flanneld write them; :func:`restore_text` prints that form (the bytes
kube-proxy feeds ``iptables-restore``) and :func:`save_text` the form the kernel
hands back to ``iptables-save`` (checked against iptables 1.8.9 in a network
namespace): ``-s``/``-d``/``-p`` first with ``/32`` on hosts, then the match
modules in written order, every comment quoted, ``MARK --or-mark`` as
``--set-xmark``, REJECT with its default ``--reject-with``, and the statistic
probability as the kernel stores it (``lround(p * 2^31)``, printed with 11
decimals).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, ip_network
from typing import ClassVar

from netmodel.spec.protocol import IpProto

__all__ = [
    "BUILTIN_CHAINS",
    "AddrType",
    "Comment",
    "CtState",
    "DPort",
    "Dst",
    "Item",
    "Mark",
    "Multiport",
    "NfAcct",
    "Overlay",
    "Proto",
    "Recent",
    "Rule",
    "Ruleset",
    "Src",
    "Statistic",
    "Target",
    "address_text",
    "group_rules",
    "restore_text",
    "save_text",
]

BUILTIN_CHAINS = {
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
}


@functools.lru_cache(maxsize=1 << 17)
def address_text(text: str) -> str:
    """``-s``/``-d`` as iptables-save prints it (``10.96.0.1`` → ``10.96.0.1/32``).
    Cached: a 10,000-Service node prints (and a diff reads) 60,000 of them, and
    parsing an address is most of the cost of printing a rule."""
    return str(ip_network(text, strict=False))


def _mark_hex(value: int) -> str:
    return f"{value:#x}"


@dataclass(frozen=True, slots=True)
class Comment:
    text: str

    def restore(self) -> list[str]:
        # kube-proxy quotes the comments it builds from several words itself.
        text = f'"{_escaped(self.text)}"' if " " in self.text else self.text
        return ["-m", "comment", "--comment", text]

    def save(self) -> list[str]:
        # iptables-save's save_string: quoted, with " and \ escaped by a backslash
        # (portmap's comments hold quotes: dnat name: "cbr0" id: "…").
        return ["-m", "comment", "--comment", f'"{_escaped(self.text)}"']


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@dataclass(frozen=True, slots=True)
class _Address:
    """``[!] -s ADDR`` / ``[!] -d ADDR``, kept as written ("10.180.0.1" or a CIDR)."""

    text: str
    negated: bool = False
    flag: ClassVar[str] = ""

    @property
    def net(self) -> IPv4Network:
        return ip_network(self.text, strict=False)  # type: ignore[return-value]

    def restore(self) -> list[str]:
        return [*(["!"] if self.negated else []), self.flag, self.text]


class Src(_Address):
    __slots__ = ()
    flag = "-s"


class Dst(_Address):
    __slots__ = ()
    flag = "-d"


@dataclass(frozen=True, slots=True)
class Proto:
    """``-m tcp -p tcp``: the protocol, with its match module loaded where written.

    ``module`` False is ``-p tcp`` alone (portmap's spelling): the kernel then
    holds a tcp match only if a ``--dport`` loaded it implicitly."""

    name: IpProto
    module: bool = True

    def restore(self) -> list[str]:
        return ["-m", self.name, "-p", self.name] if self.module else ["-p", self.name]


@dataclass(frozen=True, slots=True)
class Multiport:
    """``-m multiport -p tcp --destination-ports 80,443``, as portmap writes it (the
    protocol inside: multiport needs it); iptables-save prints ``-p tcp`` up front
    and ``-m multiport --dports 80,443`` in place."""

    proto: IpProto
    ports: tuple[int, ...]

    def restore(self) -> list[str]:
        return ["-m", "multiport", "-p", self.proto, "--destination-ports",
                ",".join(map(str, self.ports))]

    def save(self) -> list[str]:
        return ["-m", "multiport", "--dports", ",".join(map(str, self.ports))]


@dataclass(frozen=True, slots=True)
class DPort:
    port: int

    def restore(self) -> list[str]:
        return ["--dport", str(self.port)]


@dataclass(frozen=True, slots=True)
class AddrType:
    """``-m addrtype --src-type LOCAL`` / ``--dst-type LOCAL``."""

    direction: str  # "src" | "dst"

    def restore(self) -> list[str]:
        return ["-m", "addrtype", f"--{self.direction}-type", "LOCAL"]

    save = restore


@dataclass(frozen=True, slots=True)
class Mark:
    value: int
    mask: int
    negated: bool = False
    written: str = ""  # how the writer spelled it (kube-proxy: 0x00004000)

    def restore(self) -> list[str]:
        spelled = self.written or f"{_mark_hex(self.value)}/{_mark_hex(self.mask)}"
        return ["-m", "mark", *(["!"] if self.negated else []), "--mark", spelled]

    def save(self) -> list[str]:
        return ["-m", "mark", *(["!"] if self.negated else []), "--mark",
                f"{_mark_hex(self.value)}/{_mark_hex(self.mask)}"]


@dataclass(frozen=True, slots=True)
class CtState:
    states: tuple[str, ...]
    negated: bool = False

    def restore(self) -> list[str]:
        return ["-m", "conntrack", *(["!"] if self.negated else []), "--ctstate",
                ",".join(self.states)]

    save = restore


@dataclass(frozen=True, slots=True)
class Statistic:
    """``-m statistic --mode random --probability p``: p as kube-proxy formats it."""

    probability: str  # "%0.10f" of 1/n

    @property
    def stored(self) -> float:
        # xt_statistic keeps lround(p * 2^31); iptables-save prints it back /2^31.
        return round(float(self.probability) * 0x80000000) / 0x80000000

    def restore(self) -> list[str]:
        return ["-m", "statistic", "--mode", "random", "--probability", self.probability]

    def save(self) -> list[str]:
        return ["-m", "statistic", "--mode", "random", "--probability", f"{self.stored:.11f}"]


@dataclass(frozen=True, slots=True)
class NfAcct:
    name: str

    def restore(self) -> list[str]:
        return ["-m", "nfacct", "--nfacct-name", self.name]

    save = restore


@dataclass(frozen=True, slots=True)
class Recent:
    """ClientIP session affinity: ``--set`` in the endpoint chain, ``--rcheck`` in
    the service chain (a source seen within ``seconds`` goes to the same endpoint)."""

    name: str
    seconds: int | None = None  # None: --set

    def restore(self) -> list[str]:
        if self.seconds is None:
            return ["-m", "recent", "--name", self.name, "--set"]
        return ["-m", "recent", "--name", self.name, "--rcheck", "--seconds",
                str(self.seconds), "--reap"]

    def save(self) -> list[str]:
        if self.seconds is None:
            return ["-m", "recent", "--set", "--name", self.name, "--mask",
                    "255.255.255.255", "--rsource"]
        return ["-m", "recent", "--rcheck", "--seconds", str(self.seconds), "--reap",
                "--name", self.name, "--mask", "255.255.255.255", "--rsource"]


Item = (Comment | Src | Dst | Proto | DPort | AddrType | Mark | CtState | Statistic | NfAcct
        | Recent | Multiport)


@dataclass(frozen=True, slots=True)
class Target:
    """``-j NAME [options]``; ``name`` None for kube-proxy's comment-only rule."""

    name: str | None
    mark: int | None = None  # MARK: the bit, with ``op`` "or" | "xor"
    op: str = ""
    written_mark: str = ""
    to: tuple[IPv4Address, int] | None = None  # DNAT --to-destination
    random_fully: bool = False

    def restore(self) -> list[str]:
        if self.name is None:
            return []
        out = ["-j", self.name]
        if self.name == "MARK":
            assert self.mark is not None
            out += [f"--{self.op}-mark", self.written_mark or _mark_hex(self.mark)]
        if self.to is not None:
            out += ["--to-destination", f"{self.to[0]}:{self.to[1]}"]
        if self.random_fully:
            out.append("--random-fully")
        return out

    def save(self) -> list[str]:
        if self.name is None:
            return []
        out = ["-j", self.name]
        if self.name == "MARK":
            assert self.mark is not None
            mask = self.mark if self.op == "or" else 0
            out += ["--set-xmark", f"{_mark_hex(self.mark)}/{_mark_hex(mask)}"]
        if self.name == "REJECT":
            out += ["--reject-with", "icmp-port-unreachable"]
        if self.to is not None:
            out += ["--to-destination", f"{self.to[0]}:{self.to[1]}"]
        if self.random_fully:
            out.append("--random-fully")
        return out

    @property
    def is_chain(self) -> bool:
        return self.name is not None and self.name.startswith(("KUBE-", "FLANNEL-", "CNI-"))


@dataclass(frozen=True, slots=True)
class Rule:
    table: str
    chain: str
    items: tuple[Item, ...]
    target: Target
    writer: str = "kube-proxy"  # kube-proxy | flanneld | kubelet

    def item(self, kind: type[Item]) -> Item | None:
        for it in self.items:
            if isinstance(it, kind):
                return it
        return None

    def restore(self) -> str:
        tokens = ["-A", self.chain]
        for it in self.items:
            tokens += it.restore()
        return " ".join(tokens + self.target.restore())

    def save(self) -> str:
        tokens = ["-A", self.chain]
        src, dst = self.item(Src), self.item(Dst)
        proto = self.item(Proto)
        dport = self.item(DPort)
        for ends in (src, dst):
            if isinstance(ends, _Address):
                tokens += [*(["!"] if ends.negated else []), ends.flag, address_text(ends.text)]
        multiport = self.item(Multiport)
        if isinstance(proto, Proto):
            tokens += ["-p", proto.name]
        elif isinstance(multiport, Multiport):
            tokens += ["-p", multiport.proto]
        for it in self.items:
            if isinstance(it, Proto):
                if it.module or isinstance(dport, DPort):
                    tokens += ["-m", it.name]
                if isinstance(dport, DPort):
                    tokens += ["--dport", str(dport.port)]
            elif isinstance(it, Comment | AddrType | Mark | CtState | Statistic | NfAcct | Recent
                            | Multiport):
                tokens += it.save()
        return " ".join(tokens + self.target.save())

    def __str__(self) -> str:
        return self.save()


@dataclass(frozen=True, slots=True)
class Ruleset:
    """One node's filter and nat tables: chains in the order their writers declare
    them, rules in the order they were appended (prepends already applied, kept
    as ``parts`` that nodes may share), and the rules of each chain (``groups``)."""

    chains: tuple[tuple[str, str], ...]  # (table, chain), user chains only
    parts: tuple[tuple[Rule, ...], ...]
    groups: Mapping[tuple[str, str], tuple[Rule, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.groups:
            object.__setattr__(self, "groups", group_rules(self.rules))

    @classmethod
    def of(cls, chains: Iterable[tuple[str, str]], rules: Iterable[Rule]) -> Ruleset:
        return cls(tuple(chains), (tuple(rules),))

    @property
    def rules(self) -> Iterator[Rule]:
        return itertools.chain.from_iterable(self.parts)


class Overlay(Mapping[tuple[str, str], tuple[Rule, ...]]):
    """A node's own chains over the chains it shares with other nodes: 60,000
    chains on a 10,000-Service cluster are not copied for every node."""

    def __init__(self, base: Mapping[tuple[str, str], tuple[Rule, ...]],
                 top: Mapping[tuple[str, str], tuple[Rule, ...]]) -> None:
        self.base = base
        self.top = top

    def __getitem__(self, key: tuple[str, str]) -> tuple[Rule, ...]:
        found = self.top.get(key)
        return self.base[key] if found is None else found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from self.base
        yield from (key for key in self.top if key not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(1 for key in self.top if key not in self.base)


def group_rules(rules: Iterable[Rule]) -> dict[tuple[str, str], tuple[Rule, ...]]:
    grouped: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules:
        grouped.setdefault((rule.table, rule.chain), []).append(rule)
    return {key: tuple(value) for key, value in grouped.items()}


def save_text(ruleset: Ruleset) -> str:
    """``iptables-save -t filter; iptables-save -t nat`` without the timestamped
    ``# Generated by``/``# Completed on`` comments; counters at rest ([0:0])."""
    lines: list[str] = []
    for table in ("filter", "nat"):
        builtins = BUILTIN_CHAINS[table]
        user = sorted(c for t, c in ruleset.chains if t == table)
        lines.append(f"*{table}")
        lines += [f":{c} ACCEPT [0:0]" for c in builtins]
        lines += [f":{c} - [0:0]" for c in user]
        by_chain: dict[str, list[str]] = {}
        for rule in ruleset.rules:
            if rule.table == table:
                by_chain.setdefault(rule.chain, []).append(rule.save())
        for chain in (*builtins, *user):
            lines += by_chain.get(chain, [])
        lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def restore_text(ruleset: Ruleset, writer: str = "kube-proxy") -> str:
    """The payload ``writer`` hands to ``iptables-restore --noflush``: its own
    chains and rules, in its own order (kube-proxy: filter, then nat)."""
    lines: list[str] = []
    for table in ("filter", "nat"):
        lines.append(f"*{table}")
        declared = [c for t, c in ruleset.chains if t == table and _owner(c) == writer]
        lines += [f":{c} - [0:0]" for c in declared]
        lines += [r.restore() for r in ruleset.rules
                  if r.table == table and r.writer == writer and r.chain in declared]
        lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def _owner(chain: str) -> str:
    if chain.startswith("FLANNEL-"):
        return "flanneld"
    if chain.startswith("CNI-"):
        return "portmap"
    if chain.endswith("-CANARY"):
        return "monitor"  # created with `iptables -N` by kubelet's and kube-proxy's monitors
    return "kube-proxy"
