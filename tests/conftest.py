"""Canonical clusters for the tests: one per backend, plus a two-segment underlay."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netmodel.spec.cluster import Cluster
from netmodel.spec.load import parse_spec
from netmodel.state.model import Model

TWO_NODES = """
cluster:
  name: t
  backend: {backend}
  underlay: {{cidr: 192.168.56.0/24, mtu: 1500}}
nodes:
  - {{name: node-1, ip: 192.168.56.11}}
  - {{name: node-2, ip: 192.168.56.12}}
pods:
  - name: web-1
    node: node-1
    containers:
      - name: nginx
        ports: [{{containerPort: 80}}]
      - name: sidecar
        ports: [{{containerPort: 9113}}]
  - name: web-2
    node: node-1
    containers: [{{name: nginx, ports: [{{containerPort: 80}}]}}]
  - name: db-1
    node: node-2
    containers: [{{name: postgres, ports: [{{containerPort: 5432}}]}}]
  - name: exporter
    namespace: monitoring
    node: node-2
    hostNetwork: true
    containers: [{{name: exporter, ports: [{{containerPort: 9100}}]}}]
"""

# A tiny bilingual site with the plugin, as the plugin and import tests build it.
MKDOCS_YML = """\
site_name: tiny
theme: {name: material, font: false}
plugins:
  - i18n:
      docs_structure: suffix
      languages:
        - {locale: en, name: English, default: true, build: true}
        - {locale: zh, name: 中文, build: true}
  - netmodel
"""

TWO_SEGMENTS = """
cluster:
  backend: {backend}
  underlay:
    segments:
      - {{name: rack-a, cidr: 192.168.56.0/24}}
      - {{name: rack-b, cidr: 192.168.57.0/24}}
nodes:
  - {{name: a1, segment: rack-a}}
  - {{name: a2, segment: rack-a}}
  - {{name: b1, segment: rack-b}}
pods:
  - {{name: pa1, node: a1}}
  - {{name: pa2, node: a2}}
  - {{name: pb1, node: b1}}
"""


def two_nodes(backend: str) -> Cluster:
    return parse_spec(TWO_NODES.format(backend=backend), f"{backend}.yaml")


def two_segments(backend: str) -> Cluster:
    return parse_spec(TWO_SEGMENTS.format(backend=backend), f"{backend}-segments.yaml")


@pytest.fixture(params=["vxlan", "host-gw", "udp"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def model(backend: str) -> Model:
    return Model(two_nodes(backend))


@pytest.fixture
def vxlan() -> Model:
    return Model(two_nodes("vxlan"))


# -- the built site in a real browser (tests/test_browser.py, tests/test_reading.py) --

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No network for Chromium: its background services would try to reach the internet.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real site, built once per test session and served on a free port."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    out = tmp_path_factory.mktemp("browser-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(out))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, one for the session: Playwright's sync API allows one
    running instance of it per thread, so every browser test shares this one."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as play:
        instance = play.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()
