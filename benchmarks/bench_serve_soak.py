"""Soak ``mkdocs serve``: does memory level off over many edits?

``mkdocs serve`` rebuilds in one process on every change: it loads the config
again (and with it a new plugin) and builds into a temporary directory. This
script does the same in-process on a copy of the site, editing a spec before
each rebuild (its MTU, a new value each time, so the edited spec's figures and
values are computed and drawn afresh, as while an author types),
and reads the process's resident set size after each build.

Target (issue 16): after 100 edits, RSS within 50 MB of where it levelled
after the first 10. Printed, never asserted.

    python benchmarks/bench_serve_soak.py --edits 100 --out benchmarks/out/soak.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = "clusters/flannel-udp.yaml"  # on the flannel page only: a realistic edit


def rss_mb() -> float:
    """Resident set size now, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _figures(cache: Path) -> int:
    """Figures in the plugin's disk cache: each build adds the ones it drew."""
    return len(list(cache.glob("*.svg"))) if cache.is_dir() else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="netmodel-soak-") as tmp:
        site = Path(tmp) / "site-src"
        shutil.copytree(ROOT / "docs", site / "docs")
        shutil.copytree(ROOT / "diagrams", site / "diagrams",
                        ignore=shutil.ignore_patterns("snapshots"))
        shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
        spec = site / "diagrams" / SPEC
        original = spec.read_text(encoding="utf-8")
        out = Path(tmp) / "out"
        samples: list[float] = []
        rendered: list[int] = []
        times: list[float] = []
        for edit in range(args.edits + 1):
            if edit:  # build 0 is the first serve build; then one edit per rebuild
                edited = original.replace("mtu: 1500", f"mtu: {1500 + edit}")
                assert edited != original, f"{SPEC} has no 'mtu: 1500' to edit"
                spec.write_text(edited, encoding="utf-8")
            start = time.perf_counter()
            config = load_config(str(site / "mkdocs.yml"), site_dir=str(out))
            build(config, dirty=False)
            times.append(time.perf_counter() - start)
            drawn = _figures(site / ".netmodel-cache")
            rendered.append(drawn - sum(rendered))
            del config
            gc.collect()
            samples.append(rss_mb())
            print(f"edit {edit:3}: {samples[-1]:7.1f} MB rss, build {times[-1]:.2f} s, "
                  f"{rendered[-1]} diagrams drawn", flush=True)
    level = samples[min(10, len(samples) - 1)]
    final = samples[-1]
    assert all(rendered[1:]), "an edit drew nothing: the soak would measure nothing"
    result = {"edits": args.edits, "drawn_per_build": rendered,
              "rss_mb": [round(s, 1) for s in samples],
              "after_10_mb": round(level, 1), "final_mb": round(final, 1),
              "growth_mb": round(final - level, 1),
              "median_build_s": round(sorted(times)[len(times) // 2], 2)}
    print(f"RSS after 10 edits {level:.1f} MB, after {args.edits}: {final:.1f} MB: "
          f"{final - level:+.1f} MB (target: within 50 MB)")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
