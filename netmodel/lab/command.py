"""``netmodel lab``: build specs' clusters in namespaces, prove state and traces.

Prints as it goes (a lab takes seconds); writes a replay record only when
asked and only after every flow of that spec was replayed. Exit status: 0 when
everything matches, 1 when the kernel and the model differ, 2 for bad input or
a machine that cannot run the lab.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netmodel.lab.build import Lab, destroy
from netmodel.lab.flows import external_clients, lab_flows
from netmodel.lab.names import lab_prefix
from netmodel.lab.readback import FDB_ORDER_IGNORED, IPTABLES_IGNORED, NORMALISATIONS, compare_state
from netmodel.lab.replay import Attempt
from netmodel.lab.shell import LabError, lab_unavailable
from netmodel.lab.verify import (
    REPLAYS,
    FlowResult,
    kernel_release,
    record,
    verify_flows,
    write_record,
)
from netmodel.spec.cluster import Backend
from netmodel.spec.load import load_spec
from netmodel.state.model import Model

__all__ = ["add_parser", "run_lab"]


def add_parser(sub: Any) -> None:
    """Add the ``lab`` subcommand to ``netmodel``'s subparsers."""
    lab = sub.add_parser(
        "lab", help="build a spec's cluster in Linux network namespaces (root) and prove "
        "the model's state and traces against the kernel",
        description="Builds each SPEC's cluster, from the model's own state, in network "
        "namespaces named nm-<cluster>-n1… (nodes), -p1… (pods), -rt (router), -x1… (external "
        "clients) and -ul (the wires), where a cluster name longer than 20 characters or not "
        "plain [a-z0-9-] is shortened and followed by a hash of it, so no two clusters' labs "
        "share a name; compares what ip, bridge and iptables-save print there "
        "with `netmodel state`; with --verify, replays every flow the site and the spec's "
        "scenarios use and compares the captured headers with the trace, step by step.")
    lab.add_argument("specs", nargs="+", metavar="SPEC", help="cluster spec(s) (YAML)")
    lab.add_argument("--verify", action="store_true", help="replay flows and compare every "
                     "capture with the model's trace")
    lab.add_argument("--keep", action="store_true", help="leave the lab up for inspection "
                     "(one SPEC only; remove it with --destroy)")
    lab.add_argument("--destroy", action="store_true", help="remove a lab left up by --keep "
                     "(or by a crash) and exit")
    lab.add_argument("--record", action="store_true", help="with --verify: write "
                     "diagrams/replays/<spec>.json, which the site shows per walk")
    lab.add_argument("--root", default=".", help="the project whose docs/ and diagrams/ "
                     "name the site's flows (default: here)")


def run_lab(args: argparse.Namespace, out: Callable[[str], None] = print) -> int:
    if args.keep and len(args.specs) > 1:
        raise LabError("--keep takes one SPEC (each lab stays up under its own names)")
    if args.record and not args.verify:
        raise LabError("--record needs --verify")
    models = [(Path(spec), Model(load_spec(spec))) for spec in args.specs]
    if args.destroy:
        for path, model in models:
            gone = destroy(model)
            out(f"{path}: removed {len(gone)} lab namespace(s) "
                f"{lab_prefix(model.cluster.name)}-*")
        return 0
    needs_tun = any(m.cluster.backend is Backend.UDP for _, m in models)
    reason = lab_unavailable(f"nm-probe-{id(args) % 100000}", tun=needs_tun)
    if reason is not None:
        raise LabError(f"the lab cannot run here: {reason}")
    status = 0
    for path, model in models:
        status = max(status, _one(path, model, args, out))
    return status


def _one(path: Path, model: Model, args: argparse.Namespace,
         out: Callable[[str], None]) -> int:
    root = Path(args.root)
    diagrams = root / "diagrams"
    flows = lab_flows(path, model, root) if args.verify else []
    lab = Lab(model, external_clients(flows))
    started = time.monotonic()
    lab.build()
    status = 0
    try:
        out(f"{path}: lab {lab.names.prefix} built in {time.monotonic() - started:.1f} s: "
            f"{len(lab.names.netns)} netns ({model.cluster.backend}, {kernel_release()})")
        comparisons = compare_state(lab)
        differ = [c for c in comparisons if not c.matches]
        out(f"  state: {len(comparisons)} tables read back, "
            f"{len(comparisons) - len(differ)} match the model")
        for comparison in differ:
            status = 1
            out(f"  DIFFERS {comparison.netns} ({comparison.lab_netns}), "
                f"{comparison.table}:")
            out("    " + comparison.diff().replace("\n", "\n    "))
        out("  not compared (the lab's or the kernel's own, listed in "
            "netmodel/lab/readback.py):\n" + "\n".join(
                f"    - {why}" for why in [n.why for n in NORMALISATIONS]
                + [FDB_ORDER_IGNORED, IPTABLES_IGNORED]))
        if args.verify:
            started = time.monotonic()
            results = verify_flows(lab, flows)
            matched = sum(r.ok for r in results)
            out(f"  traces: {len(results)} flows replayed in "
                f"{time.monotonic() - started:.1f} s, {matched} match the model")
            for line in flow_table(results):
                out("    " + line)
            if matched != len(results):
                status = 1
            if args.record:
                target = diagrams / REPLAYS / f"{path.stem}.json"
                spec_name = path.resolve().relative_to(diagrams.resolve()).as_posix() \
                    if path.resolve().is_relative_to(diagrams.resolve()) else path.name
                write_record(target, record(results, model, spec_name))
                out(f"  record: {target}")
        if args.keep:
            lab.detach()
            out(f"  kept: ip netns list | grep {lab.names.prefix}-   "
                f"(remove: netmodel lab --destroy {path})")
    finally:
        lab.close()
    return status


def flow_table(results: list[FlowResult]) -> list[str]:
    """One line per distinct trace replayed: the claims checked, then match or
    the first difference."""
    rows = [("", "flow", "endpoint", "request", "reply", "client", "")]
    for result in results:
        if result.error is not None:
            rows.append(("✗", str(result.flow), "", "", "", "", result.error))
            continue
        for number, connection in enumerate(result.connections):
            seen: dict[str, Attempt] = {}
            for attempt in connection.attempts:
                seen.setdefault(f"{attempt.endpoint}{attempt.ok}", attempt)
            name = str(result.flow) if number == 0 else "  └ proxy → backend"
            for attempt in seen.values():
                reply = attempt.reply
                rows.append(("✓" if attempt.ok else "✗", name, attempt.endpoint or "-",
                             f"{attempt.request.matched}/{attempt.request.claims}",
                             f"{reply.matched}/{reply.claims}" if reply else "-",
                             attempt.outcome, attempt.first_difference() or ""))
                name = ""
            missing = set(connection.endpoints_listed) - set(connection.endpoints_reached)
            if missing and all(a.ok for a in connection.attempts):
                rows.append(("✗", "", ", ".join(sorted(missing)), "", "", "",
                             f"never reached in {len(connection.attempts)} attempts"))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:6])).rstrip()
            + (f"  {row[6]}" if row[6] else "") for row in rows]
