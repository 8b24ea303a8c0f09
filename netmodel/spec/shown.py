"""Spec values as an error message may quote them: escaped and short.

A message echoes what the spec said, and the spec is untrusted text: an ESC
in a value would reach the terminal as a live escape sequence, and a
100,000-character name would make the "one line" a hundred kilobytes. So a
value is quoted the way :func:`repr` writes it (``\\x1b``, ``\\x00``,
``\\u202e`` — every character :meth:`str.isprintable` refuses is escaped) and
cut after :data:`LIMIT` characters (the escaping is :func:`netmodel.errors.echo`'s,
as every front end's). An integer of thousands of digits is
described, not printed: ``str()`` of one refuses past 4,300 digits
(``sys.int_info.default_max_str_digits``), and no field wants it anyway.
"""

from __future__ import annotations

from netmodel.errors import echo

__all__ = ["LIMIT", "key_text", "shown"]

LIMIT = 80  # characters kept: all of a 64-character name one past the 63 limit
_DIGITS_PER_BIT = 0.30103  # log10(2): an integer's size without printing it
_LONG_INT_BITS = 200  # some 60 digits, LIMIT's worth


def shown(value: object) -> str:
    """``value`` as a message quotes it: ``'web'``, ``'\\x1bx…' (5000 characters)``."""
    if isinstance(value, str):
        if len(value) <= LIMIT:
            return repr(value)
        quoted = repr(value[:LIMIT])
        return f"{quoted[:-1]}…{quoted[-1]} ({len(value)} characters)"
    if isinstance(value, int) and not isinstance(value, bool):
        return _integer(value)
    return echo(repr(value), LIMIT)


def key_text(key: object) -> str:
    """A mapping key as a field path spells it. YAML keys need not be strings
    (``~: x``, ``1.5: x``, ``? [a, b]``); a path part is, so a key that is not
    one is written as YAML would write it (``null``, ``1.5``, ``['a', 'b']``)."""
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return _integer(key)
    if isinstance(key, tuple):  # yaml-rs makes a sequence key a tuple
        return echo(repr(list(key)), LIMIT)
    return echo(repr(key), LIMIT)


def _integer(value: int) -> str:
    if value.bit_length() <= _LONG_INT_BITS:
        return str(value)
    digits = int((value.bit_length() - 1) * _DIGITS_PER_BIT) + 1
    sign = "a negative" if value < 0 else "an"
    return f"{sign} integer of about {digits} digits"
