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

from netmodel.views.style import FONT_STACKS

__all__ = ["FLOOR_PX", "font_css", "page_svg"]

FLOOR_PX = 11.0  # the reader's floor: 11 px on a laptop, and the phone's 10 px with it
_PX_PER_PT = 4 / 3
_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"')
_FONT = re.compile(r'font-size="([\d.]+)"')
# Graphviz ids every group (graph0, node3, edge7, clust1); nothing refers to
# them, and the step player finds boxes and edges by class.
_GROUP_ID = re.compile(r'(<g) id="[^"]*"')
# Every text names its font stack, a hundred bytes each, a fifth of a figure:
# the page names each stack once (font_css) and a text its class.
_FONT_CLASS = {stack: f"nm-font-{n}" for n, stack in enumerate(FONT_STACKS.values())}
_FAMILY = re.compile(r'font-family="([^"]*)"')
# Outlines and edges at Graphviz's 1/100 pt; 1/10 pt (1/7 px at natural size)
# is as sharp on any screen and a sixth of the figure lighter.
_GEOMETRY = re.compile(r'(d|points)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+\.\d+")


def font_css(scope: str) -> str:
    """The rules for the font classes :func:`page_svg` gives texts."""
    return "".join(f"{scope} .{name}{{font-family:{stack}}}" for stack, name in _FONT_CLASS.items())


def _family(found: re.Match[str]) -> str:
    name = _FONT_CLASS.get(found[1])
    return f'class="{name}"' if name is not None else found[0]


def _geometry(found: re.Match[str]) -> str:
    numbers = _NUMBER.sub(lambda n: f"{float(n[0]):.1f}", found[2])
    return f'{found[1]}="{numbers}"'


def page_svg(svg: str) -> str:
    """``svg`` (from :func:`netmodel.views.render.inline_svg`) with a style that
    keeps its smallest label at or above the floor, its groups' ids out, its
    fonts named by class and its geometry to a tenth of a point."""
    svg = _GROUP_ID.sub(r"\1", svg)
    svg = _FAMILY.sub(_family, svg)
    svg = _GEOMETRY.sub(_geometry, svg)
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
