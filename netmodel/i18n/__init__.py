"""Every word netmodel prints, in English and Chinese: one catalogue per concern.

- :mod:`~netmodel.i18n.details`: what a trace says at each step and why it ended.
- :mod:`~netmodel.i18n.places`, :mod:`~netmodel.i18n.origins`,
  :mod:`~netmodel.i18n.dispositions`: how a detail names a netns, who installed
  an entry, how an outcome reads.
- :mod:`~netmodel.i18n.diagrams`: labels and titles of the figures.
- :mod:`~netmodel.i18n.output`: the frame of `netmodel trace`'s text and `--brief`.
- :mod:`~netmodel.i18n.site`: what a page says around a figure.
- :mod:`~netmodel.i18n.imports`: the warnings of `netmodel import`.

A :class:`Detail` is a catalogue key and its arguments; it is rendered in a
language only when shown, so one trace serves both versions of the site. Keys
are a closed set: an unknown key fails where the detail is made, not in print.
This package sits below every stage and imports none of them: a stage's value
that names itself (an ``Origin``, a ``NetnsId``) calls in here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from netmodel.i18n.details import CATALOG
from netmodel.i18n.dispositions import disposition_text
from netmodel.i18n.origins import origin_text
from netmodel.i18n.places import place_text

__all__ = [
    "CATALOG",
    "LANGUAGES",
    "Detail",
    "Translatable",
    "detail",
    "disposition_text",
    "origin_text",
    "place_text",
]

LANGUAGES = ("en", "zh")

# Chinese sets a space between Han and Latin text, never between two Han
# characters. A template spaces its placeholders for Latin values ("{who} 的路由表"
# with "node-1"); when the value is Han ("底层路由器") the space goes.
_HAN_GAP = re.compile(r"(?<=[\u4e00-\u9fff）」]) (?=[\u4e00-\u9fff（「])")


@runtime_checkable
class Translatable(Protocol):
    """A value that names itself in a language: a detail, a netns, an origin."""

    def render(self, lang: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Detail:
    """A catalog key with its arguments (strings, origins, or nested details)."""

    key: str
    args: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.key not in CATALOG:
            raise KeyError(f"unknown detail {self.key!r} (not in the catalog)")

    def render(self, lang: str = "en") -> str:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r} (expected one of "
                             f"{', '.join(LANGUAGES)})")
        values = {name: _render_value(value, lang) for name, value in self.args}
        text = CATALOG[self.key][lang].format(**values)
        return _HAN_GAP.sub("", text) if lang == "zh" else text

    def __str__(self) -> str:
        return self.render("en")


def _render_value(value: Any, lang: str) -> str:
    if isinstance(value, Translatable):
        return value.render(lang)
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def detail(key: str, **args: Any) -> Detail:
    return Detail(key, tuple(sorted(args.items())))
