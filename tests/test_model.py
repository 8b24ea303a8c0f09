"""The Model's caches: they change how much is derived, never what a walk says,
and they die with their Model. Public API only (``netmodel``), except for the
list of flows, which is the lab's own (every fence of the site plus the spec's
generated scenarios)."""

from __future__ import annotations

import gc
import json
from ipaddress import IPv4Address
from pathlib import Path

import pytest

import netmodel
from netmodel.lab.flows import LabFlow, lab_flows
from netmodel.spec.protocol import IpProto
from netmodel.state.netfilter import Rule
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "diagrams" / "clusters").glob("*.yaml"))


def _walk(model: netmodel.Model, flow: LabFlow) -> str:
    """A walk's whole output (both languages), or the error it raises."""
    try:
        trace = walk(model, flow.request)
    except netmodel.NetmodelError as exc:
        return f"error: {exc}"
    return json.dumps([trace.to_json("en"), trace.to_json("zh")], sort_keys=True)


def test_site_has_specs_and_flows() -> None:
    # What the parametrized test below walks: it must not pass over nothing.
    assert len(SPECS) >= 9
    flows = lab_flows(SPECS[0], netmodel.Model(netmodel.load_spec(SPECS[0])), ROOT)
    assert flows


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
@pytest.mark.parametrize("cache_size", [1, 2])  # 1: every netns evicted by the next one
def test_walks_same_for_any_cache_size(spec: Path, cache_size: int) -> None:
    # One model per size, walked in the site's order, as a build walks them: an
    # evicted netns (an external client's, say) must be re-derived the same.
    reference = netmodel.Model(netmodel.load_spec(spec))
    small = netmodel.Model(netmodel.load_spec(spec), cache_size=cache_size)
    flows = lab_flows(spec, reference, ROOT)
    assert flows
    for flow in flows:
        assert _walk(small, flow) == _walk(reference, flow), f"{spec.name}: {flow}"


def _live_after_collect(*kinds: type) -> list[int]:
    """Live instances of each type once the collector has run. Nothing in netmodel
    freezes the heap (``gc.freeze()`` hides objects from ``gc.get_objects()``),
    so the count sees everything; a test in test_load checks it stays so."""
    gc.collect()
    objects = gc.get_objects()
    try:
        return [sum(1 for obj in objects if type(obj) is kind) for kind in kinds]
    finally:
        del objects


@pytest.mark.parametrize(("name", "asked"), [
    # iptables: the chain indexes built for the walk
    ("services-three", WalkRequest("pod/default/client", "svc/default/api", 80, IpProto.TCP)),
    # host-gw: the underlay graph that says which nodes share a segment
    ("flannel-host-gw-two-segments", WalkRequest("pod/web-1", "pod/db-3")),
])
def test_dropped_models_are_collected(name: str, asked: WalkRequest) -> None:
    # mkdocs serve loads a spec again on every edit: the old Cluster and Model,
    # and the rules and indexes derived from them, must go with the last reference.
    spec = ROOT / "diagrams" / "clusters" / f"{name}.yaml"
    for _ in range(20):
        model = netmodel.Model(netmodel.load_spec(spec))
        trace = walk(model, asked)
        assert trace.rules_tested > 0  # the walk went through iptables
        del trace
    assert _live_after_collect(netmodel.Cluster, netmodel.Model) == [1, 1]
    rules = _live_after_collect(Rule)[0]
    del model
    assert _live_after_collect(netmodel.Cluster, netmodel.Model, Rule) == [0, 0, 0]
    assert rules > 0  # the count above counted something


def test_loading_a_spec_frees_garbage_waiting_for_the_collector() -> None:
    # mkdocs keeps its config and plugins in reference cycles: the previous
    # build's (with the Model its plugin held) is garbage only the cyclic
    # collector frees. If loading the next spec froze the heap (gc.freeze(), as
    # it once did), that garbage would live for good and every rebuild of
    # `mkdocs serve` would keep one more Model.
    spec = ROOT / "diagrams" / "clusters" / "two-nodes-vxlan.yaml"
    gc.disable()  # no collection may run between here and the load: it decides
    try:
        cycle: list[object] = [netmodel.Model(netmodel.load_spec(spec))]
        cycle.append(cycle)
        del cycle
        current = netmodel.load_spec(spec)
    finally:
        gc.enable()
    assert _live_after_collect(netmodel.Cluster, netmodel.Model) == [1, 0]
    assert current.nodes


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_a_walk_does_not_depend_on_the_questions_before_it(spec: Path) -> None:
    # The plugin and `netmodel check` ask one Model every walk of a spec, page
    # after page: walked in the opposite order, or each on a Model of its own,
    # every walk must come out the same (an external client named by an earlier
    # question must not answer ARP in a later walk that does not name it).
    forward = netmodel.Model(netmodel.load_spec(spec))
    flows = lab_flows(spec, forward, ROOT)
    ahead = {flow.request: _walk(forward, flow) for flow in flows}
    backward = netmodel.Model(netmodel.load_spec(spec))
    for flow in reversed(flows):
        assert _walk(backward, flow) == ahead[flow.request], f"{spec.name}: {flow}"
        alone = netmodel.Model(netmodel.load_spec(spec))
        assert _walk(alone, flow) == ahead[flow.request], f"{spec.name}: {flow}"


def test_an_external_client_is_on_the_wan_only_for_the_walk_that_names_it() -> None:
    spec = ROOT / "diagrams" / "clusters" / "two-nodes-vxlan.yaml"
    model = netmodel.Model(netmodel.load_spec(spec))
    out = WalkRequest("pod/web-1", "ip/203.0.113.7", 80, IpProto.TCP)
    first = walk(model, out).disposition
    walk(model, WalkRequest("external/203.0.113.7", "node/node-2", 30432, IpProto.TCP))
    assert walk(model, out).disposition is first
    declared = netmodel.Model(netmodel.load_spec(spec))
    declared.declare_clients([IPv4Address("203.0.113.7")])  # as the lab does: it exists
    assert walk(declared, out).disposition is netmodel.Disposition.DELIVERED
