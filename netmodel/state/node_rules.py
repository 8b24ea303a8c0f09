"""A node's whole iptables state: kube-proxy's, kubelet's, flanneld's and portmap's rules.

kubelet and kube-proxy each create an empty ``*-CANARY`` chain to notice a
flush; kubelet owns KUBE-FIREWALL's jumps; flanneld appends its own chains.
"""

from __future__ import annotations

from dataclasses import dataclass

from netmodel.spec.cluster import Cluster, Node
from netmodel.spec.services import TrafficPolicy
from netmodel.state.flannel_iptables import flannel_chains, flannel_rules
from netmodel.state.kube_proxy import KubeProxyConfig, proxier_rules
from netmodel.state.netfilter import Overlay, Rule, Ruleset, group_rules
from netmodel.state.portmap import portmap_chains, portmap_rules

__all__ = ["KubeProxyPart", "kube_proxy_config", "kube_proxy_part", "local_signature",
           "node_ruleset"]

_CANARIES = tuple((table, chain) for table in ("filter", "nat")
             for chain in ("KUBE-KUBELET-CANARY", "KUBE-PROXY-CANARY"))


def kube_proxy_config(cluster: Cluster) -> KubeProxyConfig:
    """kubeadm passes the pod network to kube-proxy as --cluster-cidr."""
    return KubeProxyConfig(cluster_cidr=str(cluster.cluster_cidr))


@dataclass(frozen=True, slots=True)
class KubeProxyPart:
    """kube-proxy's rules for every node with the same local endpoints."""

    chains: tuple[tuple[str, str], ...]
    rules: tuple[Rule, ...]
    groups: dict[tuple[str, str], tuple[Rule, ...]]


def local_signature(cluster: Cluster, node: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What makes one node's kube-proxy rules differ from another's: the local
    endpoints of Services with externalTrafficPolicy Local (their KUBE-SVL chains,
    and the DROP where there are none). Nodes with the same signature share rules."""
    return tuple((svc.key, tuple(str(e) for p in svc.ports for e in p.endpoints
                                 if e.node == node))
                 for svc in cluster.services
                 if svc.external and svc.external_traffic_policy is TrafficPolicy.LOCAL)


def kube_proxy_part(cluster: Cluster, node: Node) -> KubeProxyPart:
    chains, rules = proxier_rules(cluster.services, node.name, (node.ip,),
                                  kube_proxy_config(cluster))
    return KubeProxyPart(tuple(chains), tuple(rules), group_rules(rules))


def node_ruleset(cluster: Cluster, node: Node, part: KubeProxyPart | None = None) -> Ruleset:
    config = kube_proxy_config(cluster)
    part = part or kube_proxy_part(cluster, node)
    flannel = tuple(flannel_rules(cluster.cluster_cidr, node.pod_cidr, config.random_fully))
    # portmap prepends its POSTROUTING jump (it runs at a pod's creation, after
    # kube-proxy's first sync) and appends the rest, after kube-proxy's jumps.
    first, rest = (tuple(rules) for rules in portmap_rules(cluster, node))
    own: dict[tuple[str, str], tuple[Rule, ...]] = {}
    for key, extra in group_rules(flannel + rest).items():
        own[key] = part.groups.get(key, ()) + extra
    for key, ahead in group_rules(first).items():
        own[key] = ahead + own.get(key, part.groups.get(key, ()))
    parts = (first, part.rules, flannel, rest) if first or rest else (part.rules, flannel)
    return Ruleset(chains=(*_CANARIES, *part.chains, *flannel_chains(),
                           *portmap_chains(cluster, node)),
                   parts=parts, groups=Overlay(part.groups, own))
