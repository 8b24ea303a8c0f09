"""Canonical clusters for the tests: one per backend, plus a two-segment underlay."""

from __future__ import annotations

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
