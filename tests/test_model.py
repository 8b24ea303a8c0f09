"""The Model's caches: they change how much is derived, never what a walk says,
and they die with their Model. Public API only (``netmodel``), except for the
list of flows, which is the lab's own (every fence of the site plus the spec's
generated scenarios)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netmodel
from netmodel.lab.flows import LabFlow, lab_flows

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "diagrams" / "clusters").glob("*.yaml"))


def _walk(model: netmodel.Model, flow: LabFlow) -> str:
    """A walk's whole output (both languages), or the error it raises."""
    try:
        trace = netmodel.walk_between(model, flow.source, flow.destination, port=flow.port,
                                      proto=flow.proto)
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
