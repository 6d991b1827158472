"""Find live markup from content in built output, by parsing it (not by grepping)."""

from __future__ import annotations

import gzip
import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

MARKER = "xss"
_URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcdoc",
}
_DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "base", "form", "svg",
                   "math", "input", "textarea", "video", "audio", "source", "body", "details",
                   "animate", "button"}  # fmt: skip
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class LiveMarkup(HTMLParser):
    """Collect each place where content's markup would run or load in a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = " ".join(value or "" for _name, value in attrs)
        if tag in _DANGEROUS_TAGS and MARKER in values.lower():
            self.found.append(f"<{tag}> with {values!r}")
        named = dict(attrs)
        if tag == "meta" and "http-equiv" in named and MARKER in values.lower():
            self.found.append(f"<meta http-equiv> with {values!r}")
        if tag == "link" and MARKER in (named.get("href") or "").lower():
            self.found.append(f"<link> to {named.get('href')!r}")
        for name, value in attrs:
            text = value or ""
            if name.startswith("on") and (MARKER in text.lower() or tag not in ("html",)):
                self.found.append(f"{name}= on <{tag}>: {text!r}")
            squeezed = re.sub(r"[\x00-\x20]+", "", html.unescape(text))
            if name in _URL_ATTRIBUTES and _BAD_SCHEME.match(squeezed) and MARKER in text.lower():
                self.found.append(f"{name}={text!r} on <{tag}>")
        self.open.append(tag)

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in ("script", "style") and MARKER in data.lower():
            self.found.append(f"<{self.open[-1]}> containing {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()


def live_markup(fragment: str) -> list[str]:
    """Return every piece of live markup from content in an HTML fragment or page."""
    parser = LiveMarkup()
    parser.feed(fragment)
    parser.close()
    return parser.found


def search_pages(site: Path) -> list[dict[str, Any]]:
    """Return what Pagefind's index holds for each page it found: url, content, filters, meta.

    Each page is one fragment file: gzip around a signature and the page's JSON.
    """
    pages = []
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(_SIGNATURE), f"{path.name} is not a Pagefind fragment"
        pages.append(json.loads(data[len(_SIGNATURE) :]))
    return sorted(pages, key=lambda page: page["url"])


_SIGNATURE = b"pagefind_dcd"


def scan_site(site: Path) -> dict[str, list[str]]:
    """Return live markup found in every page, feed and data file.

    Pagefind's index holds text, not HTML (its results escape it, see the browser tests).
    """
    found: dict[str, list[str]] = {}

    def note(where: str, fragment: str) -> None:
        hits = live_markup(fragment)
        if hits:
            found.setdefault(where, []).extend(hits)

    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            note(rel, path.read_text(encoding="utf-8"))
        elif path.suffix == ".xml" and rel.startswith("feeds/"):
            for element in ET.parse(path).getroot().iter():
                # Atom says per element whether it holds HTML; RSS readers treat these as HTML.
                name = element.tag.split("}")[-1]
                is_html = element.get("type") in ("html", "xhtml") or name in (
                    "description",
                    "encoded",
                )
                if element.text and is_html:
                    note(f"{rel} <{element.tag}>", element.text)
        elif path.name == "feed.json":
            for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
                note(f"{rel} {item['id']}", item["content_html"])
    return found


#: Pagefind's files whose bytes (and so names) follow the order it lists a filter's values
#: in, which is a Rust hash map's and differs from run to run: the filter files, the
#: language's meta file that names them, and the entry file that names that.
_UNORDERED = re.compile(r"pagefind/(filter/.*|pagefind\..*\.pf_meta|pagefind-entry\.json)")


def site_files(site: Path) -> dict[str, bytes]:
    """Return every file of a built site by path, the same for two builds of one commit.

    Pagefind's order-dependent files are taken together, as the sorted bytes of each
    unpacked file with the names of the filter files left out: the same values in another
    order read the same.
    """
    files: dict[str, bytes] = {}
    unordered: list[bytes] = []
    paths = [path for path in sorted(site.rglob("*")) if path.is_file()]
    names = [path.stem.encode() for path in paths if path.suffix == ".pf_filter"]
    for path in paths:
        rel = path.relative_to(site).as_posix()
        if not _UNORDERED.fullmatch(rel):
            files[rel] = path.read_bytes()
        elif rel.endswith("entry.json"):
            entry = json.loads(path.read_text(encoding="utf-8"))
            for language in entry["languages"].values():
                language.pop("hash")
            unordered.append(json.dumps(entry, sort_keys=True).encode())
        else:
            data = gzip.decompress(path.read_bytes())
            for name in names:
                data = data.replace(name, b"")
            unordered.append(bytes(sorted(data)))
    files["pagefind (filters, in any order)"] = b"\0".join(sorted(unordered))
    return files
