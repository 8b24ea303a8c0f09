"""hostPort: the rules the portmap CNI plugin writes, as it writes them.

kube-flannel.yml chains ``{"type": "portmap", "capabilities": {"portMappings":
true}}`` after the flannel plugin in its conflist (network name ``cbr0``), so
the container runtime hands portmap each pod's hostPorts and portmap DNATs them
to the pod. From containernetworking/plugins ``plugins/meta/portmap``
(``portmap_iptables.go``, the default backend wherever iptables works; ``chain.go``;
``pkg/utils`` ``MustFormatChainNameWithPrefix``), all in the nat table:

- ``PREROUTING`` and ``OUTPUT``: ``-m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT``,
  appended (``genToplevelDnatChain``), so after kube-proxy's KUBE-SERVICES jump;
- ``CNI-HOSTPORT-DNAT``: per pod sandbox and protocol (sorted), ``-m comment
  --comment 'dnat name: "cbr0" id: "<ID>"' -m multiport -p PROTO
  --destination-ports P1,P2… -j CNI-DN-<hash>``, 15 ports at most per rule;
- ``CNI-DN-<hash>`` (``genDnatChain``): ``CNI-`` + ``DN-`` + the SHA-512 of network
  name + container ID in hex, cut to 28 characters; for each hostPort, in order,
  ``-p PROTO --dport HOSTPORT [-d HOSTIP]`` then ``-s <pod's IP net> -j
  CNI-HOSTPORT-SETMARK`` (hairpin), ``-s 127.0.0.1 -j CNI-HOSTPORT-SETMARK``
  (localhost) and ``-j DNAT --to-destination POD:PORT`` (``fillDnatRules``);
- ``CNI-HOSTPORT-SETMARK``: ``-j MARK --set-xmark 0x2000/0x2000`` (markMasqBit
  13, ``DefaultMarkBit``), ``CNI-HOSTPORT-MASQ``: ``-m mark --mark 0x2000/0x2000
  -j MASQUERADE``, its jump *prepended* to POSTROUTING (``prependEntry``) so it
  comes before every other writer's.

The container ID is the pod sandbox's (``CNI_CONTAINERID``), random on a real
node; the model derives it from the pod's name (:func:`sandbox_id`), so chain
names are stable. hostNetwork pods get no CNI call, so no portmap rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from ipaddress import IPv4Address

from netmodel.spec.addressing import sandbox_id
from netmodel.spec.cluster import Cluster, Node, Pod
from netmodel.spec.protocol import IpProto
from netmodel.state.netfilter import (
    AddrType,
    Comment,
    DPort,
    Dst,
    Item,
    Mark,
    Multiport,
    Proto,
    Rule,
    Src,
    Target,
)

__all__ = ["NETWORK_NAME", "PortMapping", "dnat_chain", "dnat_rules", "pod_mappings",
           "portmap_chains", "portmap_rules"]

NETWORK_NAME = "cbr0"  # kube-flannel.yml's cni-conf.json "name"
DNAT_CHAIN = "CNI-HOSTPORT-DNAT"
SETMARK_CHAIN = "CNI-HOSTPORT-SETMARK"
MASQ_CHAIN = "CNI-HOSTPORT-MASQ"
MARK_BIT = 13  # DefaultMarkBit
MAX_CHAIN = 28  # pkg/utils maxChainLength
MULTIPORT_MAX = 15  # splitPortList: multiport takes 15 ports at most


@dataclass(frozen=True, slots=True)
class PortMapping:
    """One entry of the runtime's ``portMappings`` for a pod (containerd's
    toCNIPortMappings: the protocol in lower case, hostIP as given or empty)."""

    host_port: int
    container_port: int
    protocol: IpProto
    host_ip: IPv4Address | None


def dnat_chain(container_id: str, network: str = NETWORK_NAME) -> str:
    """``MustFormatChainNameWithPrefix(network, id, "DN-")``."""
    digest = hashlib.sha512((network + container_id).encode()).hexdigest()
    return ("CNI-DN-" + digest)[:MAX_CHAIN]


def pod_mappings(pod: Pod) -> tuple[PortMapping, ...]:
    """The pod's hostPorts in container and port order, as kubelet lists them in
    the sandbox config; none for a hostNetwork pod (it has no CNI ADD)."""
    if pod.host_network:
        return ()
    return tuple(PortMapping(p.host_port, p.container_port, p.protocol.ip, p.host_ip)
                 for c in pod.containers for p in c.ports if p.host_port is not None)


def _mapped(cluster: Cluster, node: Node) -> list[tuple[Pod, tuple[PortMapping, ...]]]:
    pods = cluster.pods_by_node.get(node.name, ())
    return [(pod, found) for pod in pods if (found := pod_mappings(pod))]


def portmap_chains(cluster: Cluster, node: Node) -> list[tuple[str, str]]:
    mapped = _mapped(cluster, node)
    if not mapped:
        return []
    return [("nat", SETMARK_CHAIN), ("nat", MASQ_CHAIN), ("nat", DNAT_CHAIN),
            *(("nat", dnat_chain(sandbox_id(pod.key))) for pod, _ in mapped)]


def portmap_rules(cluster: Cluster, node: Node) -> tuple[list[Rule], list[Rule]]:
    """(rules prepended to builtin chains, the rest), in the order portmap adds
    them for the node's pods in spec order; both empty with no hostPort."""
    mapped = _mapped(cluster, node)
    if not mapped:
        return [], []
    mark = 1 << MARK_BIT
    first = [_nat("POSTROUTING", [Comment("CNI portfwd requiring masquerade")],
                  Target(MASQ_CHAIN))]
    rest = [
        _nat(SETMARK_CHAIN, [Comment("CNI portfwd masquerade mark")],
             Target("MARK", mark=mark, op="or")),
        _nat(MASQ_CHAIN, [Mark(mark, mark)], Target("MASQUERADE")),
        _nat("PREROUTING", [AddrType("dst")], Target(DNAT_CHAIN)),
        _nat("OUTPUT", [AddrType("dst")], Target(DNAT_CHAIN)),
    ]
    for pod, mappings in mapped:
        entries, rules = dnat_rules(sandbox_id(pod.key), pod.ip, node.pod_cidr.prefixlen,
                                    mappings)
        rest += entries
        rest += rules
    return first, rest


def dnat_rules(container_id: str, ip: IPv4Address, prefixlen: int,
               mappings: tuple[PortMapping, ...], network: str = NETWORK_NAME,
               ) -> tuple[list[Rule], list[Rule]]:
    """``fillDnatRules`` for one container: (the CNI-HOSTPORT-DNAT entry rules,
    the rules of its CNI-DN chain), with snat on and no extra conditions, as
    kube-flannel.yml configures portmap."""
    chain = dnat_chain(container_id, network)
    comment = Comment(_trimmed(f'dnat name: "{network}" id: "{container_id}"'))
    by_proto: dict[IpProto, list[int]] = {}
    for m in mappings:
        by_proto.setdefault(m.protocol, []).append(m.host_port)
    entries = [_nat(DNAT_CHAIN, [comment, Multiport(proto, tuple(ports[at:at + MULTIPORT_MAX]))],
                    Target(chain))
               for proto, ports in sorted(by_proto.items())
               for at in range(0, len(ports), MULTIPORT_MAX)]
    # The hairpin rule's source is the container's address with its mask, as
    # containerNet.String() spells it (10.244.0.5/24); the kernel keeps the net.
    own = f"{ip}/{prefixlen}"
    rules = []
    for m in mappings:
        base: list[Item] = [Proto(m.protocol, module=False), DPort(m.host_port)]
        if m.host_ip is not None and not m.host_ip.is_unspecified:
            base.append(Dst(str(m.host_ip)))
        rules.append(_nat(chain, [*base, Src(own)], Target(SETMARK_CHAIN)))
        rules.append(_nat(chain, [*base, Src("127.0.0.1")], Target(SETMARK_CHAIN)))
        rules.append(_nat(chain, base, Target("DNAT", to=(ip, m.container_port))))
    return entries, rules


def _nat(chain: str, items: list[Item], target: Target) -> Rule:
    return Rule("nat", chain, tuple(items), target, writer="portmap")


def _trimmed(text: str) -> str:
    """trimComment: iptables keeps at most 255 characters of a comment."""
    return text if len(text) <= 255 else text[:253] + "..."
