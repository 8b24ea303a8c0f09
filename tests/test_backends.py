"""flannel's backends behind one interface: each says what it programs and what
it costs, and a node's derived state is exactly what its backend says."""

from __future__ import annotations

import pytest

from netmodel.spec.cluster import Backend
from netmodel.state.backends import FlannelBackend, backend_for, pod_mtu
from tests.conftest import two_nodes


@pytest.mark.parametrize("kind", list(Backend))  # every backend flannel has
def test_backend_for_gives_an_implementation_of_its_own_kind(kind: Backend) -> None:
    backend: FlannelBackend = backend_for(kind)
    assert backend.kind is kind
    # an encapsulating backend has a device and a port; host-gw has neither
    assert (backend.device_name is None) == (kind.overhead == 0) == (backend.port is None)


@pytest.mark.parametrize("kind", list(Backend))
def test_node_holds_the_backends_device_routes_and_remote_entries(kind: Backend) -> None:
    from netmodel.state.model import Model

    model = Model(two_nodes(str(kind)))
    cluster = model.cluster
    node, remote = cluster.nodes
    host = model.node_netns(node.name)
    backend = backend_for(kind)
    own = backend.device(node, cluster.underlay.mtu, 3)
    names = [link.name for link in host.links]
    if own is None:
        assert backend.device_name not in names
    else:
        link, address = own
        assert link.name == backend.device_name
        assert host.link(link.name) == link
        assert address in host.addresses
        assert link.mtu == pod_mtu(kind, cluster.underlay.mtu)
    for route in backend.network_routes(cluster.cluster_cidr):
        assert route in host.routes
    entries = backend.remote_entries(node, remote, True)
    for route in entries.routes:
        assert route in host.routes
    for neighbor in entries.neighbors:
        assert neighbor in host.neighbors
    for fdb in entries.fdb:
        assert fdb in host.fdb
