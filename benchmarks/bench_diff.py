"""Benchmark ``netmodel diff`` on a node with the iptables-save of 10,000 Services.

Generates a spec of 10 nodes, 2,000 pods in groups of 5 and 10,000 ClusterIP
Services over those groups; writes node-00000's capture from the model's own
state (``iptables-save`` as :func:`~netmodel.state.netfilter.save_text` prints
it, and the ip/bridge tables in iproute2's JSON shape), then perturbs it: a few
KUBE-SERVICES jumps deleted, one endpoint's DNAT pointed elsewhere. Measured
once the generating model is dropped: :func:`netmodel.compare.run.diff_node`
end to end from the spec and the files (its own Model: the model's rules, the
capture parsed, compared, the walks the differences can break re-traced) and
the text. A kernel's iptables-save prints the model's rules byte for byte (the
lab checks it), so a line the model prints is its rule and only the perturbed
lines are parsed, as with a real node's capture.

A script, not a test: it prints the figure next to the issue's target (< 10 s)
and asserts only that the perturbations were found.

    python benchmarks/bench_diff.py [--services 10000] [--out benchmarks/out/diff.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netmodel.capture.layout import FILES
from netmodel.capture.node import load_capture
from netmodel.compare.differences import compare_node
from netmodel.compare.impact import retrace
from netmodel.compare.report import format_diff
from netmodel.compare.run import diff_node
from netmodel.spec.load import load_spec
from netmodel.state.kernel import Netns
from netmodel.state.model import Model
from netmodel.state.netfilter import save_text

TARGET_S = 10.0
NODES, PODS_PER_NODE, GROUP = 10, 200, 5
NODE = "node-00000"


def spec_lines(services: int) -> Iterator[str]:
    pods = NODES * PODS_PER_NODE
    yield "cluster:\n  name: k8s-diff\n  clusterCIDR: 10.128.0.0/9\n"
    yield "  underlay: {cidr: 172.16.0.0/18}\nnodes:\n"
    for i in range(NODES):
        yield f"  - {{name: node-{i:05d}}}\n"
    yield "pods:\n"
    for j in range(pods):
        yield (f"  - {{name: pod-{j:06d}, node: node-{j % NODES:05d}, "
               f"labels: {{app: app-{j // GROUP:05d}}}, "
               "containers: [{name: app, ports: [{containerPort: 8080}]}]}\n")
    yield "services:\n"
    for k in range(services):
        yield (f"  - {{name: svc-{k:05d}, selector: {{app: app-{k % (pods // GROUP):05d}}}, "
               "ports: [{name: http, port: 80, targetPort: 8080}]}\n")


def _json_tables(ns: Netns) -> dict[str, Any]:
    """The model's netns in the shape ip -j / bridge -j print (the fields the
    parsers read)."""
    links = []
    for link in ns.links:
        entry: dict[str, Any] = {"ifindex": link.index, "ifname": link.name, "mtu": link.mtu,
                                 "address": link.mac}
        if link.kind == "loopback":
            entry["link_type"] = "loopback"
        elif link.kind != "ethernet":
            info: dict[str, Any] = {"info_kind": str(link.kind)}
            if link.vxlan is not None:
                vx = link.vxlan
                info["info_data"] = {"id": vx.vni, "local": str(vx.local), "link": vx.dev,
                                     "port": vx.port, "learning": vx.learning}
            if link.master:
                entry["master"] = link.master
                info["info_slave_data"] = {"no": hex(link.port_no or 0),
                                           "hairpin": link.hairpin}
            entry["linkinfo"] = info
        links.append(entry)
    addrs = [{"ifname": a.dev, "addr_info": [{"family": "inet", "local": str(a.ip),
                                              "prefixlen": a.interface.network.prefixlen,
                                              "scope": a.scope}]} for a in ns.addresses]
    routes = []
    for r in ns.routes:
        entry = {"dst": "default" if r.dst.prefixlen == 0 else str(r.dst), "dev": r.dev,
                 "flags": ["onlink"] if r.onlink else []}
        if r.via:
            entry["gateway"] = str(r.via)
        if r.src:
            entry["prefsrc"] = str(r.src)
        if r.proto_kernel:
            entry |= {"protocol": "kernel", "scope": "link"}
        routes.append(entry)
    neigh = [{"dst": str(n.ip), "dev": n.dev, "lladdr": n.mac, "state": [n.state]}
             for n in ns.neighbors]
    fdb = [{"mac": e.mac, "ifname": e.dev, **({"dst": str(e.dst)} if e.dst else {}),
            **({"master": e.master} if e.master else {}),
            "state": "permanent" if e.permanent else ""} for e in ns.fdb]
    return {"links": links, "addrs": addrs, "routes": routes, "neigh": neigh, "fdb": fdb}


def perturb(text: str, deleted: int) -> tuple[str, int]:
    """Delete ``deleted`` Service jumps from KUBE-SERVICES and re-point one DNAT."""
    out, gone, moved = [], 0, False
    for line in text.splitlines():
        if gone < deleted and line.startswith("-A KUBE-SERVICES ") and "KUBE-SVC-" in line:
            gone += 1
            continue
        if not moved and "-j DNAT" in line:
            line, moved = line.replace(":8080", ":8081"), True
        out.append(line)
    return "\n".join(out) + "\n", gone + 2  # a re-pointed DNAT: one missing, one extra


def _phases(cluster: Any, capture: Path) -> dict[str, float]:
    """diff_node's steps one by one, in a fresh Model: CPU seconds each (the
    machine may be shared; wall time is printed for the whole run)."""
    out: dict[str, float] = {}
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        out[name] = round(now - clock, 3)
        clock = now
    modelled = Model(cluster)
    rules = modelled.ruleset(NODE)
    lap("model's rules")
    parsed = load_capture(capture, cluster, NODE, modelled)
    lap("parse capture")
    differences = compare_node(modelled.node_netns(NODE), rules, parsed)
    lap("compare")
    retrace(cluster, modelled.with_overrides({NODE: parsed.state}), modelled, NODE,
            differences)
    lap("re-trace walks")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--deleted", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "diff.yaml"
        spec.write_text("".join(spec_lines(args.services)), encoding="utf-8")
        cluster = load_spec(spec)
        model = Model(cluster)
        capture = Path(tmp) / "capture"
        capture.mkdir()
        tables = _json_tables(model.node_netns(NODE))
        for table, data in tables.items():
            (capture / FILES[table]).write_text(json.dumps(data), encoding="utf-8")
        saved = save_text(model.ruleset(NODE))
        text, expected = perturb(saved, args.deleted)
        (capture / FILES["iptables"]).write_text(text, encoding="utf-8")
        rules = saved.count("\n-A ")
        del model, saved, text  # the diff starts from the spec and the files alone
        started, cpu = time.perf_counter(), time.process_time()
        result = diff_node(cluster, NODE, capture)
        report = format_diff(result.capture, list(result.differences), result.impact)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        phases = _phases(cluster, capture)
    assert len(result.differences) == expected, report
    figures = {"services": args.services, "rules": rules,
               "differences": len(result.differences), "walks": result.impact.walks,
               "broken": len(result.impact.broken), "diff_s": round(elapsed, 3),
               "diff_cpu_s": round(cpu, 3), "phases_s": phases,
               "target_s": TARGET_S, "peak_rss_mib": round(
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
               "python": platform.python_version()}
    print(f"diff of {NODE}: {rules} iptables rules, {len(result.differences)} differences, "
          f"{result.impact.walks} walks re-traced ({len(result.impact.broken)} broken): "
          f"{elapsed:.2f} s wall, {cpu:.2f} s CPU (target < {TARGET_S:g} s)")
    print("  phases (a second run, CPU): " + ", ".join(f"{k} {v:.2f} s"
                                                   for k, v in phases.items()))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
