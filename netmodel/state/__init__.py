"""Stage 2, the state: what each network namespace's kernel holds.

- :mod:`~netmodel.state.netns_id`: which netns (a node's, a pod's, the router's,
  an external client's) as a value; :mod:`~netmodel.state.l2_domain`: which
  broadcast domain (a node's cni0, an underlay segment, the wan).
- :mod:`~netmodel.state.kernel`: links, addresses, routes, neighbours, FDB entries.
- :mod:`~netmodel.state.node_state`: a node's, a pod's, the router's and an
  external client's netns, as the CNI bridge plugin, flanneld and the kernel
  program them; :mod:`~netmodel.state.backends` holds vxlan, host-gw and udp
  behind one interface (``FlannelBackend``: its device, routes, per-lease entries).
- :mod:`~netmodel.state.netfilter`, :mod:`~netmodel.state.kube_proxy`,
  :mod:`~netmodel.state.flannel_iptables`, :mod:`~netmodel.state.node_rules`:
  iptables rules as kube-proxy, kubelet and flanneld write them.
- :mod:`~netmodel.state.routing`: longest-prefix lookups over a netns.
- :mod:`~netmodel.state.model`: the cluster's state, derived lazily per netns;
  every cache lives in the Model, so a dropped Model takes its caches with it.
- :mod:`~netmodel.state.iproute`: the tables printed as ``ip``/``bridge`` print them.
- :mod:`~netmodel.state.topology`, :mod:`~netmodel.state.underlay`: the physical picture.

Imports only :mod:`netmodel.spec` and the shared helpers.
"""
