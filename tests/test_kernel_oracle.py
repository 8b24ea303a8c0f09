"""The kernel as oracle for the model's printers.

For each backend, the shared two-node cluster is built in real network
namespaces by :class:`netmodel.lab.build.Lab` (every link, address, route,
neighbour, FDB entry and iptables rule comes from the model's own values), read
back with iproute2 and iptables-save, and compared with what ``netmodel state``
prints, line for line, after undoing only the differences listed in
:data:`netmodel.lab.readback.NORMALISATIONS`.

Needs root and iproute2; run with ``pytest -m kernel tests/test_kernel_oracle.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from netmodel.lab.build import Lab
from netmodel.lab.readback import Comparison, compare_state
from netmodel.lab.shell import lab_unavailable, run
from netmodel.spec.cluster import Backend
from netmodel.spec.load import parse_spec
from netmodel.state.iproute import TABLES
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId

from .conftest import TWO_NODES

pytestmark = pytest.mark.kernel


@dataclass(frozen=True, slots=True)
class ReadBack:
    made: frozenset[str]  # the lab netns the kernel lists, the wires' own excepted
    modelled: frozenset[str]  # the lab netns of the model's netns (nodes, pods, router)
    nodes: frozenset[str]  # the nodes' lab netns
    comparisons: list[Comparison]


@pytest.fixture(scope="module", params=[b.value for b in Backend])
def compared(request: pytest.FixtureRequest) -> Iterator[ReadBack]:
    backend: str = request.param
    prefix = f"nmo-{os.getpid()}-{backend}"
    reason = lab_unavailable(f"{prefix}-probe", tun=backend == Backend.UDP)
    if reason is not None:
        pytest.skip(reason)
    lab = Lab(Model(parse_spec(TWO_NODES.format(backend=backend), "oracle.yaml")),
              prefix=prefix)
    lab.build()  # on failure it removes what it made
    try:
        listed = run("ip", "netns", "list").split()
        made = frozenset(n for n in listed if lab.names.owns(n)) - {lab.names.underlay}
        nodes = frozenset(lab.lab_name(NetnsId.node(n.name)) for n in lab.model.cluster.nodes)
        yield ReadBack(made, frozenset(lab.names.netns.values()), nodes, compare_state(lab))
    finally:
        lab.close()


def test_every_table_of_every_netns_is_read_back(compared: ReadBack) -> None:
    """Every netns the kernel lists for the lab is compared, table by table (an
    empty or partial comparison would make the next test pass for nothing)."""
    pairs = {(c.lab_netns, c.table) for c in compared.comparisons}
    assert compared.made == compared.modelled and compared.nodes < compared.made
    assert pairs == ({(ns, t) for ns in compared.made for t in TABLES}
                     | {(ns, "iptables") for ns in compared.nodes})


def test_kernel_prints_what_the_model_prints(compared: ReadBack) -> None:
    differ = [c for c in compared.comparisons if not c.matches]
    assert differ == [], "\n".join(f"{c.netns} ({c.lab_netns}), {c.table}:\n{c.diff()}"
                                   for c in differ)
