"""A node's state as observed on a real kernel, standing in for the derived one.

:class:`netmodel.state.model.Model` built with ``overrides={name: NodeState}``
hands the tracer these values for that node's host netns and iptables, and the
derived ones everywhere else (its pods' netns stay modelled). The values are
frozen, made once by the capture stage (:mod:`netmodel.capture`); nothing is
patched into a live model.
"""

from __future__ import annotations

from dataclasses import dataclass

from netmodel.state.kernel import Netns
from netmodel.state.netfilter import Ruleset

__all__ = ["NodeState"]


@dataclass(frozen=True, slots=True)
class NodeState:
    """One node's host netns and iptables rules, and where they were read from."""

    netns: Netns
    ruleset: Ruleset
    source: str  # the capture's path, for messages
