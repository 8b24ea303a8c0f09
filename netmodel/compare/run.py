"""One node's diff, end to end: read the capture, compare, re-trace."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netmodel.capture.node import Capture, load_capture
from netmodel.compare.differences import Difference, compare_node
from netmodel.compare.impact import Impact, retrace
from netmodel.spec.cluster import Cluster
from netmodel.state.model import Model

__all__ = ["NodeDiff", "diff_node"]


@dataclass(frozen=True, slots=True)
class NodeDiff:
    capture: Capture
    differences: tuple[Difference, ...]
    impact: Impact


def diff_node(cluster: Cluster, node: str, path: str | Path) -> NodeDiff:
    modelled = Model(cluster)
    capture = load_capture(path, cluster, node, modelled)
    differences = compare_node(modelled.node_netns(node), modelled.ruleset(node), capture)
    captured = modelled.with_overrides({node: capture.state})
    impact = retrace(cluster, captured, modelled, node, differences)
    return NodeDiff(capture, tuple(differences), impact)
