"""A node's whole iptables state: kube-proxy's, kubelet's and flanneld's rules.

kubelet and kube-proxy each create an empty ``*-CANARY`` chain to notice a
flush; kubelet owns KUBE-FIREWALL's jumps; flanneld appends its own chains.
"""

from __future__ import annotations

from netmodel.flannel_iptables import flannel_chains, flannel_rules
from netmodel.kube_proxy import KubeProxyConfig, proxier_rules
from netmodel.netfilter import Ruleset
from netmodel.spec import Cluster, Node

__all__ = ["kube_proxy_config", "node_ruleset"]

_CANARIES = [(table, chain) for table in ("filter", "nat")
             for chain in ("KUBE-KUBELET-CANARY", "KUBE-PROXY-CANARY")]


def kube_proxy_config(cluster: Cluster) -> KubeProxyConfig:
    """kubeadm passes the pod network to kube-proxy as --cluster-cidr."""
    return KubeProxyConfig(cluster_cidr=str(cluster.cluster_cidr))


def node_ruleset(cluster: Cluster, node: Node) -> Ruleset:
    config = kube_proxy_config(cluster)
    chains, rules = proxier_rules(cluster.services, node.name, (node.ip,), config)
    return Ruleset(
        chains=tuple([*_CANARIES, *chains, *flannel_chains()]),
        rules=tuple([*rules, *flannel_rules(cluster.cluster_cidr, node.pod_cidr,
                                             config.random_fully)]),
    )
