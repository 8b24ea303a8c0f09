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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml_rs

from netmodel.errors import NetmodelError
from netmodel.i18n import disposition_text
from netmodel.spec.keys import object_key
from netmodel.state.iproute import render_table
from netmodel.state.model import Model
from netmodel.state.netfilter import restore_text, save_text
from netmodel.state.netns_id import NetnsId
from netmodel.trace.hops import Trace
from netmodel.trace.walks import walk_between
from netmodel.views import VIEWS, chains, frame, path, topology

# walk_between's signature: (model, source, destination, *, port, proto, endpoint)
Walk = Callable[..., Trace]

__all__ = ["Diagram", "Fence", "FenceError", "build_diagram", "check_expectations",
           "find_fences", "read_fence"]

OPTIONS = ("spec", "view", "from", "to", "port", "proto", "endpoint", "hop", "focus",
           "caption", "reply", "expect", "hops", "table", "node", "pod")
TABLES = ("links", "addrs", "routes", "neigh", "fdb", "iptables", "kube-proxy")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```netmodel[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                    re.M | re.S)


class FenceError(NetmodelError):
    """A fence that cannot be drawn, with the Markdown file and line."""


@dataclass(frozen=True, slots=True)
class Fence:
    start: int  # character offsets of the whole fence in the page
    end: int
    line: int  # 1-based line of the opening ```netmodel
    indent: str
    body: str


@dataclass(frozen=True, slots=True)
class FenceOptions:
    spec: str
    view: str
    source: str | None = None
    destination: str | None = None
    port: int | None = None
    proto: str | None = None
    endpoint: str | None = None
    hop: int | None = None
    focus: str | None = None
    reply: bool | None = None
    caption: dict[str, str] = field(default_factory=dict)
    expect: str | None = None
    hops: int | None = None
    table: str | None = None  # a state table instead of a diagram
    node: str | None = None
    pod: str | None = None


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


def read_fence(fence: Fence, where: str) -> FenceOptions:
    """Validate a fence's options; ``where`` is "page.md" for error messages."""
    here = f"{where}:{fence.line}"
    try:
        raw = yaml_rs.loads(fence.body) if fence.body.strip() else {}
    except yaml_rs.YAMLDecodeError as exc:
        raise FenceError(f"{here}: netmodel fence: YAML error: {str(exc).splitlines()[0]}"
                         ) from None
    if not isinstance(raw, dict):
        raise FenceError(f"{here}: netmodel fence: expected options as key: value lines")
    unknown = sorted(set(raw) - set(OPTIONS))
    if unknown:
        raise FenceError(f"{here}: netmodel fence: unknown option {unknown[0]!r} (expected "
                         f"one of {', '.join(OPTIONS)})")
    if "spec" not in raw:
        raise FenceError(f"{here}: netmodel fence: missing 'spec'")
    if "table" in raw:
        return _table_options(raw, here)
    if "view" not in raw:
        raise FenceError(f"{here}: netmodel fence: missing 'view' (or 'table')")
    view = str(raw["view"])
    if view not in VIEWS:
        raise FenceError(f"{here}: netmodel fence: unknown view {view!r} (expected one of "
                         f"{', '.join(VIEWS)})")
    if view != "topology" and ("from" not in raw or "to" not in raw):
        raise FenceError(f"{here}: netmodel fence: view {view!r} needs 'from' and 'to'")
    caption = raw.get("caption", {})
    if isinstance(caption, str):
        caption = {"en": caption, "zh": caption}
    if not isinstance(caption, dict):
        raise FenceError(f"{here}: netmodel fence: caption: expected text or {{en: …, zh: …}}")

    def number(key: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise FenceError(f"{here}: netmodel fence: {key}: expected a number")
        return value

    return FenceOptions(
        spec=str(raw["spec"]), view=view, source=_opt(raw, "from"),
        destination=_opt(raw, "to"), port=number("port"), proto=_opt(raw, "proto"),
        endpoint=_opt(raw, "endpoint"), hop=number("hop"), focus=_opt(raw, "focus"),
        reply=bool(raw["reply"]) if "reply" in raw else None,
        caption={str(k): str(v) for k, v in caption.items()},
        expect=_opt(raw, "expect"), hops=number("hops"))


def _table_options(raw: dict[str, Any], here: str) -> FenceOptions:
    table = str(raw["table"])
    if table not in TABLES:
        raise FenceError(f"{here}: netmodel fence: unknown table {table!r} (expected one of "
                         f"{', '.join(TABLES)})")
    if "node" not in raw:
        raise FenceError(f"{here}: netmodel fence: table {table!r} needs 'node'")
    extra = sorted(set(raw) - {"spec", "table", "node", "pod", "caption"})
    if extra:
        raise FenceError(f"{here}: netmodel fence: {extra[0]!r} does not apply to a table")
    return FenceOptions(spec=str(raw["spec"]), view="table", table=table,
                        node=str(raw["node"]), pod=_opt(raw, "pod"))


def state_table(model: Model, options: FenceOptions) -> str:
    """The text `netmodel state` prints, for a ``table`` fence."""
    assert options.table is not None and options.node is not None
    return state_text(model, options.node, options.table, options.pod)


def state_text(model: Model, node: str, table: str, pod: str | None = None) -> str:
    """One table of one network namespace, as ``ip``/``bridge``/``iptables-save``
    print it: a node's, a pod's (``pod``), or the underlay router's (node "router")."""
    cluster = model.cluster
    rules = table in ("iptables", "kube-proxy")
    if node == "router" and not rules and pod is None:
        return render_table(model.netns(NetnsId.router()), table)
    if node not in cluster.nodes_by_name:
        names = ", ".join(sorted(cluster.nodes_by_name)[:5])
        raise NetmodelError(f"no node {node!r} in {cluster.source} (nodes: {names}; "
                            "or router)")
    if rules:
        if pod is not None:
            raise NetmodelError(f"table {table}: pods have no iptables rules of their own "
                                "(kube-proxy and flanneld program the node)")
        ruleset = model.ruleset(node)
        return save_text(ruleset) if table == "iptables" else restore_text(ruleset)
    if pod is None:
        return render_table(model.node_netns(node), table)
    key = object_key(pod)
    found = cluster.pods_by_key.get(key)
    if found is None or found.node != node:
        raise NetmodelError(f"no pod {key!r} on node {node} in {cluster.source}")
    return render_table(model.pod_netns(found), table)


def _opt(raw: dict[str, Any], key: str) -> str | None:
    return None if raw.get(key) is None else str(raw[key])


def build_diagram(model: Model, options: FenceOptions, lang: str,
                  default_reply: bool = False, walk: Walk = walk_between) -> Diagram:
    """The DOT, a title and a description in ``lang`` (for <title> and <desc>).

    ``walk`` computes the trace; a caller drawing the same walk in two languages
    passes a memoised one."""
    if options.view == "topology":
        dot = topology(model, focus=options.focus, lang=lang)
        cluster = model.cluster
        title = (f"{cluster.name}: {cluster.backend}, {len(cluster.nodes)} "
                 f"{'nodes' if lang == 'en' else '个节点'}")
        return Diagram(dot, title, options.caption.get(lang, title), None)
    assert options.source is not None and options.destination is not None
    trace = walk(model, options.source, options.destination, port=options.port,
                 proto=options.proto, endpoint=options.endpoint)
    reply = default_reply if options.reply is None else options.reply
    if options.view == "path":
        dot = path(trace, reply=reply, lang=lang)
    elif options.view == "frame":
        dot = frame(trace, hop=options.hop, lang=lang)
    else:
        dot = chains(trace, lang=lang)
    title = f"{trace.flow}: {disposition_text(trace.disposition, lang)}"
    desc = trace.reason.render(lang)
    return Diagram(dot, title, desc, trace)


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


__all__ += ["TABLES", "FenceOptions", "spec_path", "state_table", "state_text"]
