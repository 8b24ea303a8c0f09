"""How a trace's disposition reads: "delivered", "已送达"."""

from __future__ import annotations

__all__ = ["disposition_text"]

_DISPOSITIONS = {
    "DELIVERED": {"en": "delivered", "zh": "已送达"},
    "EXITS_CLUSTER": {"en": "leaves the cluster", "zh": "离开集群"},
    "NO_ROUTE": {"en": "no route", "zh": "无路由"},
    "NEIGHBOR_UNREACHABLE": {"en": "neighbour unreachable", "zh": "邻居不可达"},
    "DROPPED": {"en": "dropped", "zh": "被丢弃"},
    "REJECTED": {"en": "rejected", "zh": "被拒绝"},
    "TTL_EXCEEDED": {"en": "TTL exceeded", "zh": "TTL 超时"},
    "LOOP": {"en": "loop", "zh": "环路"},
}


def disposition_text(name: str, lang: str) -> str:
    return _DISPOSITIONS[name][lang]
