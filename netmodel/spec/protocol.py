"""The protocols a Service or container port names, spelled once.

Kubernetes spells them in upper case in manifests (``protocol: TCP``); the
kernel, iptables and ``netmodel trace --proto`` in lower case. :meth:`Protocol.wire`
gives the lower-case form, so neither spelling is typed twice.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Protocol"]


class Protocol(StrEnum):
    """Kubernetes' ``protocol`` values (upper case, as in a manifest)."""

    SCTP = "SCTP"
    TCP = "TCP"
    UDP = "UDP"
