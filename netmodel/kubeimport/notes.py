"""The warnings of one import: what was left out or assumed, counted.

One line per kind of warning (a catalogue key and its arguments), however many
objects it covers: a cluster with 4,000 finished pods gets one line saying so,
not 4,000. Lines are sorted, so the same input prints the same warnings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from netmodel.errors import one_line
from netmodel.i18n.imports import import_word

__all__ = ["Notes"]


@dataclass(slots=True)
class Notes:
    """Warnings met so far, each with how often."""

    counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=Counter)

    def add(self, key: str, n: int = 1, **args: Any) -> None:
        """One more (or ``n`` more) of warning ``key`` with these arguments."""
        import_word(key, "en", count=0, **args)  # an unknown key fails here, not in print
        self.counts[(key, tuple(sorted((k, str(v)) for k, v in args.items())))] += n

    def lines(self, lang: str = "en") -> list[str]:
        """Each warning as one printable line, in a stable order."""
        out = []
        for (key, args), count in sorted(self.counts.items()):
            text = import_word(key, lang, count=count, **dict(args))
            out.append(one_line(text))
        return out

    def keys(self) -> set[str]:
        return {key for key, _ in self.counts}
