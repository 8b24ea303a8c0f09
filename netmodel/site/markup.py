"""What netmodel reads in a page's Markdown: ```` ```netmodel ```` fences and
their options, and ``{{nm QUERY}}`` references.

Light on purpose: a warm site build reads every fence and reference of every
page but draws nothing and computes nothing (the cache answers), so this
module imports no model, no view code and no renderer. Drawing and answering
are :mod:`netmodel.site.fences` and :mod:`netmodel.site.values`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import yaml_rs

from netmodel.errors import InputError, NetmodelError
from netmodel.trace.disposition import Disposition
from netmodel.trace.request import WalkRequest

__all__ = ["APPLIES", "DISPOSITIONS", "OPTIONS", "REFERENCE", "RESOLV_CONF", "TABLES", "Fence",
           "FenceError", "FenceOptions", "find_fences", "find_references", "read_fence"]

OPTIONS = ("spec", "view", "from", "to", "port", "proto", "endpoint", "hop", "focus",
           "caption", "reply", "expect", "hops", "table", "node", "pod", "diff", "capture",
           "state")
# resolv.conf: not a netns table but the file kubelet computes (state/resolv_conf.py).
RESOLV_CONF = "resolv.conf"
TABLES = ("links", "addrs", "routes", "neigh", "fdb", "iptables", "kube-proxy", RESOLV_CONF)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```netmodel[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                    re.M | re.S)


class FenceError(NetmodelError):
    """A fence that cannot be drawn: ``page.md:line: problem``, the line being the
    option's at fault (``port: 9999``), or the fence's own for the whole fence."""

    def __init__(self, where: str, line: int, message: str) -> None:
        self.where = where
        self.line = line
        self.message = message
        super().__init__(f"{where}:{line}: {message}")


_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")


@dataclass(frozen=True, slots=True)
class Fence:
    start: int  # character offsets of the whole fence in the page
    end: int
    line: int  # 1-based line of the opening ```netmodel
    indent: str
    body: str

    def option_line(self, key: str) -> int:
        """The page line of option ``key`` (options are flat ``key: value`` lines);
        the fence's own line when the key is not written."""
        for number, text in enumerate(self.body.splitlines(), start=1):
            found = _KEY.match(text)
            if found is not None and found[1] == key:
                return self.line + number
        return self.line


@dataclass(frozen=True, slots=True)
class FenceOptions:
    spec: str
    view: str
    request: WalkRequest | None = None  # the walk drawn (every view but topology)
    hop: int | None = None
    focus: str | None = None
    reply: bool | None = None
    caption: dict[str, str] = field(default_factory=dict)
    expect: str | None = None
    hops: int | None = None
    table: str | None = None  # a state table instead of a diagram
    node: str | None = None
    pod: str | None = None
    diff: str | None = None  # `netmodel diff`'s text for this node instead of a diagram
    capture: str | None = None  # the diff's capture, a path in the diagrams directory
    # A walk through nodes as captured (`trace --state NODE=CAPTURE`): (node, capture
    # path in the diagrams directory), sorted by node.
    state: tuple[tuple[str, str], ...] = ()
    # Where the fence is, for errors: not part of what it draws (the cache keys on
    # repr), so moving a fence on its page changes nothing else. "" off a page.
    where: str = field(default="", compare=False, repr=False)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def line_of(self, option: str | None) -> int:
        """The page line of ``option``, or of the fence when it is not written."""
        lines = dict(self.lines)
        return lines.get(option or "", lines.get("", 0))

    @property
    def captures(self) -> tuple[tuple[str, str, str], ...]:
        """(option, node, capture path in the diagrams directory) of every capture
        the fence reads: its diff's, or each node's of its ``state``."""
        if self.diff is not None and self.capture is not None:
            return (("capture", self.diff, self.capture),)
        return tuple(("state", node, name) for node, name in self.state)

    def located(self, error: InputError) -> NetmodelError:
        """``error`` at the page line of the option it names (the fence's if none)."""
        if not self.where:
            return error
        return FenceError(self.where, self.line_of(error.option), error.shown())


def find_fences(markdown: str) -> list[Fence]:
    return [Fence(m.start(), m.end(), markdown.count("\n", 0, m.start()) + 1, m["indent"],
                  _dedent(m["body"], m["indent"])) for m in _FENCE.finditer(markdown)]


def _dedent(body: str, indent: str) -> str:
    return "".join(line[len(indent):] if line.startswith(indent) else line
                   for line in body.splitlines(keepends=True))


# What each view draws from, besides spec, view and caption. An option a view
# does not use is refused rather than ignored: `hop: 3` on a path view, say,
# would otherwise look as if it did something.
_WALK = frozenset({"from", "to", "port", "proto", "endpoint", "expect", "hops", "state"})
APPLIES: dict[str, frozenset[str]] = {
    "topology": frozenset({"focus"}),
    "path": _WALK | {"reply"},
    "frame": _WALK | {"hop"},
    "chains": _WALK,
}
DISPOSITIONS = tuple(str(d) for d in Disposition)
# The views a fence can ask for (netmodel.views.VIEWS; a test holds them equal):
# spelled here so that reading a page imports no drawing code.
VIEWS = tuple(APPLIES)


def read_fence(fence: Fence, where: str) -> FenceOptions:
    """Validate a fence's options; ``where`` is "page.md" for error messages."""

    def whole(problem: str) -> FenceError:
        return FenceError(where, fence.line, f"netmodel fence: {problem}")

    try:
        loaded = yaml_rs.loads(fence.body) if fence.body.strip() else {}
    except yaml_rs.YAMLDecodeError as exc:
        raise whole(f"YAML error: {str(exc).splitlines()[0]}") from None
    if not isinstance(loaded, dict):
        raise whole("expected options as key: value lines")
    raw: dict[str, Any] = loaded

    def bad(key: str, problem: str) -> FenceError:
        return FenceError(where, fence.option_line(key),
                          InputError(key, raw[key], problem).shown())
    unknown = sorted(set(raw) - set(OPTIONS))
    if unknown:
        raise FenceError(where, fence.option_line(str(unknown[0])),
                         f"netmodel fence: unknown option {unknown[0]!r} (expected one of "
                         f"{', '.join(OPTIONS)})")
    if "spec" not in raw:
        raise whole("missing 'spec'")
    lines = (("", fence.line), *((str(k), fence.option_line(str(k))) for k in raw))
    if "table" in raw:
        return replace(_table_options(raw, bad), where=where, lines=lines)
    if "diff" in raw:
        return replace(_diff_options(raw, bad), where=where, lines=lines)
    if "view" not in raw:
        raise whole("missing 'view' (or 'table', or 'diff')")
    view = str(raw["view"])
    if view not in VIEWS:
        raise bad("view", f"unknown view (expected one of {', '.join(VIEWS)})")
    extra = sorted(set(raw) - APPLIES[view] - {"spec", "view", "caption"})
    if extra:
        raise bad(extra[0], f"does not apply to view {view} (it takes "
                            f"{', '.join(sorted(APPLIES[view])) or 'no other option'})")
    if view != "topology" and ("from" not in raw or "to" not in raw):
        raise whole(f"view {view!r} needs 'from' and 'to'")
    caption = raw.get("caption", {})
    if isinstance(caption, str):
        caption = {"en": caption, "zh": caption}
    if not isinstance(caption, dict):
        raise bad("caption", "expected text or {en: …, zh: …}")
    if "expect" in raw and str(raw["expect"]) not in DISPOSITIONS:
        raise bad("expect", f"unknown disposition (expected one of {', '.join(DISPOSITIONS)})")
    if "reply" in raw and not isinstance(raw["reply"], bool):
        # YAML 1.2: `reply: no` is the string "no", which bool() would call true.
        raise bad("reply", "expected true or false")

    def number(key: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad(key, "expected a number")
        return value

    request = None
    if view != "topology":
        try:
            request = WalkRequest.of(str(raw["from"]), str(raw["to"]), port=number("port"),
                                     proto=_opt(raw, "proto"), endpoint=_opt(raw, "endpoint"))
        except InputError as exc:
            raise (bad(exc.option, exc.problem) if exc.option in raw
                   else whole(exc.shown())) from None
    return FenceOptions(
        spec=str(raw["spec"]), view=view, request=request, hop=number("hop"),
        focus=_opt(raw, "focus"), reply=raw.get("reply"),
        caption={str(k): str(v) for k, v in caption.items()},
        expect=_opt(raw, "expect"), hops=number("hops"), state=_state(raw, bad), where=where,
        lines=lines)


def _table_options(raw: dict[str, Any], bad: Callable[[str, str], FenceError]
                   ) -> FenceOptions:
    table = str(raw["table"])
    if table not in TABLES:
        raise bad("table", f"unknown table (expected one of {', '.join(TABLES)})")
    if "node" not in raw:
        raise bad("table", "a table needs 'node' (a node's name, or router)")
    extra = sorted(set(raw) - {"spec", "table", "node", "pod", "caption"})
    if extra:
        raise bad(extra[0], "does not apply to a table (it takes node, pod, caption)")
    return FenceOptions(spec=str(raw["spec"]), view="table", table=table,
                        node=str(raw["node"]), pod=_opt(raw, "pod"))


def _diff_options(raw: dict[str, Any], bad: Callable[[str, str], FenceError]
                  ) -> FenceOptions:
    if not isinstance(raw["diff"], str):
        raise bad("diff", "expected the name of the node the capture was taken on")
    if "capture" not in raw:
        raise bad("diff", "a diff needs 'capture' (netmodel collect's directory or .tar.gz, "
                          "in the diagrams directory)")
    if not isinstance(raw["capture"], str) or not raw["capture"]:
        raise bad("capture", "expected a path in the diagrams directory")
    extra = sorted(set(raw) - {"spec", "diff", "capture"})
    if extra:
        raise bad(extra[0], "does not apply to a diff (it takes capture)")
    return FenceOptions(spec=str(raw["spec"]), view="diff", diff=raw["diff"],
                        capture=raw["capture"])


def _state(raw: dict[str, Any], bad: Callable[[str, str], FenceError]
           ) -> tuple[tuple[str, str], ...]:
    """``state: {node-2: captures/…}``: the nodes a walk crosses as captured."""
    if "state" not in raw:
        return ()
    given = raw["state"]
    if (not isinstance(given, dict) or not given
            or not all(isinstance(k, str) and isinstance(v, str) and v
                       for k, v in given.items())):
        raise bad("state", "expected {NODE: capture, …}, each capture a path in the "
                           "diagrams directory (netmodel collect's directory or .tar.gz)")
    return tuple(sorted(given.items()))


def _opt(raw: dict[str, Any], key: str) -> str | None:
    return None if raw.get(key) is None else str(raw[key])


REFERENCE = re.compile(r"\{\{nm\s+([^}]*?)\s*\}\}")


def find_references(markdown: str) -> list[tuple[int, int, int, str]]:
    """(start, end, line, query) of each ``{{nm …}}``."""
    return [(m.start(), m.end(), markdown.count("\n", 0, m.start()) + 1, m[1])
            for m in REFERENCE.finditer(markdown)]
