"""```netmodel fences in Markdown: build the diagram or the table a fence asks for.

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
    state: {node-2: captures/two-nodes-vxlan/node-2-fdb-missing}   # as `trace --state`
    ```

or a table (``table: routes`` with ``node:``, as `netmodel state` prints it), or
`netmodel diff`'s text (``diff: node-2`` with ``capture:``). Captures are named
from the diagrams directory, as specs are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from netmodel.capture.node import Capture, load_capture
from netmodel.compare.report import format_diff
from netmodel.compare.run import diff_node
from netmodel.errors import InputError, NetmodelError, SpecError
from netmodel.i18n import disposition_text
from netmodel.i18n.diagrams import diagram_label
from netmodel.site.captures import resolve_capture, shown_capture
from netmodel.site.markup import (
    APPLIES,
    DISPOSITIONS,
    OPTIONS,
    RESOLV_CONF,
    TABLES,
    Fence,
    FenceError,
    FenceOptions,
    find_fences,
    read_fence,
)
from netmodel.spec.keys import object_key
from netmodel.state.iproute import render_table
from netmodel.state.model import Model
from netmodel.state.netfilter import restore_text, save_text
from netmodel.state.netns_id import NetnsId
from netmodel.state.resolv_conf import pod_resolv_conf
from netmodel.trace.hops import Trace
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import walk as walk_request
from netmodel.views import chains, frame, path, topology

# How a diagram gets its trace: netmodel.trace.walks.walk, or a memoised one.
Walk = Callable[[Model, WalkRequest], Trace]

# Reading fences is netmodel.site.markup's (light, for warm builds); the names
# stay importable from here, where drawing them is.
__all__ = ["APPLIES", "DISPOSITIONS", "OPTIONS", "TABLES", "Diagram", "Fence", "FenceError",
           "FenceOptions", "build_diagram", "captured_model", "check_expectations", "diff_text",
           "fence_captures", "find_fences", "read_fence", "spec_path", "state_table",
           "state_text"]

@dataclass(frozen=True, slots=True)
class Diagram:
    dot: str
    title: str
    desc: str
    trace: Trace | None


def state_table(model: Model, options: FenceOptions) -> str:
    """The text `netmodel state` prints, for a ``table`` fence."""
    assert options.table is not None and options.node is not None
    try:
        return state_text(model, options.node, options.table, options.pod)
    except InputError as exc:
        raise options.located(exc) from None


def state_text(model: Model, node: str, table: str, pod: str | None = None) -> str:
    """One table of one network namespace, as ``ip``/``bridge``/``iptables-save``
    print it: a node's, a pod's (``pod``), or the underlay router's (node "router");
    or ``resolv.conf``, the file kubelet has the runtime write (a pod's) or reads
    (a node's)."""
    cluster = model.cluster
    rules = table in ("iptables", "kube-proxy")
    if node == "router" and table == RESOLV_CONF:
        raise InputError("node", node, "table resolv.conf: the underlay router runs no "
                         "kubelet (expected a node's name)")
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
        if table == RESOLV_CONF:  # the node's own file (kubelet's --resolv-conf)
            return cluster.node(node).resolv_conf.text()
        return render_table(model.node_netns(node), table)
    key = object_key(pod)
    found = cluster.pods_by_key.get(key)
    if found is None or found.node != node:
        here = sorted(p.key for p in cluster.pods_by_node.get(node, ()))
        raise InputError("pod", pod, f"no pod {key} on node {node} in {cluster.source} "
                         f"(pods there: {', '.join(here[:5]) or 'none'})")
    if table == RESOLV_CONF:
        return pod_resolv_conf(cluster, found).text()
    return render_table(model.pod_netns(found), table)


def diff_text(model: Model, options: FenceOptions, diagrams: Path, lang: str) -> str:
    """The text `netmodel diff` prints, for a ``diff`` fence: the same function,
    the capture named from the project's root (``diagrams/captures/…``), as the
    command a user types there names it."""
    ((option, node, name),) = options.captures
    path, shown = _capture_at(model, options, option, node, name, diagrams)
    try:
        result = diff_node(model.cluster, node, path)
    except NetmodelError as exc:
        raise _capture_error(options, option, exc, path, shown) from None
    return format_diff(_named(result.capture, shown), list(result.differences),
                       result.impact, lang)


def fence_captures(model: Model, options: FenceOptions, diagrams: Path) -> dict[str, Capture]:
    """Each node's capture a walk fence's ``state`` names, read as
    `netmodel trace --state NODE=CAPTURE` reads it."""
    out: dict[str, Capture] = {}
    for option, node, name in options.captures:
        path, shown = _capture_at(model, options, option, node, name, diagrams)
        try:
            out[node] = _named(load_capture(path, model.cluster, node, model), shown)
        except NetmodelError as exc:
            raise _capture_error(options, option, exc, path, shown) from None
    return out


def captured_model(model: Model, options: FenceOptions, diagrams: Path) -> Model:
    """``model``, with the nodes of the fence's ``state`` as captured."""
    if not options.state:
        return model
    captures = fence_captures(model, options, diagrams)
    return model.with_overrides({node: capture.state for node, capture in captures.items()})


def _capture_at(model: Model, options: FenceOptions, option: str, node: str, name: str,
                diagrams: Path) -> tuple[Path, str]:
    """The capture's path (in ``diagrams``) and its name on the page, its node
    checked against the spec: errors at the line of the option that names it."""
    line = options.line_of("diff" if option == "capture" else option)
    cluster = model.cluster
    if node not in cluster.nodes_by_name:
        names = ", ".join(sorted(cluster.nodes_by_name)[:5])
        raise FenceError(options.where, line, f"node {node!r}: no such node in "
                         f"{cluster.source} (expected one of {names})")
    try:
        path = resolve_capture(diagrams.resolve(), name)
    except NetmodelError as exc:
        raise FenceError(options.where, options.line_of(option), str(exc)) from None
    return path, shown_capture(path, diagrams.resolve())


def _named(capture: Capture, shown: str) -> Capture:
    return replace(capture, state=replace(capture.state, source=shown))


def _capture_error(options: FenceOptions, option: str, exc: NetmodelError, path: Path,
                   shown: str) -> FenceError:
    """A capture that does not read, at the option's line; a file of it named
    from the project's root, not by this machine's absolute path."""
    if isinstance(exc, SpecError) and (exc.file == str(path)
                                       or exc.file.startswith(f"{path}/")):
        exc = SpecError(shown + exc.file[len(str(path)):], exc.line, exc.field, exc.problem)
    return FenceError(options.where, options.line_of(option), " ".join(str(exc).split("\n")))


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


def check_expectations(options: FenceOptions, trace: Trace | None) -> list[tuple[str, str]]:
    """What a fence's ``expect``/``hops`` says, against what the model computed:
    (the option, the disagreement) pairs, so each is reported at its own line."""
    problems: list[tuple[str, str]] = []
    if trace is None:
        return problems
    if options.expect is not None and str(trace.disposition) != options.expect:
        problems.append(("expect", f"expected {options.expect}, the model says "
                                   f"{trace.disposition}: {trace.reason.render('en')}"))
    if options.hops is not None and len(trace.hops) != options.hops:
        path_text = " → ".join(f"{n}/{ns}" for n, ns in trace.path)
        problems.append(("hops", f"expected {options.hops} hops, the model crosses "
                                 f"{len(trace.hops)}: {path_text}"))
    return problems


def spec_path(options: FenceOptions, diagrams_dir: Path) -> Path:
    return (diagrams_dir / options.spec).resolve()


__all__ += ["APPLIES", "DISPOSITIONS", "TABLES", "FenceOptions", "spec_path", "state_table",
            "state_text"]
