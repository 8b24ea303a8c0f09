"""Errors a user can cause, each carrying where it came from.

A spec error names the file, the line and the field, and says what was expected,
so the CLI can print one line and exit 2 (no traceback). An input error names
the option it came from (``port``, ``to``…) as a fence writes it: the CLI turns
that into its flag, a page fence into its page and the option's line.

Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["EndpointError", "InputError", "NetmodelError", "SpecError", "echo", "one_line",
           "quoted"]

# How much of a value an error repeats: enough to recognise it, not a screenful.
ECHO_LIMIT = 60


def one_line(text: str) -> str:
    """``text`` with every character that is not printable escaped as Python
    writes it (a newline as ``\\n``, ESC as ``\\x1b``): an error is one line,
    and a value the user typed must neither break it nor drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """User text as an error repeats it: one line, and its first ``limit``
    characters then ``…`` if longer."""
    return one_line(text[:limit]) + ("…" if len(text) > limit else "")


def quoted(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` on one line (repr escapes a newline or ESC); a long text is
    cut, the ``…`` after the quote, so what is quoted is what was given."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + "…"
    return one_line(repr(value))


class NetmodelError(ValueError):
    """Base of every error caused by input rather than by a bug."""


class SpecError(NetmodelError):
    """A cluster spec that cannot be loaded: ``file:line: field: problem``."""

    def __init__(self, file: str, line: int | None, field: str, problem: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {field}: {problem}" if field else f"{where}: {problem}")


class InputError(NetmodelError):
    """A value asked of a walk or a view that the model cannot use: a port the
    Service lacks, a protocol it does not know, a hop past the trace's end.

    ``option`` is the input's name as a page fence writes it (``from``, ``to``,
    ``port``, ``proto``, ``sport``, ``endpoint``, ``hop``, ``focus``, ``node``,
    ``pod``, ``table``), or None where the raiser cannot know it; the front end
    that received the value says where it was given.
    """

    def __init__(self, option: str | None, value: object, problem: str) -> None:
        self.option = option
        self.value = value
        self.problem = problem
        super().__init__(problem)

    def shown(self, name: str | None = None) -> str:
        """``port 9999: problem``, with ``name`` (a CLI flag) for the option."""
        name = name if name is not None else self.option
        # An enum value (a protocol) is shown as the user spelled it: 'udp'.
        value = quoted(str(self.value) if isinstance(self.value, Enum) else self.value)
        # The problem may repeat the value (no pod default/web-1…): one line too.
        problem = one_line(self.problem)
        return f"{name} {value}: {problem}" if name else f"{value}: {problem}"

    def __str__(self) -> str:
        # Computed when shown: the option may be filled in on the way up.
        return self.shown()


class EndpointError(InputError):
    """A trace endpoint such as ``pod/nope`` that names nothing in the spec."""

    def __init__(self, text: str, problem: str, option: str | None = None) -> None:
        super().__init__(option, text, problem)
        self.text = text
