"""The rules kube-proxy (iptables mode) writes on one node, as ``proxier.go`` does.

Follows ``syncProxyRules`` in kubernetes ``pkg/proxy/iptables/proxier.go``
(the version with ``servicePortPolicyClusterChain``): the same chain names (a
SHA-256/base32 hash of the service port name and protocol), the same comments,
the same rule order within each chain, the statistic probabilities 1/n,
1/(n-1), …, the 0x4000 masquerade mark, REJECT for no endpoints and DROP for
Local policy without local endpoints. One difference is deliberate: kube-proxy
walks services in Go map order (random each sync); here they are sorted by
service port name, so the output is stable.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from ipaddress import IPv4Address

from netmodel.spec.protocol import IpProto
from netmodel.spec.services import Endpoint, Service, ServicePort, ServiceType, TrafficPolicy
from netmodel.state.netfilter import (
    AddrType,
    Comment,
    CtState,
    DPort,
    Dst,
    Item,
    Mark,
    NfAcct,
    Proto,
    Recent,
    Rule,
    Src,
    Statistic,
    Target,
)

__all__ = ["KubeProxyConfig", "chain_name", "endpoint_chain_name", "probability",
           "proxier_rules"]

LARGE_CLUSTER_ENDPOINTS = 1000  # largeClusterEndpointsThreshold
LAST_RULE = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"


@dataclass(frozen=True, slots=True)
class KubeProxyConfig:
    """The kube-proxy flags that change the rules. Defaults: a kubeadm node."""

    cluster_cidr: str | None  # --cluster-cidr: detect-local; None = no masquerade rule
    masquerade_bit: int = 14  # --iptables-masquerade-bit
    random_fully: bool = True  # iptables >= 1.6.2 has it
    nfacct: bool = False  # kernel nfacct counters (absent on most nodes)
    localhost_nodeports: bool = True  # --iptables-localhost-nodeports
    masquerade_all: bool = False
    tcp_be_liberal: bool = False  # nf_conntrack_tcp_be_liberal
    mark_spelling: str = "kube-proxy"  # "kube-proxy" writes %#08x; "short" writes 0x4000

    @property
    def mark(self) -> int:
        return 1 << self.masquerade_bit

    @property
    def mark_text(self) -> str:
        # fmt.Sprintf("%#08x", 1<<14): Go pads the digits to 8, then prefixes 0x;
        # kube-proxy logs it as mark="0x00004000".
        return f"0x{self.mark:08x}" if self.mark_spelling == "kube-proxy" else f"{self.mark:#x}"


def _hash(text: str) -> str:
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:16]


def chain_name(prefix: str, port_name: str, protocol: IpProto) -> str:
    """``KUBE-SVC-``/``SVL-``/``EXT-``/``FW-`` + portProtoHash (chains are <= 28 chars):
    kube-proxy hashes the port's name with ``strings.ToLower(protocol)``, the
    kernel's spelling."""
    return f"{prefix}{_hash(port_name + protocol)}"


def endpoint_chain_name(port_name: str, protocol: IpProto, endpoint: str) -> str:
    return f"KUBE-SEP-{_hash(port_name + protocol + endpoint)}"


def probability(n: int) -> str:
    """computeProbability: ``%0.10f`` of 1/n."""
    return f"{1.0 / n:0.10f}"


class _Writer:
    def __init__(self, config: KubeProxyConfig, node: str, large: bool) -> None:
        self.config = config
        self.node = node
        self.large = large
        self.filter_chains = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD",
                              "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"]
        self.nat_chains = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING",
                           "KUBE-MARK-MASQ"]
        self.filter: list[Rule] = []
        self.nat: list[Rule] = []

    def mark(self, negated: bool = False) -> Mark:
        text = self.config.mark_text
        return Mark(self.config.mark, self.config.mark, negated, f"{text}/{text}")

    def to_mark_masq(self) -> Target:
        return Target("KUBE-MARK-MASQ")

    def f(self, chain: str, items: list[Item], target: Target) -> None:
        self.filter.append(Rule("filter", chain, tuple(items), target))

    def n(self, chain: str, items: list[Item], target: Target) -> None:
        self.nat.append(Rule("nat", chain, tuple(items), target))


def proxier_rules(services: tuple[Service, ...], node: str, node_ips: tuple[IPv4Address, ...],
                  config: KubeProxyConfig) -> tuple[list[tuple[str, str]], list[Rule]]:
    """kube-proxy's chains (table, name) in declaration order and its rules in write
    order: the restore payload, then the builtin-chain jumps it ensures separately."""
    ports = sorted(((svc, sp) for svc in services for sp in svc.ports),
                   key=lambda pair: pair[0].port_name(pair[1]))
    total = sum(len(sp.endpoints) for _, sp in ports)
    w = _Writer(config, node, total > LARGE_CLUSTER_ENDPOINTS)
    if config.localhost_nodeports:
        w.filter_chains.append("KUBE-FIREWALL")
        w.f("KUBE-FIREWALL", [Comment("block incoming localnet connections"),
                              Dst("127.0.0.0/8"), Src("127.0.0.0/8", negated=True),
                              CtState(("RELATED", "ESTABLISHED", "DNAT"), negated=True)],
            Target("DROP"))
    w.n("KUBE-POSTROUTING", [w.mark(negated=True)], Target("RETURN"))
    w.n("KUBE-POSTROUTING", [], Target("MARK", mark=config.mark, op="xor",
                                       written_mark=config.mark_text))
    w.n("KUBE-POSTROUTING", [Comment("kubernetes service traffic requiring SNAT")],
        Target("MASQUERADE", random_fully=config.random_fully))
    w.n("KUBE-MARK-MASQ", [], Target("MARK", mark=config.mark, op="or",
                                     written_mark=config.mark_text))
    for svc, sp in ports:
        _service_port(w, svc, sp)
    w.n("KUBE-SERVICES", [Comment(LAST_RULE), AddrType("dst")], Target("KUBE-NODEPORTS"))
    if not config.tcp_be_liberal:
        items: list[Item] = [CtState(("INVALID",))]
        if config.nfacct:
            items.append(NfAcct("ct_state_invalid_dropped_pkts"))
        w.f("KUBE-FORWARD", items, Target("DROP"))
    w.f("KUBE-FORWARD", [Comment("kubernetes forwarding rules"), w.mark()], Target("ACCEPT"))
    w.f("KUBE-FORWARD", [Comment("kubernetes forwarding conntrack rule"),
                         CtState(("RELATED", "ESTABLISHED"))], Target("ACCEPT"))
    chains = [("filter", c) for c in w.filter_chains] + [("nat", c) for c in w.nat_chains]
    return chains, [*_builtin_jumps(config), *w.filter, *w.nat]


def _builtin_jumps(config: KubeProxyConfig) -> list[Rule]:
    """The jumps kube-proxy ensures with ``iptables -I CHAIN 1`` (so the last of
    its list ends up first), and kubelet's KUBE-FIREWALL jumps, which exist before
    kube-proxy starts. The order is a real node's (kubeadm, 2026)."""
    new = CtState(("NEW",))

    def jump(table: str, chain: str, to: str, comment: str | None, ct: bool) -> Rule:
        items: list[Item] = [new] if ct else []
        if comment:
            items.append(Comment(comment))
        return Rule(table, chain, tuple(items), Target(to),
                    writer="kubelet" if to == "KUBE-FIREWALL" else "kube-proxy")

    lb, hc = "kubernetes load balancer firewall", "kubernetes health check service ports"
    ext, svc = "kubernetes externally-visible service portals", "kubernetes service portals"
    rules = [
        jump("filter", "INPUT", "KUBE-PROXY-FIREWALL", lb, True),
        jump("filter", "INPUT", "KUBE-NODEPORTS", hc, False),
        jump("filter", "INPUT", "KUBE-EXTERNAL-SERVICES", ext, True),
    ]
    if config.localhost_nodeports:
        rules.append(jump("filter", "INPUT", "KUBE-FIREWALL", None, False))
    rules += [
        jump("filter", "FORWARD", "KUBE-PROXY-FIREWALL", lb, True),
        jump("filter", "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules", False),
        jump("filter", "FORWARD", "KUBE-SERVICES", svc, True),
        jump("filter", "FORWARD", "KUBE-EXTERNAL-SERVICES", ext, True),
        jump("filter", "OUTPUT", "KUBE-PROXY-FIREWALL", lb, True),
        jump("filter", "OUTPUT", "KUBE-SERVICES", svc, True),
    ]
    if config.localhost_nodeports:
        rules.append(jump("filter", "OUTPUT", "KUBE-FIREWALL", None, False))
    rules += [
        jump("nat", "PREROUTING", "KUBE-SERVICES", svc, False),
        jump("nat", "OUTPUT", "KUBE-SERVICES", svc, False),
        jump("nat", "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules", False),
    ]
    return rules


def _service_port(w: _Writer, svc: Service, sp: ServicePort) -> None:
    name = svc.port_name(sp)
    proto = sp.protocol.ip
    endpoints = sorted(sp.endpoints, key=str)  # kube-proxy sorts by "IP:port" as strings
    local = [e for e in endpoints if e.node == w.node]
    has_endpoints = bool(endpoints)
    external = svc.external
    local_policy = svc.external_traffic_policy is TrafficPolicy.LOCAL and external
    uses_cluster_chain = has_endpoints
    uses_local_chain = bool(local) and local_policy
    svc_chain = chain_name("KUBE-SVC-", name, proto)
    svl_chain = chain_name("KUBE-SVL-", name, proto)
    ext_chain = chain_name("KUBE-EXT-", name, proto)
    fw_chain = chain_name("KUBE-FW-", name, proto)
    external_policy_chain = svl_chain if local_policy else svc_chain
    has_external_endpoints = has_endpoints and (bool(local) or not local_policy)
    uses_ext_chain = has_endpoints and external
    vips = [svc.load_balancer_ip] if (svc.type is ServiceType.LOAD_BALANCER
                                      and svc.load_balancer_ip is not None) else []
    uses_fw = has_endpoints and bool(vips) and bool(svc.source_ranges)
    if not has_endpoints:
        filter_target, filter_comment = "REJECT", f"{name} has no endpoints"
    else:
        filter_target, filter_comment = "DROP", f"{name} has no local endpoints"

    def match(ip: IPv4Address | None) -> list[Item]:
        items: list[Item] = [Proto(proto)]
        if ip is not None:
            items.append(Dst(str(ip)))
        return items

    # ClusterIP
    if has_endpoints:
        w.n("KUBE-SERVICES", [Comment(f"{name} cluster IP"), *match(svc.cluster_ip),
                              DPort(sp.port)], Target(svc_chain))
    else:
        w.f("KUBE-SERVICES", [Comment(filter_comment), *match(svc.cluster_ip),
                              DPort(sp.port)], Target(filter_target))
    for ip in svc.external_ips:
        if has_endpoints:
            w.n("KUBE-SERVICES", [Comment(f"{name} external IP"), *match(ip), DPort(sp.port)],
                Target(ext_chain))
        if not has_external_endpoints:
            w.f("KUBE-EXTERNAL-SERVICES", [Comment(filter_comment), *match(ip),
                                           DPort(sp.port)], Target(filter_target))
    for ip in vips:
        if has_endpoints:
            w.n("KUBE-SERVICES", [Comment(f"{name} loadbalancer IP"), *match(ip),
                                  DPort(sp.port)], Target(fw_chain if uses_fw else ext_chain))
        if uses_fw:
            w.f("KUBE-PROXY-FIREWALL", [Comment(f"{name} traffic not accepted by {fw_chain}"),
                                        *match(ip), DPort(sp.port)], Target("DROP"))
    if not has_external_endpoints:
        for ip in vips:
            w.f("KUBE-EXTERNAL-SERVICES", [Comment(filter_comment), *match(ip),
                                           DPort(sp.port)], Target(filter_target))
    if sp.node_port is not None:
        if has_endpoints:
            if w.config.localhost_nodeports and w.config.nfacct:
                w.n("KUBE-NODEPORTS", [Comment(name), Proto(proto), Dst("127.0.0.0/8"),
                                       DPort(sp.node_port), NfAcct("localhost_nps_accepted_pkts")],
                    Target(ext_chain))
            w.n("KUBE-NODEPORTS", [Comment(name), Proto(proto), DPort(sp.node_port)],
                Target(ext_chain))
        if not has_external_endpoints:
            w.f("KUBE-EXTERNAL-SERVICES", [Comment(filter_comment), AddrType("dst"),
                                           Proto(proto), DPort(sp.node_port)],
                Target(filter_target))
    if svc.health_check_node_port is not None and local_policy:
        w.f("KUBE-NODEPORTS", [Comment(f"{name} health check node port"), Proto(IpProto.TCP),
                               DPort(svc.health_check_node_port)], Target("ACCEPT"))
    # Internal traffic from outside the pod network is masqueraded.
    if has_endpoints:
        args: list[Item] = [Comment(f"{name} cluster IP"), *match(svc.cluster_ip),
                            DPort(sp.port)]
        if w.config.masquerade_all:
            w.n(svc_chain, args, Target("KUBE-MARK-MASQ"))
        elif w.config.cluster_cidr is not None:
            w.n(svc_chain, [*args, Src(w.config.cluster_cidr, negated=True)],
                Target("KUBE-MARK-MASQ"))
    if uses_ext_chain:
        w.nat_chains.append(ext_chain)
        if not local_policy:
            w.n(ext_chain, [Comment(f"masquerade traffic for {name} external destinations")],
                Target("KUBE-MARK-MASQ"))
        else:
            if w.config.cluster_cidr is not None:
                w.n(ext_chain, [Comment(f"pod traffic for {name} external destinations"),
                                Src(w.config.cluster_cidr)], Target(svc_chain))
            w.n(ext_chain, [Comment(f"masquerade LOCAL traffic for {name} external "
                                    "destinations"), AddrType("src")], Target("KUBE-MARK-MASQ"))
            w.n(ext_chain, [Comment(f"route LOCAL traffic for {name} external destinations"),
                            AddrType("src")], Target(svc_chain))
        if has_external_endpoints:
            w.n(ext_chain, [], Target(external_policy_chain))
    if uses_fw:
        w.nat_chains.append(fw_chain)
        base = Comment(f"{name} loadbalancer IP")
        for cidr in svc.source_ranges:
            w.n(fw_chain, [base, Src(str(cidr))], Target(ext_chain))
        w.n(fw_chain, [Comment(f"other traffic to {name} will be dropped by "
                               "KUBE-PROXY-FIREWALL")], Target(None))
    if uses_cluster_chain:
        w.nat_chains.append(svc_chain)
        _to_endpoints(w, svc_chain, name, proto, endpoints, svc.affinity_timeout)
    if uses_local_chain:
        w.nat_chains.append(svl_chain)
        _to_endpoints(w, svl_chain, name, proto, local, svc.affinity_timeout)
    reachable = endpoints if uses_cluster_chain else local
    for ep in reachable:
        sep = endpoint_chain_name(name, proto, str(ep))
        w.nat_chains.append(sep)
        comment = [] if w.large else [Comment(name)]
        w.n(sep, [*comment, Src(str(ep.ip))], Target("KUBE-MARK-MASQ"))
        sticky: list[Item] = [] if svc.affinity_timeout is None else [Recent(sep)]
        w.n(sep, [*comment, *sticky, Proto(proto)], Target("DNAT", to=(ep.ip, ep.port)))


def _to_endpoints(w: _Writer, chain: str, name: str, proto: IpProto,
                  endpoints: list[Endpoint], affinity: int | None) -> None:
    if affinity is not None:  # a client seen recently goes back to its endpoint
        for ep in endpoints:
            sep = endpoint_chain_name(name, proto, str(ep))
            items: list[Item] = [] if w.large else [Comment(f"{name} -> {ep}")]
            w.n(chain, [*items, Recent(sep, affinity)], Target(sep))
    n = len(endpoints)
    for i, ep in enumerate(endpoints):
        items = [] if w.large else [Comment(f"{name} -> {ep}")]
        if i < n - 1:
            items.append(Statistic(probability(n - i)))
        w.n(chain, items, Target(endpoint_chain_name(name, proto, str(ep))))
