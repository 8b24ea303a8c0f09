"""``netmodel``: the command-line front end.

Each subcommand parses, calls the library, and prints. Input errors (a bad spec,
an unknown endpoint, a port the Service lacks) print one line to stderr and
exit 2; output is written only when everything it needs was computed, so
nothing is ever half-written. Only :class:`NetmodelError` is caught: anything
else is a bug, and its traceback is what a bug report needs.

Exit status, as ping and curl use it:

=======  ==================================================================
0        done; for ``trace``, every leg delivered and its reply back (or the
         packet left the cluster); for ``check``, everything matches
1        ``trace``: dropped, rejected, unrouted, TTL exceeded, a loop or a lost
         reply (with ``--all``: any alternative); ``check``: the site and the
         model disagree (an ``expect``, a snapshot); ``diff``: the capture and
         the model differ
2        bad input: usage, a spec, an endpoint, a fence, an option, a capture
         file; ``collect``: not root, a tool missing
=======  ==================================================================
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from netmodel.capture.collect import collect, write_capture
from netmodel.capture.node import parse_overrides
from netmodel.compare.report import format_diff
from netmodel.compare.run import diff_node
from netmodel.errors import InputError, NetmodelError, echo, one_line
from netmodel.files import write_whole
from netmodel.i18n.output import word
from netmodel.kubeimport.command import add_parser as add_import_parser
from netmodel.kubeimport.command import run_import
from netmodel.lab.command import add_parser as add_lab_parser
from netmodel.lab.command import run_lab
from netmodel.site.check import run_check
from netmodel.site.fences import APPLIES, FenceOptions, build_diagram, state_text
from netmodel.spec.load import load_spec
from netmodel.spec.protocol import TRACEABLE
from netmodel.state.iproute import TABLES
from netmodel.state.model import Model
from netmodel.trace.dns_lookup import lookup_from
from netmodel.trace.hops import Trace
from netmodel.trace.request import WalkRequest
from netmodel.trace.walks import succeeded, walk, walk_all
from netmodel.views import VIEWS
from netmodel.views.dns_text import format_lookup
from netmodel.views.render import ENGINES, render_svg, standalone_svg
from netmodel.views.text import format_brief, format_trace

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1  # the walk did not make it, or the site disagrees with the model
EXIT_USAGE = 2
_RULE_TABLES = ("iptables", "kube-proxy")
_FILE_TABLES = ("resolv.conf",)

# An input error names its option as a fence writes it; here, as each command's
# own arguments spell it.
_FLAGS = {
    "trace": {"from": "FROM", "to": "TO", "port": "--port", "proto": "--proto",
              "sport": "--sport", "endpoint": "--endpoint", "state": "--state"},
    "render": {"from": "--from", "to": "--to", "port": "--port", "proto": "--proto",
               "endpoint": "--endpoint", "hop": "--hop",
               "focus": "--focus", "reply": "--reply"},
    "state": {"node": "NODE", "pod": "--pod", "table": "--table"},
    "diff": {"node": "NODE"},
    "dns": {"from": "POD", "name": "NAME"},
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


# What netmodel.trace.tracer's _flow_kind does when a port or protocol is left out.
_PORT_HELP = ("destination port (default: for svc/..., the Service's first port, the first "
              "of protocol --proto if given; for a pod, its first containerPort, likewise; "
              "with neither, no port: an ICMP echo)")
_PROTO_HELP = ("protocol (default: for svc/..., the protocol of the Service's first port, "
               "the first numbered --port if given; for a pod without --port, that of its "
               "first containerPort; otherwise tcp with --port, an ICMP echo without)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="netmodel", description="Model the data plane of a Kubernetes "
                     "cluster networked by flannel: derived node state and packet traces.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    trace = sub.add_parser("trace", help="trace a packet hop by hop, and its reply",
                           epilog="exit status: 0 when the packet is delivered and its reply "
                           "is delivered back (or the packet leaves the cluster), for every "
                           "leg of an Ingress walk; 1 when it is dropped, rejected, unrouted, "
                           "TTL-exceeded, looped or its reply is lost (with --all: any "
                           "alternative); 2 on bad input")
    trace.add_argument("spec", help="cluster spec (YAML)")
    trace.add_argument("source", metavar="FROM", help="pod/NAME, pod/NS/NAME, node/NAME, "
                       "ip/ADDR, external/ADDR")
    trace.add_argument("destination", metavar="TO", help="pod/NAME, pod/NS/NAME, node/NAME, "
                       "ip/ADDR, external/ADDR, svc/NAME, svc/NS/NAME, ingress/HOST/PATH, "
                       "gateway/NAME/HOST/PATH")
    trace.add_argument("--port", type=int, help=_PORT_HELP)
    trace.add_argument("--proto", choices=[str(p) for p in TRACEABLE], help=_PROTO_HELP)
    trace.add_argument("--sport", type=int, default=40000, help="source port (default 40000)")
    trace.add_argument("--endpoint", metavar="IP:PORT", help="where kube-proxy picks an "
                       "endpoint at random, take this one")
    trace.add_argument("--all", action="store_true", help="one trace per endpoint kube-proxy "
                       "can pick, each with its probability")
    shape = trace.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print the trace as JSON")
    shape.add_argument("--brief", action="store_true", help="one line per hop (node, netns, "
                       "devices crossed, the key action: DNAT, encapsulation…), then the "
                       "disposition; the same for the reply")
    trace.add_argument("--lang", choices=("en", "zh"), default="en", help="language of details")
    trace.add_argument("--state", action="append", default=[], metavar="NODE=CAPTURE",
                       help="trace through NODE's host netns and iptables as captured by "
                       "`netmodel collect` (a directory or .tar.gz); repeatable")

    collect_ = sub.add_parser("collect", help="capture this node's tables (root): ip -j link, "
                              "addr, route, neigh, bridge -j fdb, iptables-save, conntrack",
                              epilog="exit status: 0 written; 2 not root, a tool missing, or "
                              "a command failed")
    collect_.add_argument("--netns", help="capture inside this named network namespace "
                          "(ip netns exec), e.g. a lab node")
    collect_.add_argument("-o", "--output", default="capture", help="a directory, or a name "
                          "ending .tar.gz for an archive (default: ./capture)")

    diff = sub.add_parser("diff", help="compare a node's capture with the model: every "
                          "difference, who programs it, the walks it breaks",
                          epilog="exit status: 0 no difference; 1 differences; 2 bad input")
    diff.add_argument("spec", help="cluster spec (YAML)")
    diff.add_argument("node", metavar="NODE", help="the node the capture was taken on")
    diff.add_argument("capture", metavar="CAPTURE", help="netmodel collect's directory or "
                      ".tar.gz")
    diff.add_argument("--lang", choices=("en", "zh"), default="en")

    state = sub.add_parser("state", help="print a node's (or a pod's) kernel state as "
                           "ip(8) and bridge(8) print it")
    state.add_argument("spec", help="cluster spec (YAML)")
    state.add_argument("node", metavar="NODE", help="node name")
    state.add_argument("--pod", help="a pod on NODE (NAME or NS/NAME): its netns instead")
    state.add_argument("--table", required=True,
                       choices=sorted([*TABLES, *_RULE_TABLES, *_FILE_TABLES]),
                       help="links = ip -d link, addrs = ip addr, routes = ip route, "
                       "neigh = ip neigh, fdb = bridge fdb, iptables = iptables-save "
                       "(filter and nat), kube-proxy = the payload kube-proxy hands "
                       "iptables-restore, resolv.conf = /etc/resolv.conf (a pod's as "
                       "kubelet computes it for its dnsPolicy, or the node's own)")
    dns = sub.add_parser("dns", help="the names a pod's resolver queries for NAME (its "
                         "resolv.conf's search list under ndots), and what CoreDNS answers")
    dns.add_argument("spec", help="cluster spec (YAML)")
    dns.add_argument("source", metavar="POD", help="pod/NAME or pod/NS/NAME")
    dns.add_argument("name", metavar="NAME", help="the name looked up (db, db.default, "
                     "example.com, a.b.c.)")
    dns.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the "
                     "explanations")
    render = sub.add_parser("render", help="draw one diagram (DOT, or SVG with -o x.svg)")
    render.add_argument("spec", help="cluster spec (YAML)")
    render.add_argument("--view", required=True, choices=VIEWS)
    render.add_argument("--from", dest="source", metavar="FROM", help="as for trace (path, "
                        "frame and chains views)")
    render.add_argument("--to", dest="destination", metavar="TO", help="as for trace")
    render.add_argument("--port", type=int, help=_PORT_HELP)
    render.add_argument("--proto", choices=[str(p) for p in TRACEABLE], help=_PROTO_HELP)
    render.add_argument("--endpoint", metavar="IP:PORT")
    render.add_argument("--hop", type=int, help="frame: the step whose packet to show")
    render.add_argument("--focus", help="topology: node/NAME or pod/NAME")
    render.add_argument("--reply", action="store_true", help="path: draw the reply too")
    render.add_argument("--lang", choices=("en", "zh"), default="en")
    render.add_argument("--engine", choices=ENGINES, default="wasm")
    render.add_argument("-o", "--output", help="out.dot or out.svg (default: DOT on stdout)")

    check = sub.add_parser("check", help="CI: specs load, fences are valid, expectations "
                           "hold, committed diagram snapshots match the model",
                           epilog="exit status: 0 all good; 1 an expectation or a snapshot "
                           "disagrees with the model; 2 bad input (a spec that does not load, "
                           "a fence or value the model cannot compute)")
    check.add_argument("--update", action="store_true", help="rewrite the snapshots")
    check.add_argument("--root", default=".", help="the project (default: here)")
    add_lab_parser(sub)
    add_import_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "lab":
            return run_lab(args)
        if args.command == "import":
            return run_import(args)
        if args.command == "collect":
            return _collect(args)
        output, status = _run(args)
    except InputError as exc:
        print(f"netmodel: {exc.shown(_FLAGS.get(args.command, {}).get(exc.option or ''))}",
              file=sys.stderr)
        return EXIT_USAGE
    except NetmodelError as exc:
        # One line whatever it repeats: a spec's path or a key may hold a newline.
        print(f"netmodel: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(output)
    return status


def _check(args: argparse.Namespace) -> int:
    result = run_check(Path(args.root), update=args.update)
    for problem in result.problems:
        print(f"netmodel check: {one_line(problem)}", file=sys.stderr)
    verdict = "ok" if result.ok else f"{len(result.problems)} problem(s)"
    extra = f", {result.written} snapshot(s) written" if args.update else ""
    print(f"netmodel check: {result.specs} specs, {result.fences} fences{extra}: {verdict}")
    if result.bad_input:
        return EXIT_USAGE
    return EXIT_OK if result.ok else EXIT_FAILED


def _run(args: argparse.Namespace) -> tuple[str, int]:
    cluster = load_spec(args.spec)
    for warning in cluster.warnings:
        print(f"netmodel: {one_line(str(warning))}", file=sys.stderr)
    if args.command == "diff":
        result = diff_node(cluster, args.node, args.capture)
        return (format_diff(result.capture, list(result.differences), result.impact,
                            args.lang), EXIT_FAILED if result.differences else EXIT_OK)
    overrides = parse_overrides(cluster, args.state) if args.command == "trace" else {}
    model = Model(cluster, overrides={n: c.state for n, c in overrides.items()})
    if args.command == "trace":
        return _trace(model, args)
    if args.command == "render":
        return _render(model, args), EXIT_OK
    if args.command == "dns":
        return format_lookup(lookup_from(model.cluster, args.source, args.name),
                             args.lang), EXIT_OK
    return _state(model, args), EXIT_OK


def _collect(args: argparse.Namespace) -> int:
    collected = collect(args.netns)
    target = Path(args.output)
    try:
        write_capture(collected, target)
    except OSError as exc:
        raise NetmodelError(f"-o {echo(args.output)}: {exc.strerror}") from None
    for note in collected.skipped:
        print(f"netmodel collect: {one_line(note)}", file=sys.stderr)
    print(f"netmodel collect: {len(collected.files)} files written to {target}")
    return EXIT_OK


def _render(model: Model, args: argparse.Namespace) -> str:
    if args.view != "topology" and (args.source is None or args.destination is None):
        raise NetmodelError(f"--view {args.view} needs --from and --to")
    given = {"from": args.source, "to": args.destination, "port": args.port,
             "proto": args.proto, "endpoint": args.endpoint, "hop": args.hop,
             "focus": args.focus, "reply": args.reply or None}
    ignored = [key for key, value in given.items()
               if value is not None and key not in APPLIES[args.view]]
    if ignored:  # as in a fence: an option the view does not draw is refused
        flags = _FLAGS["render"]
        takes = sorted(flags[key] for key in APPLIES[args.view] if key in flags)
        flag = flags[ignored[0]]
        raise NetmodelError(f"{flag} does not apply to view {args.view} (it takes "
                            f"{', '.join(takes) or 'no other option'})")
    request = None
    if args.view != "topology":
        request = WalkRequest.of(args.source, args.destination, port=args.port,
                                 proto=args.proto, endpoint=args.endpoint)
    options = FenceOptions(spec=args.spec, view=args.view, request=request, hop=args.hop,
                           focus=args.focus, reply=args.reply)
    dot = build_diagram(model, options, args.lang).dot
    if args.output is None:
        return dot
    target = Path(args.output)
    if target.suffix not in (".dot", ".svg"):
        raise NetmodelError(f"-o {echo(args.output)}: expected a .dot or .svg file name")
    content = dot if target.suffix == ".dot" else standalone_svg(render_svg(dot, args.engine))
    try:
        write_whole(target, content)
    except OSError as exc:
        raise NetmodelError(f"-o {echo(args.output)}: {exc.strerror}") from None
    return ""


def _trace(model: Model, args: argparse.Namespace) -> tuple[str, int]:
    if args.all and args.endpoint:
        raise NetmodelError("--all and --endpoint exclude each other")
    request = WalkRequest.of(args.source, args.destination, port=args.port, proto=args.proto,
                             sport=args.sport, endpoint=args.endpoint)
    traces = list(walk_all(model, request)) if args.all else [walk(model, request)]
    status = EXIT_OK if all(succeeded(t) for t in traces) else EXIT_FAILED
    if args.json:
        data = [t.to_json(args.lang) for t in traces]
        return json.dumps(data if args.all else data[0], ensure_ascii=False,
                          indent=2) + "\n", status
    show = format_brief if args.brief else format_trace
    if not args.all:
        return show(traces[0], args.lang), status
    return "\n".join(_alternative(t, args.lang, show) for t in traces), status


def _alternative(trace: Trace, lang: str, show: Callable[[Trace, str], str]) -> str:
    return f"##### {word('probability', lang)} {trace.probability:.4f}\n{show(trace, lang)}"


def _state(model: Model, args: argparse.Namespace) -> str:
    return state_text(model, args.node, args.table, args.pod)
