"""How wide a label is drawn, estimated here rather than by Graphviz.

Graphviz sizes every shape from its own text metrics, not the reader's fonts.
The WebAssembly build has no fonts at all: it knows the ASCII advances of a few
families (``lib/common/textspan_lut.c``, ``estimate_text_width_1pt``) and counts
every byte of a non-ASCII character as a space, so a Chinese character comes out
near 0.95 em where the browser draws 1 em, and a family it does not know is
measured as Times, narrower than any sans-serif. Boxes sized that way are too
small for their text. So a view measures each label itself, in display columns
(an East Asian wide or fullwidth character takes two, as in a terminal; a
combining mark none) times a generous em per column, and gives the shape at
least that width.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["BOX_MARGIN", "MONO_EM", "SANS_EM", "columns", "cut", "fold_key", "inches",
           "label_width", "wrap"]

# Points per column per point of font size. DejaVu Sans, the widest family of
# the sans stack (style.FONT_STACK), draws digits at 0.64 em, lower-case letters
# at 0.52 em on average and a Han character (two columns) at 1 em; 0.62 covers
# the names, addresses and MACs the labels are made of, with room. Monospace
# families (DejaVu Sans Mono, Noto Sans Mono, Menlo, Consolas) advance 0.60 em.
SANS_EM = 0.62
MONO_EM = 0.62


def columns(line: str) -> int:
    """The display width of one line: 2 per wide or fullwidth character, 0 per
    combining mark or control character, 1 for the rest."""
    width = 0
    for ch in line:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def label_width(text: str, size: float, *, mono: bool = False) -> float:
    """Points the widest line of ``text`` needs at font size ``size``."""
    em = MONO_EM if mono else SANS_EM
    return max((columns(line) for line in text.split("\n")), default=0) * em * size


_TOKEN = re.compile(r"\S+\s*|\s+")


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns, at spaces where it
    can (a space stays at the end of the line it ends), inside a token only when
    the token alone is wider. Nothing is lost: the lines joined are ``text``."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if columns((line + token).rstrip()) <= width:
            line += token
            continue
        if line:
            lines.append(line)
            line = ""
        while columns(token.rstrip()) > width:
            head = _fit(token, width)
            lines.append(head)
            token = token[len(head):]
        line = token
    if line or not lines:
        lines.append(line)
    return lines


def _fit(token: str, width: int) -> str:
    """The longest prefix of ``token`` at most ``width`` columns wide (at least one
    character, so a width smaller than one wide character still makes progress)."""
    used = 0
    for index, ch in enumerate(token):
        used += columns(ch)
        if used > width:
            return token[:max(index, 1)]
    return token


def cut(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, an ellipsis marking the cut."""
    if columns(text) <= width:
        return text
    return _fit(text, width - 1) + "…"


# Graphviz's own padding around a box's label (its default margin, 0.11 in a side).
BOX_MARGIN = 16.0


def inches(points: float) -> str:
    """A Graphviz ``width`` (inches, a minimum unless ``fixedsize``), rounded up to
    the hundredth so the DOT text is short and the same on every machine."""
    return f"{-(-round(points * 100) // 72) / 100:.2f}"


def fold_key(key: str, width: int = 32) -> str:
    """A ``namespace/name`` key longer than ``width`` columns, on two lines after
    its slash (generated names, like a Gateway's envoy pods, run to 60 columns
    and would set the width of a whole figure)."""
    namespace, slash, name = key.partition("/")
    return f"{namespace}/\n{name}" if slash and columns(key) > width else key
