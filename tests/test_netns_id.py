"""Netns ids and L2 domains are values; their strings are the ones output carries."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from netmodel.i18n import detail
from netmodel.state.l2_domain import L2Domain
from netmodel.state.netns_id import NetnsId, NetnsKind

IDS = [
    # (the value, its str as JSON, DOT ids and replay fingerprints have always had it)
    (NetnsId.node("node-1"), "node:node-1"),
    (NetnsId.pod("default/web-1"), "pod:default/web-1"),
    (NetnsId.router(), "router"),
    (NetnsId.external(IPv4Address("198.51.100.7")), "external:198.51.100.7"),
]


@pytest.mark.parametrize(("netns_id", "text"), IDS, ids=[t for _, t in IDS])
def test_netns_id_str_is_the_id_output_has_always_carried(netns_id: NetnsId, text: str) -> None:
    assert str(netns_id) == text


@pytest.mark.parametrize(("netns_id", "en", "zh"), [
    (NetnsId.node("node-1"), "node node-1", "节点 node-1"),  # a node's host netns
    (NetnsId.pod("default/web-1"), "pod default/web-1", "Pod default/web-1"),  # zh: Pod, the object
    (NetnsId.router(), "the underlay router", "底层路由器"),  # no name
    (NetnsId.external(IPv4Address("198.51.100.7")), "external client 198.51.100.7",
     "外部客户端 198.51.100.7"),  # an address
])
def test_netns_id_names_itself_in_each_language(netns_id: NetnsId, en: str, zh: str) -> None:
    assert (netns_id.render("en"), netns_id.render("zh")) == (en, zh)
    said = detail("fwd.disabled", who=netns_id)  # as a detail's argument
    assert en in said.render("en") and zh in said.render("zh")


def test_netns_ids_sort_as_their_strings() -> None:
    # Diagrams sort netns by id: the value must keep the order the strings had.
    values = [v for v, _ in IDS] + [NetnsId.node("a"), NetnsId.pod("kube-system/dns")]
    assert [str(v) for v in sorted(values)] == sorted(str(v) for v in values)


def test_netns_id_parts_are_fields_not_slices() -> None:
    pod = NetnsId.pod("monitoring/exporter")
    assert (pod.kind, pod.name) == (NetnsKind.POD, "monitoring/exporter")
    assert NetnsId.external(IPv4Address("198.51.100.7")).address == IPv4Address("198.51.100.7")
    with pytest.raises(ValueError, match="not an external client"):
        _ = pod.address


@pytest.mark.parametrize(("kind", "name"), [
    (NetnsKind.ROUTER, "r1"),  # there is one router: a name would be a second
    (NetnsKind.NODE, ""),  # a node's netns without the node
])
def test_netns_id_rejects_a_name_that_does_not_fit_its_kind(kind: NetnsKind, name: str) -> None:
    with pytest.raises(ValueError, match="the router has no name"):
        NetnsId(kind, name)


@pytest.mark.parametrize(("domain", "text"), [
    (L2Domain.bridge("node-1"), "bridge:node-1"),  # a node's cni0 and its pods
    (L2Domain.segment("rack-a"), "segment:rack-a"),  # an underlay segment
    (L2Domain.wan(), "wan"),  # beyond the router's uplink
])
def test_l2_domain_str_is_the_name_details_print(domain: L2Domain, text: str) -> None:
    assert str(domain) == text
