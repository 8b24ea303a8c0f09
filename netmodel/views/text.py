"""Human-readable trace output, in English or Chinese.

:func:`format_trace`: one block per hop (node · netns), one line per step; the
packet's headers are printed under a step only when that step changed them, so
a rewrite stands out. :func:`format_brief`: one line per hop, what it crossed
and the rewrite or decision that matters there. Every word comes from
:mod:`netmodel.i18n`.
"""

from __future__ import annotations

from collections.abc import Callable

from netmodel.i18n import disposition_text
from netmodel.i18n.output import word
from netmodel.spec.protocol import IpProto
from netmodel.trace.hops import Action, Hop, Trace
from netmodel.trace.packet import Packet

__all__ = ["disposition_line", "format_brief", "format_trace", "hop_heading"]

_Body = Callable[[Trace, str], list[str]]  # one leg's lines


def format_trace(trace: Trace, lang: str = "en") -> str:
    return _legs(trace, lang, _body)


def format_brief(trace: Trace, lang: str = "en") -> str:
    """One line per hop: ``[n] node · netns · devices crossed · key action``, then
    the disposition and its reason; the same for the reply (and an Ingress
    proxy's new connection)."""
    return _legs(trace, lang, _brief_body)


def _legs(trace: Trace, lang: str, body: _Body) -> str:
    colon = word(":", lang)
    lines = [f"{word('flow', lang)}{colon}{trace.flow.render(lang)}"]
    lines.extend(body(trace, lang))
    if trace.reply is not None:
        lines.append("")
        lines.append(f"{word('reply', lang)}{colon}{trace.reply.flow.render(lang)}")
        lines.extend(body(trace.reply, lang))
    elif not trace.disposition.success:
        lines.append("")
        lines.append(f"{word('reply', lang)}{colon}{word('none', lang)}")
    if trace.next is not None:
        lines.append("")
        lines.append(f"=== {word('next', lang)} ===")
        lines.append(_legs(trace.next, lang, body).rstrip("\n"))
    return "\n".join(lines) + "\n"


def disposition_line(trace: Trace, lang: str) -> str:
    """``DELIVERED (delivered)``: the disposition and its words in ``lang``."""
    return f"{trace.disposition} ({disposition_text(trace.disposition, lang)})"


def _body(trace: Trace, lang: str) -> list[str]:
    colon = word(":", lang)
    lines = [disposition_line(trace, lang),
             f"  {word('reason', lang)}{colon}{trace.reason.render(lang)}"]
    if trace.rules_tested:
        lines.append(f"  {word('tested', lang)}{colon}{trace.rules_tested}")
    if trace.alternatives:
        choices = ", ".join(f"{e} ({p:.4f})" for e, p in trace.alternatives)
        lines.append(f"  {word('choices', lang)}{colon}{choices}; "
                     f"{word('this', lang)} {trace.probability:.4f}")
    number = 0
    previous: Packet | None = None
    for index, hop in enumerate(trace.hops, start=1):
        lines.append(f"  [{index}] {hop_heading(hop, lang)}")
        for step in hop.steps:
            number += 1
            device = step.device or "-"
            lines.append(f"    {number:>3}. {step.action:<11} {device:<13} "
                         f"{step.detail.render(lang)}")
            for hit in step.rules:
                odds = f"  [p={hit.probability:.4f}]" if hit.probability is not None else ""
                lines.append(f"{'':<35}{hit.table} {hit.chain} #{hit.position}: "
                             f"{hit.rule.save()}{odds}")
            if step.packet != previous:
                lines.append(f"{'':<35}{step.packet}")
                previous = step.packet
    return lines


def _brief_body(trace: Trace, lang: str) -> list[str]:
    lines = []
    before = trace.hops[0].steps[0].packet if trace.hops else None
    for index, hop in enumerate(trace.hops, start=1):
        devices = list(dict.fromkeys(s.device for s in hop.steps if s.device is not None))
        actions = _key_actions(hop, before, trace, lang)
        before = hop.steps[-1].packet
        lines.append(f"  [{index}] {hop_heading(hop, lang)} · "
                     f"{' → '.join(devices) or '-'} · {word('brief.join', lang).join(actions)}")
    lines.append(f"{disposition_line(trace, lang)}{word(':', lang)}{trace.reason.render(lang)}")
    return lines


def _key_actions(hop: Hop, before: Packet | None, trace: Trace, lang: str) -> list[str]:
    """What matters in a hop: a rewrite (NAT, conntrack's un-NAT, a tunnel's
    headers), a forward with its TTL, a bridge, and how the walk ends."""
    out: list[str] = []
    previous = before
    for step in hop.steps:
        pkt, key = step.packet, step.detail.key
        said: str | None = None
        if step.action is Action.SEND:
            said = word("brief.send", lang)
        elif key in ("nf.dnat", "nf.dnat.hostport") and previous is not None:
            said = word("brief.dnat", lang, before=_dst(previous), after=_dst(pkt))
        elif key == "nf.masq" and previous is not None:
            said = word("brief.masq", lang, before=previous.ip.src, after=pkt.ip.src)
        elif key == "ct.reply":
            said = word("brief.unsnat", lang, dst=pkt.ip.dst)
        elif key == "ct.undnat":
            said = word("brief.undnat", lang, src=_src(pkt))
        elif step.action is Action.ENCAPSULATE and pkt.outer is not None:
            said = word("brief.vxlan.encap", lang, dst=pkt.outer.ip.dst, vni=pkt.outer.vni)
        elif step.action is Action.DECAPSULATE:
            said = word("brief.vxlan.decap", lang)
        elif key == "tun.encap" and pkt.outer is not None:
            said = word("brief.udp.encap", lang, dst=pkt.outer.ip.dst)
        elif key == "tun.decap":
            said = word("brief.udp.decap", lang)
        elif step.action is Action.FORWARD and previous is not None:
            said = word("brief.forward", lang, before=previous.active_ip.ttl,
                        after=pkt.active_ip.ttl)
        elif key == "bridge.fdb":
            said = word("brief.bridge", lang, bridge=step.device)
        elif step.action is Action.DELIVER:
            said = word("brief.deliver", lang)
        elif step.action is Action.DROP:
            said = word("brief.stop", lang,
                        disposition=disposition_text(trace.disposition, lang))
        if said is not None and said not in out:
            out.append(said)
        previous = pkt
    return out or [word("brief.through", lang)]


def _dst(pkt: Packet) -> str:
    return str(pkt.ip.dst) if pkt.l4.proto is IpProto.ICMP else f"{pkt.ip.dst}:{pkt.l4.dport}"


def _src(pkt: Packet) -> str:
    return str(pkt.ip.src) if pkt.l4.proto is IpProto.ICMP else f"{pkt.ip.src}:{pkt.l4.sport}"


def hop_heading(hop: Hop, lang: str) -> str:
    """A hop's heading, from its netns's identity (not its label, which is
    English): the node and the netns, or the underlay and the internet."""
    return word(f"hop.{hop.netns_id.kind}", lang, node=hop.node, name=hop.netns_id.name)
