"""Benchmark kube-proxy's side of the model at scale: 10,000 Services, 5 endpoints each.

On the 5,000-node, 150,000-pod cluster of ``bench_core.py``, adds 10,000
ClusterIP Services whose selectors pick 5 pods each (50,000 endpoints), then
measures in a fresh interpreter:

* ``load``      -- ``load_spec`` end to end, selectors resolved to endpoints;
* ``save``      -- one node's ``iptables-save`` text (rules generated and printed);
* ``trace``     -- pod→Service traces through ~10,000 KUBE-SERVICES rules: the first
  (which builds the rule index), then random client/Service pairs, each traced
  cold (the endpoint's node derived on the way) and warm (the same flow again);
* peak RSS of the process (``ru_maxrss``).

A script, not a test: figures are printed next to the issue's targets
(< 10 s, < 2 ms, < 3 GiB) and written as JSON; nothing is asserted.

    python benchmarks/bench_services.py --out benchmarks/out/services.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.state.netfilter import save_text
from netmodel.trace.walks import walk_between

TARGETS = {"save_s": 10.0, "trace_warm_median_ms": 2.0, "peak_rss_mib": 3072.0}
PODS_PER_NODE = 30
ENDPOINTS = 5


def spec_lines(nodes: int, services: int) -> Iterator[str]:
    """Nodes on one /18; pods in groups of ENDPOINTS sharing an app label, one
    Service per group. Pods spread round-robin, so each Service's endpoints sit
    on 5 different nodes."""
    pods = nodes * PODS_PER_NODE
    yield "cluster:\n  name: k8s-services\n  clusterCIDR: 10.128.0.0/9\n"
    yield "  underlay: {cidr: 172.16.0.0/18}\n"
    yield "nodes:\n"
    for i in range(nodes):
        yield f"  - {{name: node-{i:05d}}}\n"
    yield "pods:\n"
    for j in range(pods):
        yield (f"  - {{name: pod-{j:06d}, node: node-{j % nodes:05d}, "
               f"labels: {{app: app-{j // ENDPOINTS:05d}}}, "
               "containers: [{name: app, ports: [{containerPort: 8080}]}]}\n")
    yield "services:\n"
    for k in range(services):
        yield (f"  - {{name: svc-{k:05d}, selector: {{app: app-{k:05d}}}, "
               "ports: [{name: http, port: 80, targetPort: 8080}]}\n")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(spec: Path, traces: int, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    cluster = load_spec(spec)
    load_s = time.perf_counter() - start
    model = Model(cluster)
    node = cluster.nodes[0].name
    start = time.perf_counter()
    text = save_text(model.ruleset(node))
    save_s = time.perf_counter() - start
    rng = random.Random(seed)
    clients = list(cluster.pods_by_node[node])
    start = time.perf_counter()
    first = walk_between(model, f"pod/{clients[0].key}",
                         f"svc/svc-{len(cluster.services) // 2:05d}")
    first_ms = (time.perf_counter() - start) * 1000
    # Cold: the endpoint's node is touched for the first time (its state, 5,000
    # routes, is derived on the way). Warm: the same flow again.
    cold: list[float] = []
    warm: list[float] = []
    delivered = 0
    for _ in range(traces):
        client = f"pod/{rng.choice(clients).key}"
        target = f"svc/svc-{rng.randrange(len(cluster.services)):05d}"
        for sample in (cold, warm):
            start = time.perf_counter()
            trace = walk_between(model, client, target)
            sample.append((time.perf_counter() - start) * 1000)
        delivered += trace.disposition == "DELIVERED"
    return {
        "nodes": len(cluster.nodes), "pods": len(cluster.pods),
        "services": len(cluster.services),
        "endpoints": sum(len(p.endpoints) for s in cluster.services for p in s.ports),
        "load_s": round(load_s, 3), "save_s": round(save_s, 3),
        "save_lines": text.count("\n"), "save_bytes": len(text),
        "first_trace_ms": round(first_ms, 2), "first_trace_rules_tested": first.rules_tested,
        "trace_median_ms": round(statistics.median(warm), 3),
        "trace_p95_ms": round(statistics.quantiles(warm, n=20)[18], 3),
        "cold_trace_median_ms": round(statistics.median(cold), 3),
        "traces": traces, "delivered": delivered,
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--services", type=int, default=10000)
    parser.add_argument("--traces", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netmodel-bench-svc-") as tmp:
        spec = Path(tmp) / "services.yaml"
        with spec.open("w") as out:
            out.writelines(spec_lines(args.nodes, args.services))
        result = measure(spec, args.traces, args.seed)
    result["machine"] = {"python": platform.python_version(),
                         "cpus": len(os.sched_getaffinity(0)), "platform": platform.platform()}
    result["targets"] = TARGETS
    for key, target in TARGETS.items():
        mapped = {"trace_warm_median_ms": "trace_median_ms"}.get(key, key)
        verdict = "ok" if result[mapped] < target else "OVER"
        print(f"{mapped:>20}: {result[mapped]:>10}   target < {target}   {verdict}")
    for key in ("load_s", "save_lines", "first_trace_ms", "first_trace_rules_tested",
                "trace_p95_ms", "cold_trace_median_ms", "endpoints"):
        print(f"{key:>20}: {result[key]:>10}")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
