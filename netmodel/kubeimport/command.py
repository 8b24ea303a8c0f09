"""The ``netmodel import`` subcommand: its arguments, and what it prints.

Warnings go to stderr, one line each; the spec goes to ``-o FILE`` (written
whole or not at all) or to stdout. Nothing is written when the input has an
error: that is one line on stderr and exit status 2, as for every command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from netmodel.errors import NetmodelError, echo, one_line
from netmodel.i18n.imports import import_word
from netmodel.kubeimport.assemble import ImportOptions
from netmodel.kubeimport.run import import_kubectl, write_import

__all__ = ["add_parser", "run_import"]

KUBECTL = ("kubectl get nodes,pods,services,endpointslices,ingresses -A -o json; "
           "kubectl -n kube-flannel get configmap kube-flannel-cfg -o json")


def _cidr(text: str) -> IPv4Network:
    try:
        return IPv4Network(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an IPv4 CIDR") from None


def _service(text: str) -> str:
    if text.count("/") != 1 or not all(text.split("/")):
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAMESPACE/NAME")
    return text


def add_parser(sub: Any) -> None:
    """Add the ``import`` subcommand to ``netmodel``'s subparsers."""
    cmd = sub.add_parser(
        "import", help="write a cluster spec from kubectl output",
        description="Reads the output of `" + KUBECTL + "` (JSON or YAML, one file or "
        "several) and writes a spec: every node, running pod, Service (endpoints as "
        "kube-proxy reads the EndpointSlices) and Ingress, each with a comment saying "
        "where it came from. What netmodel does not model is reported, one warning line "
        "per kind.",
        epilog="exit status: 0 written; 2 bad input (not kubectl output, a pod without "
        "nodeName, an unknown flannel backend, malformed JSON or YAML), nothing written")
    cmd.add_argument("files", nargs="+", metavar="FILE", help="kubectl output (-o json or "
                     "-o yaml)")
    cmd.add_argument("-o", "--output", help="the spec to write (default: stdout)")
    cmd.add_argument("--underlay", action="append", type=_cidr, default=[], metavar="CIDR",
                     help="the nodes' own subnet (repeat for several L2 segments); default: "
                     "the smallest one holding every node address, its router at .1")
    cmd.add_argument("--service-cidr", type=_cidr, metavar="CIDR", help="the API server's "
                     "--service-cluster-ip-range (default: 10.96.0.0/12 if it holds every "
                     "clusterIP)")
    cmd.add_argument("--ingress-controller", type=_service, metavar="NS/NAME",
                     help="the Ingress controller's Service (default: the Service whose "
                     "address each Ingress's status shows)")
    cmd.add_argument("--name", help="the cluster's name (default: the first FILE's name)")
    cmd.add_argument("--lang", choices=("en", "zh"), default="en", help="language of "
                     "the warnings")


def run_import(args: argparse.Namespace,
               err: Callable[[str], None] = lambda s: print(s, file=sys.stderr)) -> int:
    options = ImportOptions(underlay=tuple(args.underlay), service_cidr=args.service_cidr,
                            ingress_controller=args.ingress_controller, name=args.name)
    result = import_kubectl(args.files, options, args.output or "<stdout>")
    label = import_word("warning", args.lang)
    for line in result.notes.lines(args.lang):
        err(f"netmodel import: {label}{line}")
    for warning in result.cluster.warnings:
        err(f"netmodel import: {one_line(str(warning))}")
    if args.output is None:
        sys.stdout.write(result.text)
        return 0
    try:
        write_import(result, Path(args.output))
    except OSError as exc:
        raise NetmodelError(f"-o {echo(args.output)}: {exc.strerror}") from None
    c = result.cluster
    err("netmodel import: " + import_word("wrote", args.lang, file=one_line(args.output),
                                          nodes=len(c.nodes), pods=len(c.pods),
                                          services=len(c.services),
                                          ingresses=len(c.ingresses)))
    return 0
