"""``netmodel diff``'s text: the differences, the walks they break, what was
not compared. One language per run (``--lang``); same input, same bytes."""

from __future__ import annotations

from netmodel.capture.node import Capture
from netmodel.compare.differences import Difference
from netmodel.compare.impact import Broken, Impact
from netmodel.i18n import origin_text
from netmodel.i18n.compare import compare_word
from netmodel.state.kernel import Origin

__all__ = ["format_diff"]


def _who(difference: Difference, lang: str) -> str:
    if isinstance(difference.who, Origin):
        return origin_text(difference.who.value, lang).strip()
    return difference.who


def _args(difference: Difference, lang: str) -> dict[str, str]:
    return {"what": compare_word(f"what.{difference.what}", lang), "text": difference.text,
            "who": _who(difference, lang), "found": difference.found or ""}


def difference_line(difference: Difference, lang: str) -> str:
    return compare_word(str(difference.change), lang, **_args(difference, lang))


def _cause(difference: Difference, lang: str) -> str:
    return compare_word(f"cause.{difference.change}", lang, **_args(difference, lang))


def walk_line(broken: Broken, node: str, lang: str) -> str:
    if broken.causes:
        why = compare_word("join", lang).join(_cause(d, lang) for d in broken.causes)
    else:
        why = broken.reason.reason.render(lang)
    endpoint = compare_word("endpoint", lang, endpoint=broken.endpoint) \
        if broken.endpoint else ""
    return compare_word("walk", lang, source=broken.source, destination=broken.destination,
                        endpoint=endpoint, modelled=broken.modelled.render(lang),
                        captured=broken.captured.render(lang),
                        node=node, why=why)


def _ignored(capture: Capture, lang: str) -> str:
    ignored = capture.ignored
    items = [compare_word("ignored.neigh", lang, count=ignored.learnt_neighbors),
             compare_word("ignored.fdb", lang),
             compare_word("ignored.local", lang, count=ignored.other_route_tables),
             compare_word("ignored.linklocal", lang), compare_word("ignored.names", lang),
             compare_word("ignored.counters", lang),
             compare_word("ignored.conntrack", lang, count=ignored.conntrack),
             compare_word("ignored.order", lang),
             compare_word("ignored.tables", lang, count=ignored.other_iptables_tables)]
    if capture.renamed_nic is not None:
        real, model = capture.renamed_nic
        items.append(compare_word("ignored.nic", lang, real=real, model=model))
    return compare_word("ignored", lang, items=compare_word("list", lang).join(items))


def format_diff(capture: Capture, differences: list[Difference], impact: Impact,
                lang: str = "en") -> str:
    lines = [compare_word("header", lang, node=capture.node, source=capture.state.source,
                          count=len(differences))]
    for difference in differences:
        lines.append(f"  - {difference_line(difference, lang)}")
        if difference.note is not None:
            key, args = difference.note
            lines.append(f"    {compare_word(key, lang, **dict(args))}")
    lines.append(compare_word("walks", lang, walks=impact.walks, broken=len(impact.broken)))
    lines += [f"  - {walk_line(b, capture.node, lang)}" for b in impact.broken]
    lines.append(_ignored(capture, lang))
    return "\n".join(lines) + "\n"
