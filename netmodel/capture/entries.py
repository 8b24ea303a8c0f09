"""Reading ``ip -j`` and ``bridge -j`` output, entry by entry, with line numbers.

iproute2 prints one JSON array (on one line, or pretty with ``-p``); each
entry is decoded on its own so an error names the line the entry starts on and
its field as ``[index].key``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address
from typing import Any

from netmodel.errors import SpecError, echo
from netmodel.spec.addressing import normalize_mac

__all__ = ["CaptureError", "Entry", "json_entries"]


class CaptureError(SpecError):
    """A capture file the parsers cannot read: ``file:line: field: problem``."""


_DECODER = json.JSONDecoder()


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def json_entries(text: str, file: str) -> Iterator[Entry]:
    """The objects of the JSON array in ``text``."""
    pos = _skip(text, 0)
    if pos == len(text):
        return  # `ip -j neigh` prints nothing at all when the table is empty
    if text[pos] != "[":
        raise CaptureError(file, _line(text, pos), "", "expected a JSON array (the output "
                           "of ip -j / bridge -j)")
    pos = _skip(text, pos + 1)
    index = 0
    while pos < len(text) and text[pos] != "]":
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise CaptureError(file, _line(text, exc.pos), f"[{index}]",
                               f"not JSON: {exc.msg}") from None
        if not isinstance(value, dict):
            raise CaptureError(file, _line(text, pos), f"[{index}]", "expected an object")
        yield Entry(file, _line(text, pos), index, value)
        index += 1
        pos = _skip(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
    if pos >= len(text):
        raise CaptureError(file, _line(text, pos), "", "the JSON array is not closed "
                           "(a truncated capture?)")
    if _skip(text, pos + 1) != len(text):
        raise CaptureError(file, _line(text, pos + 1), "", "text after the JSON array")


@dataclass(frozen=True, slots=True)
class Entry:
    """One object of the array (or an object nested in one, under ``prefix``),
    with where it is for error messages."""

    file: str
    line: int
    index: int
    data: dict[str, Any]
    prefix: str = ""

    def error(self, key: str, problem: str) -> CaptureError:
        return CaptureError(self.file, self.line, f"[{self.index}].{self.prefix}{key}", problem)

    def get(self, key: str, kind: type, default: Any = None) -> Any:
        value = self.data.get(key, default)
        if value is not default and not (isinstance(value, kind)
                                         and not (kind is int and isinstance(value, bool))):
            raise self.error(key, f"expected {kind.__name__}, got {echo(repr(value))}")
        return value

    def text(self, key: str) -> str:
        value = self.get(key, str)
        if value is None:
            raise self.error(key, "missing")
        return str(value)

    def number(self, key: str) -> int:
        value = self.get(key, int)
        if value is None:
            raise self.error(key, "missing")
        return int(value)

    def address(self, key: str) -> IPv4Address:
        return self.parse_address(key, self.text(key))

    def parse_address(self, key: str, text: str) -> IPv4Address:
        try:
            return IPv4Address(text)
        except AddressValueError:
            raise self.error(key, f"not an IPv4 address: {echo(repr(text))}") from None

    def mac(self, key: str) -> str:
        text = self.text(key)
        mac = normalize_mac(text)
        if mac is None:
            raise self.error(key, f"not a MAC address: {echo(repr(text))}")
        return mac

    def sub(self, key: str) -> Entry:
        """A nested object (``linkinfo``); its errors name ``[i].key.inner``."""
        value = self.get(key, dict, None)
        return Entry(self.file, self.line, self.index, value or {}, f"{self.prefix}{key}.")
