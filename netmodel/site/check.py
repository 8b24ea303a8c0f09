"""``netmodel check``: CI's proof that the site's diagrams are the model's.

Every spec under ``diagrams/`` loads; every ```netmodel fence under ``docs/``
is valid (a table or a diff computes, its capture reads); every expectation a
fence states holds (on the nodes as captured, for a walk with ``state``); and
the committed snapshots (DOT per fence and language, with a summary of the
trace) equal what the model draws now. A changed snapshot is reported in model
terms (which hop, which header) rather than as a text diff. ``--update``
rewrites the snapshots.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netmodel.errors import NetmodelError
from netmodel.i18n import LANGUAGES
from netmodel.site.fences import (
    FenceError,
    build_diagram,
    captured_model,
    check_expectations,
    diff_text,
    find_fences,
    read_fence,
    state_table,
)
from netmodel.site.values import answer, find_references, front_matter_spec
from netmodel.spec.load import load_spec
from netmodel.state.model import Model
from netmodel.trace.hops import Trace

__all__ = ["CheckResult", "run_check", "summary"]

SNAPSHOTS = "snapshots"


@dataclass(frozen=True, slots=True)
class CheckResult:
    problems: tuple[str, ...]  # every one, in page order: one line each
    specs: int
    fences: int
    written: int
    # Of those, the input the model could not use (a spec that does not load, a
    # fence or {{nm}} value it cannot compute): bad input, where the rest are
    # disagreements between the site and the model.
    bad_input: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def summary(trace: Trace | None) -> dict[str, Any] | None:
    """A trace in model terms: its disposition and, hop by hop, the packets."""
    if trace is None:
        return None

    def leg(t: Trace) -> dict[str, Any]:
        hops = []
        for hop in t.hops:
            packets: list[dict[str, Any]] = []
            for step in hop.steps:
                data = step.packet.to_json()
                if not packets or packets[-1] != data:
                    packets.append(data)
            hops.append({"at": f"{hop.node} · {hop.netns}", "packets": packets})
        return {"flow": str(t.flow), "disposition": str(t.disposition), "hops": hops}

    out = leg(trace)
    if trace.reply is not None:
        out["reply"] = leg(trace.reply)
    return out


def explain(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    """The first difference between two trace summaries, in words."""
    if old is None or new is None:
        return "the drawing changed (no trace to compare)"
    for side in ("request", "reply"):
        a = old if side == "request" else old.get("reply")
        b = new if side == "request" else new.get("reply")
        if a is None or b is None:
            if a != b:
                return f"the {side} appeared or disappeared"
            continue
        if a["disposition"] != b["disposition"]:
            return f"{side}: disposition {a['disposition']} → {b['disposition']}"
        for i, (x, y) in enumerate(zip(a["hops"], b["hops"], strict=False), start=1):
            if x["at"] != y["at"]:
                return f"{side}: hop {i} was {x['at']}, is now {y['at']}"
            for p, q in zip(x["packets"], y["packets"], strict=False):
                if p != q:
                    return f"{side}: hop {i} ({x['at']}): {_field_changes(p, q)}"
            if len(x["packets"]) != len(y["packets"]):
                return f"{side}: hop {i} ({x['at']}): the packet changes a different number " \
                       "of times"
        if len(a["hops"]) != len(b["hops"]):
            return f"{side}: {len(a['hops'])} hops, now {len(b['hops'])}"
    return "the trace is the same; the drawing changed (labels, layout or style)"


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: value}


def _field_changes(old: Any, new: Any) -> str:
    """``outer.ip.dst 192.168.56.12 → 192.168.56.13; ip.ttl 63 → 62``"""
    a, b = _flatten(old), _flatten(new)
    changes = [f"{key} {a.get(key)} → {b.get(key)}" for key in sorted(set(a) | set(b))
               if a.get(key) != b.get(key)]
    return "; ".join(changes[:4]) + (f"; … ({len(changes)} fields)" if len(changes) > 4 else "")


_LABEL = re.compile(r'label="((?:[^"\\]|\\.)*)"')


def explain_drawing(old_dot: str, new_dot: str) -> str:
    """For a diagram without a trace: the first label that went and the first
    that came."""
    old, new = _LABEL.findall(old_dot), _LABEL.findall(new_dot)
    gone = [x for x in old if x not in new]
    came = [x for x in new if x not in old]
    if not gone and not came:
        return "the drawing changed (layout or style), no label did"
    def first(labels: list[str]) -> str:
        return labels[0].replace("\\n", " ") if labels else "nothing"

    return f"label [{first(gone)}] became [{first(came)}]"


def _pages(docs: Path) -> Iterator[tuple[Path, str]]:
    for page in sorted(docs.rglob("*.md")):
        parts = page.name.split(".")
        lang = parts[-2] if len(parts) >= 3 and parts[-2] in LANGUAGES else "en"
        yield page, lang


def _check_values(text: str, where: str, diagrams_dir: Path,
                  models: dict[Path, Model]) -> list[str]:
    references = find_references(text)
    if not references:
        return []
    name = front_matter_spec(text)
    model = models.get((diagrams_dir / name).resolve()) if name else None
    out: list[str] = []
    for _, _, line, query in references:
        if model is None:
            out.append(f"{where}:{line}: {{{{nm {query}}}}} needs a loadable netmodel_spec in "
                       "the page's front matter")
            continue
        try:
            answer(model, query)
        except NetmodelError as exc:
            out.append(f"{where}:{line}: {exc}")
    return out


def run_check(root: Path, *, update: bool = False, docs: str = "docs",
              diagrams: str = "diagrams") -> CheckResult:
    for folder in (docs, diagrams):
        if not (root / folder).is_dir():
            # Else a mistyped --root checks nothing and says "ok".
            raise NetmodelError(f"{root}: no {folder}/ folder (expected the project's root, "
                                f"holding {docs}/ and {diagrams}/)")
    problems: list[str] = []
    bad: list[str] = []

    def bad_input(line: str) -> None:
        problems.append(line)
        bad.append(line)

    diagrams_dir = root / diagrams
    snapshots = diagrams_dir / SNAPSHOTS
    models: dict[Path, Model] = {}
    specs = sorted(p for p in diagrams_dir.rglob("*.yaml") if SNAPSHOTS not in p.parts)
    for spec in specs:
        try:
            models[spec.resolve()] = Model(load_spec(spec))
        except NetmodelError as exc:
            bad_input(str(exc))
    expected_files: set[Path] = set()
    fences = written = 0
    for page, lang in _pages(root / docs):
        where = page.relative_to(root).as_posix()
        text = page.read_text(encoding="utf-8")
        for line in _check_values(text, where, diagrams_dir, models):
            bad_input(line)
        for number, fence in enumerate(find_fences(text), 1):
            fences += 1
            try:
                options = read_fence(fence, where)
                spec = (diagrams_dir / options.spec).resolve()
                model = models.get(spec)
                if model is None:
                    raise FenceError(where, options.line_of("spec"), f"spec {options.spec!r} "
                                     f"is not a loadable file under {diagrams}/")
                if options.table is not None:
                    state_table(model, options)  # computed at build time; nothing to draw
                    continue
                if options.diff is not None:  # the same: the capture must read and diff
                    diff_text(model, options, diagrams_dir, lang)
                    continue
                # A walk through captured nodes (`state`): expectations and snapshot
                # are the walk's on the node as captured.
                model = captured_model(model, options, diagrams_dir)
                diagram = build_diagram(model, options, lang)
            except NetmodelError as exc:
                text_of = " ".join(str(exc).split("\n"))
                bad_input(text_of if isinstance(exc, FenceError)
                          else f"{where}:{fence.line}: {text_of}")
                continue
            problems.extend(f"{where}:{options.line_of(option)}: {problem}"
                            for option, problem in check_expectations(options, diagram.trace))
            relative = page.relative_to(root / docs).with_suffix("")
            if relative.suffix == f".{lang}":  # page.zh.md pairs with page.md
                relative = relative.with_suffix("")
            stem = relative.as_posix().replace("/", "__")
            dot_file = snapshots / f"{stem}-{number}.{lang}.dot"
            summary_file = dot_file.with_suffix(".json")
            expected_files |= {dot_file, summary_file}
            now = summary(diagram.trace)
            if update:
                snapshots.mkdir(parents=True, exist_ok=True)
                if not dot_file.exists() or dot_file.read_text() != diagram.dot:
                    dot_file.write_text(diagram.dot)
                    written += 1
                summary_file.write_text(json.dumps(now, indent=1, ensure_ascii=False) + "\n")
            elif not dot_file.exists():
                problems.append(f"{where}:{fence.line}: no snapshot {dot_file.relative_to(root)}"
                                " (run `netmodel check --update` and commit it)")
            elif dot_file.read_text() != diagram.dot:
                old = json.loads(summary_file.read_text()) if summary_file.exists() else None
                why = (explain(old, now) if diagram.trace is not None
                       else explain_drawing(dot_file.read_text(), diagram.dot))
                problems.append(f"{where}:{fence.line}: diagram {options.view} "
                                f"({lang}) changed: {why}")
    if snapshots.exists():
        for stale in sorted(set(snapshots.iterdir()) - expected_files):
            if update:
                stale.unlink()
            else:
                problems.append(f"{stale.relative_to(root)}: snapshot of a fence that no "
                                "longer exists (run `netmodel check --update`)")
    return CheckResult(tuple(problems), len(specs), fences, written, tuple(bad))
