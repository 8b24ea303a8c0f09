"""Labels fit their shapes as a browser draws them, in both languages.

Graphviz sizes shapes from its own metrics; the reader's browser draws with
real fonts. Every figure of every view is put in one page and opened in
Debian's headless Chromium (with the fonts this machine has: DejaVu, Noto CJK),
and each text's drawn box is compared with its shape's: a node's text inside
the node, a cluster's label inside the cluster, and a path figure's edge
labels crossing no cluster's border.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netmodel.errors import NetmodelError
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.walks import walk_between
from netmodel.views import chains, frame, path, topology
from netmodel.views.render import ENGINES, engine_version, inline_svg, render_svg

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPECS = Path(__file__).resolve().parent.parent / "diagrams" / "clusters"


def _figures(lang: str) -> list[tuple[str, str]]:
    """(name, DOT) of every view, over walks of every shape the site draws."""
    two = Model(load_spec(SPECS / "two-nodes-vxlan.yaml"))
    out = [("topology", topology(two, lang=lang)),
           ("topology-pod", topology(two, focus="pod/monitoring/node-exporter", lang=lang)),
           ("topology-segments",
            topology(Model(load_spec(SPECS / "flannel-host-gw-two-segments.yaml")), lang=lang))]
    walks: list[tuple[Model, str, str, int | None]] = [
             (two, "pod/web-1", "svc/db", None),
             (two, "pod/monitoring/node-exporter", "svc/web", None),
             (two, "external/203.0.113.7", "ingress/shop.example.com/cart", None),
             (Model(load_spec(SPECS / "flannel-udp.yaml")), "pod/web-1", "pod/db-1", 5432),
             (Model(load_spec(SPECS / "flannel-host-gw-two-segments.yaml")), "pod/web-1",
              "pod/db-3", 5432)]
    for n, (model, source, destination, port) in enumerate(walks):
        trace = walk_between(model, source, destination, port=port)
        legs = [(trace, "request"), (trace.reply, "reply")]
        if trace.next is not None:
            legs += [(trace.next, "request"), (trace.next.reply, "reply")]
        out += [(f"path-{n}-{i}", path(leg, leg=kind, lang=lang))  # type: ignore[arg-type]
                for i, (leg, kind) in enumerate(legs) if leg is not None]
        out += [(f"chains-{n}", chains(trace, lang=lang)), (f"frame-{n}", frame(trace, lang=lang))]
    hairpin = walk_between(two, "pod/web-1", "svc/web", endpoint="10.244.0.2:80")
    out += [("path-hairpin", path(hairpin, lang=lang)),
            ("path-hairpin-reply", path(hairpin.reply, leg="reply", lang=lang)),  # type: ignore[arg-type]
            ("path-combined", path(walk_between(two, "pod/web-1", "svc/db"), reply=True,
                                   lang=lang))]
    rejected = Model(load_spec(SPECS / "services-no-endpoints.yaml"))
    out.append(("chains-reject", chains(walk_between(rejected, "pod/client", "svc/api-v2"),
                                        lang=lang)))
    return out


# For each figure: every text not inside its node or cluster, and every edge label
# that crosses a cluster's border, as [figure, what, text, text box, shape box].
_CHECK = """() => {
  const slack = 0.5;
  const box = e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const inside = (a, b) => a[0] >= b[0] - slack && a[1] >= b[1] - slack &&
                           a[2] <= b[2] + slack && a[3] <= b[3] + slack;
  const apart = (a, b) => a[2] <= b[0] + slack || a[0] >= b[2] - slack ||
                          a[3] <= b[1] + slack || a[1] >= b[3] - slack;
  const bad = [];
  for (const svg of document.querySelectorAll('svg.netmodel-diagram')) {
    const shapes = [];
    for (const g of svg.querySelectorAll('g.node, g.cluster')) {
      const shape = g.querySelector('polygon, path, ellipse');
      if (!shape) continue;
      const outline = box(shape);
      if (g.classList.contains('cluster')) shapes.push(outline);
      for (const t of g.querySelectorAll('text')) {
        if (!t.textContent.trim()) continue;
        if (!inside(box(t), outline))
          bad.push([svg.id, g.getAttribute('class'), t.textContent, box(t), outline]);
      }
    }
    if (!svg.id.startsWith('path')) continue;
    for (const t of svg.querySelectorAll('g.edge text')) {
      const own = box(t);
      for (const outline of shapes)
        if (!inside(own, outline) && !apart(own, outline))
          bad.push([svg.id, 'edge label across a cluster', t.textContent, own, outline]);
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_label_fits_its_shape_in_the_browser(browser: Any, lang: str,
                                                   engine: str) -> None:
    """With either engine: the system's dot lays out with other versions (Debian
    12 has 2.42) and measures with the machine's fonts."""
    try:
        engine_version(engine)
    except NetmodelError as exc:  # an engine this machine lacks (no system dot)
        pytest.skip(f"engine {engine}: {exc}")
    figures = _figures(lang)
    body = "".join(inline_svg(render_svg(dot, engine), prefix=name, title=name, desc=name,
                              lang=lang) for name, dot in figures)
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.set_content(f'<html lang="{lang}"><body>{body}</body></html>')
    bad = tab.evaluate(_CHECK)
    count = tab.evaluate("() => document.querySelectorAll('svg.netmodel-diagram').length")
    tab.close()
    assert count == len(figures)
    assert not bad, "\n".join(map(str, bad[:20]))
