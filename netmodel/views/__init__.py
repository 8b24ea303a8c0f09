"""Stage 4, the views: pure functions from the model (or a trace) to DOT text.

``topology`` (nodes, netns, devices, the underlay), ``path`` (one leg of a
walk over the devices it crosses, top to bottom), ``frame`` (the header stack at
one step, with sizes) and ``chains`` (the netfilter walk of a Service flow).
:mod:`~netmodel.views.measure` estimates how wide a label is drawn, so every
shape fits its text; :mod:`~netmodel.views.render` turns DOT into SVG (Graphviz
in WebAssembly, or the system's ``dot``); :mod:`~netmodel.views.text` is
``netmodel trace``'s text and ``--brief`` output.
Their words are :mod:`netmodel.i18n`'s. Imports only earlier stages.

Importing this package is cheap: each view imports graphviz (and the topology
view networkx) when it first draws, so a build that takes every figure from its
cache never loads them. The four names are bound here eagerly, not through a
lazy ``__getattr__``: each shares its module's name, and once the module is
imported the attribute the import system sets on this package would win.
"""

from __future__ import annotations

from netmodel.views.chains import chains
from netmodel.views.frame import frame
from netmodel.views.path import path
from netmodel.views.topology import topology

__all__ = ["VIEWS", "chains", "frame", "path", "topology"]

VIEWS = ("topology", "path", "frame", "chains")
