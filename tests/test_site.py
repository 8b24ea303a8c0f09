"""The site builds for real, strictly, in both languages, with no network."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .linkcheck import broken_links

ROOT = Path(__file__).resolve().parents[1]


# Any fixed time: with SOURCE_DATE_EPOCH the build's date (the sitemap's lastmod,
# sitemap.xml.gz's header) is this one, and two builds are byte-identical.
EPOCH = "1700000000"  # 2023-11-14 UTC
# What jieba (Material's Chinese search segmentation) prints on stderr, by itself.
JIEBA = ("Building prefix dict from ", "Loading model from cache ", "Loading model cost ",
         "Prefix dict has been built ", "Dumping model to file cache ")


def build_site(root: Path, out: Path) -> list[str]:
    """Build the site at ``root`` into ``out`` as CI does; what went wrong, if
    anything. Not ``-q``: under it MkDocs neither prints nor counts warnings, and
    ``--strict`` passes whatever a page says."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                             "-d", str(out)], cwd=root, capture_output=True, text=True,
                            env=env, check=False)
    problems = [line for line in result.stderr.splitlines()
                if line.strip() and not line.startswith(("INFO ", *JIEBA))]
    if result.returncode != 0:
        problems.append(f"exit status {result.returncode}")
    return problems


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert build_site(ROOT, out) == []
    return out


def copy_of_the_site(root: Path) -> Path:
    root.mkdir()
    for name in ("mkdocs.yml", "docs", "diagrams", ".netmodel-cache"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
        elif (ROOT / name).exists():
            shutil.copy(ROOT / name, root / name)
    return root


@pytest.mark.slow
@pytest.mark.parametrize(("fault", "warning"), [
    ("[gone](nowhere.md)", "'nowhere.md'"),
    ("```netmodel\nspec: clusters/two-nodes-vxlan.yaml\nview: paths\n```",
     "view 'paths': unknown view"),
])
def test_a_page_with_a_warning_fails_the_site_build(tmp_path: Path, fault: str,
                                                    warning: str) -> None:
    root = copy_of_the_site(tmp_path / "src")
    page = root / "docs" / "reference.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{fault}\n", encoding="utf-8")
    problems = build_site(root, tmp_path / "out")
    assert any(line.startswith("WARNING") and warning in line for line in problems), problems
    assert problems[-1] == "exit status 1"


@pytest.mark.slow
def test_the_sitemap_has_real_urls_and_the_build_date_of_source_date_epoch(
        site: Path, tmp_path: Path) -> None:
    from mkdocs.config import load_config

    # mkdocs.yml's site_url, as the build read it (SITE_URL in the environment, or
    # where `mkdocs serve` serves): without one the sitemap's URLs are None./
    site_url = load_config(str(ROOT / "mkdocs.yml")).site_url
    assert site_url, "mkdocs.yml sets no site_url"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert urls and all(url.startswith(site_url) for url in urls), urls
    assert "None" not in sitemap
    assert "<loc>" + site_url + "zh/services/</loc>" in sitemap
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {"2023-11-14"}
    # Built again, elsewhere and later: the same bytes.
    assert build_site(ROOT, tmp_path / "again") == []
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        assert (tmp_path / "again" / name).read_bytes() == (site / name).read_bytes(), name
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode() == sitemap


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
