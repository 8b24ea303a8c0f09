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
from netmodel.views.measure import BOX_MARGIN, columns, cut, inches, label_width, wrap
from netmodel.views.style import GRAPH, MONO, SIZE, colour, field, safe_id, text

__all__ = ["RULE_COLUMNS", "SHOWN", "chains", "rule_lines", "summary_lines"]

SHOWN = (  # the netfilter steps drawn: those that rewrite or stop the packet
    "nf.dnat", "nf.dnat.hostport", "nf.masq", "nf.reject", "nf.drop")


_COMMENT = re.compile(r' -m comment --comment "(?:[^"\\]|\\.)*"')  # \" inside: portmap's
RULE_COLUMNS = 56  # a rule's lines: a box about 360 points wide, narrow enough for a phone
SUMMARY_LINES = 3  # the step's own words: wrapped like a rule, cut after this many lines


# One option and its arguments ("-j KUBE-SVC-…", "! -s 10.244.0.0/16"), spaces after.
_OPTION = re.compile(r"(?:! )?-{1,2}\S*(?: +(?![!-])\S+)* *|\S+ *")


def rule_lines(rule: str) -> list[str]:
    """The rule as iptables-save prints it, minus its comment (long, and the reader
    has the chain name), wrapped between its options, each kept with its
    arguments where it fits on a line, so that what it matches and where it
    jumps are all there: the lines joined are the rule."""
    lines: list[str] = []
    line = ""
    for option in _OPTION.findall(_COMMENT.sub("", rule)):
        if columns((line + option).rstrip()) <= RULE_COLUMNS:
            line += option
            continue
        if line:
            lines.append(line)
        *full, line = wrap(option, RULE_COLUMNS)  # an option wider than a line
        lines.extend(full)
    if line or not lines:
        lines.append(line)
    return lines


def summary_lines(summary: str) -> list[str]:
    """The step's detail, wrapped by display width (a Han character takes two
    columns), the last line cut with an ellipsis if there is more."""
    lines = wrap(summary, RULE_COLUMNS)
    if len(lines) <= SUMMARY_LINES:
        return lines
    rest = "".join(lines[SUMMARY_LINES - 1:])
    return [*lines[:SUMMARY_LINES - 1], cut(rest, RULE_COLUMNS)]


_INDENT = "\u00a0\u00a0"  # no-break spaces: a record field's own spaces are collapsed


def _field(lines: list[str], indent: str = "") -> str:
    """A record field of left-aligned lines, each after the first indented."""
    return "".join(field((indent if n else "") + line.rstrip(), widen=False) + "\\l"
                   for n, line in enumerate(lines))


def chains(trace: Trace, *, lang: str = "en") -> str:
    import graphviz  # on first use: a warm site build and `netmodel trace` draw nothing

    # Records take one font: monospace, for the rules' sake.
    dot = graphviz.Digraph("chains", graph_attr={**GRAPH, "rankdir": "TB"},
                           node_attr={"shape": "record", "fontname": MONO,
                                      "color": colour("line"), "style": "filled",
                                      "fillcolor": colour("bg"), "margin": "0.15,0.05",
                                      "fontsize": str(SIZE["node"]), "fontcolor": colour("fg")},
                           edge_attr={"color": colour("accent"), "fontname": GRAPH["fontname"],
                                      "fontsize": str(SIZE["edge"]), "fontcolor": colour("fg")})
    previous = None
    number = 0
    for hop in trace.hops:
        for step in hop.steps:
            number += 1
            if step.action is not Action.NETFILTER or not step.rules:
                continue
            if step.detail.key not in SHOWN:
                continue
            first = step.rules[0]
            title = label("chains.hook", lang, table=first.table, hook=first.chain,
                          node=hop.node)
            parts = [field(title)]
            lines = [title]
            for hit in step.rules:
                chance = f"  p={hit.probability:.4f}" if hit.probability is not None else ""
                heading = f"{hit.chain} #{hit.position}{chance}"
                rule = rule_lines(hit.rule.save())
                parts.append(_field([heading]) + _field(rule, _INDENT))
                lines += [heading, *(_INDENT + line for line in rule)]
            summary = summary_lines(step.detail.render(lang))
            parts.append(_field(summary))
            lines += summary
            node_id = safe_id(f"{hop.netns_id}/{number}")
            # At least as wide as its widest line in the monospace font, plus the
            # record's padding (each field's, 8 points a side, and the margin).
            width = max(label_width(line, SIZE["node"], mono=True) for line in lines)
            dot.node(node_id, "{" + "|".join(parts) + "}",
                     width=inches(width + 2 * BOX_MARGIN))
            if previous is not None:
                dot.edge(previous, node_id)
            previous = node_id
    if trace.alternatives:
        for endpoint, odds in trace.alternatives:
            chosen = f"{trace.final_packet.ip.dst}:{trace.final_packet.l4.dport}" == endpoint
            words = label("chains.endpoint", lang, ep=endpoint, p=f"{odds:.4f}")
            dot.node(safe_id(f"ep/{endpoint}"), text(words), shape="box",
                     style="rounded,filled", fontname=GRAPH["fontname"],
                     width=inches(label_width(words, SIZE["node"]) + BOX_MARGIN),
                     color=colour("accent") if chosen else colour("line"),
                     penwidth="2" if chosen else "1")
            if previous is not None:
                dot.edge(previous, safe_id(f"ep/{endpoint}"),
                         style="solid" if chosen else "dotted")
    dot.attr(label=text(label("chains.title", lang, flow=trace.flow.render(lang)) + " · " +
                        label("chains.tested", lang, n=trace.rules_tested)), labelloc="t")
    return str(dot.source)
