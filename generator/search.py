"""The search index and sitemap entries of the pages openrecord pours into shells.

The engine indexes the pages it renders; shells.py renders the rest, so their
entries are made here in the engine's own form (one entry for the page, one for
each titled section) and added to the index and the sitemap the engine wrote.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict


class SearchEntry(TypedDict):
    """One entry of the search index: a page (level 1), or one section of it."""

    location: str
    level: int
    title: str
    text: str


_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>|<[!?][^>]*>|([^<]+)")
_ID = re.compile(r'\bid="([^"]*)"')
_SPECIAL = re.compile("[&<>]")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Tags the engine keeps (bare) in its texts, tags it skips, and tags that never close.
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_SKIP = frozenset({"object", "script", "style"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)


class _Section:
    """A heading (or the page's opening) and the words under it."""

    def __init__(self, tag: str, depth: float, anchor: str | None = None) -> None:
        self.tag, self.depth, self.anchor = tag, depth, anchor
        self.title: list[str] = []
        self.text: list[str] = []


def search_entries(url: str, title: str, content: str) -> list[SearchEntry]:
    """Return a page's search entries, divided into sections as the engine divides them.

    This follows Material's own parser: a section opens at each heading with an id; a
    heading nested in an element ends its section where that element ends, and the
    words after it go back to the section around it.
    """
    sections: list[_Section] = []
    section: _Section | None = None
    context: list[str] = []
    opened: dict[str, int] = {}  # how many elements of each tag are open
    headerlink = 0  # depth inside a heading's permalink, whose ¶ is not a word
    for match in _TOKEN.finditer(content):
        closing, tag, attrs, data = match.groups()
        if data is not None:
            if _skipping(opened):
                continue
            if not opened.get("pre"):
                data = " " if data.isspace() else data.replace("\n", " ")
            if section is None:
                section = _Section("hx", 0)
                sections.append(section)
            if opened.get(section.tag):
                if not headerlink:
                    section.title.append(_escape(data))
            elif data.isspace():
                if not section.text or not section.text[-1].isspace() or opened.get("pre"):
                    section.text.append(data)
            else:
                section.text.append(_escape(data))
            continue
        if tag is None:
            continue
        tag = tag.lower()
        if not closing:
            if tag in _VOID:
                continue
            context.append(tag)
            opened[tag] = opened.get(tag, 0) + 1
            if tag == "a" and 'class="headerlink"' in attrs:
                headerlink = len(context)
            if tag in _HEADINGS and (anchor := _ID.search(attrs)):
                if tag != "h1" and not sections:
                    sections.append(_Section("hx", len(context)))
                section = _Section(tag, len(context), anchor[1] if sections else None)
                sections.append(section)
            if section is None:
                section = _Section("hx", 0)
                sections.append(section)
            if tag in _KEEP and not _skipping(opened):
                (section.title if opened.get(section.tag) else section.text).append(f"<{tag}>")
            continue
        if not context or context[-1] != tag or section is None:
            continue
        if section.depth > len(context):
            for earlier in reversed(sections):
                if earlier.depth <= len(context):
                    section.depth = float("inf")
                    section = earlier
                    break
        if headerlink == len(context):
            headerlink = 0
        context.pop()
        opened[tag] -= 1
        parts = section.title if opened.get(section.tag) else section.text
        if tag in _KEEP and not _skipping(opened) and f"<{tag}>" in parts:
            start = parts.index(f"<{tag}>")
            if any(not part.isspace() for part in parts[start + 1 :]):
                parts.append(f"</{tag}>")
            else:
                del parts[start:]
    return [
        {
            "location": f"{url}#{section.anchor}" if section.anchor else url,
            "level": int(section.tag[1]) if section.anchor else 1,
            "title": "".join(section.title).strip() or title,
            "text": "".join(section.text).strip(),
        }
        for section in sections
    ]


def _skipping(opened: dict[str, int]) -> bool:
    """Tell whether the words here are in an element the engine leaves out of its index."""
    return any(opened.get(tag) for tag in _SKIP)


def _escape(words: str) -> str:
    """Return words from HTML as the engine stores them: entities read, then escaped."""
    if "&" in words:
        words = html.unescape(words)
    return html.escape(words, quote=False) if _SPECIAL.search(words) else words


def add_to_index(site_dir: Path, entries: list[SearchEntry], replacing: Iterable[str] = ()) -> None:
    """Add entries to the search index the engine wrote, in that engine's form.

    Material writes search/search_index.json (its "docs" have no level); Zensical writes
    search.json (its "items" also name their level, breadcrumb and tags). The entries of
    the pages named in replacing (the preview's edited pages) are taken out first.
    """
    material, zensical = site_dir / "search" / "search_index.json", site_dir / "search.json"
    gone = set(replacing)
    for path, key in ((material, "docs"), (zensical, "items")):
        if not path.is_file():
            continue
        index = json.loads(path.read_text(encoding="utf-8"))
        if gone:
            index[key] = [doc for doc in index[key] if doc["location"].split("#")[0] not in gone]
        if key == "docs":
            index[key] += [
                {"location": e["location"], "title": e["title"], "text": e["text"]} for e in entries
            ]
        else:
            index[key] += [{**entry, "path": [], "tags": []} for entry in entries]
        write_atomically(path, json.dumps(index, ensure_ascii=False, separators=(",", ":")))
        return


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
