"""flannel's configuration as kubectl shows it: ``kube-flannel-cfg`` and node annotations.

``net-conf.json`` in the ``kube-flannel-cfg`` ConfigMap is what flanneld reads
(flannel ``pkg/subnet/config.go``, ``ParseConfig``): ``Network`` is the
cluster CIDR and ``Backend.Type`` the backend; with no ``Backend`` at all,
``parseBackendType`` answers ``udp``. Go's encoding/json matches field names
without regard to case, so ``"network"`` is read as ``Network`` too.

Each node's lease is published as annotations (flannel
``pkg/subnet/kube/annotations.go``): ``backend-type``, ``backend-data``
(``{"VNI":1,"VtepMAC":"…"}`` for vxlan, ``vxlanLeaseAttrs``) and
``public-ip``, under the prefix ``flannel.alpha.coreos.com``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any

from netmodel.kubeimport.fields import Fields
from netmodel.kubeimport.notes import Notes
from netmodel.spec.cluster import Backend

__all__ = ["ANNOTATION_PREFIX", "FLANNEL_CONFIGMAP", "Lease", "NetConf", "backend_of",
           "read_lease", "read_net_conf"]

FLANNEL_CONFIGMAP = "kube-flannel-cfg"
ANNOTATION_PREFIX = "flannel.alpha.coreos.com/"
# What the model builds: flannel's defaults (vxlan defaultVNI 1, the kernel's
# port 8472; udp defaultPort 8285). Anything else is reported, not modelled.
_DEFAULTS: dict[Backend, dict[str, Any]] = {
    Backend.VXLAN: {"VNI": 1, "Port": 8472, "DirectRouting": False, "GBP": False,
                    "Learning": False},
    Backend.UDP: {"Port": 8285},
    Backend.HOST_GW: {},
}
_BACKENDS = ", ".join(sorted(b.value for b in Backend))


@dataclass(frozen=True, slots=True)
class NetConf:
    """What of net-conf.json the spec holds."""

    network: IPv4Network
    backend: Backend


@dataclass(frozen=True, slots=True)
class Lease:
    """A node's flannel annotations."""

    backend: Backend | None
    vtep_mac: str | None
    public_ip: IPv4Address | None


def backend_of(value: str, fields: Fields, path: tuple[str | int, ...]) -> Backend:
    try:
        return Backend(value)
    except ValueError:
        raise fields.fail(path, f"unknown flannel backend {value!r} (netmodel models "
                          f"{_BACKENDS})") from None


def _get(conf: dict[str, Any], name: str) -> Any:
    for key, value in conf.items():
        if key.lower() == name.lower():
            return value
    return None


def read_net_conf(fields: Fields, notes: Notes) -> NetConf:
    """net-conf.json of a kube-flannel-cfg ConfigMap."""
    path = ("data", "net-conf.json")
    text = fields.required(path, "kube-flannel-cfg holds flannel's net-conf.json")
    try:
        conf = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fields.fail(path, f"net-conf.json is not JSON: {exc.msg} at line {exc.lineno} "
                          f"column {exc.colno}") from None
    if not isinstance(conf, dict):
        raise fields.fail(path, "net-conf.json: expected a JSON object")
    raw_network = _get(conf, "Network")
    if not isinstance(raw_network, str):
        raise fields.fail(path, "net-conf.json: Network missing (expected a CIDR such as "
                          "10.244.0.0/16)")
    try:
        network = ip_network(raw_network)
    except ValueError:
        raise fields.fail(path, f"net-conf.json: Network {raw_network!r} is not a CIDR "
                          "(expected one such as 10.244.0.0/16)") from None
    if not isinstance(network, IPv4Network):
        raise fields.fail(path, f"net-conf.json: Network {raw_network!r} is not IPv4")
    for option in ("EnableIPv6", "IPv6Network"):
        if _get(conf, option):
            notes.add("flannel.ipv6", option=option)
    backend_conf = _get(conf, "Backend")
    if backend_conf is None:
        backend = Backend.UDP  # parseBackendType: no Backend is udp
        backend_conf = {}
    else:
        if not isinstance(backend_conf, dict):
            raise fields.fail(path, "net-conf.json: Backend: expected a JSON object")
        kind = _get(backend_conf, "Type")
        if not isinstance(kind, str):
            raise fields.fail(path, f"net-conf.json: Backend.Type missing (netmodel models "
                              f"{_BACKENDS})")
        backend = backend_of(kind, fields, path)
    for option, default in _DEFAULTS[backend].items():
        value = _get(backend_conf, option)
        if value is not None and value != default:
            notes.add("flannel.option", option=f"Backend.{option}", value=json.dumps(value),
                      default=json.dumps(default))
    return NetConf(network, backend)


def read_lease(fields: Fields, notes: Notes) -> Lease:
    """A node's flannel annotations (all optional: a node flanneld has not seen yet)."""
    base = ("metadata", "annotations")
    annotations = fields.mapping(base)
    backend = None
    kind = annotations.get(ANNOTATION_PREFIX + "backend-type")
    if kind is not None:
        path = (*base, ANNOTATION_PREFIX + "backend-type")
        backend = backend_of(fields.required(path, "flannel's backend"), fields, path)
    vtep = None
    data_path = (*base, ANNOTATION_PREFIX + "backend-data")
    data_text = fields.string(data_path)
    if data_text:
        try:
            data = json.loads(data_text)
        except json.JSONDecodeError as exc:
            raise fields.fail(data_path, f"not JSON: {exc.msg}") from None
        if isinstance(data, dict) and data.get("VtepMAC") is not None:
            vtep = data["VtepMAC"]
            if not isinstance(vtep, str):
                raise fields.fail(data_path, "VtepMAC: expected a MAC address string")
    public = None
    ip_path = (*base, ANNOTATION_PREFIX + "public-ip")
    ip_text = fields.string(ip_path)
    if ip_text:
        try:
            address = ip_address(ip_text)
        except ValueError:
            raise fields.fail(ip_path, f"{ip_text!r} is not an IP address") from None
        if isinstance(address, IPv4Address):
            public = address
        else:
            notes.add("ipv6", what="flannel public-ip")
    if annotations.get(ANNOTATION_PREFIX + "public-ipv6"):
        notes.add("ipv6", what="flannel public-ipv6")
    return Lease(backend, vtep, public)
