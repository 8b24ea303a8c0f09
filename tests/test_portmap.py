"""hostPort: portmap's rules against the plugin's own tests, validation, and walks."""

from __future__ import annotations

import shlex
from ipaddress import IPv4Address

import pytest

from netmodel.errors import SpecError
from netmodel.spec.addressing import sandbox_id
from netmodel.spec.load import parse_spec
from netmodel.spec.protocol import IpProto
from netmodel.state.model import Model
from netmodel.state.netfilter import save_text
from netmodel.state.portmap import PortMapping, dnat_chain, dnat_rules, pod_mappings
from netmodel.trace.hops import Disposition
from netmodel.trace.walks import walk_between

# containernetworking/plugins plugins/meta/portmap/portmap_iptables_test.go,
# "generates a correct standard container chain": its inputs and expectations.
UPSTREAM_ID = ("icee6giejonei6sohng6ahngee7laquohquee9shiGo7fohferakah3Feiyoolu2pei7ciPhoh7"
               "shaoX6vai3vuf0ahfaeng8yohb9ceu0daez5hashee8ooYai5wa3y")

SPEC = """
cluster: {name: hp, underlay: {cidr: 192.168.56.0/24}}
nodes: [{name: node-1, ip: 192.168.56.11}, {name: node-2, ip: 192.168.56.12}]
pods:
  - name: web-1
    node: node-1
    containers:
      - name: nginx
        ports:
          - {containerPort: 80, hostPort: 8080}
          - {containerPort: 443, hostPort: 8443, hostIP: 192.168.56.11}
  - {name: client, node: node-2}
  - name: exporter
    node: node-2
    hostNetwork: true
    containers: [{name: e, ports: [{containerPort: 9100}]}]
"""


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(parse_spec(SPEC, "hp.yaml"))


@pytest.mark.parametrize(("network", "chain"), [
    ("testNetName", "CNI-DN-bfd599665540dd91d5d28"),  # genDnatChain(netName, containerID)
    ("test", "CNI-DN-67e92b96e692a494b6b85"),  # genDnatChain(conf.Name, containerID)
])
def test_dnat_chain_names_match_portmaps_tests(network: str, chain: str) -> None:
    assert dnat_chain(UPSTREAM_ID, network) == chain


def test_dnat_rules_match_portmaps_fill_dnat_rules_test() -> None:
    tcp, udp = IpProto.TCP, IpProto.UDP
    # The test's IPv4 entries; its two IPv6 hostIPs are left out (the model is
    # IPv4 only), so the tcp entry rule lists 8080,8081,8083,8084, not also 8085,8086.
    mappings = (PortMapping(8080, 80, tcp, None), PortMapping(8081, 80, tcp, None),
                PortMapping(8080, 81, udp, None), PortMapping(8082, 82, udp, None),
                PortMapping(8083, 83, tcp, IPv4Address("192.168.0.2")),
                PortMapping(8084, 84, tcp, IPv4Address("0.0.0.0")))
    entries, rules = dnat_rules(UPSTREAM_ID, IPv4Address("10.0.0.2"), 24, mappings, "test")
    comment = f'dnat name: "test" id: "{UPSTREAM_ID}"'
    chain = "CNI-DN-67e92b96e692a494b6b85"
    assert [shlex.split(r.restore()) for r in entries] == [
        ["-A", "CNI-HOSTPORT-DNAT", "-m", "comment", "--comment", comment, "-m", "multiport",
         "-p", "tcp", "--destination-ports", "8080,8081,8083,8084", "-j", chain],
        ["-A", "CNI-HOSTPORT-DNAT", "-m", "comment", "--comment", comment, "-m", "multiport",
         "-p", "udp", "--destination-ports", "8080,8082", "-j", chain],
    ]
    expected = []
    for proto, port, to, dst in (("tcp", 8080, 80, None), ("tcp", 8081, 80, None),
                                 ("udp", 8080, 81, None), ("udp", 8082, 82, None),
                                 ("tcp", 8083, 83, "192.168.0.2"), ("tcp", 8084, 84, None)):
        base = ["-p", proto, "--dport", str(port), *(["-d", dst] if dst else [])]
        expected += [[*base, "-s", "10.0.0.2/24", "-j", "CNI-HOSTPORT-SETMARK"],
                     [*base, "-s", "127.0.0.1", "-j", "CNI-HOSTPORT-SETMARK"],
                     [*base, "-j", "DNAT", "--to-destination", f"10.0.0.2:{to}"]]
    assert [shlex.split(r.restore())[2:] for r in rules] == expected
    assert {r.chain for r in rules} == {chain}


def test_node_iptables_holds_portmaps_chains_as_iptables_save_prints_them(model: Model) -> None:
    pod = model.cluster.pod("default/web-1")
    chain = dnat_chain(sandbox_id(pod.key))
    lines = save_text(model.ruleset("node-1")).splitlines()
    nat = lines[lines.index("*nat"):]
    # The jump to CNI-HOSTPORT-MASQ is prepended: first in POSTROUTING.
    post = [line for line in nat if line.startswith("-A POSTROUTING")]
    assert post[0] == ('-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" '
                       "-j CNI-HOSTPORT-MASQ")
    # The DNAT jumps are appended: after kube-proxy's KUBE-SERVICES.
    for hook in ("PREROUTING", "OUTPUT"):
        jumps = [line for line in nat if line.startswith(f"-A {hook} ")]
        assert jumps[-1] == f"-A {hook} -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT"
        assert "KUBE-SERVICES" in jumps[0]
    assert ("-A CNI-HOSTPORT-SETMARK -m comment --comment \"CNI portfwd masquerade mark\" "
            "-j MARK --set-xmark 0x2000/0x2000") in nat
    assert "-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE" in nat
    assert (f'-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: '
            f'\\"{sandbox_id(pod.key)}\\"" -m multiport --dports 8080,8443 -j {chain}') in nat
    own = [line for line in nat if line.startswith(f"-A {chain} ")]
    net = model.cluster.node("node-1").pod_cidr
    assert own[:3] == [
        f"-A {chain} -s {net} -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK",
        f"-A {chain} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK",
        f"-A {chain} -p tcp -m tcp --dport 8080 -j DNAT --to-destination {pod.ip}:80"]
    assert own[5] == (f"-A {chain} -d 192.168.56.11/32 -p tcp -m tcp --dport 8443 -j DNAT "
                      f"--to-destination {pod.ip}:443")
    assert f":{chain} - [0:0]" in nat


def test_a_node_without_host_ports_has_no_portmap_rules(model: Model) -> None:
    # node-2's hostNetwork pod has a hostPort (defaulted) but no CNI call.
    assert pod_mappings(model.cluster.pod("default/exporter")) == ()
    assert "CNI-" not in save_text(model.ruleset("node-2"))


def test_sandbox_ids_have_containerds_form_and_differ_per_pod() -> None:
    one, two = sandbox_id("default/a"), sandbox_id("default/b")
    assert len(one) == 64 and int(one, 16) >= 0 and one != two
    assert sandbox_id("default/a") == one


def test_external_client_reaches_the_pod_through_the_host_port(model: Model) -> None:
    node = model.cluster.node("node-1")
    pod = model.cluster.pod("default/web-1")
    trace = walk_between(model, "external/203.0.113.7", "node/node-1", port=8080)
    assert trace.disposition is Disposition.DELIVERED
    final = trace.final_packet
    assert (final.ip.src, final.ip.dst, final.l4.dport) == (
        IPv4Address("203.0.113.7"), pod.ip, 80)  # DNATed, the client's address kept
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    back = trace.reply.final_packet
    assert (back.ip.src, back.l4.sport, back.ip.dst) == (node.ip, 8080,
                                                         IPv4Address("203.0.113.7"))


def test_the_node_reaches_its_own_host_port_through_nat_output(model: Model) -> None:
    node = model.cluster.node("node-1")
    pod = model.cluster.pod("default/web-1")
    trace = walk_between(model, "node/node-1", f"ip/{node.ip}", port=8080)
    assert trace.disposition is Disposition.DELIVERED
    assert (trace.final_packet.ip.dst, trace.final_packet.l4.dport) == (pod.ip, 80)
    assert any(s.detail.key == "nf.dnat.hostport" and "OUTPUT" in s.detail.render("en")
               for s in trace.steps)
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED
    assert (trace.reply.final_packet.ip.src, trace.reply.final_packet.l4.sport) == (node.ip, 8080)


def test_host_ip_limits_the_port_to_that_address(model: Model) -> None:
    pod = model.cluster.pod("default/web-1")
    via = walk_between(model, "external/203.0.113.7", "node/node-1", port=8443)
    assert (via.final_packet.ip.dst, via.final_packet.l4.dport) == (pod.ip, 443)


def test_the_pod_reaching_its_own_host_port_is_hairpin_masqueraded(model: Model) -> None:
    pod = model.cluster.pod("default/web-1")
    gateway = next(a.ip for a in model.node_netns("node-1").addresses if a.dev == "cni0")
    trace = walk_between(model, "pod/web-1", "ip/192.168.56.11", port=8080)
    assert trace.disposition is Disposition.DELIVERED
    # CNI-HOSTPORT-SETMARK marked it; CNI-HOSTPORT-MASQ masqueraded it to cni0's address.
    assert (trace.final_packet.ip.src, trace.final_packet.ip.dst) == (gateway, pod.ip)
    assert trace.reply is not None and trace.reply.disposition is Disposition.DELIVERED


BAD = [
    # out of range, as validateContainerPorts says
    ("ports: [{containerPort: 80, hostPort: 0}]", "hostPort", "expected"),
    ("ports: [{containerPort: 80, hostPort: 70000}]", "hostPort", "expected"),
    # hostIP without hostPort means nothing
    ("ports: [{containerPort: 80, hostIP: 192.168.56.11}]", "hostIP", "only with hostPort"),
    # AccumulateUniqueHostPorts: protocol/hostIP/port once per pod
    ("ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81, hostPort: 8080}]",
     "hostPort", "Duplicate value: 'TCP//8080'"),
]


@pytest.mark.parametrize(("ports", "field", "message"), BAD)
def test_bad_host_ports_are_rejected_as_the_api_server_does(ports: str, field: str,
                                                            message: str) -> None:
    text = ("nodes: [{name: n1}]\npods:\n  - name: p\n    node: n1\n"
            f"    containers: [{{name: c, {ports}}}]\n")
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "bad.yaml")
    assert caught.value.field.endswith(field) and message in str(caught.value), caught.value


def test_host_network_host_port_must_match_the_container_port() -> None:
    text = ("nodes: [{name: n1}]\npods:\n  - {name: p, node: n1, hostNetwork: true,\n"
            "     containers: [{name: c, ports: [{containerPort: 80, hostPort: 81}]}]}\n")
    with pytest.raises(SpecError, match="must match containerPort 80 when hostNetwork"):
        parse_spec(text, "bad.yaml")


@pytest.mark.parametrize(("first", "second", "clash"), [
    ("", "", True),  # both on every address
    ("hostIP: 192.168.56.2", "", True),  # one address against every address
    ("hostIP: 192.168.56.2", "hostIP: 192.168.56.2", True),  # the same address
    ("hostIP: 192.168.56.2", "hostIP: 127.0.0.1", False),  # two addresses: both fit
    ("", "protocol: UDP", False),  # another protocol
])
def test_two_pods_on_one_node_cannot_share_a_host_port(first: str, second: str,
                                                       clash: bool) -> None:
    def pod(name: str, extra: str) -> str:
        sep = ", " if extra else ""
        return (f"  - {{name: {name}, node: n1, containers: [{{name: c, ports: "
                f"[{{containerPort: 80, hostPort: 8080{sep}{extra}}}]}}]}}\n")
    text = "nodes: [{name: n1}, {name: n2}]\npods:\n" + pod("a", first) + pod("b", second)
    if not clash:
        parse_spec(text, "ok.yaml")
        return
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "bad.yaml")
    assert caught.value.field == "pods[1].containers[0].ports[0].hostPort"
    assert "already held on node n1 by pod default/a" in str(caught.value)
    # On another node the same port is free.
    parse_spec(text.replace("{name: b, node: n1", "{name: b, node: n2"), "ok.yaml")
