"""A real node's state in: ``netmodel collect``'s files, parsed into the model's
own values (:mod:`netmodel.state.kernel`, :mod:`netmodel.state.netfilter`).

- :mod:`~netmodel.capture.layout`: which command writes which file, reading a
  capture directory or archive.
- :mod:`~netmodel.capture.collect`: running those commands on a node (or in a
  lab netns).
- :mod:`~netmodel.capture.entries`: reading ``ip -j`` JSON with a line and a
  field for every error.
- one module per table: :mod:`~netmodel.capture.links`,
  :mod:`~netmodel.capture.addrs`, :mod:`~netmodel.capture.routes`,
  :mod:`~netmodel.capture.neigh`, :mod:`~netmodel.capture.fdb`,
  :mod:`~netmodel.capture.iptables`.
- :mod:`~netmodel.capture.node`: a whole capture as a
  :class:`~netmodel.state.observed.NodeState`, its veths paired with the spec's pods.

This stage sits beside ``state``: it may read the spec and the state types; the
tracer never imports it (it only sees a ``NodeState`` handed to the Model).
"""
