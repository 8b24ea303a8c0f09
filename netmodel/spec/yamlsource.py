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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
import yaml_rs

from netmodel.errors import SpecError, echo
from netmodel.spec.shown import LIMIT, key_text

__all__ = ["Path", "SourceDoc", "format_path", "parse_yaml"]

Path = tuple[str | int, ...]

try:  # libyaml is ~10x faster on the 150,000-pod benchmark spec
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _Loader = yaml.SafeLoader

_SCALARS = yaml.constructor.SafeConstructor()


# What PyYAML refuses (Reader.NON_PRINTABLE: C0 and C1 controls, DEL, U+FFFE/F)
# and what it, unlike YAML 1.2 and yaml-rs, takes for a line break (NEL, U+2028,
# U+2029). yaml-rs reads them as text, so a spec holding one loads, and only
# PyYAML is asked where a value is: without this it refuses the whole document
# and the error has no line.
_NOT_FOR_PYYAML = re.compile("[^\t\n\r -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                             "\U00010000-\U0010ffff]")


def for_pyyaml(text: str, *, tabs: bool = False) -> str:
    """``text`` with each such character replaced by U+FFFD: one character for
    one, so every line and column stays where it was.

    With ``tabs``, tabs become spaces too, for finding lines in a document
    yaml-rs has loaded: YAML 1.2 allows a tab as separation where PyYAML's
    scanner refuses one (at the start of a line inside ``[...]``), and a tab
    in indentation, the one place it would matter, yaml-rs has refused."""
    text = _NOT_FOR_PYYAML.sub("\ufffd", text)
    return text.replace("\t", " ") if tabs else text


def format_path(path: Path) -> str:
    """``("pods", 3, "ip")`` → ``pods[3].ip``; a key's control characters are
    escaped and a long key is cut (see :mod:`netmodel.spec.shown`)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = echo(key_text(part), LIMIT)
            out += f".{text}" if out else text
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
                self._root = yaml.compose(for_pyyaml(self.text, tabs=True), Loader=_Loader)
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
                wanted = for_pyyaml(part, tabs=True) if isinstance(part, str) else part
                for key, value in node.value:
                    if key.value == wanted:
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
        # Values in ``problem`` are quoted with shown(); escaping the whole of
        # it again is the backstop for one that was not, so no spec can put a
        # terminal escape sequence or a line break into the one-line message.
        return SpecError(self.file, self.line_of(path), format_path(path),
                         echo(problem, _PROBLEM_LIMIT))


_AT_LINE = re.compile(r"at line (\d+)")
_PROBLEM_LIMIT = 600  # a message's longest own text ("expected one of …") is some 300
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
        problem = echo(problem, _PROBLEM_LIMIT)  # yaml-rs may quote what it read
        return SpecError(file, line, "", f"YAML syntax error: {problem}{_opened(text, line)}")
    try:  # e.g. a duplicate key: PyYAML's parser knows where it is
        _check_keys(text, file)
    except SpecError as located:
        return located
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return SpecError(file, mark.line + 1 if mark else None, "",
                         f"YAML syntax error: {echo(exc.problem or message, _PROBLEM_LIMIT)}")
    except yaml.YAMLError:
        pass
    first = echo(lines[0] if lines else message, _PROBLEM_LIMIT)
    if "alias" in first:
        # yaml-rs stops expanding aliases after a million nodes ("billion
        # laughs"): a spec never needs that many, so say so at the first alias.
        return SpecError(file, _first_alias(text), "", f"YAML error: {first} (expected "
                         "a spec whose aliases expand to fewer than a million values)")
    return SpecError(file, None, "", f"YAML error: {first}")


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
        for _ in yaml.parse(for_pyyaml(text), Loader=_Loader):  # events only: no tree is built
            pass
    except yaml.MarkedYAMLError as exc:
        context, mark = exc.context or "", exc.context_mark
        if mark is not None and "flow" in context and mark.line + 1 < line:
            kind = "sequence '['" if "sequence" in context else "mapping '{'"
            return f" (the flow {kind} opened on line {mark.line + 1} is not closed)"
    except yaml.YAMLError:
        pass
    return ""


@dataclass(slots=True)
class _Open:
    """A collection being read from the event stream, for :func:`_check_keys`."""

    path: Path
    keys: dict[Any, None] | None  # a mapping's keys so far; None for a sequence
    index: int = 0  # a sequence's next index
    key: str | None = None  # a mapping's key whose value comes next


# PyYAML's implicit tags (``1`` is an int): typed here, the stubs leave it bare.
_RESOLVE: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = (
    yaml.resolver.Resolver().resolve)
_KEY_LIMIT = 100  # characters: a longer key is compared as written, not constructed


def _check_keys(text: str, file: str) -> None:
    """Raise the first duplicate or non-scalar mapping key, at its line.

    Read from PyYAML's event stream, never its composer or constructor: an
    alias is one event, not the subtree it names, so a "billion laughs"
    document (which yaml-rs rightly refused) costs its length here, not
    gigabytes. Only keys are turned into values, to compare them as YAML does
    (``1`` and ``0x1`` are one key), and a long one is compared as written:
    ``int()`` of thousands of digits raises past Python's 4,300-digit limit.
    """
    stack: list[_Open] = []
    for event in yaml.parse(for_pyyaml(text), Loader=_Loader):
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue  # the stream's and document's start and end
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        top = stack[-1] if stack else None
        if top is not None and top.keys is not None and top.key is None:
            if not isinstance(event, yaml.ScalarEvent):
                raise SpecError(file, line, format_path(top.path),
                                "mapping keys must be plain strings")
            key = _key(event)
            if key in top.keys:
                # The whole path, not just the key: "name" alone does not say
                # which of 5,000 nodes has it twice.
                raise SpecError(file, line, format_path((*top.path, key_text(key))),
                                "duplicate key (each field may appear once)")
            top.keys[key] = None
            top.key = key_text(key)
            continue
        path: Path = ()
        if top is not None:
            if top.key is not None:
                path, top.key = (*top.path, top.key), None
            else:
                path, top.index = (*top.path, top.index), top.index + 1
        if isinstance(event, yaml.MappingStartEvent):
            stack.append(_Open(path, {}))
        elif isinstance(event, yaml.SequenceStartEvent):
            stack.append(_Open(path, None))


def _key(event: yaml.ScalarEvent) -> Any:
    """A scalar key's value as the constructor would make it, or its text."""
    tag = event.tag
    if tag is None or tag == "!":
        tag = _RESOLVE(yaml.ScalarNode, event.value, event.implicit)
    if tag == "tag:yaml.org,2002:str" or len(event.value) > _KEY_LIMIT:
        return event.value
    try:
        return _SCALARS.construct_object(yaml.ScalarNode(tag, event.value))
    except (yaml.YAMLError, ValueError):
        return (tag, event.value)  # unhashable or unreadable: compared as written


def _first_alias(text: str) -> int | None:
    """The line of the first ``*alias`` (events only: nothing is expanded)."""
    try:
        for event in yaml.parse(for_pyyaml(text), Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
                return int(event.start_mark.line) + 1
    except yaml.YAMLError:
        pass
    return None
