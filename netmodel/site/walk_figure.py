"""A walk fence's figure, made to be followed: one SVG per leg of the walk (the
request, the reply, an Ingress proxy's own connection and its reply) and per
endpoint kube-proxy can pick, each beside its numbered step list, and the data
the step player reads.

Everything here is computed from the trace that draws the figure, at build
time; the browser only shows it (``walk_player.js``). Without JavaScript the
legs and endpoints still switch (radio buttons and CSS ``:has``) and every
step is listed. No mkdocs here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netmodel.errors import InputError
from netmodel.i18n import disposition_text
from netmodel.i18n.diagrams import diagram_label
from netmodel.i18n.site import site_word
from netmodel.site.fences import Walk
from netmodel.site.markup import FenceOptions
from netmodel.site.page_svg import page_svg
from netmodel.state.model import Model
from netmodel.trace.hops import Hop, Step, Trace
from netmodel.trace.packet import Packet
from netmodel.views.path import LEGS, path, step_devices
from netmodel.views.render import inline_svg
from netmodel.views.text import disposition_line, hop_heading

__all__ = ["Variant", "WalkLeg", "build_walk", "changed_fields", "legs_of", "variants_of",
           "walk_figure"]

@dataclass(frozen=True, slots=True)
class WalkLeg:
    """One figure of a walk: its leg (one of views.path's LEGS, in tab order)."""

    name: str
    trace: Trace


@dataclass(frozen=True, slots=True)
class Variant:
    """The walk when kube-proxy's first random pick lands on ``endpoint``."""

    endpoint: str | None  # None: the walk makes no random pick
    probability: float
    trace: Trace


def legs_of(trace: Trace, *, reply: bool) -> tuple[WalkLeg, ...]:
    """The legs drawn for ``trace``: each its own figure, never drawn over another."""
    out = [WalkLeg("request", trace)]
    if reply and trace.reply is not None:
        out.append(WalkLeg("reply", trace.reply))
    if trace.next is not None:
        out.append(WalkLeg("next", trace.next))
        if reply and trace.next.reply is not None:
            out.append(WalkLeg("next-reply", trace.next.reply))
    return tuple(out)


def changed_fields(before: Packet | None, after: Packet) -> list[str]:
    """The header fields a step rewrote, named as ``netmodel trace --json`` nests
    them (``ip.dst``, ``l4.dport``, ``outer``: the outer headers added or removed)."""
    if before is None:
        return []
    old, new = before.to_json(), after.to_json()
    out: list[str] = []
    for part in ("eth", "ip", "l4"):
        a, b = old[part] or {}, new[part] or {}
        out.extend(f"{part}.{key}" for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key))
    if (old["outer"] is None) != (new["outer"] is None):
        out.append("outer")
    elif old["outer"] != new["outer"]:
        out.extend(f"outer.{key}" for key in sorted(new["outer"])
                   if old["outer"].get(key) != new["outer"].get(key))
    return out


def _value(packet: dict[str, Any], field: str) -> Any:
    value: Any = packet
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _change_text(field: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    if field == "outer":
        return f"outer {'+' if new['outer'] is not None else '−'}"
    before, after = (_value(packet, field) for packet in (old, new))
    return f"{field} {'—' if before is None else before} → {'—' if after is None else after}"


def _steps(trace: Trace) -> list[tuple[int, Step, Hop]]:
    """(number, step, its hop) for each step, numbered as ``netmodel trace``
    numbers them."""
    return [(number, step, hop) for number, (hop, step) in enumerate(
        ((hop, step) for hop in trace.hops for step in hop.steps), start=1)]


def _view(trace: Trace, anchor: str, lang: str) -> tuple[str, dict[str, Any]]:
    """One leg's step list (HTML) and the player's data for it."""
    packets: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    box_index: dict[str, int] = {}
    boxes = step_devices(trace)
    items, records = [], []
    previous: Packet | None = None
    last_hop: Hop | None = None
    for (number, step, hop), box in zip(_steps(trace), boxes, strict=True):
        as_json = step.packet.to_json()
        key = json.dumps(as_json, sort_keys=True)
        if key not in index:
            index[key] = len(packets)
            packets.append(as_json)
        changed = changed_fields(previous, step.packet)
        old = previous.to_json() if previous is not None else as_json
        # The player reads the device, the action, the detail and the deciding rule
        # from the step's list item: the data holds only what the list does not.
        if box is not None and box not in box_index:
            box_index[box] = len(box_index)
        records.append([-1 if box is None else box_index[box], index[key], changed])
        hop_head = (f'<span class="nm-hop">{html.escape(hop_heading(hop, lang))}</span>'
                    if hop is not last_hop else "")
        last_hop = hop
        changes = "".join(f'<span class="nm-c">{html.escape(_change_text(f, old, as_json))}'
                          "</span>" for f in changed)
        decided = ""
        if step.rules:  # the rule whose target decided: the last one that matched
            hit = step.rules[-1]
            decided = (f'<code class="nm-r">{html.escape(hit.table)} {html.escape(hit.chain)}'
                       f" #{hit.position}: {html.escape(hit.rule.save())}</code>")
        items.append(
            f'<li id="{anchor}-{number}" value="{number}">{hop_head}'
            f'<code class="nm-d">{html.escape(step.device or "-")}</code> '
            f'<span class="nm-a">{step.action}</span> '
            f'<span class="nm-w">{html.escape(step.detail.render(lang))}</span>'
            f"{decided}{changes}</li>")
        previous = step.packet
    end = html.escape(site_word("ends", lang, disposition=disposition_line(trace, lang)))
    # tabindex: the list scrolls, and a keyboard must be able to scroll it too.
    body = (f'<ol class="nm-steps" tabindex="0" '
            f'aria-label="{html.escape(site_word("steps", lang))}">'
            f'{"".join(items)}</ol><p class="nm-end">{end}</p>')
    return body, {"steps": records, "packets": packets, "boxes": list(box_index)}



_WORDS = ("changed", "decided", "outer", "no-device")


def walk_figure(variants: list[Variant], shown: int, *, reply: bool, lang: str, prefix: str,
                draw: Callable[[Trace, str, str], str]) -> str:
    """The figure's HTML, ids under ``prefix``. ``draw(trace, leg, view_prefix)``
    gives one leg's inline SVG; ``shown`` is the variant the fence's walk took."""
    views: dict[str, Any] = {}
    blocks, names = [], set()
    for v, variant in enumerate(variants):
        inner = []
        for leg in legs_of(variant.trace, reply=reply):
            names.add(leg.name)
            anchor = f"{prefix}-{v}-{leg.name}"
            steps, data = _view(leg.trace, anchor, lang)
            views[f"{v}-{leg.name}"] = data
            svg = draw(leg.trace, leg.name, anchor)
            inner.append(f'<div class="nm-view" data-leg="{leg.name}">'
                         f'<div class="nm-svg" tabindex="0">{svg}</div>{steps}</div>')
        first = " nm-first" if v == shown else ""
        blocks.append(f'<div class="nm-variant{first}" data-v="{v}">{"".join(inner)}</div>')
    controls = []
    if len(variants) > 1:
        said = [site_word("endpoint", lang, endpoint=variant.endpoint,
                          probability=_odds(variant.probability)) for variant in variants]
        choices = "".join(
            f'<label><input type="radio" class="nm-pick" name="{prefix}-v" value="{v}"'
            f'{" checked" if v == shown else ""}> {html.escape(said[v])}</label>'
            for v in range(len(variants)))
        controls.append(f'<fieldset class="nm-choice nm-endpoints"><legend>'
                        f'{html.escape(site_word("endpoints", lang))}</legend>{choices}</fieldset>')
    legs = [name for name in LEGS if name in names]
    if len(legs) > 1:
        choices = "".join(
            f'<label><input type="radio" class="nm-pick" name="{prefix}-leg" value="{name}"'
            f'{" checked" if name == "request" else ""}> '
            f'{html.escape(site_word(f"leg.{name}", lang))}</label>' for name in legs)
        controls.append(f'<fieldset class="nm-choice nm-legs"><legend>'
                        f'{html.escape(site_word("legs", lang))}</legend>{choices}</fieldset>')
    data = {"v": shown, "views": views,
            "words": {key: site_word(key, lang) for key in _WORDS}}
    # "</" never appears inside the script element: the JSON escapes it.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    payload = payload.replace("</", "<\\/")
    player = (f'<div class="nm-player" hidden><button type="button" class="nm-prev" '
              f'aria-label="{html.escape(site_word("step.prev", lang))}">←</button>'
              f'<button type="button" class="nm-next" '
              f'aria-label="{html.escape(site_word("step.next", lang))}">→</button>'
              f'<div class="nm-panel" aria-live="polite" aria-atomic="true">'
              f'{html.escape(site_word("player", lang))}</div></div>')
    return (f'<div class="nm-walk" id="{prefix}" tabindex="0" '
            f'aria-label="{html.escape(site_word("player", lang))}">'
            f'{"".join(controls)}{player}{"".join(blocks)}'
            f'<script type="application/json" class="nm-data">{payload}</script></div>')


def _odds(probability: float) -> str:
    # four places, as `netmodel trace` prints an endpoint's odds, trailing zeros cut
    return f"{probability:.4f}".rstrip("0").rstrip(".") if probability < 1 else "1"


def variants_of(first: Trace, pinned: Callable[[str], Trace]) -> tuple[list[Variant], int]:
    """Every endpoint the first random pick can take, with its walk, and which of
    them ``first`` took (``pinned(endpoint)`` walks with that pick forced). The
    one ``first`` took is ``first`` itself: the figure shows the fence's walk."""
    if len(first.alternatives) <= 1:
        return [Variant(None, first.probability, first)], 0
    taken = _first_dnat(first)
    out: list[Variant] = []
    shown = 0
    for endpoint, probability in first.alternatives:
        if endpoint == taken:
            shown = len(out)
        trace = first if endpoint == taken else pinned(endpoint)
        out.append(Variant(endpoint, probability, trace))
    return out, shown


def _first_dnat(trace: Trace) -> str | None:
    """The endpoint (``IP:PORT``) of the walk's first DNAT: kube-proxy's pick."""
    for step in trace.steps:
        if step.detail.key == "nf.dnat":
            return str(dict(step.detail.args)["to"])
    return None


def build_walk(model: Model, options: FenceOptions, lang: str, *, reply: bool, walk: Walk,
               render: Callable[[str], str], prefix: str) -> tuple[str, Trace]:
    """A ``view: path`` fence's figure (see :func:`walk_figure`) and the trace it
    shows first. A value the model cannot use is a :class:`FenceError` at its line."""
    assert options.request is not None
    request = options.request
    try:
        first = walk(model, request)
        variants, shown = variants_of(first, lambda endpoint: walk(model, request.pinned(endpoint)))
    except InputError as exc:
        raise options.located(exc) from None
    want_reply = reply if options.reply is None else options.reply

    def draw(trace: Trace, leg: str, anchor: str) -> str:
        title = diagram_label("path.title", lang, flow=trace.flow.render(lang),
                              disposition=disposition_text(trace.disposition, lang))
        svg = render(path(trace, lang=lang, leg=leg))
        return page_svg(inline_svg(svg, prefix=anchor, title=title,
                                   desc=trace.reason.render(lang), lang=lang, palette=False))

    html_text = walk_figure(variants, shown, reply=want_reply, lang=lang, prefix=prefix,
                            draw=draw)
    return html_text, first
