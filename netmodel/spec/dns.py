"""Cluster DNS as frozen values: kubelet's clusterDNS and clusterDomain, a pod's
``dnsPolicy`` and ``dnsConfig``, and a resolv.conf as the runtime writes it.

What the spec says; what kubelet derives from it for each pod is
:mod:`netmodel.state.resolv_conf`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address

__all__ = [
    "COREDNS_LABEL",
    "DEFAULT_DNS_INDEX",
    "DEFAULT_DOMAIN",
    "KUBE_DNS",
    "MAX_NAMESERVERS",
    "MAX_SEARCH_CHARS",
    "MAX_SEARCH_PATHS",
    "ClusterDNS",
    "DNSOption",
    "DNSPolicy",
    "PodDNSConfig",
    "ResolvConf",
]

# kubeadm's constants.GetDNSIP: "Selects the 10th IP in service subnet CIDR range
# as dnsIP" (utilnet.GetIndexedIP(svcSubnetCIDR, 10)): 10.96.0.10 of 10.96.0.0/12.
DEFAULT_DNS_INDEX = 10
# kubeadm's DefaultServiceDNSDomain, handed to kubelet as clusterDomain and to
# CoreDNS's Corefile (``kubernetes cluster.local in-addr.arpa ip6.arpa``).
DEFAULT_DOMAIN = "cluster.local"
# kubeadm's CoreDNSService manifest (cmd/kubeadm/app/phases/addons/dns/manifests.go):
# the Service keeps kube-dns's name so clients written for kube-dns still find it.
KUBE_DNS = "kube-system/kube-dns"
COREDNS_LABEL = ("k8s-app", "kube-dns")

# pkg/apis/core/validation/validation.go: MaxDNSNameservers (glibc's MAXNS),
# and the search limits since ExpandedDNSConfig went GA in v1.28 (32 paths,
# 2048 characters with the spaces; before it, 6 and 256).
MAX_NAMESERVERS = 3
MAX_SEARCH_PATHS = 32
MAX_SEARCH_CHARS = 2048


class DNSPolicy(StrEnum):
    """``pod.spec.dnsPolicy`` (core/v1 DNSPolicy); the API default is ClusterFirst."""

    CLUSTER_FIRST = "ClusterFirst"
    CLUSTER_FIRST_WITH_HOST_NET = "ClusterFirstWithHostNet"
    DEFAULT = "Default"
    NONE = "None"


@dataclass(frozen=True, slots=True)
class DNSOption:
    """One ``dnsConfig.options`` entry (PodDNSConfigOption): ``ndots`` with "2"."""

    name: str
    value: str | None = None

    def __str__(self) -> str:
        # kubelet's mergeDNSOptions writes "name:value", or the bare name when
        # the value is empty.
        return f"{self.name}:{self.value}" if self.value else self.name


@dataclass(frozen=True, slots=True)
class PodDNSConfig:
    """``pod.spec.dnsConfig``: appended to what the policy gives (kubelet's appendDNSConfig)."""

    nameservers: tuple[IPv4Address, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[DNSOption, ...] = ()

    def __str__(self) -> str:
        return (f"dnsConfig nameservers [{' '.join(map(str, self.nameservers))}] searches "
                f"[{' '.join(self.searches)}] options [{' '.join(map(str, self.options))}]")


@dataclass(frozen=True, slots=True)
class ResolvConf:
    """A resolver configuration: the CRI's DNSConfig (servers, searches, options),
    which is also what kubelet's parseResolvConf reads out of a node's file."""

    nameservers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()

    def text(self) -> str:
        """The file as containerd writes it into the sandbox (``parseDNSOptions``
        in internal/cri/server/podsandbox/sandbox_run_linux.go): ``search``, then
        one ``nameserver`` line per server, then ``options``; a line only when it
        has entries."""
        lines = []
        if self.searches:
            lines.append("search " + " ".join(self.searches))
        lines.extend(f"nameserver {server}" for server in self.nameservers)
        if self.options:
            lines.append("options " + " ".join(self.options))
        return "".join(line + "\n" for line in lines)

    def __str__(self) -> str:
        return "; ".join(self.text().splitlines()) or "(empty resolv.conf)"

    def ndots(self) -> int:
        """glibc's ``ndots``: 1 unless an ``ndots:N`` option says otherwise (the
        last one wins; res_init.c caps it at 15, RES_MAXNDOTS)."""
        found = 1
        for option in self.options:
            name, _, value = option.partition(":")
            if name == "ndots" and value.isdigit():
                found = min(int(value), 15)
        return found


@dataclass(frozen=True, slots=True)
class ClusterDNS:
    """kubelet's ``clusterDNS`` and ``clusterDomain``, and whether the spec runs
    CoreDNS behind ``kube-system/kube-dns`` (``cluster.dns`` given)."""

    cluster_ip: IPv4Address
    domain: str = DEFAULT_DOMAIN
    service: bool = False

    def __str__(self) -> str:
        return f"cluster DNS {self.cluster_ip} domain {self.domain}"
