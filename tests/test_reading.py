"""Whether a reader can read and follow the figures, in a real browser (Debian's
Chromium, headless, through Playwright) on the built site:

- no label of any figure is drawn below 11 px at 1280×800 or below 10 px at
  390×844, on every page, in both languages, with every content tab and every
  walk's leg and endpoint opened as a reader opens them;
- every label stays inside the box drawn around it;
- the step player shows, at step k, step k of the trace the model computes for
  that fence (as ``netmodel trace --json`` gives it), for the request, the reply
  and every endpoint kube-proxy can pick; a step can be linked;
- the page works without JavaScript, asks nothing of the network, logs no error,
  and axe finds no serious or critical accessibility violation on a walk page.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from netmodel.site.fences import captured_model
from netmodel.site.markup import FenceOptions, find_fences, read_fence
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.walks import walk
from tests.reveal import REVEAL as _REVEAL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"laptop": ({"width": 1280, "height": 800}, 11.0),
         "phone": ({"width": 390, "height": 844}, 10.0)}


def _pages() -> list[str]:
    return sorted("" if p.stem == "index" else f"{p.stem}/"
                  for p in (ROOT / "docs").glob("*.md") if p.name.count(".") == 1)


def _url(base: str, page: str, lang: str) -> str:
    return f"{base}/{'zh/' if lang == 'zh' else ''}{page}"


# The drawn size, in CSS pixels, of each text of an SVG: its font size times
# the scale the page draws the SVG at.
_TEXT_SIZES = """svg => [...svg.querySelectorAll('text')].map(text => {
  const m = text.getScreenCTM();
  return [text.textContent, parseFloat(text.getAttribute('font-size')) * Math.hypot(m.a, m.b)];
})"""


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", _pages())
def test_no_label_is_drawn_below_the_floor(browser: Any, base_url: str, page: str, lang: str,
                                           size: str) -> None:
    viewport, floor = SIZES[size]
    tab = browser.new_page(viewport=viewport)
    tab.goto(_url(base_url, page, lang))
    diagrams = tab.locator("svg.netmodel-diagram")
    small = []
    for i in range(diagrams.count()):
        svg = diagrams.nth(i)
        svg.evaluate(_REVEAL)
        assert svg.is_visible(), (page, lang, i)
        for label, px in svg.evaluate(_TEXT_SIZES):
            if px < floor - 0.01:
                small.append((svg.get_attribute("id"), label, round(px, 1)))
    tab.close()
    assert not small, f"{len(small)} labels under {floor} px: {small[:8]}"


# Each node's and cluster's texts, against the outline drawn around them
# (Graphviz measures with its own font metrics; the browser draws with real ones).
_OVERFLOWS = """svg => {
  const out = [];
  for (const group of svg.querySelectorAll('g.node, g.cluster')) {
    const shapes = [...group.children].filter(e => ['polygon', 'path', 'ellipse', 'rect']
      .includes(e.tagName));
    if (!shapes.length) continue;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const s of shapes) {
      const b = s.getBBox();
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
    }
    for (const text of group.querySelectorAll(':scope > text')) {
      const b = text.getBBox();
      if (b.x < x0 - 0.5 || b.x + b.width > x1 + 0.5 || b.y < y0 - 0.5 ||
          b.y + b.height > y1 + 0.5) {
        out.push([text.textContent, Math.round(b.width), Math.round(x1 - x0)]);
      }
    }
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", _pages())
def test_every_label_fits_its_box(browser: Any, base_url: str, page: str, lang: str) -> None:
    tab = browser.new_page(viewport=SIZES["laptop"][0])
    tab.goto(_url(base_url, page, lang))
    diagrams = tab.locator("svg.netmodel-diagram")
    overflowing = []
    for i in range(diagrams.count()):
        svg = diagrams.nth(i)
        svg.evaluate(_REVEAL)
        overflowing += [(svg.get_attribute("id"), *found) for found in svg.evaluate(_OVERFLOWS)]
    tab.close()
    assert not overflowing, f"{len(overflowing)} labels outside their box: {overflowing[:6]}"


# -- the step player, against the model ---------------------------------------------------

@functools.cache
def _spec_model(spec: str) -> Model:
    return Model(load_spec(ROOT / "diagrams" / spec))


@functools.cache
def _model(spec: str, state: tuple[tuple[str, str], ...] = ()) -> Model:
    """A fence's model: its spec's, with the nodes its ``state`` names as captured."""
    options = FenceOptions(spec=spec, view="path", state=state)
    return captured_model(_spec_model(spec), options, ROOT / "diagrams")


def _walk_fences(page: str) -> list[FenceOptions]:
    """The page's ``view: path`` fences in page order: one .nm-walk each."""
    name = f"{page.rstrip('/') or 'index'}.md"
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    options = [read_fence(fence, name) for fence in find_fences(text)]
    return [o for o in options if o.view == "path"]


def _expected_steps(trace_json: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for hop in trace_json["hops"] for step in hop["steps"]]


_PANEL = """walk => {
  const panel = walk.querySelector('.nm-panel');
  const at = f => { const e = panel.querySelector(`[data-field="${f}"]`);
                    return e ? e.textContent : null; };
  return {text: panel.textContent, device: at('device'), src: at('ip.src'), dst: at('ip.dst'),
          sport: at('l4.sport'), dport: at('l4.dport'), outer_dst: at('outer.ip.dst'),
          marked: [...panel.querySelectorAll('mark')].map(m => m.dataset.field)};
}"""


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def _check_steps(tab: Any, walk_el: Any, steps: list[dict[str, Any]], no_device: str,
                 where: str) -> None:
    """Press → once per step; at step k the panel shows step k's device and
    addresses as the trace's JSON gives them."""
    walk_el.focus()
    tab.keyboard.press("Home")
    for k, step in enumerate(steps, start=1):
        tab.keyboard.press("ArrowRight")
        shown = walk_el.evaluate(_PANEL)
        packet = step["packet"]
        assert shown["text"].startswith(f"{k}/{len(steps)}"), (where, k, shown["text"][:40])
        assert shown["device"] == (step["device"] or no_device), (where, k)
        assert (shown["src"], shown["dst"]) == (_shown(packet["ip"]["src"]),
                                                 _shown(packet["ip"]["dst"])), (where, k)
        if "sport" in packet["l4"]:
            assert (shown["sport"], shown["dport"]) == (str(packet["l4"]["sport"]),
                                                         str(packet["l4"]["dport"])), (where, k)
        outer = packet["outer"]
        assert shown["outer_dst"] == (outer["ip"]["dst"] if outer else None), (where, k)
    tab.keyboard.press("ArrowRight")  # past the last step: stays on it
    assert walk_el.evaluate(_PANEL)["text"].startswith(f"{len(steps)}/{len(steps)}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", [p for p in _pages() if _walk_fences(p)])
def test_stepping_shows_the_traces_own_steps(browser: Any, base_url: str, page: str,
                                             lang: str) -> None:
    from netmodel.i18n.site import site_word

    fences = _walk_fences(page)
    tab = browser.new_page(viewport=SIZES["laptop"][0])
    tab.goto(_url(base_url, page, lang))
    walks = tab.locator(".nm-walk")
    assert walks.count() == len(fences), page
    # Several walks per page: the first, the last and one between, request and reply.
    for i in sorted({0, len(fences) // 2, len(fences) - 1}):
        options = fences[i]
        assert options.request is not None
        trace = walk(_model(options.spec, options.state), options.request).to_json(lang)
        walk_el = walks.nth(i)
        walk_el.evaluate("w => w.scrollIntoView()")
        # The variant the fence's walk took: kube-proxy's pick as the model makes it.
        svg = walk_el.locator(".nm-variant.nm-first svg.netmodel-diagram").first
        svg.evaluate(_REVEAL)
        legs = [("request", trace)]
        if trace["reply"] is not None and walk_el.locator('input[value="reply"]').count():
            legs.append(("reply", trace["reply"]))
        for leg, data in legs:
            radio = walk_el.locator(f'input[name$="-leg"][value="{leg}"]')
            if radio.count():
                radio.locator("xpath=..").click()
            _check_steps(tab, walk_el, _expected_steps(data), site_word("no-device", lang),
                         f"{page} walk {i} {leg}")
    tab.close()


def test_the_reader_switches_the_endpoint(browser: Any, base_url: str) -> None:
    """On a Service walk with several endpoints, each radio button says the
    endpoint and its probability as kube-proxy's rules give them, and shows the
    walk that endpoint gives."""
    from netmodel.i18n.site import site_word

    tab = browser.new_page(viewport=SIZES["laptop"][0])
    checked = 0
    for page in _pages():
        fences = _walk_fences(page)
        if not fences:
            continue
        tab.goto(_url(base_url, page, "en"))
        walks = tab.locator(".nm-walk")
        for i, options in enumerate(fences):
            assert options.request is not None
            model = _model(options.spec, options.state)
            first = walk(model, options.request)
            if len(first.alternatives) < 2:
                assert walks.nth(i).locator(".nm-endpoints").count() == 0
                continue
            walk_el = walks.nth(i)
            walk_el.locator("svg.netmodel-diagram").first.evaluate(_REVEAL)
            labels = walk_el.locator(".nm-endpoints label")
            assert labels.count() == len(first.alternatives)
            for n, (endpoint, probability) in enumerate(first.alternatives):
                label = labels.nth(n)
                assert endpoint in label.inner_text() and f"{probability:.4f}".rstrip("0") \
                    in label.inner_text() + "0000", (page, i, label.inner_text())
                label.click()
                pinned = walk(model, options.request.pinned(endpoint)).to_json("en")
                steps = _expected_steps(pinned)
                _check_steps(tab, walk_el, steps, site_word("no-device", "en"),
                             f"{page} walk {i} endpoint {endpoint}")
                checked += 1
    tab.close()
    assert checked >= 2, "no Service walk on the site has two endpoints to switch between"


def test_a_step_can_be_linked(browser: Any, base_url: str) -> None:
    tab = browser.new_page(viewport=SIZES["laptop"][0])
    tab.goto(_url(base_url, "services/", "en"))
    walk_el = tab.locator(".nm-walk").first
    walk_el.focus()
    for _ in range(4):
        tab.keyboard.press("ArrowRight")
    url = tab.url
    assert url.endswith("-request-4"), url
    expected = walk_el.evaluate(_PANEL)
    fresh = browser.new_page(viewport=SIZES["laptop"][0])
    fresh.goto(url)
    assert fresh.locator(".nm-walk").first.evaluate(_PANEL) == expected
    assert fresh.locator(f"[id='{url.rsplit('#', 1)[1]}']").get_attribute("class") == "nm-on"
    fresh.close()
    tab.close()


def test_the_panel_is_announced_and_the_player_works_from_the_keyboard(
        browser: Any, base_url: str) -> None:
    tab = browser.new_page(viewport=SIZES["laptop"][0])
    tab.goto(_url(base_url, "services/", "zh"))
    walk_el = tab.locator(".nm-walk").first
    panel = walk_el.locator(".nm-panel")
    assert panel.get_attribute("aria-live") == "polite"
    walk_el.locator(".nm-next").click()
    walk_el.locator(".nm-next").click()
    walk_el.locator(".nm-prev").click()
    assert walk_el.evaluate(_PANEL)["text"].startswith("1/")
    # The current step's box and the edge into it are highlighted in the SVG.
    walk_el.focus()
    tab.keyboard.press("ArrowRight")
    view = walk_el.locator(".nm-variant.nm-first .nm-view[data-leg=request]")
    assert view.locator("g.nm-on").count() >= 1
    assert view.locator("li.nm-on").get_attribute("value") == "2"
    tab.close()


# -- without JavaScript, without the network, without errors -----------------------------

def test_without_javascript_the_figure_and_its_steps_show(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=SIZES["phone"][0])
    tab = context.new_page()
    tab.goto(_url(base_url, "services/", "en"))
    walk_el = tab.locator(".nm-walk").first
    request = walk_el.locator(".nm-variant.nm-first .nm-view[data-leg=request]")
    assert request.locator("svg.netmodel-diagram").is_visible()
    assert request.locator(".nm-steps li").first.is_visible()
    assert not walk_el.locator(".nm-player").is_visible()
    reply = walk_el.locator('input[name$="-leg"][value="reply"]')
    if reply.count():  # the reply is one click away, CSS alone switching it
        reply.locator("xpath=..").click()
        assert walk_el.locator(".nm-variant.nm-first .nm-view[data-leg=reply] svg").is_visible()
        assert not request.locator("svg").is_visible()
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", _pages())
def test_no_request_leaves_the_site_and_no_error_is_logged(browser: Any, base_url: str,
                                                           page: str, lang: str) -> None:
    tab = browser.new_page(viewport=SIZES["laptop"][0])
    outside: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(base_url) or url.startswith("data:"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    tab.route("**/*", route)
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(_url(base_url, page, lang))
    walks = tab.locator(".nm-walk")
    for i in range(walks.count()):  # play a little of each walk, its tab opened: the script runs
        walks.nth(i).locator("svg.netmodel-diagram").first.evaluate(_REVEAL)
        walks.nth(i).locator(".nm-next").click()
    tab.close()
    assert outside == [] and errors == [], (outside, errors)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_serious_violation_on_a_walk_page(browser: Any, base_url: str,
                                                       lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe  # a test dependency: never skipped
    tab = browser.new_page(viewport=SIZES["laptop"][0])
    tab.goto(_url(base_url, "services/", lang))
    walk_el = tab.locator(".nm-walk").first
    walk_el.focus()
    tab.keyboard.press("ArrowRight")  # the panel filled in, as a reader has it
    results = Axe().run(tab)
    tab.close()
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, ensure_ascii=False)
