"""An offline link checker for a built site: every internal link and anchor resolves."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        for key in ("href", "src"):
            value = values.get(key)
            if value and tag in ("a", "link", "script", "img"):
                self.links.append(value)


def _parse(page: Path) -> _Collector:
    collector = _Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector


def _target(site: Path, page: Path, link: str) -> Path | None:
    path = unquote(urlsplit(link).path)
    if path.startswith("/"):
        target = site / path.lstrip("/")
    else:
        target = (page.parent / path) if path else page
    target = target.resolve()
    if target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    """``page: link (why)`` for every internal link or anchor that does not resolve."""
    parsed = {page: _parse(page) for page in sorted(site.rglob("*.html"))}
    problems = []
    for page, found in parsed.items():
        for link in found.links:
            scheme = urlsplit(link).scheme
            if scheme in ("http", "https", "mailto", "data", "javascript") or link.startswith("//"):
                continue
            base, fragment = urldefrag(link)
            target = _target(site, page, base)
            if target is None or not target.exists():
                problems.append(f"{page.relative_to(site)}: {link} (no such file)")
                continue
            if fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(fragment) not in ids:
                    problems.append(f"{page.relative_to(site)}: {link} (no anchor)")
    return problems
