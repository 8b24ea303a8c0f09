"""Diagram labels and titles in English and Chinese, for every view."""

from __future__ import annotations

__all__ = ["diagram_label"]

_LABELS: dict[str, dict[str, str]] = {
    "node": {"en": "node {name}", "zh": "节点 {name}"},
    "host": {"en": "host netns", "zh": "宿主机网络命名空间"},
    "pod": {"en": "pod {name}", "zh": "Pod {name}"},
    "pod.hostnetwork": {"en": "hostNetwork pod {name}\nuses the node's address {ip}",
                        "zh": "hostNetwork Pod {name}\n使用节点的地址 {ip}"},
    "segment": {"en": "L2 segment {name}\n{cidr}", "zh": "二层网段 {name}\n{cidr}"},
    "router": {"en": "underlay router", "zh": "底层路由器"},
    "internet": {"en": "internet / clients", "zh": "互联网 / 客户端"},
    "underlay": {"en": "underlay network", "zh": "底层网络"},
    "external": {"en": "external client\n{ip}", "zh": "外部客户端\n{ip}"},
    "request": {"en": "request", "zh": "请求"},
    "reply": {"en": "reply", "zh": "回包"},
    "vxlan": {"en": "VXLAN VNI {vni}, UDP {port}", "zh": "VXLAN VNI {vni}，UDP {port}"},
    "tun": {"en": "TUN → flanneld, UDP {port}", "zh": "TUN → flanneld，UDP {port}"},
    "veth": {"en": "veth pair", "zh": "veth 对"},
    "frame.title": {"en": "{where}: the frame on {dev}, {total} bytes of headers",
                    "zh": "{where}：{dev} 上的帧，头部共 {total} 字节"},
    "frame.outer": {"en": "added by the tunnel", "zh": "隧道添加"},
    "frame.inner": {"en": "inner frame", "zh": "内层帧"},
    "bytes": {"en": "{n} bytes", "zh": "{n} 字节"},
    "payload": {"en": "payload", "zh": "载荷"},
    "chains.hook": {"en": "{table} {hook} on {node}", "zh": "{node} 上 {table} 表 {hook} 链"},
    "chains.tested": {"en": "{n} rules tested", "zh": "检查了 {n} 条规则"},
    "chains.endpoint": {"en": "endpoint {ep}\nprobability {p}", "zh": "端点 {ep}\n概率 {p}"},
    "path.title": {"en": "{flow}: {disposition}", "zh": "{flow}：{disposition}"},
    "path.title.reply": {"en": "reply {flow}: {disposition}",
                         "zh": "回包 {flow}：{disposition}"},
    # What an edge of a path figure says changed in the headers. On a request,
    # NAT; on a reply, conntrack undoing the request's NAT.
    "path.dnat": {"en": "DNAT → {dst}", "zh": "DNAT：目的地址 → {dst}"},
    "path.snat": {"en": "SNAT → {src}", "zh": "SNAT：源地址 → {src}"},
    "path.undnat": {"en": "un-DNAT: src → {src}", "zh": "撤销 DNAT：源地址 → {src}"},
    "path.unsnat": {"en": "un-SNAT: dst → {dst}", "zh": "撤销 SNAT：目的地址 → {dst}"},
    "path.encap.vxlan": {"en": "VXLAN encap, VNI {vni}\n{src} → {dst}",
                         "zh": "VXLAN 封装，VNI {vni}\n{src} → {dst}"},
    "path.encap.udp": {"en": "UDP encap, port {port}\n{src} → {dst}",
                       "zh": "UDP 封装，端口 {port}\n{src} → {dst}"},
    "path.decap.vxlan": {"en": "VXLAN decap", "zh": "VXLAN 解封装"},
    "path.decap.udp": {"en": "UDP decap", "zh": "UDP 解封装"},
    # A topology figure's <title> on a page (its caption is the page's own words).
    "figure.topology": {"en": "{name}: {backend}, {nodes} nodes",
                        "zh": "{name}：{backend}，{nodes} 个节点"},
    "chains.title": {"en": "iptables walk of {flow}", "zh": "{flow} 的 iptables 规则遍历"},
}


def diagram_label(key: str, lang: str, **args: object) -> str:
    return _LABELS[key][lang].format(**args)
