"""Human-readable trace output, in English or Chinese.

One block per hop (node · netns), one line per step; the packet's headers are
printed under a step only when that step changed them, so a rewrite stands out.
"""

from __future__ import annotations

from netmodel.i18n import disposition_text
from netmodel.trace.hops import Trace
from netmodel.trace.packet import Packet

__all__ = ["format_trace"]

_LABELS = {
    "en": {"flow": "flow", "reply": "reply", "reason": "why", ":": ": ",
           "tested": "iptables rules tested", "choices": "endpoints kube-proxy picks from",
           "this": "this trace's probability", "next": "the proxy's new connection",
           "none": "(no reply: the request was not delivered)"},
    "zh": {"flow": "流", "reply": "回包", "reason": "原因", ":": "：",
           "tested": "检查过的 iptables 规则数", "choices": "kube-proxy 可选的端点",
           "this": "本次追踪的概率", "next": "代理新建的连接",
           "none": "（无回包：请求未送达）"},
}


def format_trace(trace: Trace, lang: str = "en") -> str:
    words = _LABELS[lang]
    lines = [f"{words['flow']}{words[':']}{trace.flow}"]
    lines.extend(_body(trace, lang))
    if trace.reply is not None:
        lines.append("")
        lines.append(f"{words['reply']}{words[':']}{trace.reply.flow}")
        lines.extend(_body(trace.reply, lang))
    elif not trace.disposition.success:
        lines.append("")
        lines.append(f"{words['reply']}{words[':']}{words['none']}")
    if trace.next is not None:
        lines.append("")
        lines.append(f"=== {words['next']} ===")
        lines.append(format_trace(trace.next, lang).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _body(trace: Trace, lang: str) -> list[str]:
    words = _LABELS[lang]
    lines = [f"{trace.disposition} ({disposition_text(trace.disposition, lang)})",
             f"  {words['reason']}{words[':']}{trace.reason.render(lang)}"]
    if trace.rules_tested:
        lines.append(f"  {words['tested']}{words[':']}{trace.rules_tested}")
    if trace.alternatives:
        choices = ", ".join(f"{e} ({p:.4f})" for e, p in trace.alternatives)
        lines.append(f"  {words['choices']}{words[':']}{choices}; "
                     f"{words['this']} {trace.probability:.4f}")
    number = 0
    previous: Packet | None = None
    for index, hop in enumerate(trace.hops, start=1):
        lines.append(f"  [{index}] {hop.node} · {_netns(hop.netns, lang)}")
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


def _netns(label: str, lang: str) -> str:
    if lang == "zh":
        if label == "host":
            return "宿主机网络命名空间"
        if label == "router":
            return "底层网络路由器"
        return label.replace("pod ", "pod 网络命名空间 ", 1)
    return label
