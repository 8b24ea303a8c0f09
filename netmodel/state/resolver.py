"""Which names a stub resolver asks for, given a short name and a resolv.conf.

glibc's ``__res_context_search`` (resolv/res_query.c), as resolv.conf(5)
describes it under ``ndots``: a name with at least ``ndots`` dots is tried as
is first; a name with a trailing dot is tried only as is; otherwise each
search domain is appended in order, and the name as is comes last. A search
entry "." stands for the name as is, which is then not tried again.
"""

from __future__ import annotations

from netmodel.spec.dns import ResolvConf

__all__ = ["search_names"]


def search_names(name: str, conf: ResolvConf) -> tuple[str, ...]:
    """The fully qualified names (with the root's dot) in the order they are
    queried, every one of them: the resolver stops at the first that answers."""
    if name.endswith("."):
        return (name,)  # trailing_dot: "return ret" after the one as-is query
    dots = name.count(".")
    out: list[str] = []
    as_is = f"{name}."
    if dots >= conf.ndots():
        out.append(as_is)  # tried_as_is
    # RES_DEFNAMES and RES_DNSRCH are on by default: the search list applies
    # to names with and without dots.
    for domain in conf.searches:
        if domain in ("", "."):
            # root_on_list: querying NAME under the root is the as-is query.
            if as_is not in out:
                out.append(as_is)
            continue
        out.append(f"{name}.{domain.removesuffix('.')}.")
    # "if we have not already tried the name as is, do that now" (unless
    # options no-tld-query, RES_NOTLDQUERY, and the name has no dot).
    if as_is not in out and not (dots == 0 and conf.searches
                                 and "no-tld-query" in conf.options):
        out.append(as_is)
    return tuple(out)
