"""EndpointSlice endpoints chosen as kube-proxy chooses them (pkg/proxy/topology.go,
CategorizeEndpoints; conditions read as pkg/proxy/endpointslicecache.go reads them)."""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Any

import pytest

from netmodel.kubeimport.documents import KubeObject
from netmodel.kubeimport.endpoints import usable_endpoints
from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.origin import Origin
from netmodel.kubeimport.slices import read_slice
from netmodel.kubeimport.values import SliceEndpoint

NODES = {"n1", "n2"}


def ep(last: int, node: str = "n1", *, ready: bool = True, serving: bool = True,
       terminating: bool = False, port: int = 8080) -> SliceEndpoint:
    return SliceEndpoint(IPv4Address(f"10.244.0.{last}"), port, node, ready, serving,
                         terminating, False)


def chosen(found: list[SliceEndpoint], uses_local: bool = False) -> tuple[list[int], set[str]]:
    notes = Notes()
    out = usable_endpoints(found, uses_local, NODES, notes)
    return [int(str(e.ip).rsplit(".", 1)[1]) for e in out], notes.keys()


@pytest.mark.parametrize(("found", "expected", "warned"), [
    # every endpoint ready: all of them, sorted by address
    ([ep(3), ep(2)], [2, 3], set()),
    # ready ones only when any is ready; the not-ready one is counted
    ([ep(2), ep(3, ready=False, serving=False)], [2], {"endpoint.unready"}),
    # a serving, terminating endpoint is not used while a ready one exists
    ([ep(2), ep(3, ready=False, terminating=True)], [2], {"endpoint.unready"}),
    # none ready: the serving, terminating ones (KEP-1669)
    ([ep(2, ready=False, terminating=True), ep(3, ready=False, serving=False)], [2],
     {"endpoint.terminating", "endpoint.unready"}),
    # terminating but no longer serving: never used
    ([ep(2, ready=False, serving=False, terminating=True)], [], {"endpoint.unready"}),
    # the same IP:port in two slices is one endpoint
    ([ep(2), ep(2)], [2], set()),
])
def test_cluster_endpoints(found: list[SliceEndpoint], expected: list[int],
                           warned: set[str]) -> None:
    assert chosen(found) == (expected, warned)


def test_local_fallback_to_a_terminating_endpoint_is_counted_not_modelled() -> None:
    # n1 has a ready endpoint; n2 only a serving, terminating one, which kube-proxy
    # would use for Local traffic arriving at n2. The spec's one list cannot say so.
    found = [ep(2, "n1"), ep(3, "n2", ready=False, terminating=True)]
    assert chosen(found, uses_local=True) == ([2], {"endpoint.local-fallback"})
    assert chosen(found, uses_local=False) == ([2], {"endpoint.unready"})


def test_an_endpoint_on_an_unknown_node_keeps_no_node() -> None:
    notes = Notes()
    (out,) = usable_endpoints([ep(2, "elsewhere")], False, NODES, notes)
    assert out.node is None and notes.keys() == {"endpoint.unknown-node"}


def _slice(endpoints: list[dict[str, Any]], **extra: Any) -> KubeObject:
    data = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": {"name": "web-abc", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": "web"}},
            "endpoints": endpoints, "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}
    data.update(extra)
    return KubeObject("EndpointSlice", data, Origin("s.json", 0, 1, ("items", 0)))


@pytest.mark.parametrize(("conditions", "expected"), [
    # nil ready and serving count as true, nil terminating as false
    ({}, (True, True, False)),
    ({"ready": False}, (False, True, False)),
    ({"ready": False, "serving": True, "terminating": True}, (False, True, True)),
    ({"ready": True, "serving": False}, (True, False, False)),
])
def test_conditions_read_as_kube_proxy_reads_them(conditions: dict[str, bool],
                                                 expected: tuple[bool, bool, bool]) -> None:
    found = read_slice(_slice([{"addresses": ["10.244.0.2"], "conditions": conditions}]),
                       Notes())
    assert found is not None
    ((name, protocol, (endpoint,)),) = found.ports
    assert (name, protocol) == ("http", "TCP")
    assert (endpoint.ready, endpoint.serving, endpoint.terminating) == expected


def test_only_the_first_address_of_an_endpoint_counts() -> None:
    found = read_slice(_slice([{"addresses": ["10.244.0.2", "10.244.0.9"]}]), Notes())
    assert found is not None
    assert [str(e.ip) for _, _, eps in found.ports for e in eps] == ["10.244.0.2"]


@pytest.mark.parametrize(("extra", "key"), [
    ({"addressType": "IPv6"}, "ipv6"),
    ({"addressType": "FQDN"}, "slice.fqdn"),
    ({"metadata": {"name": "x", "namespace": "default"}}, "slice.no-service-label"),
])
def test_slices_kube_proxy_ignores_are_counted(extra: dict[str, Any], key: str) -> None:
    notes = Notes()
    assert read_slice(_slice([{"addresses": ["10.244.0.2"]}], **extra), notes) is None
    assert notes.keys() == {key}


def test_a_slice_endpoint_reads_in_one_line() -> None:
    assert str(ep(2, ready=False, terminating=True)) == \
        "10.244.0.2:8080 on n1 (serving, terminating)"
    assert str(ep(3, ready=False, serving=False)) == "10.244.0.3:8080 on n1 (not serving)"
