"""Numbers and names from the model, for prose: ``{{nm QUERY}}`` in a page.

So a page cannot drift from the model, every figure it states (an MTU, a port,
a CIDR, a chain name, a probability) can be written as a query the build
answers::

    The pod MTU is {{nm mtu}} ({{nm underlay.mtu}} minus {{nm overhead}} bytes).
    node-1's subnet is {{nm node node-1 podCIDR}}; web-1 is {{nm pod web-1 ip}}.
    kube-proxy's chain for it is {{nm chain svc default/db}}.

Queries (against the page's spec):

- ``backend``, ``clusterCIDR``, ``serviceCIDR``, ``nodePortRange``, ``underlay.mtu``
- ``mtu`` / ``overhead`` [BACKEND] — the pod MTU and the encapsulation bytes
- ``port vxlan|udp``, ``vni``, ``device vxlan|udp`` — flannel's constants
- ``node NAME ip|podCIDR|mac|vtepMAC|gateway|vtep`` (vtep: flannel.1's address)
- ``pod [NS/]NAME ip|mac|node|veth|hostPort|dnChain`` (hostPort: the first; dnChain:
  portmap's CNI-DN chain for the pod)
- ``svc [NS/]NAME clusterIP|nodePort|endpoints|healthCheckNodePort|lbIP``
- ``chain svc|svl|ext|fw [NS/]NAME[:PORT]`` — kube-proxy's chain name
- ``probability N`` — what kube-proxy writes for 1/N (10 decimals)
- ``mark``, ``mark.written``, ``mark.bit`` — the masquerade mark as iptables-save shows
  it (0x4000), as kube-proxy writes it (0x00004000), and its bit (14)
- ``pod [NS/]NAME port [CONTAINER]`` / ``svc [NS/]NAME port|targetPort`` — the first
  declared port (of that container)
- ``dns clusterIP|domain`` — kubelet's clusterDNS and clusterDomain;
  ``dns [NS/]POD nameserver|search|ndots`` — from the pod's computed resolv.conf
  (``search``: the list, space-separated)
- ``dns [NS/]POD sent NAME`` — how many queries the pod's resolver sends for NAME;
  ``dns [NS/]POD query NAME I`` — the I-th (from 1), fully qualified;
  ``dns [NS/]POD answer NAME I`` — its answer: ``A ADDR``, ``NXDOMAIN``, ``forward``
  (CoreDNS forwards it upstream), ``upstream`` (the pod asks a server outside the
  cluster) or ``timeout``
"""

from __future__ import annotations

import re

from netmodel.errors import InputError, NetmodelError
from netmodel.site.markup import REFERENCE, find_references
from netmodel.spec.addressing import sandbox_id, veth_name
from netmodel.spec.cluster import Backend
from netmodel.spec.keys import object_key
from netmodel.spec.services import Service
from netmodel.state.backends import backend_for, pod_mtu, vxlan
from netmodel.state.kube_proxy import chain_name, probability
from netmodel.state.model import Model
from netmodel.state.node_rules import kube_proxy_config
from netmodel.state.portmap import dnat_chain, pod_mappings
from netmodel.state.resolv_conf import pod_resolv_conf
from netmodel.trace.dns_lookup import AnswerKind, Lookup, lookup_from

__all__ = ["REFERENCE", "answer", "find_references", "front_matter_spec"]


def answer(model: Model, query: str) -> str:
    words = query.split()
    if not words:
        raise NetmodelError("empty {{nm}} query")
    cluster = model.cluster
    head, rest = words[0], words[1:]
    simple = {"backend": str(cluster.backend), "clusterCIDR": str(cluster.cluster_cidr),
              "serviceCIDR": str(cluster.service_cidr), "underlay.mtu": str(cluster.underlay.mtu),
              "nodePortRange": "-".join(map(str, cluster.node_port_range)),
              "vni": str(vxlan.VNI)}
    if head in simple and not rest:
        return simple[head]
    if head in ("mtu", "overhead") and len(rest) <= 1:
        backend = _backend(rest[0]) if rest else cluster.backend
        if head == "mtu":
            return str(pod_mtu(backend, cluster.underlay.mtu))
        return str(backend.overhead)
    if head in ("port", "device") and len(rest) == 1:
        flannel = backend_for(_backend(rest[0]))
        found = flannel.port if head == "port" else flannel.device_name
        if found is None:
            raise NetmodelError(f"{{{{nm {query}}}}}: {flannel.kind} has no {head}")
        return str(found)
    if head == "node" and len(rest) == 2:
        node = cluster.nodes_by_name.get(rest[0])
        if node is None:
            raise NetmodelError(f"{{{{nm {query}}}}}: no node {rest[0]!r} in the spec")
        fields = {"ip": node.ip, "podCIDR": node.pod_cidr, "mac": node.mac,
                  "vtepMAC": node.vtep_mac, "gateway": node.pod_cidr.network_address + 1,
                  "vtep": node.pod_cidr.network_address}
        return str(_field(fields, rest[1], query))
    if head == "pod" and len(rest) == 2:
        key = object_key(rest[0])
        pod = cluster.pods_by_key.get(key)
        if pod is None:
            raise NetmodelError(f"{{{{nm {query}}}}}: no pod {key!r} in the spec")
        declared = [p.container_port for c in pod.containers for p in c.ports]
        mapped = pod_mappings(pod)
        fields = {"ip": pod.ip, "mac": pod.mac, "node": pod.node,
                  "veth": veth_name(pod.node, pod.key),
                  "port": declared[0] if declared else None,
                  "hostPort": mapped[0].host_port if mapped else None,
                  "dnChain": dnat_chain(sandbox_id(pod.key)) if mapped else None}
        return str(_field(fields, rest[1], query))
    if head == "pod" and len(rest) == 3 and rest[1] == "port":
        key = object_key(rest[0])
        pod = cluster.pods_by_key.get(key)
        container = next((c for c in pod.containers if c.name == rest[2]), None) if pod else None
        if container is None or not container.ports:
            raise NetmodelError(f"{{{{nm {query}}}}}: no container {rest[2]!r} with a port in "
                                f"pod {key}")
        return str(container.ports[0].container_port)
    if head == "svc" and len(rest) == 2:
        svc = _service(model, rest[0])
        port = svc.ports[0]
        fields = {"clusterIP": svc.cluster_ip, "nodePort": port.node_port,
                  "port": port.port, "targetPort": port.target,
                  "endpoints": len(port.endpoints), "lbIP": svc.load_balancer_ip,
                  "healthCheckNodePort": svc.health_check_node_port}
        return str(_field(fields, rest[1], query))
    if head == "chain" and len(rest) == 2:
        prefixes = {"svc": "KUBE-SVC-", "svl": "KUBE-SVL-", "ext": "KUBE-EXT-", "fw": "KUBE-FW-"}
        if rest[0] not in prefixes:
            raise NetmodelError(f"{{{{nm {query}}}}}: chain kind {rest[0]!r} (expected one of "
                                f"{', '.join(prefixes)})")
        name, _, port_name = rest[1].partition(":")
        svc = _service(model, name)
        ports = [p for p in svc.ports if p.name == port_name] if port_name else svc.ports[:1]
        if not ports:
            raise NetmodelError(f"{{{{nm {query}}}}}: {svc.key} has no port {port_name!r}")
        return chain_name(prefixes[rest[0]], svc.port_name(ports[0]), ports[0].protocol.ip)
    if head.startswith("mark") and not rest:
        config = kube_proxy_config(cluster)
        marks = {"mark": f"{config.mark:#x}", "mark.written": config.mark_text,
                 "mark.bit": str(config.masquerade_bit)}
        if head in marks:
            return marks[head]
    if head == "dns":
        return _dns(model, query, rest)
    if head == "probability" and len(rest) == 1 and rest[0].isdigit() and int(rest[0]) > 0:
        return probability(int(rest[0]))
    raise NetmodelError(f"{{{{nm {query}}}}}: not a query the model answers (see "
                        "netmodel/site/values.py for the list)")


def _dns(model: Model, query: str, rest: list[str]) -> str:
    cluster = model.cluster
    if len(rest) == 1:
        fields: dict[str, object] = {"clusterIP": cluster.dns.cluster_ip,
                                     "domain": cluster.dns.domain}
        return str(_field(fields, rest[0], query))
    if len(rest) == 2:
        key = object_key(rest[0])
        pod = cluster.pods_by_key.get(key)
        if pod is None:
            raise NetmodelError(f"{{{{nm {query}}}}}: no pod {key!r} in the spec")
        conf = pod_resolv_conf(cluster, pod)
        fields = {"nameserver": conf.nameservers[0] if conf.nameservers else None,
                  "search": " ".join(conf.searches) or None, "ndots": conf.ndots()}
        return str(_field(fields, rest[1], query))
    if len(rest) == 3 and rest[1] == "sent":
        return str(len(_lookup(model, query, rest).queries))
    if len(rest) == 4 and rest[1] in ("query", "answer"):
        sent = _lookup(model, query, rest).queries
        if not rest[3].isdigit() or not 1 <= int(rest[3]) <= len(sent):
            raise NetmodelError(f"{{{{nm {query}}}}}: the resolver sends {len(sent)} "
                                f"quer{'y' if len(sent) == 1 else 'ies'} for {rest[2]}")
        sent_query = sent[int(rest[3]) - 1]
        if rest[1] == "query":
            return sent_query.name
        return _ANSWER_CODES[sent_query.answer.kind].format(sent_query.answer.address)
    raise NetmodelError(f"{{{{nm {query}}}}}: expected dns clusterIP|domain, "
                        "dns POD nameserver|search|ndots, dns POD sent NAME or "
                        "dns POD query|answer NAME I")


_ANSWER_CODES = {AnswerKind.ADDRESS: "A {}", AnswerKind.NXDOMAIN: "NXDOMAIN",
                 AnswerKind.FORWARDED: "forward", AnswerKind.UPSTREAM: "upstream",
                 AnswerKind.NO_SERVER: "timeout"}


def _lookup(model: Model, query: str, rest: list[str]) -> Lookup:
    try:
        return lookup_from(model.cluster, f"pod/{rest[0]}", rest[2])
    except InputError as exc:
        raise NetmodelError(f"{{{{nm {query}}}}}: {exc.shown()}") from None


def _backend(text: str) -> Backend:
    try:
        return Backend(text)
    except ValueError:
        raise NetmodelError(f"unknown backend {text!r} (expected one of host-gw, udp, vxlan)"
                            ) from None


def _field(fields: dict[str, object], name: str, query: str) -> object:
    if name not in fields or fields[name] is None:
        raise NetmodelError(f"{{{{nm {query}}}}}: no {name!r} here (expected one of "
                            f"{', '.join(k for k, v in fields.items() if v is not None)})")
    return fields[name]


def _service(model: Model, name: str) -> Service:
    key = object_key(name)
    try:
        return model.cluster.service(key)
    except KeyError:
        raise NetmodelError(f"no service {key!r} in the spec") from None


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def front_matter_spec(markdown: str) -> str | None:
    """``netmodel_spec:`` from a page's YAML front matter (for ``netmodel check``;
    MkDocs hands the plugin ``page.meta`` instead)."""
    found = _FRONT.match(markdown)
    if found is None:
        return None
    for line in found[1].splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "netmodel_spec":
            return value.strip().strip("'\"") or None
    return None
