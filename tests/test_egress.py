"""Egress: a pod to the internet, masqueraded by flanneld's rules, and back."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsKind
from netmodel.trace.hops import Action, Disposition
from netmodel.trace.walks import walk_between
from tests.conftest import two_nodes

SERVER = IPv4Address("93.184.216.34")


@pytest.mark.parametrize("backend", ["vxlan", "host-gw", "udp"])
def test_a_pod_reaches_an_external_server_as_its_node_and_gets_the_reply(backend: str) -> None:
    model = Model(two_nodes(backend))
    pod = model.cluster.pod("default/db-1")
    node = model.cluster.node(pod.node)
    trace = walk_between(model, "pod/db-1", f"external/{SERVER}", port=443)
    assert trace.disposition is Disposition.DELIVERED
    assert trace.hops[-1].netns_id.kind is NetnsKind.EXTERNAL
    # flanneld's FLANNEL-POSTRTG: -s <Network> ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
    (masq,) = [s for s in trace.steps if s.detail.key == "nf.masq"]
    hit = masq.rules[-1]
    assert hit.chain == "FLANNEL-POSTRTG"
    assert hit.rule.save() == (f"-A FLANNEL-POSTRTG -s {model.cluster.cluster_cidr} ! -d "
                               '224.0.0.0/4 -m comment --comment "flanneld masq" -j '
                               "MASQUERADE --random-fully")
    # The server sees the node's address, not the pod's.
    assert (trace.final_packet.ip.src, trace.final_packet.ip.dst) == (node.ip, SERVER)
    # Out through the underlay router: it forwards between a segment and the wan.
    assert ("underlay", "router") in trace.path
    reply = trace.reply
    assert reply is not None and reply.disposition is Disposition.DELIVERED
    # The reply reaches the node for the node's address; conntrack un-SNATs it
    # to the pod before routing, no rule walked.
    (unsnat,) = [s for s in reply.steps if s.action is Action.CONNTRACK]
    assert unsnat.detail.key == "ct.reply" and unsnat.packet.ip.dst == pod.ip
    assert (reply.final_packet.ip.src, reply.final_packet.ip.dst) == (SERVER, pod.ip)
    assert reply.final_packet.l4.dport == trace.hops[0].steps[0].packet.l4.sport
    assert reply.hops[-1].netns_id.name == pod.key


def test_traffic_inside_the_flannel_network_is_not_masqueraded() -> None:
    model = Model(two_nodes("vxlan"))
    trace = walk_between(model, "pod/web-1", "pod/db-1", port=5432)
    assert not [s for s in trace.steps if s.detail.key == "nf.masq"]
    assert trace.final_packet.ip.src == model.cluster.pod("default/web-1").ip
