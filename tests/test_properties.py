"""Properties over generated clusters (hypothesis): any valid cluster is fully connected."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netmodel.spec.load import parse_spec
from netmodel.state.model import Model
from netmodel.trace.hops import Disposition
from netmodel.trace.tracer import trace_endpoints


@st.composite
def clusters(draw: st.DrawFn) -> str:
    backend = draw(st.sampled_from(["vxlan", "host-gw", "udp"]))
    # host-gw needs every node on one L2 segment; the others cross a router.
    segments = 1 if backend == "host-gw" else draw(st.integers(1, 3))
    node_count = draw(st.integers(1, 5))
    spec: dict[str, Any] = {
        "cluster": {"backend": backend, "underlay": {
            "mtu": draw(st.sampled_from([1500, 9000])),
            "segments": [{"name": f"s{i}", "cidr": f"192.168.{60 + i}.0/24"}
                         for i in range(segments)]}},
        "nodes": [{"name": f"n{i}", "segment": f"s{draw(st.integers(0, segments - 1))}"}
                  for i in range(node_count)],
        "pods": [],
    }
    for i in range(node_count):
        for j in range(draw(st.integers(0, 3))):
            spec["pods"].append({"name": f"p{i}-{j}", "node": f"n{i}",
                                 "hostNetwork": draw(st.booleans()) and j == 0})
    return yaml.safe_dump(spec)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_every_pod_reaches_every_pod_and_the_reply_retraces(text: str) -> None:
    cluster = parse_spec(text, "generated.yaml")
    model = Model(cluster)
    for src in cluster.pods:
        for dst in cluster.pods:
            if src.host_network and dst.host_network and src.node == dst.node:
                continue  # one netns: that is localhost, covered elsewhere
            trace = trace_endpoints(model, f"pod/{src.key}", f"pod/{dst.key}",
                                    port=8080, proto="tcp")
            assert trace.disposition is Disposition.DELIVERED, (str(trace), text)
            assert trace.reply is not None
            assert trace.reply.disposition is Disposition.DELIVERED, str(trace.reply)
            assert trace.reply.path == tuple(reversed(trace.path)), (str(trace),
                                                                     str(trace.reply))
            assert trace.final_packet.ip.dst == dst.ip
