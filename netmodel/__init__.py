"""netmodel: the data plane of a Kubernetes cluster networked by flannel, derived
from a cluster spec and traced hop by hop.

spec → :func:`load_spec` → :class:`Cluster` → :class:`Model` (kernel state per
netns, derived lazily) → :func:`trace_endpoints` → :class:`Trace`.
"""

from __future__ import annotations

from netmodel.errors import EndpointError, NetmodelError, SpecError
from netmodel.iproute import render_table
from netmodel.load import load_spec, parse_spec
from netmodel.model import Model
from netmodel.spec import Backend, Cluster, Node, Pod
from netmodel.trace import Action, Disposition, Flow, Hop, Step, Trace
from netmodel.tracer import trace, trace_endpoints

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
    "SpecError",
    "Step",
    "Trace",
    "load_spec",
    "parse_spec",
    "render_table",
    "trace",
    "trace_endpoints",
]
__version__ = "0.1.0"
