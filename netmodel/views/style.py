"""Colours and fonts shared by every view.

Views colour with sentinel values that :mod:`netmodel.views.render` maps to Material's
CSS variables, so one SVG follows the reader's light or dark palette.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["COLOURS", "FONT", "GRAPH", "safe_id"]

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
FONT = "Helvetica,Arial,sans-serif"
GRAPH = {"fontname": FONT, "fontsize": "11", "bgcolor": "transparent", "nodesep": "0.25",
         "ranksep": "0.35", "color": COLOURS["line"][0], "fontcolor": COLOURS["fg"][0]}


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
    """Graphviz sizes boxes from font metrics; the WebAssembly build has no fonts and
    measures a CJK character at about half its real width, so Chinese labels spill
    out of their boxes. Two spaces per wide character, split around the line,
    restore the width without moving the text off centre."""
    wide = sum(1 for ch in line if unicodedata.east_asian_width(ch) in ("W", "F"))
    if not wide:
        return line
    return " " * wide + line + " " * wide


def text(value: object) -> str:
    """A label for DOT: backslashes escaped (a name cannot smuggle in ``\\l`` or
    ``\\N``), ``&`` as ``&amp;``, line breaks as DOT's ``\\n``. The graphviz
    package quotes the rest.

    Graphviz decodes HTML entities in every label, quoted ones too, so a segment
    named ``a&amp;b`` would be drawn ``a&b`` and one named ``&lt;x&gt;`` as ``<x>``;
    with its ``&`` escaped the figure shows the name exactly as it is (a bare
    ``&`` still draws as ``&``)."""
    lines = [_widen(line) for line in str(value).split("\n")]
    return "\\n".join(line.replace("\\", "\\\\").replace("&", "&amp;") for line in lines)


_RECORD = re.compile(r"([{}|<>\"])")


def field(value: object) -> str:
    """Text for one field of a record label: the record's own syntax ({ } | < >)
    escaped as well. (Records, not HTML-like labels: the WebAssembly Graphviz
    is built without expat, so HTML labels would fall back to the node's name.)"""
    return _RECORD.sub(r"\\\1", text(value))


__all__ += ["colour", "field", "text"]
