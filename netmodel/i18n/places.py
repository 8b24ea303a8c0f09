"""How a detail names a network namespace: "node node-1", "底层路由器"."""

from __future__ import annotations

__all__ = ["place_text"]

# Keyed by ``netmodel.state.netns_id.NetnsKind``'s values: how a detail names a
# netns (a node's host, a pod, the router, an external client).
_PLACES = {
    "node": {"en": "node {name}", "zh": "节点 {name}"},
    "pod": {"en": "pod {name}", "zh": "Pod {name}"},
    "router": {"en": "the underlay router", "zh": "底层路由器"},
    "external": {"en": "external client {name}", "zh": "外部客户端 {name}"},
}


def place_text(kind: str, name: str, lang: str) -> str:
    """How a detail names a netns (``NetnsKind``'s value and the netns's name)."""
    return _PLACES[kind][lang].format(name=name)
