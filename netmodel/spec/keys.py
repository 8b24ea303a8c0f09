"""How a namespaced object is named in a query: ``NS/NAME``, or ``NAME`` alone.

Pods and Services are keyed ``namespace/name`` (``Pod.key``, ``Service.key``).
A bare name means the ``default`` namespace, as ``kubectl get pod NAME``
without ``-n`` does; every front end (CLI endpoints, page fences, prose
values, diagram focus) reads names through :func:`object_key`.
"""

from __future__ import annotations

__all__ = ["DEFAULT_NAMESPACE", "object_key"]

DEFAULT_NAMESPACE = "default"


def object_key(text: str) -> str:
    """``NS/NAME`` as written; ``NAME`` in the default namespace."""
    return text if "/" in text else f"{DEFAULT_NAMESPACE}/{text}"
