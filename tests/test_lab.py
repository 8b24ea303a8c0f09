"""``netmodel lab``: the kernel lab, end to end, on this machine's kernel.

Every spec under diagrams/ is built, read back and replayed, and its committed
replay record (what the site shows per walk) must be exactly what the lab
finds now. The root network namespace must come out of a lab run — also one
that fails half-way — exactly as it went in.

Needs root, iproute2 and iptables; run with ``pytest -m lab``. The lab's
names are checked here too, without root.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any, TypeVar

import pytest

from netmodel.cli import main
from netmodel.lab.build import Lab
from netmodel.lab.flows import LabFlow, external_clients, lab_flows
from netmodel.lab.names import LabNames, lab_prefix
from netmodel.lab.readback import compare_state
from netmodel.lab.replay import Session, replay_connection
from netmodel.lab.shell import LabError, lab_unavailable, netns_exists
from netmodel.lab.verify import record, verify_flows
from netmodel.spec.load import load_spec, parse_spec
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId, NetnsKind
from netmodel.trace.hops import Action, Hop
from netmodel.trace.packet import IPv4
from netmodel.trace.walks import walk_between

F = TypeVar("F", bound=Callable[..., Any])
ROOT = Path(__file__).resolve().parents[1]
DIAGRAMS = ROOT / "diagrams"
SPECS = sorted((DIAGRAMS / "clusters").glob("*.yaml"))


@pytest.fixture(scope="module")
def _lab_possible() -> None:
    reason = lab_unavailable(f"nml-{os.getpid()}-probe", tun=True)
    if reason is not None:
        pytest.skip(reason)


def lab(test: F) -> F:
    """A test that builds labs: ``-m lab``, skipped where no lab can run."""
    return pytest.mark.lab(pytest.mark.usefixtures("_lab_possible")(test))  # type: ignore[no-any-return]


def _lab(spec: Path, prefix: str) -> tuple[Lab, list[LabFlow]]:
    """The lab and flows ``netmodel lab --verify`` would use, under test names."""
    model = Model(load_spec(spec))
    flows = lab_flows(spec, model, ROOT)
    return Lab(model, external_clients(flows), prefix=prefix), flows


@lab
@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_spec_state_and_every_flow_match_the_kernel(spec: Path) -> None:
    lab, flows = _lab(spec, f"nml-{os.getpid()}")
    lab.build()
    try:
        differ = [c for c in compare_state(lab) if not c.matches]
        assert differ == [], "\n".join(f"{c.netns} {c.table}:\n{c.diff()}" for c in differ)
        results = verify_flows(lab, flows)
    finally:
        lab.close()
    assert flows and len(results) == len(flows)
    bad = [(str(r.flow), [a.first_difference() for c in r.connections for a in c.attempts
                          if not a.ok]) for r in results if not r.ok]
    assert bad == []
    # What the site says per walk is what the lab finds today. The record names
    # the kernel it was made on; another release replaying the same walks agrees.
    committed = json.loads((DIAGRAMS / "replays" / f"{spec.stem}.json").read_text())
    fresh = record(results, lab.model, f"clusters/{spec.name}")
    assert {**fresh, "kernel": committed["kernel"]} == committed


@lab
def test_a_wrong_claim_is_reported_with_the_step_and_field() -> None:
    """The comparison can fail: the same real packets against a trace whose
    reply claims one TTL too many on the last hop."""
    spec = DIAGRAMS / "clusters" / "flannel-vxlan.yaml"
    lab, _ = _lab(spec, f"nml-{os.getpid()}-w")
    lab.build()
    try:
        trace = walk_between(lab.model, "pod/web-1", "pod/db-1", port=5432)
        assert trace.reply is not None
        last = trace.reply.hops[-1]
        received = next(s for s in last.steps if s.action is Action.RECEIVE)
        steps = tuple(replace(s, packet=replace(s.packet, ip=IPv4(
            s.packet.ip.src, s.packet.ip.dst, s.packet.ip.ttl + 1)))
            if s.action is Action.RECEIVE else s for s in last.steps)
        wrong = replace(trace, reply=replace(trace.reply, hops=(
            *trace.reply.hops[:-1], Hop(last.node, last.netns, last.netns_id, steps))))
        session = Session(lab)
        try:
            good = replay_connection(session, (trace,))
            bad = replay_connection(session, (wrong,))
        finally:
            session.close()
    finally:
        lab.close()
    assert good.ok
    assert not bad.ok
    difference = bad.attempts[0].first_difference()
    assert difference is not None and "ip.ttl" in difference
    assert f"{Action.RECEIVE} {received.device}" in difference


def _root_netns() -> dict[str, str]:
    """What the lab must never change in this machine's own netns. Only what
    the machine changes on its own is left out: chain counters, and the
    lifetimes a DHCP lease counts down."""
    def run(*argv: str) -> str:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    saved = "\n".join(re.sub(r"\[\d+:\d+\]$", "[-:-]", line)
                      for line in run("iptables-save").splitlines()
                      if not line.startswith("#"))
    addrs = re.sub(r"valid_lft \S+ preferred_lft \S+", "", run("ip", "addr"))
    return {"links": run("ip", "-d", "link"), "addrs": addrs,
            "routes": run("ip", "route", "show", "table", "all"), "rules": run("ip", "rule"),
            "iptables": saved, "netns": run("ip", "netns", "list")}


@lab
def test_the_root_namespace_is_untouched_by_a_full_run_and_a_failed_one(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = _root_netns()
    spec = str(DIAGRAMS / "clusters" / "flannel-udp.yaml")
    assert main(["lab", "--verify", "--root", str(ROOT), spec]) == 0
    assert "flows replayed" in capsys.readouterr().out
    assert _root_netns() == before
    # Half-way: everything exists but the iptables rules (the udp proxies run),
    # then a command fails.
    proxies: list[int] = []
    def fail(self: Lab, node: str) -> None:
        proxies.extend(p.pid for p in self.proxies)
        raise LabError(f"injected failure while programming {node}")
    monkeypatch.setattr(Lab, "_rules", fail)
    assert main(["lab", spec]) == 2
    assert "injected failure" in capsys.readouterr().err
    assert _root_netns() == before
    assert proxies and not [pid for pid in proxies if os.path.exists(f"/proc/{pid}")]


@lab
def test_keep_leaves_the_lab_up_and_destroy_removes_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(DIAGRAMS / "clusters" / "flannel-udp.yaml")
    names = LabNames.of(Model(load_spec(spec)))
    try:
        assert main(["lab", "--keep", spec]) == 0
        assert all(netns_exists(n) for n in names.all)
        # flannel0 outlives the command: its udp proxy holds it open.
        node = names.netns[NetnsId.node("node-1")]
        links = subprocess.run(("ip", "-n", node, "link", "show", "flannel0"),
                               capture_output=True, text=True, check=False)
        assert links.returncode == 0, links.stderr
        assert main(["lab", spec]) == 2  # the kept lab's names are taken
        assert "already exists" in capsys.readouterr().err
    finally:
        assert main(["lab", "--destroy", spec]) == 0
    assert not any(netns_exists(n) for n in names.all)


CLUSTER_NAMES = ["staging-cluster-east-one", "Staging.Cluster.East.Two", "staging-cluster-east",
                 "staging-cluster-eas", "demo", "Demo", "demo-", "de.mo", "de-mo", "a",
                 "A", "a-1b2c3d", "a-n1", "a-rt", "-", "--", "x" * 20, "x" * 21, "x" * 40,
                 "flannel-host-gw-two-segments", "flannel-host-gw-two-segmentz"]


def _with_cluster_name(name: str) -> Model:
    text = (DIAGRAMS / "clusters" / "flannel-udp.yaml").read_text()
    text, n = re.subn(r"(?m)^  name: flannel-udp$", f"  name: '{name}'", text)
    assert n == 1
    return Model(parse_spec(text, "named.yaml"))


def test_lab_prefixes_are_distinct_for_distinct_clusters() -> None:
    prefixes = [lab_prefix(name) for name in CLUSTER_NAMES]
    assert len(set(prefixes)) == len(CLUSTER_NAMES), prefixes
    assert all(re.fullmatch(r"nm-[a-z0-9-]{1,20}", p) for p in prefixes), prefixes
    # plain short names keep the names the docs show (nm-flannel-udp-n1)
    assert lab_prefix("flannel-udp") == "nm-flannel-udp"
    assert lab_prefix("Staging.Cluster.East.Two").startswith("nm-staging-clust-")


def test_one_labs_names_are_never_anothers() -> None:
    """--destroy removes what ``owns`` claims: no lab claims another's netns."""
    labs = [LabNames.of(_with_cluster_name(name)) for name in CLUSTER_NAMES]
    every = [n for names in labs for n in names.all]
    assert len(every) == len(set(every))
    for names in labs:
        assert all(names.owns(n) for n in names.all)
        others = [n for other in labs if other is not names for n in other.all]
        assert not [n for n in others if names.owns(n)], names.prefix


@lab
def test_destroying_one_lab_leaves_a_lab_with_a_similar_name(tmp_path: Path) -> None:
    specs = {}
    for tag, name in (("a", "staging-cluster-east-one"), ("b", "Staging.Cluster.East.Two")):
        text = (DIAGRAMS / "clusters" / "flannel-vxlan.yaml").read_text()
        specs[tag] = tmp_path / f"{tag}.yaml"
        specs[tag].write_text(re.sub(r"(?m)^  name: .*$", f"  name: {name}", text, count=1))
    a = LabNames.of(Model(load_spec(specs["a"])))
    b = LabNames.of(Model(load_spec(specs["b"])))
    made = [a.underlay, *a.netns.values(), b.underlay]
    try:
        for name in made:  # empty netns stand in for built labs: --destroy goes by name
            subprocess.run(("ip", "netns", "add", name), check=True)
        assert main(["lab", "--destroy", str(specs["b"])]) == 0
        assert not netns_exists(b.underlay)
        assert all(netns_exists(n) for n in a.all)
    finally:
        for name in made:
            subprocess.run(("ip", "netns", "del", name), capture_output=True, check=False)


_BUILD_AND_WAIT = """
import sys, time
from netmodel.lab.build import Lab
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
lab = Lab(Model(load_spec(sys.argv[1])))
lab.build()
print("built", flush=True)
time.sleep(600)
"""


def _proxies(names: LabNames) -> list[int]:
    """The udp proxies running in the lab's node netns."""
    pids = []
    for netns_id, name in names.netns.items():
        if netns_id.kind is NetnsKind.NODE and netns_exists(name):
            listed = subprocess.run(("ip", "netns", "pids", name), capture_output=True,
                                    text=True, check=False).stdout.split()
            pids += [int(p) for p in listed if "udp_proxy" in _cmdline(int(p))]
    return pids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
    except (OSError, IndexError):
        return False


def _survivors(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running after up to 5 s (a SIGKILL takes effect
    when the process next runs, and init reaps it after that)."""
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


@lab
def test_a_lab_killed_with_sigkill_leaves_no_udp_proxy_and_a_kept_one_keeps_them() -> None:
    spec = str(DIAGRAMS / "clusters" / "flannel-udp.yaml")
    names = LabNames.of(Model(load_spec(spec)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        child = subprocess.Popen((sys.executable, "-c", _BUILD_AND_WAIT, spec), env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "built"
        proxies = _proxies(names)
        assert len(proxies) == 2  # one per node
        child.kill()  # SIGKILL: no finally, no close()
        child.wait(timeout=10)
        child.stdout.close()
        assert _survivors(proxies) == [], "udp proxies outlived their lab"
        assert main(["lab", "--destroy", spec]) == 0
        # --keep: the CLI exits, the proxies stay (they hold flannel0 up).
        kept = subprocess.run((sys.executable, "-m", "netmodel", "lab", "--keep", spec),
                              env=env, capture_output=True, text=True, timeout=120,
                              check=False)
        assert kept.returncode == 0, kept.stderr
        time.sleep(0.5)
        proxies = _proxies(names)
        assert len(proxies) == 2 and all(_alive(p) for p in proxies)
    finally:
        assert main(["lab", "--destroy", spec]) == 0
    assert _survivors(proxies) == []


def test_the_demo_clusters_scenarios_replay_egress_and_its_host_port() -> None:
    """Without root: the flows --verify replays include the way out and the hostPort
    from outside, from the node and from its pod (the lab test above replays them
    on the kernel)."""
    from netmodel.lab.flows import EXTERNAL_CLIENT, EXTERNAL_SERVER
    from netmodel.state.portmap import pod_mappings
    spec = DIAGRAMS / "clusters" / "two-nodes-vxlan.yaml"
    model = Model(load_spec(spec))
    flows = [str(f.request) for f in lab_flows(spec, model, ROOT)]
    first = next(p for p in model.cluster.pods if not p.host_network)
    egress = [f for f in flows if f.startswith(f"pod/{first.key} → external/{EXTERNAL_SERVER}")]
    assert len(egress) == 1
    mapped = [(p, m) for p in model.cluster.pods for m in pod_mappings(p)]
    assert mapped, "the demo cluster publishes a hostPort"
    for pod, mapping in mapped:
        node = model.cluster.node(pod.node)
        for source in (f"external/{EXTERNAL_CLIENT}", f"node/{node.name}", f"pod/{pod.key}"):
            assert any(f.startswith(f"{source} → ip/{node.ip} port {mapping.host_port}")
                       for f in flows), flows
    assert IPv4Address(EXTERNAL_SERVER) in external_clients(lab_flows(spec, model, ROOT))
