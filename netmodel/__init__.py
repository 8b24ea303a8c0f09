"""netmodel: the data plane of a Kubernetes cluster networked by flannel, derived
from a cluster spec and traced hop by hop.

spec → :func:`load_spec` → :class:`Cluster` → :class:`Model` (kernel state per
netns and iptables rules per node, derived lazily) → :func:`walk_between` →
:class:`Trace` → a view (:mod:`netmodel.views`) → DOT → :func:`render_svg`.
"""

from __future__ import annotations

from netmodel.check import run_check
from netmodel.errors import EndpointError, NetmodelError, SpecError
from netmodel.iproute import render_table
from netmodel.load import load_spec, parse_spec
from netmodel.model import Model
from netmodel.netfilter import Ruleset, restore_text, save_text
from netmodel.render import inline_svg, render_svg
from netmodel.services import Service, ServiceType, TrafficPolicy
from netmodel.spec import Backend, Cluster, Node, Pod
from netmodel.trace import Action, Disposition, Flow, Hop, Step, Trace
from netmodel.tracer import trace, trace_endpoints
from netmodel.walks import all_walks, walk_between

__all__ = [
    "Action",
    "Backend",
    "Cluster",
    "Disposition",
    "EndpointError",
    "Flow",
    "Hop",
    "Model",
    "NetmodelError",
    "Node",
    "Pod",
    "Ruleset",
    "Service",
    "ServiceType",
    "SpecError",
    "Step",
    "Trace",
    "TrafficPolicy",
    "all_walks",
    "inline_svg",
    "load_spec",
    "parse_spec",
    "render_svg",
    "render_table",
    "restore_text",
    "run_check",
    "save_text",
    "trace",
    "trace_endpoints",
    "walk_between",
]
__version__ = "0.1.0"
