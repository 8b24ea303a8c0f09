"""Live model code under ``mkdocs serve``: draw a model edit with the edited code.

MkDocs-free; the plugin calls :func:`refresh_model_code` with the digest of the
code on disk each time ``mkdocs serve`` makes it anew (once per rebuild).
"""

from __future__ import annotations

import sys

__all__ = ["refresh_model_code"]

# The digest of the netmodel code this process has imported, set by the first
# plugin of the process. `mkdocs serve` rebuilds in the same process: after an
# edit to the model the modules in memory are the old ones, and a figure drawn
# with them would be cached under the new code's digest, stale for good.
_loaded: str | None = None
# Kept across a refresh: the plugin's module (MkDocs holds its class), this one
# (it holds _loaded), the cache helpers, the packages above them, and the error
# classes the hooks catch.
_KEEP = frozenset({"netmodel", "netmodel.site", "netmodel.site.plugin", "netmodel.errors",
                   "netmodel.site.live_code", "netmodel.site.disk_cache",
                   "netmodel.mkdocs_plugin"})


def refresh_model_code(current: str) -> bool:
    """Forget the netmodel modules imported before the code changed, so the hooks'
    imports load the edited ones: a model edit under `mkdocs serve` draws with
    the model as edited (an edit to the plugin itself needs a restart). True when
    it forgot them."""
    global _loaded
    if _loaded is not None and _loaded != current:
        for name in [m for m in sys.modules if m.startswith("netmodel.") and m not in _KEEP]:
            del sys.modules[name]
        _loaded = current
        return True
    _loaded = current
    return False
