"""A pod's /etc/resolv.conf, as kubelet computes it and containerd writes it.

A port of kubelet's ``pkg/kubelet/network/dns/dns.go`` (``Configurer.GetPodDNS``
and the functions it calls, named below), with kubeadm's kubelet settings:
``clusterDNS`` one address, ``clusterDomain`` set, ``resolvConf`` a real file
(the node's, :attr:`netmodel.spec.cluster.Node.resolv_conf`). The text is
containerd's (:meth:`netmodel.spec.dns.ResolvConf.text`).
"""

from __future__ import annotations

from netmodel.spec.cluster import Cluster, Pod
from netmodel.spec.dns import (
    MAX_NAMESERVERS,
    MAX_SEARCH_CHARS,
    MAX_SEARCH_PATHS,
    DNSPolicy,
    PodDNSConfig,
    ResolvConf,
)

__all__ = ["DEFAULT_OPTIONS", "cluster_searches", "pod_resolv_conf"]

# dns.go: defaultDNSOptions = []string{"ndots:5"}.
DEFAULT_OPTIONS = ("ndots:5",)
# utilvalidation.DNS1123SubdomainMaxLength: formDNSSearchFitsLimits drops longer
# paths ("In some DNS resolvers(e.g. glibc 2.28), DNS resolving causes abort()").
_MAX_SEARCH_LENGTH = 253


def pod_resolv_conf(cluster: Cluster, pod: Pod) -> ResolvConf:
    """``GetPodDNS``: the base by policy, then ``dnsConfig`` appended, then the limits."""
    host = cluster.node(pod.node).resolv_conf  # getHostDNSConfig (parseResolvConf)
    kind = _dns_type(pod)
    if kind is _CLUSTER:
        # "the cluster DNS server is the only nameserver configured for the pod"
        config = ResolvConf((str(cluster.dns.cluster_ip),),
                            cluster_searches(cluster.dns.domain, pod.namespace, host.searches),
                            DEFAULT_OPTIONS)
    elif kind is _NONE:
        config = ResolvConf()  # "DNSNone should use empty DNS settings as the base"
    else:
        config = host
    if pod.dns_config is not None:
        config = _append_dns_config(config, pod.dns_config)
    return ResolvConf(config.nameservers[:MAX_NAMESERVERS],  # formDNSNameserversFitsLimits
                      _fit_searches(config.searches), config.options)


_CLUSTER, _HOST, _NONE = "cluster", "host", "none"


def _dns_type(pod: Pod) -> str:
    """``getPodDNSType``: ClusterFirst on a hostNetwork pod falls through to
    Default, the node's file; only ClusterFirstWithHostNet gives it cluster DNS."""
    policy = pod.dns_policy
    if policy is DNSPolicy.NONE:
        return _NONE
    if policy is DNSPolicy.CLUSTER_FIRST_WITH_HOST_NET:
        return _CLUSTER
    if policy is DNSPolicy.CLUSTER_FIRST and not pod.host_network:
        return _CLUSTER
    return _HOST


def cluster_searches(domain: str, namespace: str, host: tuple[str, ...]) -> tuple[str, ...]:
    """``generateSearchesForDNSClusterFirst``: ``NS.svc.DOMAIN``, ``svc.DOMAIN``,
    ``DOMAIN``, then the node's own searches, duplicates dropped."""
    return _omit_duplicates((f"{namespace}.svc.{domain}", f"svc.{domain}", domain, *host))


def _append_dns_config(base: ResolvConf, extra: PodDNSConfig) -> ResolvConf:
    """``appendDNSConfig``: servers and searches appended without duplicates,
    options merged by name (``mergeDNSOptions``)."""
    servers = _omit_duplicates((*base.nameservers, *(str(s) for s in extra.nameservers)))
    searches = _omit_duplicates((*base.searches, *extra.searches))
    return ResolvConf(servers, searches, _merge_options(base.options, extra))


def _merge_options(existing: tuple[str, ...], extra: PodDNSConfig) -> tuple[str, ...]:
    """``mergeDNSOptions``: the pod's option replaces one of the same name.

    kubelet rebuilds the list from a Go map, so its order is Go's map order,
    which is unspecified and changes from run to run. The resolver reads each
    option on its own, so order does not change what it does (unless a name is
    given twice, which the map already collapsed); here the order is the base's,
    then the pod's new names, so the output is the same every time."""
    merged: dict[str, str] = {}
    for option in existing:
        name, _, value = option.partition(":")
        merged[name] = value
    for opt in extra.options:
        merged[opt.name] = opt.value or ""
    return tuple(f"{name}:{value}" if value else name for name, value in merged.items())


def _fit_searches(searches: tuple[str, ...]) -> tuple[str, ...]:
    """``formDNSSearchFitsLimits``: at most 32 paths, none longer than 253
    characters, the joined line at most 2048 characters, cut from the end."""
    kept = [s for s in searches[:MAX_SEARCH_PATHS] if len(s) <= _MAX_SEARCH_LENGTH]
    while kept and len(" ".join(kept)) > MAX_SEARCH_CHARS:
        kept.pop()
    return tuple(kept)


def _omit_duplicates(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
