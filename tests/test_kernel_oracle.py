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

import pytest

from netmodel.iproute import TABLES
from netmodel.lab.build import Lab
from netmodel.lab.readback import Comparison, compare_state
from netmodel.lab.shell import lab_unavailable
from netmodel.load import parse_spec
from netmodel.model import Model
from netmodel.spec import Backend

from .conftest import TWO_NODES

pytestmark = pytest.mark.kernel


@pytest.fixture(scope="module", params=[b.value for b in Backend])
def compared(request: pytest.FixtureRequest) -> Iterator[list[Comparison]]:
    backend: str = request.param
    prefix = f"nmo-{os.getpid()}-{backend}"
    reason = lab_unavailable(f"{prefix}-probe", tun=backend == Backend.UDP)
    if reason is not None:
        pytest.skip(reason)
    lab = Lab(Model(parse_spec(TWO_NODES.format(backend=backend), "oracle.yaml")),
              prefix=prefix)
    request.addfinalizer(lab.close)
    lab.build()
    try:
        yield compare_state(lab)
    finally:
        lab.close()


def test_every_table_of_every_netns_is_read_back(compared: list[Comparison]) -> None:
    # 3 nodes' worth of netns is not the point: each netns gets every iproute2
    # table, and each node its iptables; an empty comparison list would pass below.
    tables = {c.table for c in compared}
    assert tables == {*TABLES, "iptables"}
    places = {c.netns for c in compared}
    assert {"node-1 · host", "node-2 · host", "node-1 · pod default/web-1",
            "node-2 · pod default/db-1", "underlay · router"} <= places


def test_kernel_prints_what_the_model_prints(compared: list[Comparison]) -> None:
    differ = [c for c in compared if not c.matches]
    assert differ == [], "\n".join(f"{c.netns} ({c.lab_netns}), {c.table}:\n{c.diff()}"
                                   for c in differ)
