"""A copy of the site's sitemap beside every page, for Material's language links.

mkdocs-static-i18n puts ``<link rel="alternate" hreflang=…>`` on each page, to
the same page in each language (as search engines want). Material's bundle
reads every such link as the root of a site and fetches ``sitemap.xml``
relative to it (``new URL("sitemap.xml", alternate)``), to map pages between
languages: for ``/services/`` that is ``/services/sitemap.xml``, a 404 in the
reader's console on every page. The copies make each of those requests find
the site's real sitemap.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["copy_sitemaps"]


def copy_sitemaps(site_dir: Path) -> int:
    """Copy the sitemap of ``site_dir`` (or of the site it is a language of) into
    every directory under ``site_dir`` that holds a page; how many were written."""
    source = next((d / "sitemap.xml" for d in (site_dir, site_dir.parent)
                   if (d / "sitemap.xml").is_file()), None)
    if source is None:
        return 0
    text = source.read_bytes()
    written = 0
    for page in sorted(site_dir.rglob("index.html")):
        target = page.parent / "sitemap.xml"
        if target != source and (not target.is_file() or target.read_bytes() != text):
            target.write_bytes(text)
            written += 1
    return written
