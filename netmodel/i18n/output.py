"""The words of netmodel's text output, in English and Chinese: the labels of
``netmodel trace`` and the phrases of its ``--brief`` lines.

Step details (what the kernel did) are :data:`netmodel.i18n.CATALOG`'s; these are
the frame around them. Chinese follows kubernetes.io/zh-cn and the catalog:
网络命名空间, 封装/解封装, 转发, 端点, 概率, 撤销 SNAT/DNAT.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WORDS", "word"]

WORDS: dict[str, dict[str, str]] = {
    # -- the full trace --------------------------------------------------------
    "flow": {"en": "flow", "zh": "流"},
    "flow.unchosen": {"en": "(kernel chooses)", "zh": "（由内核选定）"},
    "reply": {"en": "reply", "zh": "回包"},
    "reason": {"en": "why", "zh": "原因"},
    ":": {"en": ": ", "zh": "："},
    "tested": {"en": "iptables rules tested", "zh": "检查过的 iptables 规则数"},
    "choices": {"en": "endpoints kube-proxy picks from", "zh": "kube-proxy 可选的端点"},
    "this": {"en": "this trace's probability", "zh": "本次追踪的概率"},
    "next": {"en": "the proxy's new connection", "zh": "代理新建的连接"},
    "none": {"en": "(no reply: the request was not delivered)",
             "zh": "（无回包：请求未送达）"},
    "probability": {"en": "probability", "zh": "概率"},
    # -- a hop's heading: where the netns is, and which one ------------------------
    "hop.node": {"en": "{node} · host", "zh": "{node} · 宿主机网络命名空间"},
    "hop.pod": {"en": "{node} · pod {name}", "zh": "{node} · Pod 网络命名空间 {name}"},
    "hop.router": {"en": "underlay · router", "zh": "底层网络 · 路由器"},
    "hop.external": {"en": "internet · external {name}", "zh": "互联网 · 外部客户端 {name}"},
    # -- --brief: the key action of a hop -----------------------------------------
    "brief.send": {"en": "sent", "zh": "发出"},
    "brief.dnat": {"en": "DNAT {before} → {after}", "zh": "DNAT {before} → {after}"},
    "brief.masq": {"en": "SNAT (MASQUERADE) {before} → {after}",
                   "zh": "SNAT（MASQUERADE）{before} → {after}"},
    "brief.unsnat": {"en": "conntrack restores the destination {dst} (un-SNAT)",
                     "zh": "conntrack 把目的地址恢复为 {dst}（撤销 SNAT）"},
    "brief.undnat": {"en": "conntrack restores the source {src} (un-DNAT)",
                     "zh": "conntrack 把源地址恢复为 {src}（撤销 DNAT）"},
    "brief.vxlan.encap": {"en": "VXLAN encapsulation to {dst} (VNI {vni})",
                          "zh": "VXLAN 封装，发往 {dst}（VNI {vni}）"},
    "brief.vxlan.decap": {"en": "VXLAN decapsulation", "zh": "VXLAN 解封装"},
    "brief.udp.encap": {"en": "flanneld UDP encapsulation to {dst}",
                        "zh": "flanneld UDP 封装，发往 {dst}"},
    "brief.udp.decap": {"en": "flanneld UDP decapsulation", "zh": "flanneld UDP 解封装"},
    "brief.forward": {"en": "forwarded (TTL {before} → {after})",
                      "zh": "转发（TTL {before} → {after}）"},
    "brief.bridge": {"en": "bridged by {bridge}", "zh": "经网桥 {bridge} 转发"},
    "brief.deliver": {"en": "delivered", "zh": "交付"},
    "brief.stop": {"en": "stops here: {disposition}", "zh": "在此终止：{disposition}"},
    "brief.through": {"en": "nothing rewritten", "zh": "未改写"},
    "brief.join": {"en": "; ", "zh": "；"},
}


def word(key: str, lang: str, **args: Any) -> str:
    """``key`` in ``lang``, its ``{placeholders}`` filled from ``args``."""
    return WORDS[key][lang].format(**args)
