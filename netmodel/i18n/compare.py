"""The words of ``netmodel diff``, in English and Chinese.

Outcomes (DELIVERED, NO_ROUTE…) and the objects (routes as ip(8) prints them,
rules as iptables-save does) are printed as the tools print them, in both
languages; kube-proxy, kubelet and flanneld keep their names.
"""

from __future__ import annotations

from typing import Any

__all__ = ["COMPARE", "compare_word"]

COMPARE: dict[str, dict[str, str]] = {
    "header": {"en": "{node} as captured ({source}) against the model: {count} difference(s)",
               "zh": "{node} 的采集状态（{source}）与模型相比：{count} 处差异"},
    "what.route": {"en": "route", "zh": "路由"},
    "what.neighbour": {"en": "neighbour entry", "zh": "邻居表项"},
    "what.fdb": {"en": "FDB entry", "zh": "FDB 表项"},
    "what.link": {"en": "link", "zh": "网络设备"},
    "what.address": {"en": "address", "zh": "地址"},
    "what.rule": {"en": "iptables rule", "zh": "iptables 规则"},
    "what.chain": {"en": "iptables chain", "zh": "iptables 链"},
    "what.policy": {"en": "chain policy", "zh": "链的默认策略"},
    "what.order": {"en": "rule order in chain", "zh": "链内规则顺序"},
    "what.sysctl": {"en": "sysctl", "zh": "内核参数"},
    "what.iprule": {"en": "policy routing rule", "zh": "策略路由规则"},
    "missing": {"en": "{what} {text}: missing (programmed by {who})",
                "zh": "{what} {text}：缺失（应由 {who} 配置）"},
    "changed": {"en": "{what} {text}: the node has {found} (programmed by {who})",
                "zh": "{what} {text}：节点上为 {found}（应由 {who} 配置）"},
    "extra": {"en": "{what} {text}: on the node, not in the model (likely {who})",
              "zh": "{what} {text}：节点上有，模型中没有（可能来自 {who}）"},
    "note.mtu": {"en": "pods send packets of up to {pods} bytes: over {dev}'s {mtu} they are "
                       "fragmented or, with DF set (TCP), answered with ICMP fragmentation "
                       "needed; where that ICMP is filtered, large transfers stall. No walk "
                       "below changes: the walks' packets are small",
                 "zh": "Pod 发出的报文最大为 {pods} 字节：超过 {dev} 的 {mtu} 时会被分片；"
                       "设置了 DF 时（TCP）会收到 ICMP 需要分片的回复；该 ICMP 被过滤时，"
                       "大流量传输会卡住。下面的报文路径都没有变化：追踪所用的报文都很小"},
    "note.bridge_nf": {"en": "walks are traced as if it were 1, as Kubernetes requires: with 0, "
                             "frames cni0 bridges between pods skip iptables (no Service DNAT "
                             "or its reverse for them)",
                       "zh": "报文路径仍按该值为 1 追踪（Kubernetes 的要求）：为 0 时，"
                             "cni0 在 Pod 之间桥接的帧不经过 iptables"
                             "（Service 的 DNAT 及其反向转换都不会发生）"},
    "note.iprule": {"en": "walks are traced with the main routing table alone",
                    "zh": "报文路径仍只按 main 路由表追踪"},
    "cause.missing": {"en": "{what} {text} missing ({who})", "zh": "{what} {text} 缺失（{who}）"},
    "cause.changed": {"en": "{what} {text} is {found} ({who})",
                      "zh": "{what} {text} 变为 {found}（{who}）"},
    "cause.extra": {"en": "{what} {text} not in the model ({who})",
                    "zh": "{what} {text} 不在模型中（{who}）"},
    "walks": {"en": "walks re-traced on the captured state: {walks}; {broken} change outcome",
              "zh": "在采集状态上重新追踪的报文路径：{walks} 条；结果改变的：{broken} 条"},
    "walk": {"en": "{source} → {destination}{endpoint}: {modelled} in the model, {captured} on "
                   "{node} as captured: {why}",
             "zh": "{source} → {destination}{endpoint}：模型中为 {modelled}，{node} 的采集状态下"
                   "为 {captured}：{why}"},
    "endpoint": {"en": " (endpoint {endpoint})", "zh": "（端点 {endpoint}）"},
    "outcome.reply": {"en": ", reply {reply}", "zh": "，回包 {reply}"},
    "outcome.then": {"en": "; then {then}", "zh": "；随后 {then}"},
    "join": {"en": "; ", "zh": "；"},
    "none": {"en": "no difference", "zh": "没有差异"},
    "ignored": {"en": "not compared (they differ on any healthy node): {items}",
                "zh": "未比较（健康节点上也会不同）：{items}"},
    "ignored.neigh": {"en": "{count} learnt neighbour entries",
                      "zh": "学习到的邻居表项 {count} 条"},
    "ignored.fdb": {"en": "learnt and multicast FDB entries", "zh": "学习到的和组播 FDB 表项"},
    "ignored.local": {"en": "{count} routes of the local (and any other) table",
                      "zh": "local 路由表（及 main 以外其他路由表）中的路由 {count} 条"},
    "ignored.linklocal": {"en": "link-local and multicast routes", "zh": "链路本地和组播路由"},
    "ignored.names": {"en": "ifindexes, veth names and every MAC but the VtepMAC",
                      "zh": "ifindex、veth 名称，以及 VtepMAC 以外的所有 MAC"},
    "ignored.counters": {"en": "counters", "zh": "计数器"},
    "ignored.conntrack": {"en": "conntrack ({count} entries)", "zh": "conntrack（{count} 条）"},
    "ignored.order": {"en": "rule order in the builtin chains",
                      "zh": "内置链中的规则顺序"},
    "ignored.tables": {"en": "{count} rules in tables other than filter and nat",
                       "zh": "filter 和 nat 以外的表中的规则 {count} 条"},
    "ignored.nic": {"en": "the NIC's name ({real}, compared as the model's {model})",
                    "zh": "网卡名称（{real}，按模型中的 {model} 比较）"},
    "list": {"en": ", ", "zh": "、"},
}


def compare_word(key: str, lang: str, **args: Any) -> str:
    return COMPARE[key][lang].format(**args)
