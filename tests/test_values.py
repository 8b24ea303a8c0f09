"""``{{nm …}}``: numbers in prose answered by the model (expected values read from
the model's own state, never typed in)."""

from __future__ import annotations

import pytest

from netmodel.errors import NetmodelError
from netmodel.site.values import answer, find_references, front_matter_spec
from netmodel.spec.load import parse_spec
from netmodel.state.kernel import LinkKind
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId

from .conftest import TWO_NODES

SPEC = TWO_NODES.format(backend="vxlan") + """\
services:
  - {name: db, type: NodePort, selector: {app: db}, ports: [{port: 5432, nodePort: 30432}]}
"""


@pytest.fixture(scope="module")
def model() -> Model:
    text = SPEC.replace("  - name: db-1\n    node: node-2\n",
                        "  - name: db-1\n    node: node-2\n    labels: {app: db}\n")
    return Model(parse_spec(text, "values.yaml"))


def test_mtu_is_the_vxlan_devices_mtu(model: Model) -> None:
    device = model.node_netns("node-1").link(answer(model, "device vxlan"))
    assert device is not None and device.kind is LinkKind.VXLAN
    assert answer(model, "mtu") == str(device.mtu)
    assert int(answer(model, "underlay.mtu")) - int(answer(model, "overhead")) == device.mtu
    assert answer(model, "port vxlan") == str(device.vxlan.port)  # type: ignore[union-attr]


def test_node_and_pod_values_are_the_derived_ones(model: Model) -> None:
    host = model.node_netns("node-2")
    vtep = next(a.ip for a in host.addresses if a.dev == "flannel.1")
    assert answer(model, "node node-2 vtep") == str(vtep)
    pod = model.cluster.pod("default/web-1")
    veth = next(link for link in model.node_netns("node-1").links
                if link.peer_netns == NetnsId.pod("default/web-1"))
    assert answer(model, "pod web-1 veth") == veth.name
    assert answer(model, "pod web-1 ip") == str(pod.ip)


def test_chain_names_are_the_ones_in_the_nodes_rules(model: Model) -> None:
    name = answer(model, "chain svc db")
    assert any(c == name for _, c in model.ruleset("node-1").chains)
    assert answer(model, "svc db nodePort") == "30432"  # as the spec says
    assert answer(model, "probability 3") == "0.3333333333"


@pytest.mark.parametrize(("query", "message"), [
    ("mtu wireguard", "unknown backend 'wireguard'"),  # a backend we do not model
    ("node node-9 ip", "no node 'node-9'"),  # a node the spec lacks
    ("pod web-1 colour", "no 'colour' here"),  # a field pods do not have
    ("port host-gw", "host-gw has no port"),  # host-gw has no tunnel
    ("weather", "not a query the model answers"),
])
def test_bad_queries_say_what_is_wrong(model: Model, query: str, message: str) -> None:
    with pytest.raises(NetmodelError, match=message):
        answer(model, query)


def test_references_and_front_matter_are_found_with_their_lines() -> None:
    text = "---\nnetmodel_spec: clusters/a.yaml\n---\n# T\n\nMTU {{nm mtu}} and {{nm  vni }}.\n"
    assert front_matter_spec(text) == "clusters/a.yaml"
    assert [(line, query) for _, _, line, query in find_references(text)] == [
        (6, "mtu"), (6, "vni")]


def test_mark_and_ports_are_the_ones_the_rules_and_spec_use(model: Model) -> None:
    payload = [r.restore() for r in model.ruleset("node-1").rules if r.chain == "KUBE-MARK-MASQ"]
    assert payload == [f"-A KUBE-MARK-MASQ -j MARK --or-mark {answer(model, 'mark.written')}"]
    saved = [r.save() for r in model.ruleset("node-1").rules if r.chain == "KUBE-MARK-MASQ"]
    mark = answer(model, "mark")
    assert saved == [f"-A KUBE-MARK-MASQ -j MARK --set-xmark {mark}/{mark}"]
    assert int(mark, 16) == 1 << int(answer(model, "mark.bit"))
    web = model.cluster.pod("default/web-1")
    assert answer(model, "pod web-1 port sidecar") == str(web.containers[1].ports[0].container_port)
    assert answer(model, "svc db port") == str(model.cluster.service("default/db").ports[0].port)


def test_host_port_values_are_the_spec_and_the_nodes_portmap_chain() -> None:
    text = SPEC.replace("        ports: [{containerPort: 80}]\n      - name: sidecar",
                        "        ports: [{containerPort: 80, hostPort: 8080}]\n"
                        "      - name: sidecar", 1)
    model = Model(parse_spec(text, "values.yaml"))
    assert answer(model, "pod web-1 hostPort") == "8080"  # as the spec says
    chain = answer(model, "pod web-1 dnChain")
    assert ("nat", chain) in model.ruleset("node-1").chains
    with pytest.raises(NetmodelError, match="no 'hostPort' here"):
        answer(model, "pod web-2 hostPort")
