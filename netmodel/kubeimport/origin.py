"""Where an imported object came from, and the one-line error that says so.

Every object read from kubectl output keeps its file and its position there
(the item index in a ``List``, the line), so the spec can say per object where
it came from and a bad field can be named as ``file:line: /items/12/spec/nodeName``:
a JSON pointer (RFC 6901), the path kubectl's own JSON has, for JSON and YAML alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from netmodel.errors import NetmodelError, echo

__all__ = ["KubectlError", "Origin", "pointer"]

_PROBLEM_LIMIT = 400
_POINTER_LIMIT = 200  # an annotation key alone may be 253 + 63 characters; most are short


def pointer(parts: tuple[str | int, ...]) -> str:
    """``("items", 3, "spec")`` → ``/items/3/spec`` (``~`` and ``/`` escaped as RFC 6901 says)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class KubectlError(NetmodelError):
    """Input that is not kubectl output netmodel can read: ``file:line: /pointer: problem``."""

    def __init__(self, file: str, line: int | None, where: str, problem: str) -> None:
        self.file = file
        self.line = line
        self.where = where
        self.problem = problem
        place = f"{file}:{line}" if line is not None else file
        text = echo(problem, _PROBLEM_LIMIT)
        shown = echo(where, _POINTER_LIMIT)
        super().__init__(f"{place}: {shown}: {text}" if where else f"{place}: {text}")


@dataclass(frozen=True, slots=True)
class Origin:
    """An object's place: its file, its index in the file's ``items`` (None for
    a file that is one object), the line it starts on, and for YAML the line of
    any field inside it."""

    file: str
    index: int | None
    line: int | None
    base: tuple[str | int, ...] = ()  # the object's own pointer: ("items", 12), or ()
    locate: Callable[[tuple[str | int, ...]], int | None] | None = field(
        default=None, compare=False, repr=False)

    def error(self, path: tuple[str | int, ...], problem: str) -> KubectlError:
        """An error about the field at ``path`` inside this object."""
        full = (*self.base, *path)
        line = self.locate(full) if self.locate is not None else self.line
        return KubectlError(self.file, line, pointer(full), problem)

    @property
    def label(self) -> str:
        """``pods.json, item 12`` as the spec's comment says it."""
        return self.file if self.index is None else f"{self.file}, item {self.index}"

    def __str__(self) -> str:
        return self.label + (f" (line {self.line})" if self.line is not None else "")
