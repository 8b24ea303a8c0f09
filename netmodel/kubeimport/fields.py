"""Typed reads of a kubectl object's fields, each failure naming the field.

kubectl output is the API server's JSON, so a field has one type; anything
else (a list where a mapping belongs, a number for a name) is input netmodel
cannot trust, and the error names the file, the line and the JSON pointer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netmodel.kubeimport.origin import KubectlError, Origin

__all__ = ["Fields", "Path"]

Path = tuple[str | int, ...]  # a field inside one object


class Fields:
    """Reads of one object's fields."""

    def __init__(self, data: Mapping[str, Any], origin: Origin) -> None:
        self.data = data
        self.origin = origin

    def fail(self, path: Path, problem: str) -> KubectlError:
        return self.origin.error(path, problem)

    def raw(self, path: Path) -> Any:
        """The value at ``path``, or None where any step of it is missing.

        The hottest function of an import (a dozen reads per pod, 150,000 pods):
        plain indexing, with decoded JSON's exact types (dict, list, str) told
        apart by ``type`` rather than by the slower abstract ``isinstance``.
        """
        value: Any = self.data
        for part in path:
            kind = type(value)
            if kind is dict:
                value = value.get(part)
            elif kind is list and type(part) is int:
                value = value[part] if part < len(value) else None
            else:
                return None
            if value is None:
                return None
        return value

    def mapping(self, path: Path) -> dict[str, Any]:
        value = self.raw(path)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        return value

    def sequence(self, path: Path) -> list[Any]:
        value = self.raw(path)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {_kind(value)}")
        return value

    def string(self, path: Path, default: str | None = None) -> str | None:
        value = self.raw(path)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(path, f"expected a string, got {_kind(value)}")
        return value

    def required(self, path: Path, why: str) -> str:
        value = self.string(path)
        if value is None or value == "":
            raise self.fail(path, f"missing ({why})")
        return value

    def integer(self, path: Path) -> int | None:
        value = self.raw(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {_kind(value)}")
        return value

    def boolean(self, path: Path) -> bool | None:
        value = self.raw(path)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {_kind(value)}")
        return value

    def labels(self, path: Path) -> tuple[tuple[str, str], ...]:
        """A map[string]string (labels, a selector), sorted."""
        out = []
        for key, value in self.mapping(path).items():
            if not isinstance(value, str):
                raise self.fail((*path, key), f"expected a string, got {_kind(value)}")
            out.append((key, value))
        return tuple(sorted(out))


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    return f"{type(value).__name__} {value!r:.40}"
