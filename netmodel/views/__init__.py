"""Views: pure functions from the model (or a trace) to DOT text.

``topology`` (nodes, netns, devices, the underlay), ``path`` (a trace over the
devices it crosses), ``frame`` (the header stack at one step, with sizes) and
``chains`` (the netfilter walk of a Service flow).
"""

from __future__ import annotations

from netmodel.views.chains import chains
from netmodel.views.frame import frame
from netmodel.views.path import path
from netmodel.views.topology import topology

__all__ = ["VIEWS", "chains", "frame", "path", "topology"]

VIEWS = ("topology", "path", "frame", "chains")
