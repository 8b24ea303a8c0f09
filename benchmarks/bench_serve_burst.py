"""A burst of edits under a real ``mkdocs serve``: does a reader ever get a 404?

Starts ``mkdocs serve`` on a copy of the site (loopback, a free port), saves a
spec every 0.3 s for a while, as an author typing does, and meanwhile asks for
the page that draws it every 20 ms. Prints how many answers were 200 and how
many anything else (issue 16: never a 404). A script, not a test: it takes
about half a minute and needs the port.

    python benchmarks/bench_serve_burst.py --edits 40
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = "clusters/flannel-udp.yaml"
PAGE = "flannel/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netmodel-burst-") as tmp:
        site = Path(tmp)
        shutil.copytree(ROOT / "docs", site / "docs")
        shutil.copytree(ROOT / "diagrams", site / "diagrams",
                        ignore=shutil.ignore_patterns("snapshots"))
        shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
        port = _free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--livereload"],
            cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/{PAGE}"
        try:
            for _ in range(240):  # the first build: up to two minutes
                try:
                    urllib.request.urlopen(url, timeout=5).read()
                    break
                except (OSError, urllib.error.URLError):
                    time.sleep(0.5)
            spec = site / "diagrams" / SPEC
            original = spec.read_text(encoding="utf-8")
            answers: dict[str, int] = {}
            done = threading.Event()

            def ask() -> None:
                while not done.is_set():
                    try:
                        status = str(urllib.request.urlopen(url, timeout=120).status)
                    except urllib.error.HTTPError as error:
                        status = str(error.code)
                    except OSError as error:
                        status = type(error).__name__
                    answers[status] = answers.get(status, 0) + 1
                    time.sleep(0.02)

            reader = threading.Thread(target=ask)
            reader.start()
            for edit in range(args.edits):
                spec.write_text(original.replace("mtu: 1500", f"mtu: {1501 + edit}"),
                                encoding="utf-8")
                time.sleep(0.3)
            time.sleep(8)  # the last rebuilds
            done.set()
            reader.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    other = sum(n for status, n in answers.items() if status != "200")
    print(f"{args.edits} edits: {answers.get('200', 0)} pages served, {other} other answers "
          f"{ {k: v for k, v in answers.items() if k != '200'} } (target: none)")


if __name__ == "__main__":
    main()
