"""``netmodel collect``, ``diff`` and ``trace --state`` against a real kernel.

A spec's cluster is built in the lab and every node collected with the real
tools: diff finds no difference and no walk changes. Then one thing at a time
is broken in a fresh lab (:mod:`netmodel.lab.breaks`): diff names exactly that
object and the component that programs it, every walk it reports as broken is
attributed to it, and ``trace --state`` through the capture gives the outcome
the kernel gives when the walk is replayed (:mod:`netmodel.lab.replay`).

Needs root, iproute2 and iptables; ``pytest -m lab``, one at a time
(``flock /tmp/netmodel-lab.lock``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netmodel.capture.collect import collect, write_capture
from netmodel.cli import main
from netmodel.compare.impact import relevant_walks
from netmodel.compare.run import diff_node
from netmodel.errors import NetmodelError
from netmodel.lab.breaks import BREAKS, apply_break
from netmodel.lab.build import Lab
from netmodel.lab.claims import expected_outcome
from netmodel.lab.replay import Session, replay_connection
from netmodel.lab.shell import lab_unavailable
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId
from netmodel.trace.hops import Disposition, Trace
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import succeeded, walk, walk_all
from netmodel.views.text import format_trace

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "diagrams" / "clusters" / "two-nodes-vxlan.yaml"
SPECS = sorted((ROOT / "diagrams" / "clusters").glob("*.yaml"))
pytestmark = pytest.mark.lab


@pytest.fixture(scope="module", autouse=True)
def _lab_possible() -> None:
    reason = lab_unavailable(f"nmc-{os.getpid()}-probe", tun=True)
    if reason is not None:
        pytest.skip(reason)


def _expected(trace: Trace, lab: Lab) -> str:
    """What the client should see for ``trace``, as the replay reports it."""
    if succeeded(trace):
        return "a reply"
    if trace.disposition is Disposition.DELIVERED:
        return "no reply"  # the request got there, its answer is lost
    return expected_outcome(trace, lab)


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_a_healthy_lab_collects_to_no_difference(spec: Path, tmp_path: Path) -> None:
    model = Model(load_spec(spec))
    lab = Lab(model, (), prefix=f"nmc{os.getpid() % 10000}")
    lab.build()
    try:
        for node in model.cluster.nodes:
            target = tmp_path / node.name
            status = main(["collect", "--netns", lab.lab_name(NetnsId.node(node.name)),
                           "-o", str(target)])
            assert status == 0
            result = diff_node(model.cluster, node.name, target)
            assert result.differences == ()
            assert result.impact.broken == () and result.impact.walks > 0
            # Through the capture, every walk reads as the model's, step by step.
            captured = model.with_overrides({node.name: result.capture.state})
            for request in relevant_walks(model.cluster, node.name, []):
                try:
                    modelled = list(walk_all(model, request))
                except NetmodelError:
                    continue
                observed = list(walk_all(captured, request))
                assert [format_trace(t) for t in observed] == \
                    [format_trace(t) for t in modelled], str(request)
    finally:
        lab.close()


@pytest.mark.parametrize("name", BREAKS)
def test_one_break_is_named_and_trace_state_matches_the_kernel(name: str,
                                                                tmp_path: Path) -> None:
    model = Model(load_spec(SPEC))
    node = "node-2"
    lab = Lab(model, (), prefix=f"nmc{os.getpid() % 10000}")
    lab.build()
    try:
        expected = apply_break(lab, node, name)
        write_capture(collect(lab.lab_name(NetnsId.node(node))), tmp_path / "capture")
        result = diff_node(model.cluster, node, tmp_path / "capture")
        assert len(result.differences) == 1, result.differences
        difference = result.differences[0]
        assert difference.what == expected.what and expected.text in difference.text
        for broken in result.impact.broken:
            assert broken.causes == (difference,), broken
        if name == "mtu":
            # The tracer's packets are small: an MTU alone changes no outcome.
            assert result.impact.broken == ()
            requests = [WalkRequest.of("pod/web-1", "pod/db-1")]
        else:
            assert result.impact.broken
            requests = [WalkRequest.of(b.source, b.destination) for b in result.impact.broken
                        if b.endpoint is None][:3]
            assert requests
        captured = Model(model.cluster, overrides={node: result.capture.state})
        session = Session(lab)
        try:
            for request in requests:
                trace = walk(captured, request)
                outcome = replay_connection(session, (trace,)).attempts[0].outcome
                assert outcome == _expected(trace, lab), (str(request), trace.disposition)
        finally:
            session.close()
    finally:
        lab.close()
