"""Typed readers for spec fields: each check names the field and what was expected."""

from __future__ import annotations

import difflib
import functools
import math
import re
from enum import Enum
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any, TypeVar

from netmodel.errors import SpecError
from netmodel.spec.addressing import normalize_mac
from netmodel.spec.names import NameKind, problem
from netmodel.spec.shown import key_text, shown
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
                # A key need not be a string (``~: x``, ``? [a, b]``): the path
                # spells it as YAML would, and str() of a 5,000-digit one raises.
                text = key_text(key)
                lowered = {a.lower(): a for a in allowed}
                close = difflib.get_close_matches(text.lower(), lowered, n=1, cutoff=0.6)
                hint = f"; did you mean {shown(lowered[close[0]])}?" if close else ""
                raise self.fail((*path, text), "unknown field "
                                f"(expected one of {', '.join(sorted(allowed))}){hint}")
        return value

    def optional_mapping(self, value: Any, path: Path,
                         allowed: tuple[str, ...]) -> dict[str, Any]:
        """A mapping that may be left out or empty (``cluster:`` alone): not
        ``value or {}``, which would take ``cluster: []`` or ``0`` for it too."""
        return self.mapping({} if value is None else value, path, allowed)

    def sequence(self, value: Any, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {kind_of(value)}")
        return value

    def string(self, value: Any, path: Path) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"expected a non-empty string, got {kind_of(value)}")
        if not value.isprintable():
            # No field holds a NUL, an ESC or a line break: each would cut or
            # garble a name wherever it is printed (a table, an iptables rule).
            raise self.fail(path, f"{shown(value)} holds an unprintable character "
                            "(expected printable text)")
        return value

    def name(self, value: Any, path: Path) -> str:
        # The cluster's and the segments' names are ours, not API objects: refuse
        # only what would break our own output (slashes split pod/NS/NAME endpoints).
        text = self.string(value, path)
        if _BAD_NAME.search(text):
            raise self.fail(path, f"invalid name {shown(text)} (no '/' or spaces)")
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
            # The API's labels are map[string]string. A YAML int value (or a
            # float one) is taken as its digits (``version: 2``), but null, true
            # or .nan would become "None", "True" or "nan", which nobody wrote.
            kpath: Path = (*path, key_text(key))
            if isinstance(key, float) or not _label_scalar(key):  # 1.50: x is "1.5"
                raise self.fail(kpath, f"expected a string label key, got {kind_of(key)}")
            if not _label_scalar(val):
                raise self.fail(kpath, f"expected a string label value, got "
                                f"{kind_of(val)}")
            for part in (key, val):
                if isinstance(part, int) and part.bit_length() > _LABEL_INT_BITS:
                    # str() refuses past 4,300 digits: say how long it is instead.
                    raise self.fail(kpath, f"{shown(part)} is too long for a label "
                                    "(expected at most 63 characters)")
            text_key, text_val = str(key), str(val)
            why = problem(text_key, NameKind.LABEL_KEY) or problem(text_val,
                                                                   NameKind.LABEL_VALUE)
            if why is not None:
                raise self.fail(kpath, why)
            out.append((text_key, text_val))
        return tuple(sorted(out))

    def integer(self, value: Any, path: Path, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {kind_of(value)}")
        if not low <= value <= high:
            raise self.fail(path, f"{shown(value)} is out of range (expected {low}-{high})")
        return value

    def boolean(self, value: Any, path: Path) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {kind_of(value)}")
        return value

    def choice(self, value: Any, path: Path, enum: type[E], what: str) -> E:
        text = self.string(value, path)
        found: E | None = _members(enum).get(text)
        if found is None:
            raise self.fail(path, f"unknown {what} {shown(text)} "
                            f"(expected one of {', '.join(sorted(_members(enum)))})")
        return found

    def cidr(self, value: Any, path: Path) -> IPv4Network:
        text = self.string(value, path)
        try:
            net = ip_network(text, strict=True)
        except ValueError:
            raise self.fail(path, f"invalid CIDR {shown(text)} (expected an IPv4 network "
                            "such as 10.244.0.0/16, host bits zero)") from None
        if not isinstance(net, IPv4Network):
            raise self.fail(path, f"{shown(text)} is IPv6 (the model is IPv4-only)")
        return net

    def address(self, value: Any, path: Path) -> IPv4Address:
        text = self.string(value, path)
        try:
            addr = ip_address(text)
        except ValueError:
            raise self.fail(path, f"invalid IP address {shown(text)} "
                            "(expected an IPv4 address such as 10.244.1.5)") from None
        if not isinstance(addr, IPv4Address):
            raise self.fail(path, f"{shown(text)} is IPv6 (the model is IPv4-only)")
        return addr

    def mac(self, value: Any, path: Path) -> str:
        text = self.string(value, path)
        mac = normalize_mac(text)
        if mac is None:
            raise self.fail(path, f"invalid MAC address {shown(text)} "
                            "(expected six hex pairs such as 0a:58:0a:f4:01:02)")
        if int(mac[:2], 16) & 1:
            raise self.fail(path, f"{mac} is a multicast MAC (expected unicast)")
        return mac


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} (not a number)" if math.isnan(value) else f"{value} (infinite)"
    # yaml-rs makes a sequence key a tuple and a mapping key a frozenset.
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", tuple: "a list", dict: "a mapping",
            frozenset: "a mapping"}.get(type(value), type(value).__name__)


_LABEL_INT_BITS = 256  # past 77 digits: longer than any label (63) already


def _label_scalar(value: Any) -> bool:
    """A label key or value YAML may have read as a number: a string, an int,
    a finite float."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str | int)
