"""Find live markup from content in built output, by parsing it (not by grepping)."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

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


def scan_site(site: Path) -> dict[str, list[str]]:
    """Return live markup found in every page, search index entry, feed and data file."""
    found: dict[str, list[str]] = {}

    def note(where: str, fragment: str) -> None:
        hits = live_markup(fragment)
        if hits:
            found.setdefault(where, []).extend(hits)

    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".html":
            note(rel, path.read_text(encoding="utf-8"))
        elif rel == "search/search_index.json":
            for doc in json.loads(path.read_text(encoding="utf-8"))["docs"]:
                note(f"{rel} {doc['location']}", doc["title"])
                note(f"{rel} {doc['location']}", doc["text"])
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
