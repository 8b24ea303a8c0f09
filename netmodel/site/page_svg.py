"""An inline SVG as a page holds it: sized so that no label falls below the
floor, and without what the page already has once for all its figures.

Graphviz writes the size in points (``width="584pt"``, a viewBox in the same
units), so at its natural size a 10-point label is 13.3 CSS pixels. A figure
may shrink to its column, but only down to the width at which its smallest
label reaches ``FLOOR_PX``; narrower than that, its frame scrolls sideways
instead (the frame is ``.nm-svg``, ``overflow-x: auto``).
"""

from __future__ import annotations

import re

__all__ = ["FLOOR_PX", "page_svg"]

FLOOR_PX = 11.0  # the reader's floor: 11 px on a laptop, and the phone's 10 px with it
_PX_PER_PT = 4 / 3
_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"')
_FONT = re.compile(r'font-size="([\d.]+)"')
# Graphviz ids every group (graph0, node3, edge7, clust1); nothing refers to
# them, and the step player finds boxes and edges by class.
_GROUP_ID = re.compile(r'(<g) id="[^"]*"')


def page_svg(svg: str) -> str:
    """``svg`` (from :func:`netmodel.views.render.inline_svg`) with a style that
    keeps its smallest label at or above the floor, and its groups' ids out."""
    svg = _GROUP_ID.sub(r"\1", svg)
    width = _WIDTH.search(svg)
    if width is None:
        return svg
    natural = float(width[1]) * _PX_PER_PT
    sizes = [float(size) for size in _FONT.findall(svg)]
    smallest = min(sizes) * _PX_PER_PT if sizes else FLOOR_PX
    floor = natural * FLOOR_PX / smallest  # the width at which the smallest label is the floor
    widest = max(natural, floor)
    style = f"width:100%;max-width:{widest:.0f}px;min-width:{floor:.0f}px;height:auto"
    return svg.replace("<svg ", f'<svg style="{style}" ', 1)
