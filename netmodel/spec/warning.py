"""A spec warning: what the API server accepts but is probably a mistake."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SpecWarning"]


@dataclass(frozen=True, slots=True)
class SpecWarning:
    """Accepted, but probably not what was meant: ``file:line: field: warning: …``."""

    file: str
    line: int | None
    field: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: warning: {self.problem}"
