"""A node's iptables rules, fed to the kernel the way their writers feed them.

kube-proxy and flanneld each hand ``iptables-restore --noflush`` a payload of
their own (portmap's chains are restored the same way); kubelet, kube-proxy,
flanneld and portmap also add jumps to the builtin chains one by one, and
kubelet and kube-proxy create canary chains. :func:`writer_payloads` rebuilds
that sequence from the model's :class:`~netmodel.state.netfilter.Ruleset`, so
``iptables-save`` afterwards must print exactly :func:`~netmodel.state.netfilter.save_text`.
"""

from __future__ import annotations

from netmodel.state.netfilter import BUILTIN_CHAINS, Ruleset, restore_text

__all__ = ["TABLES", "writer_payloads"]

TABLES = ("filter", "nat")


def writer_payloads(ruleset: Ruleset) -> list[tuple[str, str]]:
    """(who, payload) pairs for ``iptables-restore --noflush``, in order."""
    # portmap calls iptables rule by rule (go-iptables), not iptables-restore;
    # one payload of its chains ends in the same state.
    payloads = [(writer, restore_text(ruleset, writer))
                for writer in ("kube-proxy", "flanneld", "portmap")]
    declared = {key for _, payload in payloads for key in _declared(payload)}
    lines: list[str] = []
    for table in TABLES:
        lines.append(f"*{table}")
        lines += [f":{chain} - [0:0]" for t, chain in ruleset.chains
                  if t == table and (t, chain) not in declared]
        # The model's order is a real node's final order: appending each rule
        # with -A in that order rebuilds it whatever order the writers ran in.
        lines += [rule.restore() for rule in ruleset.rules
                  if rule.table == table and rule.chain in BUILTIN_CHAINS[table]]
        lines.append("COMMIT")
    return [*payloads, ("canaries and builtin-chain jumps", "\n".join(lines) + "\n")]


def _declared(payload: str) -> set[tuple[str, str]]:
    out, table = set(), ""
    for line in payload.splitlines():
        if line.startswith("*"):
            table = line[1:]
        elif line.startswith(":"):
            out.add((table, line[1:].split()[0]))
    return out
