"""Reading kubectl output as a stream of objects, JSON or YAML.

``kubectl get nodes,pods,… -A -o json`` writes one ``List`` whose ``items``
hold every object; for a large cluster that is 1–2 GB. The JSON is read in
chunks and each item decoded on its own (the C decoder's ``raw_decode`` at an
offset), so memory holds one item and one chunk, never the document: the
top-level keys are parsed here, ``items`` streamed, the rest decoded whole
(they are small). kubectl sorts keys, so ``kind: List`` comes after the items;
it is checked when the document ends, and the import writes nothing before.

YAML (``-o yaml``) is parsed whole by the spec's own YAML reader, which knows
the line of every field. A file that is neither a ``List`` nor one object with
``apiVersion`` and ``kind`` is not kubectl output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from netmodel.errors import SpecError
from netmodel.kubeimport.origin import KubectlError, Origin
from netmodel.spec.yamlsource import parse_yaml

__all__ = ["KubeObject", "read_documents"]

CHUNK = 1 << 22  # 4 MiB of text per read: a few hundred kubectl items
_WS = re.compile(r"[ \t\n\r]*")
# raw_decode fails at a chunk's end for a value cut in two; a real error is
# usually earlier. "Expecting value" at a literal cut short (``tr``) points at
# its first character, a few bytes before the end; an unterminated string at
# its opening quote, anywhere.
_NEAR_END = 8
_NOT_KUBECTL = ("not kubectl output (expected a List of objects, as `kubectl get … -o json` "
                "or `-o yaml` writes, or one object with apiVersion and kind)")


@dataclass(frozen=True, slots=True)
class KubeObject:
    """One object of kubectl output: its kind, its data, where it was read."""

    kind: str
    data: dict[str, Any]
    origin: Origin

    def __str__(self) -> str:
        meta = self.data.get("metadata")
        name = ""
        if isinstance(meta, dict):
            name = "/".join(str(meta[k]) for k in ("namespace", "name") if meta.get(k))
        return f"{self.kind} {name} ({self.origin})"


def read_documents(path: str) -> Iterator[KubeObject]:
    """Every object in the kubectl output at ``path``, in file order."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - a generator owns it
    except OSError as exc:
        raise KubectlError(path, None, "", f"cannot read: {exc.strerror}") from None
    with handle:
        try:
            head = handle.read(1 << 16)
            first = head.lstrip(" \t\r\n")[:1]
            if first == "{":
                yield from _JsonStream(handle, path, head).objects()
            else:
                yield from _yaml_objects(head + handle.read(), path)
        except UnicodeDecodeError:
            raise KubectlError(path, None, "", "not UTF-8 text") from None
        except OSError as exc:
            raise KubectlError(path, None, "", f"cannot read: {exc.strerror}") from None


def _checked(data: Any, origin: Origin) -> KubeObject:
    if not isinstance(data, dict):
        raise origin.error((), f"expected an object, got {_kind_of(data)}")
    kind = data.get("kind")
    if not isinstance(kind, str) or not isinstance(data.get("apiVersion"), str):
        raise origin.error((), "an item without apiVersion and kind is not a Kubernetes object")
    return KubeObject(kind, data, origin)


def _is_list(kind: Any) -> bool:
    # kubectl's own List, or what the API server returns for one kind (PodList…).
    return isinstance(kind, str) and kind.endswith("List")


class _JsonStream:
    """The top level of one JSON document, its ``items`` decoded one by one."""

    def __init__(self, handle: IO[str], file: str, head: str) -> None:
        self.handle = handle
        self.file = file
        self.buf = head
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        self.line = 1  # the line at self.counted
        self.counted = 0

    # -- the buffer ---------------------------------------------------------------

    def line_at(self, pos: int) -> int:
        self.line += self.buf.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def fill(self) -> None:
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
            return
        self.line_at(self.pos)
        self.buf = self.buf[self.pos:] + chunk
        self.counted -= self.pos
        self.pos = 0

    def skip_ws(self) -> str:
        """Skip blanks; the next character, or '' at the end of the file."""
        while True:
            match = _WS.match(self.buf, self.pos)
            assert match is not None  # the pattern matches the empty string
            self.pos = match.end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""
            self.fill()

    def value(self, where: tuple[str | int, ...]) -> Any:
        while True:
            try:
                data, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - _NEAR_END or exc.msg.startswith("Unterminated")
                if cut and not self.eof:
                    self.fill()
                    continue
                raise self.fail(exc.pos, where, f"malformed JSON: {exc.msg}") from None
            if end == len(self.buf) and not self.eof:  # a number may go on
                self.fill()
                continue
            self.pos = end
            return data

    def fail(self, pos: int, where: tuple[str | int, ...], problem: str) -> KubectlError:
        return Origin(self.file, None, self.line_at(pos), where).error((), problem)

    def expect(self, char: str, where: tuple[str | int, ...], what: str) -> None:
        found = self.skip_ws()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.fail(self.pos, where, f"malformed JSON: expected {what}, found {shown}")
        self.pos += 1

    # -- the document -------------------------------------------------------------

    def objects(self) -> Iterator[KubeObject]:
        self.expect("{", (), "'{'")
        top: dict[str, Any] = {}
        lines: dict[str, int] = {}  # where each top-level key's value starts
        streamed = False
        while True:
            char = self.skip_ws()
            if char == "}":
                self.pos += 1
                break
            if top or streamed:
                self.expect(",", (), "',' or '}'")
                self.skip_ws()
            key = self.value(())
            if not isinstance(key, str):
                raise self.fail(self.pos, (), "malformed JSON: expected a key")
            self.expect(":", (key,), "':'")
            if self.skip_ws() == "[" and key == "items":
                streamed = True
                yield from self.items()
            else:
                lines[key] = self.line_at(self.pos)
                top[key] = self.value((key,))
        if self.skip_ws() != "":
            raise self.fail(self.pos, (), "malformed JSON: extra data after the document")
        if streamed:
            if not _is_list(top.get("kind")):
                raise KubectlError(self.file, lines.get("kind", 1), "/kind",
                                   f"{top.get('kind')!r}: " + _NOT_KUBECTL)
        elif "kind" in top and "apiVersion" in top:
            if "items" in top:  # not a list, or streamed above
                raise KubectlError(self.file, lines["items"], "/items",
                                   "expected a list of objects")
            if _is_list(top["kind"]):  # a List with no items key at all
                return
            yield _checked(top, Origin(self.file, None, 1))
        else:
            raise KubectlError(self.file, 1, "", _NOT_KUBECTL)

    def items(self) -> Iterator[KubeObject]:
        self.pos += 1  # the '['
        index = 0
        while True:
            char = self.skip_ws()
            if char == "]":
                self.pos += 1
                return
            if index:
                self.expect(",", ("items",), "',' or ']'")
                self.skip_ws()
            line = self.line_at(self.pos)
            data = self.value(("items", index))
            yield _checked(data, Origin(self.file, index, line, ("items", index)))
            index += 1


def _yaml_objects(text: str, file: str) -> Iterator[KubeObject]:
    try:
        doc = parse_yaml(text, file)
    except SpecError as exc:
        raise KubectlError(file, exc.line, "", f"malformed YAML: {exc.problem}") from None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        raise KubectlError(file, doc.line_of(()) if data is not None else None, "", _NOT_KUBECTL)
    if not _is_list(data["kind"]):
        yield _checked(data, Origin(file, None, 1, (), doc.line_of))
        return
    items = data.get("items")
    if items is None:
        return
    if not isinstance(items, list):
        raise KubectlError(file, doc.line_of(("items",)), "/items",
                           f"expected a list of objects, got {_kind_of(items)}")
    for index, item in enumerate(items):
        yield _checked(item, Origin(file, index, None, ("items", index), doc.line_of))


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r:.40}"
