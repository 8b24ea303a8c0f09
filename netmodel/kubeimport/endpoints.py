"""Which of a Service port's slice endpoints kube-proxy uses.

kube-proxy merges a port's endpoints across its Service's slices, one per
``IP:port`` (pkg/proxy/endpointslicecache.go, ``addEndpoints``), then
``CategorizeEndpoints`` (pkg/proxy/topology.go) keeps the ready ones, and only
when none is ready anywhere falls back to those both serving and terminating
(KEP-1669, ProxyTerminatingEndpoints). The spec holds one endpoint list per
port and the model takes a node's local endpoints from it, which is exactly
kube-proxy's choice except in one case it cannot say: Local traffic on a node
with no ready local endpoint falls back to that node's serving-terminating
ones while ready endpoints exist elsewhere. Those are counted, not modelled.
Topology hints (traffic distribution) are not modelled: every usable endpoint
is kept, and hinted ones are counted.
"""

from __future__ import annotations

from collections.abc import Iterable

from netmodel.kubeimport.notes import Notes
from netmodel.kubeimport.values import ImportedEndpoint, SliceEndpoint

__all__ = ["usable_endpoints"]


def usable_endpoints(found: Iterable[SliceEndpoint], uses_local: bool, nodes: set[str],
                     notes: Notes) -> tuple[ImportedEndpoint, ...]:
    """The endpoints kube-proxy programs for one Service port, sorted by address."""
    merged: dict[tuple[int, int], SliceEndpoint] = {}
    for endpoint in found:
        merged.setdefault((int(endpoint.ip), endpoint.port), endpoint)
    every = [merged[k] for k in sorted(merged)]
    ready = [e for e in every if e.ready]
    fallback = [e for e in every if e.serving and e.terminating]
    chosen = ready or fallback
    if not ready and fallback:
        notes.add("endpoint.terminating")
    if uses_local and ready:
        with_ready = {e.node for e in ready}
        local_only = [e for e in fallback if e.node not in with_ready]
        if local_only:
            notes.add("endpoint.local-fallback", len(local_only))
    else:
        local_only = []
    left = len(every) - len(chosen) - len(local_only)
    if left:
        notes.add("endpoint.unready", left)
    hinted = sum(1 for e in chosen if e.hinted)
    if hinted:
        notes.add("endpoint.hints", hinted)
    out = []
    for e in chosen:
        node = e.node
        if node is not None and node not in nodes:
            notes.add("endpoint.unknown-node")
            node = None
        out.append(ImportedEndpoint(e.ip, node, e.port))
    return tuple(out)
