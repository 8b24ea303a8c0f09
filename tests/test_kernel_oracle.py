"""The kernel as oracle for the model's printers.

For each backend, the model's derived state of a small cluster is built in real
network namespaces (``kernel_lab.Lab``: every link, address, route, neighbour and
FDB entry comes from the model's own values), read back with iproute2 and
compared with :func:`netmodel.iproute.render_table` line for line, after undoing
only the differences listed in :data:`NORMALISATIONS`.

Needs root and iproute2; run with ``pytest -m kernel tests/test_kernel_oracle.py``.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator

import pytest

from netmodel.iproute import TABLES, render_table
from netmodel.kernel import LinkKind, Netns
from netmodel.load import parse_spec
from netmodel.model import Model
from netmodel.spec import Backend

from .conftest import TWO_NODES
from .kernel_lab import Lab, Normalisation, ReadContext, lab_unavailable, normalise

pytestmark = pytest.mark.kernel

# The shared two-node cluster; its hostNetwork pod has no netns of its own.
SPEC = TWO_NODES
NETNS = ("node-1", "node-2", "default/web-1", "default/web-2", "default/db-1")


def _peer_netns(match: re.Match[str], context: ReadContext) -> str:
    return context.link_netns.get(match[1], match[0].strip())


_NIC = frozenset({LinkKind.ETHERNET})
# What the lab changes, undone on the kernel's text before comparing. Anything not
# listed here must match the model exactly.
NORMALISATIONS: tuple[Normalisation, ...] = (
    # The lab's node eth0 is a veth whose peer is a port of a bridge in the underlay
    # netns; the model's is a physical NIC. So ip(8) shows the veth's peer ifindex…
    Normalisation(frozenset({"links", "addrs"}), _NIC, r"^(\d+: [^:@]+)@if\d+:", r"\1:"),
    # …and the netns that peer lives in…
    Normalisation(frozenset({"links", "addrs"}), _NIC, r" link-netns <underlay>(?= |$)", ""),
    # …and no qdisc (veth is IFF_NO_QUEUE) where a NIC gets net.core.default_qdisc
    # (fq_codel on a systemd node, as the model assumes)…
    Normalisation(frozenset({"links", "addrs"}), _NIC, r" qdisc noqueue ", " qdisc fq_codel "),
    # …and veth's kind line and driver limits: one queue per possible CPU and
    # tso_max_size 524280, where a NIC has its driver's (the model: 1 queue, 65536).
    # So eth0's queue counts and tso_max_size are NOT checked by this test.
    Normalisation(frozenset({"links"}), _NIC,
                  r"maxmtu (\d+) \n    veth addrgenmode (\S+) numtxqueues \d+ numrxqueues \d+ "
                  r"(gso_max_size \d+ gso_max_segs \d+) tso_max_size \d+ ",
                  r"maxmtu \1 addrgenmode \2 numtxqueues 1 numrxqueues 1 \3 tso_max_size 65536 "),
    # Lab netns names: containerd names a pod's netns cni-<uuid> (the model's
    # link_netns), the lab nmo-<pid>-…-pN; and a real node's netns is the unnamed
    # init netns, so from a pod ip(8) prints its nsid, not a name (the nsid itself
    # is the kernel's, read with `ip netns list-id`).
    Normalisation(frozenset({"links", "addrs"}), frozenset({LinkKind.VETH}),
                  r" link-netns (\S+)", lambda m, c: " " + _peer_netns(m, c)),
    # Bridge and port timers run (gc_timer restarts every 300 s, a port's
    # forward_delay_timer runs 15 s after it comes up even with STP off); the model
    # prints them at rest.
    Normalisation(frozenset({"links"}), None, r"(\w+_timer) +\d+\.\d\d ", r"\1    0.00 "),
    # A veth gets one queue per possible CPU of the machine running the lab; the
    # model prints a 2-vCPU node. A no-op on a 2-CPU machine such as CI's.
    Normalisation(frozenset({"links"}), frozenset({LinkKind.VETH}),
                  r"numtxqueues \d+ numrxqueues \d+", "numtxqueues 2 numrxqueues 2"),
    # flannel0 gets this host's net.core.default_qdisc (pfifo_fast without systemd);
    # the model assumes fq_codel. A no-op on a host whose default is fq_codel.
    Normalisation(frozenset({"links", "addrs"}), frozenset({LinkKind.TUN}),
                  r" qdisc <default_qdisc> ", " qdisc fq_codel "),
)
# `ip neigh` walks the neighbour hash table, so its order is the hash's: both sides
# are sorted. `ip route` (FIB trie, key order) and `bridge fdb` (ifindex order, then
# each bridge's newest-first list) are deterministic and compared as printed.
SORTED_TABLES = frozenset({"neigh"})


@pytest.fixture(scope="module", params=[b.value for b in Backend])
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    backend: str = request.param
    prefix = f"nmo-{os.getpid()}-{backend}"
    reason = lab_unavailable(f"{prefix}-probe", tun=backend == Backend.UDP)
    if reason is not None:
        pytest.skip(reason)
    built = Lab(Model(parse_spec(SPEC.format(backend=backend), "oracle.yaml")), prefix)
    request.addfinalizer(built.close)
    try:
        built.build()
        yield built
    finally:
        built.close()


def _netns(lab: Lab, where: str) -> Netns:
    model = lab.model
    if "/" in where:
        return model.pod_netns(model.cluster.pod(where))
    return model.node_netns(where)


def _lines(text: str, table: str) -> list[str]:
    lines = text.splitlines()
    return sorted(lines) if table in SORTED_TABLES else lines


def _diff(expected: list[str], actual: list[str]) -> str:
    # "$" marks line ends: ip route and ip neigh end their lines with a space.
    return "\n".join(difflib.unified_diff([f"{x}$" for x in expected], [f"{x}$" for x in actual],
                                          "model (render_table)", "kernel (normalised)",
                                          lineterm=""))


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("where", NETNS)
def test_kernel_prints_what_the_model_prints(lab: Lab, where: str, table: str) -> None:
    netns = _netns(lab, where)
    kernel = normalise(lab.read(netns, table), table, netns, lab.context(netns),
                       NORMALISATIONS)
    expected, actual = _lines(render_table(netns, table), table), _lines(kernel, table)
    assert actual == expected, (
        f"{lab.model.cluster.backend} {netns} (lab netns {lab.names[netns.id]}), "
        f"table {table}:\n{_diff(expected, actual)}")
