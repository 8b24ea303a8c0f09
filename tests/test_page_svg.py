"""An inline SVG as the site's pages hold it (netmodel.site.page_svg): sized so
its smallest label never falls below the floor, fonts named once per page."""

from __future__ import annotations

import re

from netmodel.site.page_svg import FLOOR_PX, font_css, page_svg
from netmodel.spec.load import parse_spec
from netmodel.state.model import Model
from netmodel.trace.walks import walk_between
from netmodel.views import path
from netmodel.views.render import inline_svg, render_svg
from netmodel.views.style import FONT_STACKS
from tests.conftest import TWO_NODES


def _figure() -> str:
    model = Model(parse_spec(TWO_NODES.format(backend="vxlan"), "t.yaml"))
    trace = walk_between(model, "pod/web-1", "pod/db-1", port=5432)
    return inline_svg(render_svg(path(trace)), prefix="f", title="t", desc="d", lang="en")


def test_the_smallest_label_is_the_floor_at_the_narrowest_width() -> None:
    raw = _figure()
    shown = page_svg(raw)
    natural_pt = float(re.search(r'width="([\d.]+)pt"', raw)[1])  # type: ignore[index]
    smallest_pt = min(float(s) for s in re.findall(r'font-size="([\d.]+)"', raw))
    style = re.search(r'<svg style="([^"]*)"', shown)[1]  # type: ignore[index]
    narrowest = float(re.search(r"min-width:([\d.]+)px", style)[1])  # type: ignore[index]
    # At min-width the SVG is drawn at narrowest / natural-in-px of its size: its
    # smallest label is then FLOOR_PX, to the pixel the style is rounded to.
    scale = narrowest / (natural_pt * 4 / 3)
    assert abs(smallest_pt * 4 / 3 * scale - FLOOR_PX) < 0.05
    assert "width:100%" in style


def test_fonts_become_classes_the_page_styles() -> None:
    raw, shown = _figure(), page_svg(_figure())
    assert "font-family" in raw and "font-family" not in shown
    used = set(re.findall(r'class="(nm-font-\d+)"', shown))
    assert used and all(f".netmodel-diagram .{name}{{" in font_css(".netmodel-diagram")
                        for name in used)
    assert font_css("x").count("font-family") == len(FONT_STACKS)
    # every text keeps exactly one font
    assert shown.count("<text") == len(re.findall(r'<text[^>]*class="nm-font-\d+"', shown))


def test_geometry_keeps_every_point_to_a_tenth() -> None:
    raw, shown = _figure(), page_svg(_figure())
    for attr in ("d", "points"):
        before = [n for v in re.findall(rf'\b{attr}="([^"]*)"', raw)
                  for n in re.findall(r"-?\d+\.?\d*", v)]
        after = [n for v in re.findall(rf'\b{attr}="([^"]*)"', shown)
                 for n in re.findall(r"-?\d+\.?\d*", v)]
        assert len(before) == len(after) > 0
        assert all(abs(float(a) - float(b)) <= 0.05 + 1e-9 for a, b in zip(before, after,
                                                                            strict=True))
