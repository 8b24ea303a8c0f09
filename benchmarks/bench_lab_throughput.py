"""TCP throughput between the same two pods under each flannel backend, on a
real kernel over veth pairs (not a NIC), in the kernel lab.

For host-gw, vxlan and udp the demo cluster (``diagrams/clusters/flannel-*.yaml``:
web-1 on node-1, db-1 on node-2) is built with ``netmodel lab``'s builder; a
receiver in db-1 and a sender in web-1 (one Python process each, 256 KiB
writes) run for ``--seconds`` (at most 5), ``--repeat`` times; the median is
reported, and each backend as a ratio to host-gw. Needs root.

What it measures: the per-packet work each backend adds in the kernel (vxlan's
encapsulation, 50 bytes less MTU) or in userspace (udp: every packet through a
TUN device and a proxy process — here the lab's Python stand-in for flanneld's
C proxy, so the udp figure is a floor, not flanneld's). What it does not: a NIC,
its offloads, a wire, or other traffic. The figures are printed, never asserted.

    python benchmarks/bench_lab_throughput.py --out benchmarks/out/lab-throughput.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from netmodel.lab.build import Lab
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.state.netns_id import NetnsId

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("host-gw", "vxlan", "udp")
PORT = 5201

RECEIVER = """
import socket, sys, time
server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", int(sys.argv[1]))); server.listen(1)
print("ready", flush=True)
conn, _ = server.accept(); buf = bytearray(1 << 18); total = 0
start = time.monotonic()
while (n := conn.recv_into(buf)):
    total += n
print(total, time.monotonic() - start, flush=True)
"""
SENDER = """
import socket, sys, time
sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))
data = bytes(1 << 18); end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    sock.sendall(data)
sock.close()
"""


def run_once(lab: Lab, seconds: float) -> float:
    """Bytes per second from web-1 to db-1."""
    model = lab.model
    client = lab.lab_name(NetnsId.pod("default/web-1"))
    server = lab.lab_name(NetnsId.pod("default/db-1"))
    target = str(model.cluster.pod("default/db-1").ip)
    receiver = subprocess.Popen(("ip", "netns", "exec", server, sys.executable, "-c", RECEIVER,
                                 str(PORT)), stdout=subprocess.PIPE, text=True)
    assert receiver.stdout is not None
    assert receiver.stdout.readline().strip() == "ready"
    subprocess.run(("ip", "netns", "exec", client, sys.executable, "-c", SENDER, target,
                    str(PORT), str(seconds)), check=True, timeout=seconds + 30)
    total, elapsed = receiver.communicate(timeout=30)[0].split()
    return int(total) / float(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    seconds = min(args.seconds, 5.0)
    results: dict[str, dict[str, Any]] = {}
    for backend in BACKENDS:
        model = Model(load_spec(ROOT / "diagrams" / "clusters" / f"flannel-{backend}.yaml"))
        lab = Lab(model, prefix=f"nmb-{os.getpid()}")
        lab.build()
        try:
            rates = [run_once(lab, seconds) for _ in range(args.repeat)]
        finally:
            lab.close()
        results[backend] = {"median_gbit_s": statistics.median(rates) * 8 / 1e9,
                            "runs_gbit_s": [r * 8 / 1e9 for r in rates]}
    base = results["host-gw"]["median_gbit_s"]
    for backend in BACKENDS:
        results[backend]["ratio_to_host_gw"] = results[backend]["median_gbit_s"] / base
        print(f"{backend:8} {results[backend]['median_gbit_s']:8.2f} Gbit/s  "
              f"{results[backend]['ratio_to_host_gw']:6.1%} of host-gw  "
              f"(runs: {', '.join(f'{r:.2f}' for r in results[backend]['runs_gbit_s'])})")
    report = {"kernel": platform.release(), "cpus": os.cpu_count(), "seconds": seconds,
              "repeat": args.repeat, "backends": results}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
