"""The site builds for real, strictly, in both languages, with no network."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .linkcheck import broken_links

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-d", str(out)], cwd=ROOT, capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


@pytest.mark.slow
def test_both_languages_are_built(site: Path) -> None:
    english = (site / "index.html").read_text()
    chinese = (site / "zh" / "index.html").read_text()
    assert '<html lang="en"' in english
    assert '<html lang="zh"' in chinese
    assert "网络命名空间" in chinese


@pytest.mark.slow
def test_language_switcher_links_the_twin_page(site: Path) -> None:
    english = (site / "index.html").read_text()
    assert re.search(r'href="[^"]*zh/"[^>]*hreflang="zh"', english), "no link to /zh/"


@pytest.mark.slow
def test_pages_load_nothing_from_other_hosts(site: Path) -> None:
    # Only resources the browser fetches by itself count (scripts, styles,
    # images, fonts); plain <a> links to sources are fine.
    loaded = re.compile(r'<(?:script|img|link(?![^>]*rel="(?:canonical|alternate)"))'
                        r'[^>]*\b(?:src|href)="((?:https?:)?//[^"]*)"')
    pages = list(site.rglob("*.html"))
    assert pages
    for page in pages:
        assert loaded.findall(page.read_text()) == [], page


@pytest.mark.slow
def test_no_broken_internal_link_or_anchor_in_either_language(site: Path) -> None:
    assert (site / "zh" / "index.html").exists()
    assert broken_links(site) == []


@pytest.mark.slow
def test_every_page_has_its_twin_in_the_other_language(site: Path) -> None:
    english = {p.relative_to(site) for p in site.rglob("index.html")
               if p.relative_to(site).parts[0] not in ("zh", "assets", "search")}
    for page in english:
        assert (site / "zh" / page).exists(), f"no Chinese twin of {page}"


def test_the_link_checker_finds_a_broken_link_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="b/">gone</a>'
                                         '<a href="a/#here">ok</a><a href="a/#nope">bad</a>'
                                         '<a href="https://example.org/x">external</a>')
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">H</h2>')
    assert broken_links(tmp_path) == ["index.html: b/ (no such file)",
                                      "index.html: a/#nope (no anchor)"]


@pytest.mark.slow
def test_search_indexes_captions_but_not_diagram_labels(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text())
    text = " ".join(html.unescape(doc["text"]) for doc in index["docs"])
    page = (site / "services" / "index.html").read_text()
    titles = re.findall(r'<title id="nm-[^"]*-title">([^<]*)</title>', page)
    captions = re.findall(r"<figcaption>([^<]*)<", page)
    assert titles and captions
    assert all(html.unescape(title) not in text for title in titles)
    assert all(html.unescape(caption) in text for caption in captions)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["services/index.html", "zh/services/index.html"])
def test_every_walk_on_the_services_page_says_it_was_replayed(site: Path, page: str) -> None:
    """diagrams/replays/ holds every walk of the Services chapter (netmodel lab
    --verify --record), so each caption carries the ✓ note, in both languages."""
    text = (site / page).read_text()
    captions = re.findall(r"<figcaption>", text)
    assert captions
    assert text.count('class="netmodel-replay">✓') == len(captions)
