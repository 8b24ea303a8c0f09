"""```netmodel fences in Markdown: find them, read their options, build the diagram.

No mkdocs here: the MkDocs plugin and ``netmodel check`` both use these
functions. A fence holds YAML options::

    ```netmodel
    spec: clusters/two-nodes-vxlan.yaml
    view: path            # topology | path | frame | chains
    from: pod/web-1
    to: svc/db
    port: 5432            # proto, endpoint, hop, focus, reply as on the CLI
    caption: {en: A Service through the tunnel, zh: 经隧道访问服务}
    expect: DELIVERED     # checked by `netmodel check`; hops: N too
    ```
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml_rs

from netmodel.errors import InputError, NetmodelError
from netmodel.i18n import disposition_text
from netmodel.i18n.diagrams import diagram_label
from netmodel.spec.keys import object_key
from netmodel.state.iproute import render_table
from netmodel.state.model import Model
from netmodel.state.netfilter import restore_text, save_text
from netmodel.state.netns_id import NetnsId
from netmodel.trace.hops import Disposition, Trace
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk as walk_request
from netmodel.views import VIEWS, chains, frame, path, topology

# How a diagram gets its trace: netmodel.trace.walks.walk, or a memoised one.
Walk = Callable[[Model, WalkRequest], Trace]

__all__ = ["Diagram", "Fence", "FenceError", "build_diagram", "check_expectations",
           "find_fences", "read_fence"]

OPTIONS = ("spec", "view", "from", "to", "port", "proto", "endpoint", "hop", "focus",
           "caption", "reply", "expect", "hops", "table", "node", "pod")
TABLES = ("links", "addrs", "routes", "neigh", "fdb", "iptables", "kube-proxy")
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
    # Where the fence is, for errors: not part of what it draws (the cache keys on
    # repr), so moving a fence on its page changes nothing else. "" off a page.
    where: str = field(default="", compare=False, repr=False)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def line_of(self, option: str | None) -> int:
        """The page line of ``option``, or of the fence when it is not written."""
        lines = dict(self.lines)
        return lines.get(option or "", lines.get("", 0))

    def located(self, error: InputError) -> NetmodelError:
        """``error`` at the page line of the option it names (the fence's if none)."""
        if not self.where:
            return error
        return FenceError(self.where, self.line_of(error.option), error.shown())


@dataclass(frozen=True, slots=True)
class Diagram:
    dot: str
    title: str
    desc: str
    trace: Trace | None


def find_fences(markdown: str) -> list[Fence]:
    return [Fence(m.start(), m.end(), markdown.count("\n", 0, m.start()) + 1, m["indent"],
                  _dedent(m["body"], m["indent"])) for m in _FENCE.finditer(markdown)]


def _dedent(body: str, indent: str) -> str:
    return "".join(line[len(indent):] if line.startswith(indent) else line
                   for line in body.splitlines(keepends=True))


# What each view draws from, besides spec, view and caption. An option a view
# does not use is refused rather than ignored: `hop: 3` on a path view, say,
# would otherwise look as if it did something.
_WALK = frozenset({"from", "to", "port", "proto", "endpoint", "expect", "hops"})
APPLIES: dict[str, frozenset[str]] = {
    "topology": frozenset({"focus"}),
    "path": _WALK | {"reply"},
    "frame": _WALK | {"hop"},
    "chains": _WALK,
}
DISPOSITIONS = tuple(str(d) for d in Disposition)


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
    if "view" not in raw:
        raise whole("missing 'view' (or 'table')")
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
        expect=_opt(raw, "expect"), hops=number("hops"), where=where, lines=lines)


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


def state_table(model: Model, options: FenceOptions) -> str:
    """The text `netmodel state` prints, for a ``table`` fence."""
    assert options.table is not None and options.node is not None
    try:
        return state_text(model, options.node, options.table, options.pod)
    except InputError as exc:
        raise options.located(exc) from None


def state_text(model: Model, node: str, table: str, pod: str | None = None) -> str:
    """One table of one network namespace, as ``ip``/``bridge``/``iptables-save``
    print it: a node's, a pod's (``pod``), or the underlay router's (node "router")."""
    cluster = model.cluster
    rules = table in ("iptables", "kube-proxy")
    if node == "router" and not rules and pod is None:
        return render_table(model.netns(NetnsId.router()), table)
    if node not in cluster.nodes_by_name:
        names = ", ".join(sorted(cluster.nodes_by_name)[:5])
        raise InputError("node", node, f"no such node in {cluster.source} (expected one of "
                         f"{names}; or router)")
    if rules:
        if pod is not None:
            raise InputError("pod", pod, f"table {table}: pods have no iptables rules of "
                             "their own (kube-proxy and flanneld program the node)")
        ruleset = model.ruleset(node)
        return save_text(ruleset) if table == "iptables" else restore_text(ruleset)
    if pod is None:
        return render_table(model.node_netns(node), table)
    key = object_key(pod)
    found = cluster.pods_by_key.get(key)
    if found is None or found.node != node:
        here = sorted(p.key for p in cluster.pods_by_node.get(node, ()))
        raise InputError("pod", pod, f"no pod {key} on node {node} in {cluster.source} "
                         f"(pods there: {', '.join(here[:5]) or 'none'})")
    return render_table(model.pod_netns(found), table)


def _opt(raw: dict[str, Any], key: str) -> str | None:
    return None if raw.get(key) is None else str(raw[key])


def build_diagram(model: Model, options: FenceOptions, lang: str,
                  default_reply: bool = False, walk: Walk = walk_request) -> Diagram:
    """The DOT, a title and a description in ``lang`` (for <title> and <desc>).

    ``walk`` computes the trace; a caller drawing the same walk in two languages
    passes a memoised one. A value the model cannot use raises :class:`InputError`,
    or, for a fence on a page, :class:`FenceError` at that option's line."""
    try:
        return _build(model, options, lang, default_reply, walk)
    except InputError as exc:
        raise options.located(exc) from None


def _build(model: Model, options: FenceOptions, lang: str, default_reply: bool,
           walk: Walk) -> Diagram:
    if options.view == "topology":
        if options.focus is not None:
            _check_focus(model, options.focus)
        dot = topology(model, focus=options.focus, lang=lang)
        cluster = model.cluster
        title = diagram_label("figure.topology", lang, name=cluster.name,
                              backend=cluster.backend, nodes=len(cluster.nodes))
        return Diagram(dot, title, options.caption.get(lang, title), None)
    assert options.request is not None
    trace = walk(model, options.request)
    reply = default_reply if options.reply is None else options.reply
    if options.view == "path":
        dot = path(trace, reply=reply, lang=lang)
    elif options.view == "frame":
        steps = len(trace.steps)
        if options.hop is not None and not 1 <= options.hop <= steps:
            raise InputError("hop", options.hop, f"past the trace (expected a step "
                             f"1-{steps}: the walk ends {trace.disposition})")
        dot = frame(trace, hop=options.hop, lang=lang)
    else:
        dot = chains(trace, lang=lang)
    title = diagram_label("path.title", lang, flow=trace.flow.render(lang),
                          disposition=disposition_text(trace.disposition, lang))
    desc = trace.reason.render(lang)
    return Diagram(dot, title, desc, trace)


def _check_focus(model: Model, focus: str) -> None:
    """A topology's ``focus``, checked before drawing so a typo is named as one."""
    cluster = model.cluster
    kind, _, name = focus.partition("/")
    if kind == "node":
        if name not in cluster.nodes_by_name:
            names = ", ".join(sorted(cluster.nodes_by_name)[:5])
            raise InputError("focus", focus, f"no node {name} in the spec (nodes: {names})")
    elif kind == "pod":
        key = object_key(name)
        if key not in cluster.pods_by_key:
            raise InputError("focus", focus, f"no pod {key} in the spec")
    else:
        raise InputError("focus", focus, "expected node/NAME or pod/NAME")


def check_expectations(options: FenceOptions, trace: Trace | None) -> list[str]:
    """What a fence's ``expect``/``hops`` says, against what the model computed."""
    problems: list[str] = []
    if trace is None:
        return problems
    if options.expect is not None and str(trace.disposition) != options.expect:
        problems.append(f"expected {options.expect}, the model says {trace.disposition}: "
                        f"{trace.reason.render('en')}")
    if options.hops is not None and len(trace.hops) != options.hops:
        path_text = " → ".join(f"{n}/{ns}" for n, ns in trace.path)
        problems.append(f"expected {options.hops} hops, the model crosses {len(trace.hops)}: "
                        f"{path_text}")
    return problems


def spec_path(options: FenceOptions, diagrams_dir: Path) -> Path:
    return (diagrams_dir / options.spec).resolve()


__all__ += ["APPLIES", "DISPOSITIONS", "TABLES", "FenceOptions", "spec_path", "state_table",
            "state_text"]
