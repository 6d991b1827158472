"""The sitemap entries of the pages openrecord pours into shells.

The engine lists the pages it renders in its sitemap; shells.py renders the rest, so
their entries are added here, in the engine's own form.
"""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write a file so that a reader sees the old text or the new, never a part of it.

    The preview's server may be sending the file while it is rewritten.
    """
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)


_URL = re.compile(r"\s*<url>.*?</url>", re.S)


def add_to_sitemap(site_dir: Path, site_url: str | None, urls: list[str], drop: str) -> None:
    """Add pages to the engine's sitemap, in its form, and drop those under drop.

    The entries copy the form of the engine's first entry (and its date, the build's), so
    the file stays reproducible.
    """
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    kept = [entry for entry in _URL.findall(text) if f"/{drop}" not in entry]
    model = re.search(r"<loc>.*?</loc>", kept[0]) if kept else None
    added = []
    if site_url and model:
        base = site_url.rstrip("/") + "/"
        added = [kept[0].replace(model[0], f"<loc>{html.escape(base + url)}</loc>") for url in urls]
    start = text.find("<url>")
    head = text[: text.rfind("\n", 0, start) if start >= 0 else text.find("</urlset>")]
    text = head + "".join(kept + added) + "\n</urlset>\n"
    sitemap.write_text(text, encoding="utf-8")
    with (
        (site_dir / "sitemap.xml.gz").open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed,
    ):
        packed.write(text.encode("utf-8"))
