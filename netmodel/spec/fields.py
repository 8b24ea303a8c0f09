"""Typed readers for spec fields: each check names the field and what was expected."""

from __future__ import annotations

import difflib
import functools
import re
from enum import Enum
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any, TypeVar

from netmodel.errors import SpecError
from netmodel.spec.addressing import normalize_mac
from netmodel.spec.names import NameKind, problem
from netmodel.spec.yamlsource import Path, SourceDoc

__all__ = ["Fields", "kind_of"]

E = TypeVar("E", bound=Enum)


@functools.cache
def _members(enum: type[Enum]) -> dict[str, Any]:
    # Calling an Enum class costs microseconds per value: 150,000 ports add up.
    return {str(member.value): member for member in enum}

_BAD_NAME = re.compile(r"[/\s]")


class Fields:
    """Reads values out of one YAML document, raising SpecErrors with lines."""

    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc

    def fail(self, path: Path, problem: str) -> SpecError:
        return self.doc.error(path, problem)

    def mapping(self, value: Any, path: Path, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {kind_of(value)}")
        for key in value:
            if key not in allowed:
                lowered = {a.lower(): a for a in allowed}
                close = difflib.get_close_matches(str(key).lower(), lowered, n=1, cutoff=0.6)
                hint = f"; did you mean {lowered[close[0]]!r}?" if close else ""
                raise self.fail((*path, key), "unknown field "
                                f"(expected one of {', '.join(sorted(allowed))}){hint}")
        return value

    def sequence(self, value: Any, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {kind_of(value)}")
        return value

    def string(self, value: Any, path: Path) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"expected a non-empty string, got {kind_of(value)}")
        return value

    def name(self, value: Any, path: Path) -> str:
        # The cluster's and the segments' names are ours, not API objects: refuse
        # only what would break our own output (slashes split pod/NS/NAME endpoints).
        text = self.string(value, path)
        if _BAD_NAME.search(text):
            raise self.fail(path, f"invalid name {text!r} (no '/' or spaces)")
        return text

    def k8s_name(self, value: Any, path: Path, kind: NameKind) -> str:
        """A name the API server checks: refused as it would refuse it."""
        text = self.string(value, path)
        why = problem(text, kind)
        if why is not None:
            raise self.fail(path, why)
        return text

    def labels(self, value: Any, path: Path) -> tuple[tuple[str, str], ...]:
        """A ``labels:`` or ``selector:`` mapping, sorted, keys and values checked
        as metav1 ``ValidateLabels`` checks both."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping of label: value, got {kind_of(value)}")
        out = []
        for key, val in value.items():
            if not isinstance(val, str | int | float) or isinstance(val, bool):
                raise self.fail((*path, key), f"expected a string label value, got "
                                f"{kind_of(val)}")
            text_key, text_val = str(key), str(val)
            why = problem(text_key, NameKind.LABEL_KEY) or problem(text_val,
                                                                   NameKind.LABEL_VALUE)
            if why is not None:
                raise self.fail((*path, key), why)
            out.append((text_key, text_val))
        return tuple(sorted(out))

    def integer(self, value: Any, path: Path, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {kind_of(value)}")
        if not low <= value <= high:
            raise self.fail(path, f"{value} is out of range (expected {low}-{high})")
        return value

    def boolean(self, value: Any, path: Path) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {kind_of(value)}")
        return value

    def choice(self, value: Any, path: Path, enum: type[E], what: str) -> E:
        text = self.string(value, path)
        found: E | None = _members(enum).get(text)
        if found is None:
            raise self.fail(path, f"unknown {what} {text!r} "
                            f"(expected one of {', '.join(sorted(_members(enum)))})")
        return found

    def cidr(self, value: Any, path: Path) -> IPv4Network:
        text = self.string(value, path)
        try:
            net = ip_network(text, strict=True)
        except ValueError:
            raise self.fail(path, f"invalid CIDR {text!r} (expected an IPv4 network "
                            "such as 10.244.0.0/16, host bits zero)") from None
        if not isinstance(net, IPv4Network):
            raise self.fail(path, f"{text!r} is IPv6 (the model is IPv4-only)")
        return net

    def address(self, value: Any, path: Path) -> IPv4Address:
        text = self.string(value, path)
        try:
            addr = ip_address(text)
        except ValueError:
            raise self.fail(path, f"invalid IP address {text!r} "
                            "(expected an IPv4 address such as 10.244.1.5)") from None
        if not isinstance(addr, IPv4Address):
            raise self.fail(path, f"{text!r} is IPv6 (the model is IPv4-only)")
        return addr

    def mac(self, value: Any, path: Path) -> str:
        text = self.string(value, path)
        mac = normalize_mac(text)
        if mac is None:
            raise self.fail(path, f"invalid MAC address {text!r} "
                            "(expected six hex pairs such as 0a:58:0a:f4:01:02)")
        if int(mac[:2], 16) & 1:
            raise self.fail(path, f"{mac} is a multicast MAC (expected unicast)")
        return mac


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
