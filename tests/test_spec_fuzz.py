"""Fuzzing the spec loader: a mangled spec is a Cluster or one SpecError line.

Each example starts from one of the valid specs in ``diagrams/clusters/`` and
mutates it the way editing and pasting go wrong: lines deleted, duplicated or
swapped, a tab or random (unicode, control) characters typed in, a value
replaced by another value or by an awkward YAML scalar (``~``, ``.nan``, an
anchor, an alias, 5,000 digits, a flow collection, a tag). Whatever comes out,
:func:`parse_spec` must either load it or raise a :class:`SpecError` whose
message is one printable line starting with the file name; any other
exception, a traceback in the CLI, is a bug. Bounded in examples and
therefore in time (some seconds); ``database=None`` keeps runs from writing
``.hypothesis/`` into the tree.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from netmodel.errors import SpecError
from netmodel.spec.cluster import Cluster
from netmodel.spec.load import parse_spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = {path.name: path.read_text(encoding="utf-8")
         for path in sorted((ROOT / "diagrams" / "clusters").glob("*.yaml"))}

# Values a YAML editor may type, each awkward for some part of the loader.
AWKWARD = [
    "~", "null", "", "''", '""', "true", "no", ".nan", "-.inf", ".inf", "1.5", "0x1F",
    "0o17", "1e400", "-0", "9" * 5000, "-" + "9" * 5000, "[]", "{}", "[a, b]", "{a: 1}",
    "&a x", "*a", "&b [*b]", "!!binary aGk=", "!!str 5", "!custom x", "'unclosed",
    '"\\e[31m"', '"a\\0b"', '"\\u202e"', "|\n  block", ">-\n  folded", "? [a, b]\n: c",
    "x: y: z", "- list", "---", "...", "%YAML 1.2", "#comment", "{a: 1, a: 2}", "[",
    "}", ":", "@", "`", "0a:58:0a:f4:01:02", "10.244.0.0/16", "192.168.56.11",
    "node-1", "web", "30080", "65536", "0", "-1", "x" * 300,
]
_VALUE = re.compile(r"(:\s+)([^\s#][^,}\]\n]*)")


def _value_spans(text: str) -> list[tuple[int, int]]:
    return [match.span(2) for match in _VALUE.finditer(text)]


@st.composite
def mutated_spec(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(SPECS)))
    text = SPECS[name]
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True) or ["\n"]
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "tab",
                                     "value", "swap-values"]))
        event(f"mutation: {kind}")
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "tab":
            lines[at] = "\t" + lines[at]
        elif kind == "insert":
            # Any character a UTF-8 file can hold (no lone surrogates).
            junk = draw(st.text(st.characters(exclude_categories=["Cs"]), min_size=1,
                                max_size=8))
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + junk + lines[at][column:]
        text = "".join(lines)
        spans = _value_spans(text)
        if kind in ("value", "swap-values") and spans:
            start, end = draw(st.sampled_from(spans))
            if kind == "value":
                new = draw(st.sampled_from(AWKWARD))
            else:
                other_start, other_end = draw(st.sampled_from(spans))
                new = text[other_start:other_end]
            text = text[:start] + new + text[end:]
    return name, text


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_spec())
def test_a_mutated_spec_loads_or_is_one_spec_error_line(case: tuple[str, str]) -> None:
    name, text = case
    try:
        cluster = parse_spec(text, name)
    except SpecError as error:
        message = str(error)
        event("refused")
        assert message.startswith(f"{name}:"), message
        assert message.isprintable(), message  # one line, nothing for a terminal to obey
        assert len(message) < 1000, message
    else:
        event("loaded")
        assert isinstance(cluster, Cluster)


@settings(max_examples=200, deadline=None, database=None)
@given(st.sampled_from(sorted(SPECS)), st.data())
def test_every_value_replaced_by_an_awkward_scalar(name: str, data: st.DataObject) -> None:
    # One value at a time, but each value of each spec is reachable: the
    # position is drawn over every "key: value" of the file.
    text = SPECS[name]
    start, end = data.draw(st.sampled_from(_value_spans(text)))
    new = data.draw(st.sampled_from(AWKWARD) | st.text(max_size=6))
    try:
        parse_spec(text[:start] + new + text[end:], name)
    except SpecError as error:
        event("refused")
        assert str(error).startswith(f"{name}:") and str(error).isprintable(), str(error)
    else:
        event("loaded")
