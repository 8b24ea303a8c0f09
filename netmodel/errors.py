"""Errors a user can cause, each carrying where it came from.

A spec error names the file, the line and the field, and says what was expected,
so the CLI can print one line and exit 2 (no traceback).
"""

from __future__ import annotations

__all__ = ["EndpointError", "NetmodelError", "SpecError"]


class NetmodelError(ValueError):
    """Base of every error caused by input rather than by a bug."""


class SpecError(NetmodelError):
    """A cluster spec that cannot be loaded: ``file:line: field: problem``."""

    def __init__(self, file: str, line: int | None, field: str, problem: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


class EndpointError(NetmodelError):
    """A trace endpoint such as ``pod/nope`` that names nothing in the spec."""

    def __init__(self, text: str, problem: str) -> None:
        self.text = text
        self.problem = problem
        super().__init__(f"{text!r}: {problem}")
