"""A name looked up from a pod: the queries its resolver sends, and who answers.

The queries are glibc's search order (:func:`netmodel.state.resolver.search_names`)
over the pod's resolv.conf; the resolver asks its first nameserver and stops
at the first name that has an answer. When that nameserver is the kube-dns
Service, CoreDNS's ``kubernetes`` plugin answers for the cluster domain, as
its documentation specifies records (coredns/coredns plugin/kubernetes/README.md,
and the Kubernetes DNS specification, kubernetes/dns docs/specification.md):
``SVC.NS.svc.DOMAIN`` is the Service's ClusterIP, ``A-B-C-D.NS.pod.DOMAIN`` is
A.B.C.D (``pods insecure``, kubeadm's Corefile), anything else under the
domain is NXDOMAIN. Other names go to ``forward . /etc/resolv.conf``, the
upstream, outside the model: the name as written is taken as found there, a
search-list expansion of it as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Address

from netmodel.errors import EndpointError, InputError
from netmodel.spec.cluster import Cluster, Pod
from netmodel.spec.dns import KUBE_DNS, ResolvConf
from netmodel.state.resolv_conf import pod_resolv_conf
from netmodel.state.resolver import search_names
from netmodel.trace.endpoints import pod_named

__all__ = ["Answer", "AnswerKind", "Lookup", "Query", "lookup", "lookup_from"]


class AnswerKind(StrEnum):
    ADDRESS = "address"  # CoreDNS answers with an A record
    NXDOMAIN = "nxdomain"  # CoreDNS: no such name in the cluster domain
    FORWARDED = "forwarded"  # CoreDNS forwards it upstream, outside the model
    UPSTREAM = "upstream"  # the pod's nameserver is not kube-dns: outside the model
    NO_SERVER = "no-server"  # nothing serves the nameserver's address: a timeout


@dataclass(frozen=True, slots=True)
class Answer:
    kind: AnswerKind
    server: str  # the address the query goes to
    address: IPv4Address | None = None
    owner: str | None = None  # "svc/NS/NAME" or "pod/NS/NAME" for an address
    zone: str | None = None  # the cluster domain CoreDNS answered NXDOMAIN for

    def __str__(self) -> str:
        found = f" A {self.address}" if self.address is not None else ""
        return f"{self.kind}{found} from {self.server}"


@dataclass(frozen=True, slots=True)
class Query:
    name: str  # fully qualified, with the root's dot
    answer: Answer
    # The resolver stops here. An answer from outside the model is guessed:
    # found for the name as written, not found for a search-list expansion
    # (example.com.lab.example is rarely a real name).
    final: bool

    def __str__(self) -> str:
        return f"{self.name} → {self.answer}{' (final)' if self.final else ''}"


@dataclass(frozen=True, slots=True)
class Lookup:
    pod: Pod
    name: str
    conf: ResolvConf
    queries: tuple[Query, ...]  # those sent, up to and including the final one
    unsent: tuple[str, ...]  # the rest of the search order, never reached


def lookup(cluster: Cluster, pod: Pod, name: str) -> Lookup:
    """What ``getent hosts NAME`` in ``pod`` sends, and the answers."""
    conf = pod_resolv_conf(cluster, pod)
    names = search_names(name, conf)
    # glibc asks the first nameserver (the others only when it fails, or in
    # turn with options rotate); with none it asks the local host (res_init.c).
    server = conf.nameservers[0] if conf.nameservers else "127.0.0.1"
    sent: list[Query] = []
    as_is = name if name.endswith(".") else f"{name}."
    for i, qname in enumerate(names):
        answer = _answer(cluster, server, qname)
        outside = answer.kind in (AnswerKind.FORWARDED, AnswerKind.UPSTREAM)
        final = answer.kind is not AnswerKind.NXDOMAIN and (not outside or qname == as_is)
        sent.append(Query(qname, answer, final))
        if final:
            return Lookup(pod, name, conf, tuple(sent), names[i + 1:])
    return Lookup(pod, name, conf, tuple(sent), ())


def _answer(cluster: Cluster, server: str, qname: str) -> Answer:
    dns = cluster.dns
    if server != str(dns.cluster_ip):
        return Answer(AnswerKind.UPSTREAM, server)
    if not dns.service:
        return Answer(AnswerKind.NO_SERVER, server)
    kube_dns = cluster.service(KUBE_DNS)
    if not kube_dns.ports[0].endpoints:
        return Answer(AnswerKind.NO_SERVER, server)
    fqdn = qname.removesuffix(".").lower()
    suffix = f".{dns.domain}"
    if not fqdn.endswith(suffix):
        return Answer(AnswerKind.FORWARDED, server)
    labels = fqdn.removesuffix(suffix).split(".")
    if len(labels) == 3 and labels[2] == "svc":
        key = f"{labels[1]}/{labels[0]}"
        found = next((s for s in cluster.services if s.key == key), None)
        if found is not None:
            return Answer(AnswerKind.ADDRESS, server, found.cluster_ip, f"svc/{key}")
    if len(labels) == 3 and labels[2] == "pod":
        try:
            address = IPv4Address(labels[0].replace("-", "."))
        except ValueError:
            address = None
        if address is not None:
            owner = next((f"pod/{p.key}" for p in cluster.pods
                          if p.ip == address and p.namespace == labels[1]), None)
            return Answer(AnswerKind.ADDRESS, server, address, owner)
    return Answer(AnswerKind.NXDOMAIN, server, zone=dns.domain)


def lookup_from(cluster: Cluster, source: str, name: str) -> Lookup:
    """``lookup`` with the pod named as a trace endpoint (``pod/NAME``,
    ``pod/NS/NAME``) and the name checked; bad input is an InputError."""
    kind, _, rest = source.partition("/")
    if kind != "pod" or not rest:
        raise EndpointError(source, "expected pod/NAME or pod/NS/NAME (the pod whose "
                            "resolver asks)", "from")
    pod = pod_named(cluster, source, rest, "from")
    why = _bad_name(name)
    if why is not None:
        raise InputError("name", name, why)
    return lookup(cluster, pod, name)


def _bad_name(name: str) -> str | None:
    """RFC 1035 §2.3.4: labels of 1-63 octets, a name of at most 253 characters
    written out (255 octets on the wire); no blanks (a resolver would refuse it)."""
    body = name.removesuffix(".")
    if not body:
        return "expected a host name such as db or example.com"
    if any(c.isspace() or not c.isprintable() for c in name):
        return "a host name has no blanks or control characters"
    if len(body) > 253:
        return "longer than 253 characters (RFC 1035's limit)"
    if any(not 1 <= len(label) <= 63 for label in body.split(".")):
        return "each label must be 1-63 characters (RFC 1035), no empty label ('..')"
    return None
