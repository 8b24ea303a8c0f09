"""YAML that can say where each value came from.

Values come from yaml-rs (a Rust parser, YAML 1.2: ``yes`` and ``on`` are
strings, ``010`` is ten), which reads the 150,000-pod benchmark spec some 15
times faster than PyYAML. Positions are needed only to report an error, so
PyYAML's composer builds the node tree for line numbers lazily, the first time
one is asked for. Duplicate keys are errors, as YAML 1.2 says: a loader that
keeps the last one hides typos in a spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
import yaml_rs

from netmodel.errors import SpecError

__all__ = ["Path", "SourceDoc", "format_path", "parse_yaml"]

Path = tuple[str | int, ...]

try:  # libyaml is ~10x faster on the 150,000-pod benchmark spec
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _Loader = yaml.SafeLoader

_SCALARS = yaml.constructor.SafeConstructor()


def format_path(path: Path) -> str:
    """``("pods", 3, "ip")`` → ``pods[3].ip``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass(slots=True)
class SourceDoc:
    """A loaded YAML document: its data, and (on demand) the node tree for lines."""

    file: str
    data: Any
    text: str
    _root: yaml.Node | None = None
    _composed: bool = False

    @property
    def root(self) -> yaml.Node | None:
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self.text, Loader=_Loader)
            except yaml.YAMLError:
                self._root = None  # yaml-rs took it; PyYAML cannot place lines in it
        return self._root

    def line_of(self, path: Path) -> int | None:
        """The 1-based line of the value at ``path`` (or of its nearest parent)."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                found = None
                for key, value in node.value:
                    if key.value == part:
                        found = value
                        break
                if found is None:
                    return line
                node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return line
                node = node.value[part]
            else:
                return line
            line = node.start_mark.line + 1
        return line

    def error(self, path: Path, problem: str) -> SpecError:
        return SpecError(self.file, self.line_of(path), format_path(path), problem)


_AT_LINE = re.compile(r"at line (\d+)")
_TAB = re.compile(r"\btabs?\b")


def parse_yaml(text: str, file: str) -> SourceDoc:
    """Parse ``text``; YAML errors become one-line SpecErrors with their line."""
    try:
        data = yaml_rs.loads(text)
    except yaml_rs.YAMLDecodeError as exc:
        raise _located(text, file, str(exc)) from None
    if isinstance(data, list) and _second_document(text) is not None:
        # yaml-rs returns a stream of several documents as a list of them.
        raise SpecError(file, _second_document(text), "", "a second YAML document "
                        "(a spec is one document: remove this '---' and what follows, or "
                        "put it in a file of its own)")
    return SourceDoc(file, data, text)


def _second_document(text: str) -> int | None:
    """The line of the ``---`` that starts a second document, if there is one
    (a ``---`` before any content only marks the first)."""
    seen_content = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.rstrip() == "---" or line.startswith("--- "):
            if seen_content:
                return number
            seen_content = True  # what follows is the first document
        elif line.strip() and not line.lstrip().startswith("#"):
            seen_content = True
    return None


def _located(text: str, file: str, message: str) -> SpecError:
    """yaml-rs's message, with a line: its own, or the one PyYAML finds."""
    lines = [part.strip() for part in message.splitlines() if part.strip()]
    found = _AT_LINE.search(lines[0]) if lines else None
    if found is not None:
        problem = lines[-1] if len(lines) > 1 else lines[0]
        line = int(found[1])
        if _TAB.search(problem):
            # yaml-rs places "found a tab" at the scalar it was reading when the
            # tab turned up, which is the line before a tab-indented one
            # ("a: b\n\tc: d" is reported at "a: b"). YAML forbids tabs in
            # indentation (1.2 §6.1), so the line to fix is the first one from
            # there on that is indented with one.
            tabbed = _tab_indented(text, line)
            if tabbed is not None:
                return SpecError(file, tabbed, "", "YAML syntax error: a tab in the "
                                 "indentation (YAML indents with spaces only)")
        return SpecError(file, line, "", f"YAML syntax error: {problem}{_opened(text, line)}")
    try:  # e.g. a duplicate key: PyYAML's composer knows where it is
        root = yaml.compose(text, Loader=_Loader)
        if root is not None:
            _convert(root, file, ())
    except SpecError as located:
        return located
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return SpecError(file, mark.line + 1 if mark else None, "",
                         f"YAML syntax error: {exc.problem or message}")
    except yaml.YAMLError:
        pass
    return SpecError(file, None, "", f"YAML error: {lines[0] if lines else message}")


def _tab_indented(text: str, start: int) -> int | None:
    """The first line from ``start`` (1-based) whose indentation holds a tab."""
    for number, line in enumerate(text.splitlines()[start - 1:], start):
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return number
    return None


def _opened(text: str, line: int) -> str:
    """For an unclosed ``[`` or ``{``: where it was opened, which yaml-rs omits.

    The parser can only notice a missing ``]`` where the next thing cannot
    belong to the sequence, often a later line; PyYAML's context mark is the
    bracket itself."""
    try:
        for _ in yaml.parse(text, Loader=_Loader):  # events only: no tree is built
            pass
    except yaml.MarkedYAMLError as exc:
        context, mark = exc.context or "", exc.context_mark
        if mark is not None and "flow" in context and mark.line + 1 < line:
            kind = "sequence '['" if "sequence" in context else "mapping '{'"
            return f" (the flow {kind} opened on line {mark.line + 1} is not closed)"
    except yaml.YAMLError:
        pass
    return ""


def _convert(node: yaml.Node, file: str, path: Path) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, file)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, file, (*path, i)) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, file) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int):
                raise SpecError(file, key_node.start_mark.line + 1, format_path(path),
                                "mapping keys must be plain strings")
            if key in out:
                # The whole path, not just the key: "name" alone does not say
                # which of 5,000 nodes has it twice.
                raise SpecError(file, key_node.start_mark.line + 1,
                                format_path((*path, str(key))),
                                "duplicate key (each field may appear once)")
            out[key] = _convert(value_node, file, (*path, str(key)))
        return out
    raise SpecError(file, node.start_mark.line + 1, "", "unsupported YAML node")


def _scalar(node: yaml.ScalarNode, file: str) -> Any:
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return _SCALARS.construct_object(node)
    except yaml.YAMLError as exc:
        raise SpecError(file, node.start_mark.line + 1, "", f"bad value: {exc}") from None
