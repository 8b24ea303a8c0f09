"""``iptables-save`` → a :class:`~netmodel.state.netfilter.Ruleset`.

The inverse of :func:`netmodel.state.netfilter.save_text`: each ``-A`` line in
the form the kernel hands back (iptables 1.8, legacy or nf_tables: ``-s``/``-d``
and ``-p`` first, then the match modules in order, ``--set-xmark`` for MARK)
becomes a :class:`~netmodel.state.netfilter.Rule` of the same items, so
``Rule.save()`` of a parsed line prints that line again. The model holds the
filter and nat tables; other tables' rules are counted and left out. A match
or target the model cannot evaluate is refused with its line, rather than read
as something it is not.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address

from netmodel.capture.entries import CaptureError
from netmodel.spec.protocol import IpProto
from netmodel.state.netfilter import (
    BUILTIN_CHAINS,
    AddrType,
    Comment,
    CtState,
    DPort,
    Dst,
    Item,
    Mark,
    Multiport,
    NfAcct,
    Proto,
    Recent,
    Rule,
    Ruleset,
    Src,
    Statistic,
    Target,
    address_text,
)

__all__ = ["ParsedRules", "parse_iptables", "rule_writer", "split_rule"]

_MODELLED = ("filter", "nat")

_STARTS = frozenset({"-m", "-j", "-g", "-s", "-d", "-p", "-i", "-o", "-f"})


@dataclass(frozen=True, slots=True)
class ParsedRules:
    ruleset: Ruleset
    policies: dict[tuple[str, str], str]  # builtin chains' policies, as saved
    lines: tuple[str, ...]  # each rule's line as saved, in the ruleset's order
    other_tables: int  # rules in tables the model does not hold (mangle, raw…)


def rule_writer(chain: str, target: str | None) -> str:
    """Who writes a rule, by its chain and target, as the model records it:
    flanneld its FLANNEL- chains and the jumps to them, the portmap plugin its
    CNI- ones; kubelet the jumps to
    KUBE-FIREWALL and its canary (pkg/kubelet/kubelet_network_linux.go,
    syncIPTablesRules); kube-proxy the rest of KUBE-, KUBE-FIREWALL's own DROP
    included, which it restores itself (pkg/proxy/iptables/proxier.go,
    syncProxyRules, kubeletFirewallChain)."""
    if chain.startswith("FLANNEL-") or (target or "").startswith("FLANNEL-"):
        return "flanneld"
    if chain.startswith("CNI-") or (target or "").startswith("CNI-"):
        return "portmap"  # the CNI portmap plugin's hostPort chains and their jumps
    if chain == "KUBE-KUBELET-CANARY" or target == "KUBE-FIREWALL":
        return "kubelet"
    return "kube-proxy"


def parse_iptables(text: str, file: str,
                   known: Mapping[tuple[str, str], Rule] | None = None) -> ParsedRules:
    """The ruleset of ``text``. ``known`` maps (table, line) to the model's rule
    that iptables-save prints as that line: such a line is that rule (the
    printing is checked against the kernel, and parsing a printed rule gives it
    back, tested), so only the lines the model does not print are parsed."""
    known = known or {}
    chains: list[tuple[str, str]] = []
    rules: list[Rule] = []
    lines: list[str] = []
    policies: dict[tuple[str, str], str] = {}
    other = 0
    table: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            if table is not None:
                raise CaptureError(file, number, "", f"*{table} has no COMMIT before "
                                   f"{line} (a truncated capture?)")
            table = line[1:]
            continue
        if line == "COMMIT":
            table = None
            continue
        if table is None:
            raise CaptureError(file, number, "", "a rule or chain outside a *table … COMMIT "
                               "block")
        if table not in _MODELLED:
            other += line.startswith("-A ")
            continue
        if line.startswith(":"):
            name, _, rest = line[1:].partition(" ")
            policy = rest.split(" ")[0] if rest else ""
            if name in BUILTIN_CHAINS[table]:
                policies[table, name] = policy
            else:
                chains.append((table, name))
            continue
        if not line.startswith("-A "):
            raise CaptureError(file, number, "", f"expected -A, :CHAIN, *table or COMMIT, "
                               f"not {line.split()[0]!r}")
        rule = known.get((table, line))
        rules.append(rule if rule is not None else _rule(table, line, file, number))
        lines.append(line)
    if table is not None:
        raise CaptureError(file, len(text.splitlines()), "", f"*{table} has no COMMIT "
                           "(a truncated capture?)")
    return ParsedRules(Ruleset.of(chains, rules), policies, tuple(lines), other)


class _Tokens:
    def __init__(self, tokens: list[str], file: str, line: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.file = file
        self.line = line

    def error(self, field: str, problem: str) -> CaptureError:
        return CaptureError(self.file, self.line, field, problem)

    def more(self) -> bool:
        return self.pos < len(self.tokens)

    def peek(self) -> str:
        return self.tokens[self.pos] if self.more() else ""

    def take(self, field: str) -> str:
        if not self.more():
            raise self.error(field, "missing its value")
        self.pos += 1
        return self.tokens[self.pos - 1]


def split_rule(line: str) -> list[str]:
    """``shlex.split`` for the lines iptables-save writes (words, and comments in
    double quotes), several times faster on 170,000 rules; anything else (an
    escape, a single quote, a quote inside a word) goes to shlex itself."""
    if "\\" in line or "'" in line:
        return shlex.split(line)
    out: list[str] = []
    rest = line
    while True:
        head, quote, tail = rest.partition('"')
        out.extend(head.split())
        if not quote:
            return out
        text, close, rest = tail.partition('"')
        if not close:
            raise ValueError("No closing quotation")
        if (head and not head[-1].isspace()) or (rest and not rest[0].isspace()):
            return shlex.split(line)  # a quote inside a word: shlex's rules
        out.append(text)


def _rule(table: str, line: str, file: str, number: int) -> Rule:
    try:
        words = split_rule(line)
    except ValueError as exc:
        raise CaptureError(file, number, "", f"cannot split the rule: {exc}") from None
    t = _Tokens(words[2:], file, number)
    chain = words[1] if len(words) > 1 else ""
    items: list[Item] = []
    proto: str | None = None
    target = Target(None)
    while t.more():
        negated = t.peek() == "!"
        if negated:
            t.take("!")
        flag = t.take("rule")
        if flag in ("-s", "-d"):
            text = t.take(flag)
            try:
                net = address_text(text)
            except ValueError:
                raise t.error(flag, f"not an IPv4 address or network: {text!r}") from None
            if ":" in net:
                raise t.error(flag, f"not an IPv4 address or network: {text!r}")
            items.append((Src if flag == "-s" else Dst)(net, negated))
        elif flag == "-p" and not negated:
            proto = t.take("-p")
        elif flag == "-m" and not negated:
            items.extend(_match(t, t.take("-m"), proto))
        elif flag == "-j" and not negated:
            target = _target(t, t.take("-j"))
        else:
            raise t.error(flag, f"{'! ' if negated else ''}{flag} is not a match netmodel "
                          "models (kube-proxy, kubelet and flanneld do not write it)")
    if proto is not None and not any(isinstance(i, Proto | Multiport) for i in items):
        # -p alone (portmap's spelling): no match module loaded.
        items.append(Proto(_proto(t, proto), module=False))
    return Rule(table, chain, tuple(items), target, writer=rule_writer(chain, target.name))


def _options(t: _Tokens, module: str) -> list[tuple[bool, str, list[str]]]:
    """The match's (or target's) options: (negated, --name, values). A plain
    loop over the tokens: it runs 300,000 times on a 10,000-Service node."""
    tokens, pos, end = t.tokens, t.pos, len(t.tokens)
    out: list[tuple[bool, str, list[str]]] = []
    while pos < end:
        name = tokens[pos]
        negated = name == "!"
        if negated:
            if pos + 1 >= end or tokens[pos + 1] in _STARTS:
                break  # the "!" of the next -s/-d
            pos += 1
            name = tokens[pos]
        elif name in _STARTS:
            break
        if not name.startswith("--"):
            t.pos = pos
            raise t.error(f"-m {module}", f"expected an option, not {name!r}")
        pos += 1
        values = []
        while pos < end:
            value = tokens[pos]
            if value.startswith("--") or value in _STARTS or value == "!":
                break
            values.append(value)
            pos += 1
        out.append((negated, name, values))
    t.pos = pos
    return out


def _proto(t: _Tokens, name: str) -> IpProto:
    try:
        return IpProto(name)
    except ValueError:
        raise t.error("-p", f"-p {name} is not a protocol netmodel models") from None


def _one(t: _Tokens, module: str, options: list[tuple[bool, str, list[str]]],
         name: str) -> str:
    for _, option, values in options:
        if option == name and len(values) == 1:
            return values[0]
    raise t.error(f"-m {module}", f"expected {name} VALUE")


def _int(t: _Tokens, field: str, text: str, base: int = 10) -> int:
    try:
        return int(text, base)
    except ValueError:
        raise t.error(field, f"not a number: {text!r}") from None


def _match(t: _Tokens, module: str, proto: str | None) -> list[Item]:
    options = _options(t, module)
    names = [name for _, name, _ in options]
    negations = [negated for negated, _, _ in options]
    field = f"-m {module}"
    if module in ("tcp", "udp", "sctp"):
        if proto != module:
            raise t.error(field, f"-m {module} without -p {module}")
        if any(n != "--dport" for n in names) or any(negations):
            raise t.error(field, "only --dport is modelled")
        items: list[Item] = [Proto(_proto(t, module))]
        if options:
            items.append(DPort(_int(t, "--dport", _one(t, module, options, "--dport"))))
        return items
    if module == "multiport":
        if proto is None:
            raise t.error(field, "-m multiport without -p")
        ports = _one(t, module, options, "--dports")
        return [Multiport(_proto(t, proto), tuple(_int(t, "--dports", p)
                                                  for p in ports.split(",")))]
    if module == "comment":
        return [Comment(_one(t, module, options, "--comment"))]
    if module == "addrtype":
        if len(options) != 1 or negations[0] or options[0][2] != ["LOCAL"] \
                or names[0] not in ("--src-type", "--dst-type"):
            raise t.error(field, "only --src-type LOCAL and --dst-type LOCAL are modelled")
        return [AddrType(names[0][2:5])]
    if module == "mark":
        text = _one(t, module, options, "--mark")
        value, _, mask = text.partition("/")
        return [Mark(_int(t, "--mark", value, 16), _int(t, "--mark", mask or "0xffffffff", 16),
                     negations[0])]
    if module == "conntrack":
        states = _one(t, module, options, "--ctstate")
        if names != ["--ctstate"]:
            raise t.error(field, "only --ctstate is modelled")
        return [CtState(tuple(states.split(",")), negations[0])]
    if module == "statistic":
        if _one(t, module, options, "--mode") != "random":
            raise t.error(field, "only --mode random is modelled")
        probability = _one(t, module, options, "--probability")
        try:
            float(probability)
        except ValueError:
            raise t.error("--probability", f"not a number: {probability!r}") from None
        return [Statistic(probability)]
    if module == "nfacct":
        return [NfAcct(_one(t, module, options, "--nfacct-name"))]
    if module == "recent":
        name = _one(t, module, options, "--name")
        if "--set" in names:
            return [Recent(name)]
        if "--rcheck" in names:
            return [Recent(name, _int(t, "--seconds", _one(t, module, options, "--seconds")))]
        raise t.error(field, "only --set and --rcheck are modelled")
    raise t.error(field, f"-m {module} is not a match netmodel models")


def _target(t: _Tokens, name: str) -> Target:
    options = _options(t, name)
    option_names = [option for _, option, _ in options]
    field = f"-j {name}"
    if name == "MARK":
        text = _one(t, name, options, "--set-xmark")
        value_text, _, mask_text = text.partition("/")
        value = _int(t, "--set-xmark", value_text, 16)
        mask = _int(t, "--set-xmark", mask_text or "0xffffffff", 16)
        if mask == value:
            return Target("MARK", mark=value, op="or")
        if mask == 0:
            return Target("MARK", mark=value, op="xor")
        raise t.error("--set-xmark", "only --or-mark and --xor-mark forms are modelled")
    if name == "REJECT":
        if options and _one(t, name, options, "--reject-with") != "icmp-port-unreachable":
            raise t.error("--reject-with", "only icmp-port-unreachable is modelled")
        return Target("REJECT")
    if name == "DNAT":
        text = _one(t, name, options, "--to-destination")
        address, _, port = text.rpartition(":")
        try:
            to = (IPv4Address(address), _int(t, "--to-destination", port))
        except AddressValueError:
            raise t.error("--to-destination", f"expected IP:PORT, not {text!r}") from None
        return Target("DNAT", to=to, random_fully="--random-fully" in option_names)
    if name == "MASQUERADE":
        if any(option != "--random-fully" for option in option_names):
            raise t.error(field, "only --random-fully is modelled")
        return Target("MASQUERADE", random_fully=bool(options))
    if options:
        raise t.error(field, f"-j {name} with options is not modelled")
    return Target(name)
