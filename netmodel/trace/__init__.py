"""Stage 3, the trace: packets walked through the state, hop by hop.

- :mod:`~netmodel.trace.request`: ``WalkRequest``, the question (from, to, port,
  protocol, source port, pinned endpoint) every front end asks.
- :mod:`~netmodel.trace.walks`: the front door (``walk``, ``walk_all``, and the
  keyword forms ``walk_between``, ``all_walks``; ``succeeded`` for exit status).
- :mod:`~netmodel.trace.packet`: headers as frozen values.
- :mod:`~netmodel.trace.hops`: ``Flow``, ``Trace``, ``Hop``, ``Step``, dispositions.
- :mod:`~netmodel.trace.endpoints`: ``pod/NAME``, ``svc/NAME``… resolved against a model.
- :mod:`~netmodel.trace.forwarding`: the kernel's receive/route/transmit loop.
- :mod:`~netmodel.trace.netfilter_walk` and :mod:`~netmodel.trace.hooks`: iptables
  chains at each hook; :mod:`~netmodel.trace.conntrack`: entries and reversal.
- :mod:`~netmodel.trace.tracer`, :mod:`~netmodel.trace.ingress`: a flow and its reply.
- :mod:`~netmodel.trace.fingerprint`: what a kernel replay checks of a trace.

Imports only :mod:`netmodel.state`, :mod:`netmodel.spec` and the shared helpers.
"""
