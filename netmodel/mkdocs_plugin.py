"""Old import path of the MkDocs plugin, kept for installs whose entry point still
names it; the plugin lives in :mod:`netmodel.site.plugin`."""

from __future__ import annotations

from netmodel.site.plugin import NetmodelPlugin

__all__ = ["NetmodelPlugin"]
