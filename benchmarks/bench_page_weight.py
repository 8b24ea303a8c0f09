"""What the figures weigh on each page of the built site.

Builds the site (a real ``mkdocs build`` into a temporary directory) and prints,
per page: the whole HTML; the inline SVG; the step lists; the walk data the
step player reads (the JSON in ``script.nm-data``); and the page's own style
and script. The target from issue #13, printed and never asserted: the walk data
plus the script add no more than about 100 KB to any page.

    python benchmarks/bench_page_weight.py [--out benchmarks/out/page_weight.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = {
    "svg": re.compile(r"<svg[^>]*netmodel-diagram.*?</svg>", re.S),
    "steps": re.compile(r'<ol class="nm-steps".*?</ol>', re.S),
    "data": re.compile(r'<script type="application/json" class="nm-data">.*?</script>', re.S),
}
_SCRIPT = re.compile(r"<script>.*?</script>", re.S)


def weigh(site: Path) -> dict[str, dict[str, int]]:
    out = {}
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        row = {"page": len(html.encode())}
        for name, pattern in PARTS.items():
            row[name] = sum(len(m.encode()) for m in pattern.findall(html))
        row["script"] = sum(len(m.encode()) for m in _SCRIPT.findall(html) if "nm-walk" in m)
        out[str(page.parent.relative_to(site)) or "."] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--site", type=Path, help="weigh this built site instead of building")
    args = parser.parse_args()
    if args.site is not None:
        rows = weigh(args.site)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", tmp],
                           cwd=ROOT, env=env, check=True, capture_output=True)
            rows = weigh(Path(tmp))
    print(f"{'page':<16}{'page KB':>9}{'svg KB':>9}{'steps KB':>10}{'data KB':>9}"
          f"{'script KB':>11}{'data+script':>13}")
    for page, row in rows.items():
        print(f"{page:<16}{row['page'] / 1000:>9.1f}{row['svg'] / 1000:>9.1f}"
              f"{row['steps'] / 1000:>10.1f}{row['data'] / 1000:>9.1f}"
              f"{row['script'] / 1000:>11.1f}{(row['data'] + row['script']) / 1000:>13.1f}")
    heaviest = max(rows.items(), key=lambda item: item[1]["page"])
    added = max((row["data"] + row["script"]) for row in rows.values())
    print(f"largest page: {heaviest[0]} {heaviest[1]['page'] / 1000:.1f} KB; "
          f"most walk data + script on a page: {added / 1000:.1f} KB (target: about 100 KB)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
