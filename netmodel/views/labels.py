"""Diagram labels: the words live in :mod:`netmodel.i18n.diagrams`."""

from __future__ import annotations

from netmodel.i18n.diagrams import diagram_label as label

__all__ = ["label"]
