"""flanneld's own iptables rules (``pkg/trafficmngr/iptables``), for --ip-masq.

flanneld appends its jumps (``-A POSTROUTING``, ``-A FORWARD``), so they come
after kube-proxy's, which are inserted at the top. Pod-to-pod traffic inside
the flannel Network is never masqueraded; pod traffic leaving it is; packets
kube-proxy already marked (0x4000) are left to kube-proxy, to avoid NATing twice.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from netmodel.state.netfilter import Comment, Dst, Item, Mark, Rule, Src, Target

__all__ = ["flannel_chains", "flannel_rules"]

KUBE_PROXY_MARK = 0x4000  # trafficmngr.KubeProxyMark "0x4000/0x4000"


def flannel_chains() -> list[tuple[str, str]]:
    return [("nat", "FLANNEL-POSTRTG"), ("filter", "FLANNEL-FWD")]


def flannel_rules(network: IPv4Network, subnet: IPv4Network,
                  random_fully: bool = True) -> list[Rule]:
    masq, fwd = Comment("flanneld masq"), Comment("flanneld forward")
    net, sub = str(network), str(subnet)

    def nat(chain: str, items: list[Item], target: Target) -> Rule:
        return Rule("nat", chain, tuple(items), target, writer="flanneld")

    def flt(chain: str, items: list[Item], target: Target) -> Rule:
        return Rule("filter", chain, tuple(items), target, writer="flanneld")

    ret = Target("RETURN")
    masquerade = Target("MASQUERADE", random_fully=random_fully)
    return [
        nat("POSTROUTING", [masq], Target("FLANNEL-POSTRTG")),
        nat("FLANNEL-POSTRTG", [Mark(KUBE_PROXY_MARK, KUBE_PROXY_MARK), masq], ret),
        nat("FLANNEL-POSTRTG", [Src(sub), Dst(net), masq], ret),
        nat("FLANNEL-POSTRTG", [Src(net), Dst(sub), masq], ret),
        nat("FLANNEL-POSTRTG", [Src(net, negated=True), Dst(sub), masq], ret),
        nat("FLANNEL-POSTRTG", [Src(net), Dst("224.0.0.0/4", negated=True), masq], masquerade),
        nat("FLANNEL-POSTRTG", [Src(net, negated=True), Dst(net), masq], masquerade),
        flt("FORWARD", [fwd], Target("FLANNEL-FWD")),
        flt("FLANNEL-FWD", [Src(net), fwd], Target("ACCEPT")),
        flt("FLANNEL-FWD", [Dst(net), fwd], Target("ACCEPT")),
    ]
