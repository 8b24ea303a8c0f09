"""``netmodel dns`` as text: the pod's resolv.conf, the search rule that
applies to the name, and each query with the answer it gets."""

from __future__ import annotations

from netmodel.i18n.dns import dns_word
from netmodel.trace.dns_lookup import Answer, AnswerKind, Lookup

__all__ = ["format_lookup"]


def format_lookup(found: Lookup, lang: str) -> str:
    lines = [dns_word("heading", lang, pod=found.pod.key, policy=found.pod.dns_policy)]
    text = found.conf.text()
    lines.extend(text.splitlines() if text else [dns_word("empty", lang)])
    lines.append("")
    name, ndots = found.name, found.conf.ndots()
    dots = name.count(".")
    rule = ("rule.absolute" if name.endswith(".") else
            "rule.many" if dots >= ndots else "rule.few")
    lines.append(dns_word(rule, lang, name=name, dots=dots, ndots=ndots))
    width = max(len(q.name) for q in found.queries)
    for i, query in enumerate(found.queries, 1):
        lines.append(f"  {i}  {query.name:<{width}}  → {query.answer.server}  "
                     f"{_answer(query.answer, query.final, lang)}")
    if found.unsent:
        lines.append(dns_word("unsent", lang, names=" ".join(found.unsent)))
    return "\n".join(lines) + "\n"


def _answer(answer: Answer, final: bool, lang: str) -> str:
    if answer.kind is AnswerKind.ADDRESS:
        if answer.owner is None:
            return dns_word("address.bare", lang, address=answer.address)
        return dns_word("address", lang, address=answer.address, owner=answer.owner)
    if answer.kind is AnswerKind.NXDOMAIN:
        return dns_word("nxdomain", lang, domain=answer.zone)
    if answer.kind is AnswerKind.NO_SERVER:
        return dns_word("no-server", lang, server=answer.server)
    guess = dns_word("found" if final else "missing", lang)
    if answer.kind is AnswerKind.FORWARDED:
        return dns_word("forwarded", lang, guess=guess)
    return dns_word("upstream", lang, server=answer.server, guess=guess)
