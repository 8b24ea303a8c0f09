"""Colours and fonts shared by every view.

Views colour with sentinel values that :mod:`netmodel.views.render` maps to Material's
CSS variables, so one SVG follows the reader's light or dark palette.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["COLOURS", "FONT", "FONT_STACKS", "GRAPH", "MONO", "SIZE", "safe_id"]

# sentinel hex value -> the CSS variable that replaces it in the page
COLOURS = {
    "fg": ("#010101", "var(--md-default-fg-color, #222)"),
    "muted": ("#020202", "var(--md-default-fg-color--light, #666)"),
    "line": ("#030303", "var(--md-default-fg-color--lighter, #999)"),
    "box": ("#040404", "var(--md-code-bg-color, #f5f5f5)"),
    "accent": ("#050505", "var(--md-accent-fg-color, #526cfe)"),
    "primary": ("#060606", "var(--md-primary-fg-color, #4051b5)"),
    "bg": ("#070707", "var(--md-default-bg-color, #fff)"),
    "warn": ("#080808", "var(--md-typeset-del-color, rgba(245,80,54,.5))"),
}
# The family Graphviz measures with, and the one the reader's browser draws with.
# Graphviz knows the metrics of only a few families (measure.py says why), and a
# font list it does not know, like "Noto Sans, sans-serif", is measured as
# Times, far narrower than what is drawn. So the DOT names one family Graphviz
# has metrics for, DejaVu Sans for text and Courier for rules (Courier's 0.6 em
# is every monospace family's advance), and render.py replaces it in the SVG with
# a stack that starts with it and falls back only to families no wider (Noto
# Sans, the system's sans-serif), with the Chinese ones for Han characters.
FONT = "DejaVu Sans"
MONO = "Courier"
FONT_STACKS = {
    FONT: "DejaVu Sans, Noto Sans, Noto Sans CJK SC, Source Han Sans SC, PingFang SC, "
          "Microsoft YaHei, sans-serif",
    MONO: "DejaVu Sans Mono, Noto Sans Mono, Menlo, Consolas, Noto Sans Mono CJK SC, "
          "monospace",
}
# Font sizes in points. The site never shows a figure below about 0.8 of its
# natural size, so 9 pt (12 px) is the floor: no text in any figure is smaller.
SIZE = {"title": 11, "cluster": 11, "node": 10, "edge": 9}
GRAPH = {"fontname": FONT, "fontsize": str(SIZE["title"]), "bgcolor": "transparent",
         "nodesep": "0.25", "ranksep": "0.35", "color": COLOURS["line"][0],
         "fontcolor": COLOURS["fg"][0]}


def colour(name: str) -> str:
    return COLOURS[name][0]


_ID = re.compile(r"[^A-Za-z0-9]")


def safe_id(text: str) -> str:
    """A DOT/SVG-safe id that stays readable, stable and distinct for distinct
    names: node:web-1 -> n_node_web_1_<6 hex>.

    Kubernetes allows both ``web-1`` and ``web.1`` (and a node may be ``node.1``),
    and Graphviz merges two objects given one id, so the readable part alone is
    not enough. Whenever it had to replace a character (``_`` included, so an
    unchanged name can never look like a replaced one plus a suffix), it is
    followed by the first 6 hex digits of the original's SHA-256."""
    readable = _ID.sub("_", text)
    if readable == text:
        return "n_" + text
    return f"n_{readable}_{hashlib.sha256(text.encode()).hexdigest()[:6]}"


def _widen(line: str) -> str:
    """The WebAssembly Graphviz measures a Han character as three spaces (0.95 em
    in DejaVu Sans) where the browser draws 1 em, so a Chinese edge label or title
    would take a little more room than Graphviz left it. A space on each side per
    eight wide characters (0.08 em each) covers that without moving the text off
    centre. (Boxes do not rely on it: they are sized from measure.label_width.)"""
    wide = sum(1 for ch in line if unicodedata.east_asian_width(ch) in ("W", "F"))
    if not wide:
        return line
    pad = " " * -(-wide // 8)
    return pad + line + pad


def text(value: object, *, widen: bool = True) -> str:
    """A label for DOT: backslashes escaped (a name cannot smuggle in ``\\l`` or
    ``\\N``), ``&`` as ``&amp;``, line breaks as DOT's ``\\n``. The graphviz
    package quotes the rest.

    Graphviz decodes HTML entities in every label, quoted ones too, so a segment
    named ``a&amp;b`` would be drawn ``a&b`` and one named ``&lt;x&gt;`` as ``<x>``;
    with its ``&`` escaped the figure shows the name exactly as it is (a bare
    ``&`` still draws as ``&``)."""
    lines = [_widen(line) if widen else line for line in str(value).split("\n")]
    return "\\n".join(line.replace("\\", "\\\\").replace("&", "&amp;") for line in lines)


def left_text(value: object) -> str:
    """:func:`text`, its lines left-aligned (DOT's ``\\l`` ends each one; a
    left-aligned line is not padded, which would indent it)."""
    return "".join(text(line, widen=False) + "\\l" for line in str(value).split("\n"))


_RECORD = re.compile(r"([{}|<>\"])")


def field(value: object, *, widen: bool = True) -> str:
    """Text for one field of a record label: the record's own syntax ({ } | < >)
    escaped as well. (Records, not HTML-like labels: the WebAssembly Graphviz
    is built without expat, so HTML labels would fall back to the node's name.)"""
    return _RECORD.sub(r"\\\1", text(value, widen=widen))


__all__ += ["colour", "field", "left_text", "text"]
