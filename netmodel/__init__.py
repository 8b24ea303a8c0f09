"""netmodel: the data plane of a Kubernetes cluster networked by flannel, derived
from a cluster spec and traced hop by hop.

One package per stage of the flow, imports running one way only:

    spec/ → state/ → trace/ → views/ → site/ → lab/, with cli.py on top

spec → :func:`load_spec` → :class:`Cluster` → :class:`Model` (kernel state per
netns and iptables rules per node, derived lazily) → :func:`walk` of a
:class:`WalkRequest` →
:class:`Trace` → a view (:mod:`netmodel.views`) → DOT → :func:`render_svg`.

``netmodel.trace`` is the trace stage's package; the single-walk function is
:func:`netmodel.trace.tracer.trace` (or :func:`walk_between`). The names below
are imported when first used, so ``import netmodel`` costs
almost nothing and a front end pays only for the stages it touches.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netmodel.errors import EndpointError, InputError, NetmodelError, SpecError
    from netmodel.site.check import run_check
    from netmodel.spec.cluster import Backend, Cluster, Node, Pod
    from netmodel.spec.load import load_spec, parse_spec
    from netmodel.spec.protocol import IpProto, Protocol
    from netmodel.spec.services import Service, ServiceType, TrafficPolicy
    from netmodel.state.iproute import render_table
    from netmodel.state.model import Model
    from netmodel.state.netfilter import Ruleset, restore_text, save_text
    from netmodel.trace.hops import Action, Disposition, Flow, Hop, Step, Trace
    from netmodel.trace.request import WalkRequest
    from netmodel.trace.tracer import trace_endpoints
    from netmodel.trace.walks import all_walks, walk, walk_all, walk_between
    from netmodel.views.render import inline_svg, render_svg

_HOMES = {
    "Action": "netmodel.trace.hops",
    "Backend": "netmodel.spec.cluster",
    "Cluster": "netmodel.spec.cluster",
    "Disposition": "netmodel.trace.hops",
    "EndpointError": "netmodel.errors",
    "Flow": "netmodel.trace.hops",
    "Hop": "netmodel.trace.hops",
    "IpProto": "netmodel.spec.protocol",
    "InputError": "netmodel.errors",
    "Model": "netmodel.state.model",
    "NetmodelError": "netmodel.errors",
    "Node": "netmodel.spec.cluster",
    "Pod": "netmodel.spec.cluster",
    "Protocol": "netmodel.spec.protocol",
    "Ruleset": "netmodel.state.netfilter",
    "Service": "netmodel.spec.services",
    "ServiceType": "netmodel.spec.services",
    "SpecError": "netmodel.errors",
    "Step": "netmodel.trace.hops",
    "Trace": "netmodel.trace.hops",
    "TrafficPolicy": "netmodel.spec.services",
    "all_walks": "netmodel.trace.walks",
    "inline_svg": "netmodel.views.render",
    "load_spec": "netmodel.spec.load",
    "parse_spec": "netmodel.spec.load",
    "render_svg": "netmodel.views.render",
    "render_table": "netmodel.state.iproute",
    "restore_text": "netmodel.state.netfilter",
    "run_check": "netmodel.site.check",
    "save_text": "netmodel.state.netfilter",
    "trace_endpoints": "netmodel.trace.tracer",
    "WalkRequest": "netmodel.trace.request",
    "walk": "netmodel.trace.walks",
    "walk_all": "netmodel.trace.walks",
    "walk_between": "netmodel.trace.walks",
}

__all__ = [
    "Action",
    "Backend",
    "Cluster",
    "Disposition",
    "EndpointError",
    "Flow",
    "Hop",
    "InputError",
    "IpProto",
    "Model",
    "NetmodelError",
    "Node",
    "Pod",
    "Protocol",
    "Ruleset",
    "Service",
    "ServiceType",
    "SpecError",
    "Step",
    "Trace",
    "TrafficPolicy",
    "WalkRequest",
    "all_walks",
    "inline_svg",
    "load_spec",
    "parse_spec",
    "render_svg",
    "render_table",
    "restore_text",
    "run_check",
    "save_text",
    "trace_endpoints",
    "walk",
    "walk_all",
    "walk_between",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'netmodel' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
