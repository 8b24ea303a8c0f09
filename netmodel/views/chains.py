"""The chains view: the netfilter walk of a Service flow.

One box per hook a node ran with rules matching, each listing the chains the
packet entered and the rule that matched in each (with its position: iptables
is a list, and the count of rules tested says how long it was), the statistic
branch taken with its probability, and the endpoint it DNATs to.
"""

from __future__ import annotations

import re

from netmodel.i18n.diagrams import diagram_label as label
from netmodel.trace.hops import Action, Trace
from netmodel.views.style import GRAPH, colour, field, safe_id, text

__all__ = ["chains"]

_SHOWN = ("nf.dnat", "nf.dnat.hostport", "nf.masq", "nf.reject", "nf.drop")


_COMMENT = re.compile(r' -m comment --comment "(?:[^"\\]|\\.)*"')  # \" inside: portmap's


def _short(rule: str, width: int = 90) -> str:
    """The rule as iptables-save prints it, minus its comment (long, and the reader
    has the chain name): what it matches and where it jumps must stay visible."""
    rule = _COMMENT.sub("", rule)
    return rule if len(rule) <= width else rule[: width - 1] + "…"


def chains(trace: Trace, *, lang: str = "en") -> str:
    import graphviz  # on first use: a warm site build and `netmodel trace` draw nothing

    dot = graphviz.Digraph("chains", graph_attr={**GRAPH, "rankdir": "TB"},
                           node_attr={"shape": "record", "fontname": GRAPH["fontname"],
                                      "color": colour("line"), "style": "filled",
                                      "fillcolor": colour("bg"), "margin": "0.15,0.05",
                                      "fontsize": "10", "fontcolor": colour("fg")},
                           edge_attr={"color": colour("accent"), "fontname": GRAPH["fontname"],
                                      "fontsize": "9", "fontcolor": colour("fg")})
    previous = None
    number = 0
    for hop in trace.hops:
        for step in hop.steps:
            number += 1
            if step.action is not Action.NETFILTER or not step.rules:
                continue
            if step.detail.key not in _SHOWN:
                continue
            first = step.rules[0]
            title = label("chains.hook", lang, table=first.table, hook=first.chain,
                          node=hop.node)
            parts = [field(title)]
            for hit in step.rules:
                chance = f"  p={hit.probability:.4f}" if hit.probability is not None else ""
                parts.append(field(f"{hit.chain} #{hit.position}{chance}") + "\\l" +
                             field(_short(hit.rule.save())) + "\\l")
            parts.append(field(_short(step.detail.render(lang), 72)))
            node_id = safe_id(f"{hop.netns_id}/{number}")
            dot.node(node_id, "{" + "|".join(parts) + "}")
            if previous is not None:
                dot.edge(previous, node_id)
            previous = node_id
    if trace.alternatives:
        for endpoint, odds in trace.alternatives:
            chosen = f"{trace.final_packet.ip.dst}:{trace.final_packet.l4.dport}" == endpoint
            dot.node(safe_id(f"ep/{endpoint}"),
                     text(label("chains.endpoint", lang, ep=endpoint, p=f"{odds:.4f}")),
                     shape="box", style="rounded,filled",
                     color=colour("accent") if chosen else colour("line"),
                     penwidth="2" if chosen else "1")
            if previous is not None:
                dot.edge(previous, safe_id(f"ep/{endpoint}"),
                         style="solid" if chosen else "dotted")
    dot.attr(label=text(label("chains.title", lang, flow=trace.flow.render(lang)) + " · " +
                        label("chains.tested", lang, n=trace.rules_tested)), labelloc="t")
    return str(dot.source)
