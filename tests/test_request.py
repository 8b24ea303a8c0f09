"""A walk request is one frozen value, and protocols have one spelling each way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from netmodel.errors import InputError
from netmodel.lab.flows import site_flows
from netmodel.site.fences import find_fences, read_fence
from netmodel.spec.load import load_spec
from netmodel.spec.protocol import TRACEABLE, IpProto, Protocol
from netmodel.state.model import Model
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk, walk_between

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "diagrams" / "clusters" / "services-three.yaml"


@pytest.mark.parametrize(("kind", "ip"), [
    (Protocol.TCP, IpProto.TCP), (Protocol.UDP, IpProto.UDP), (Protocol.SCTP, IpProto.SCTP),
])
def test_kubernetes_and_kernel_spellings_convert_both_ways(kind: Protocol, ip: IpProto) -> None:
    assert kind.ip is ip
    assert ip.kubernetes is kind
    assert str(ip) == str(kind).lower()  # the kernel's spelling is the manifest's, lowered


def test_icmp_has_no_kubernetes_protocol_and_conntrack_numbers_are_ianas() -> None:
    assert IpProto.ICMP.kubernetes is None
    assert [p.number for p in (IpProto.ICMP, IpProto.TCP, IpProto.UDP, IpProto.SCTP)] == \
        [1, 6, 17, 132]


@pytest.mark.parametrize(("kwargs", "option"), [
    ({"proto": "TCPX"}, "proto"),  # a spelling nobody uses
    ({"proto": "sctp"}, "proto"),  # a real protocol the walker does not model
    ({"port": 0}, "port"),
    ({"port": 65536}, "port"),
    ({"sport": 70000}, "sport"),
])
def test_a_bad_request_names_its_option(kwargs: dict[str, object], option: str) -> None:
    with pytest.raises(InputError) as caught:
        WalkRequest.of("pod/a", "pod/b", **kwargs)  # type: ignore[arg-type]
    assert caught.value.option == option


def test_the_cli_spelling_becomes_the_protocol() -> None:
    request = WalkRequest.of("pod/a", "svc/b", proto="udp", port=53)
    assert request.proto is IpProto.UDP
    assert request == WalkRequest("pod/a", "svc/b", 53, IpProto.UDP)
    assert hash(request) == hash(WalkRequest("pod/a", "svc/b", 53, IpProto.UDP))
    assert request.pinned("10.244.1.2:53").endpoint == "10.244.1.2:53"
    assert {str(p) for p in TRACEABLE} == {"tcp", "udp", "icmp"}


def test_a_fence_a_lab_flow_and_the_api_ask_the_same_request() -> None:
    # The fence on the Services page, the lab's flow taken from it, and the API
    # called with the fence's values all hold one WalkRequest, and walk the same.
    page = ROOT / "docs" / "services.md"
    fences = [read_fence(f, str(page)) for f in find_fences(page.read_text(encoding="utf-8"))]
    drawn = [o for o in fences
             if o.request is not None and o.spec.endswith("services-three.yaml")]
    assert drawn
    options = drawn[0]
    assert options.request is not None
    flows = {f.request for f in site_flows(SPEC, ROOT / "docs", ROOT / "diagrams")}
    assert options.request.pinned(None) in flows
    model = Model(load_spec(SPEC))
    asked = options.request
    by_value = walk(model, asked)
    by_args = walk_between(model, asked.source, asked.destination, port=asked.port,
                           proto=None if asked.proto is None else str(asked.proto),
                           endpoint=asked.endpoint)
    assert by_value.to_json() == by_args.to_json()


def test_no_code_lower_or_upper_cases_a_protocol() -> None:
    # One spelling each way: Protocol.ip and IpProto.kubernetes convert, so
    # `protocol.lower()` or `proto.upper()` anywhere is a second spelling.
    found = []
    for source in sorted((ROOT / "netmodel").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("lower", "upper")):
                target = node.func.value
                name = target.attr if isinstance(target, ast.Attribute) else \
                    target.id if isinstance(target, ast.Name) else ""
                if "proto" in name:
                    found.append(f"{source.relative_to(ROOT)}:{node.lineno}")
    assert not found


def test_a_request_built_with_text_holds_the_protocol_itself() -> None:
    # From Python, WalkRequest(..., proto="udp") is as good as IpProto.UDP: the
    # walker compares protocols by identity.
    model = Model(load_spec(SPEC))
    service = next(s for s in model.cluster.services if s.ports)
    port = service.ports[0]
    as_text = WalkRequest(f"pod/{model.cluster.pods[0].key}", f"svc/{service.key}",
                          port.port, str(port.protocol.ip))  # type: ignore[arg-type]
    assert as_text.proto is port.protocol.ip
    as_value = WalkRequest(as_text.source, as_text.destination, port.port, port.protocol.ip)
    assert walk(model, as_text).to_json() == walk(model, as_value).to_json()
    with pytest.raises(InputError) as caught:
        WalkRequest("pod/a", "pod/b", port="80")  # type: ignore[arg-type]
    assert caught.value.option == "port"


@pytest.mark.parametrize("extra", [{"port": 5432}, {"sport": 41000}])
def test_a_ping_refuses_ports(extra: dict[str, int]) -> None:
    model = Model(load_spec(ROOT / "diagrams" / "clusters" / "two-nodes-vxlan.yaml"))
    with pytest.raises(InputError) as caught:
        walk(model, WalkRequest.of("pod/web-1", "pod/db-1", proto="icmp", **extra))
    assert caught.value.option == next(iter(extra))
