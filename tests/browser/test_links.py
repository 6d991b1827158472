"""Links: a crawl of the whole built site, served as it is published, finds no broken internal
link or anchor. External links are listed (printed and saved), never fetched."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from tests.browser.conftest import ServedSite
from tests.browser.support import artifact

pytestmark = pytest.mark.browser

#: Attributes that point at another address, by element.
_LINKING = {
    "a": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "form": ("action",),
}


class PageParser(HTMLParser):
    """Collect a page's links (with the element that holds them) and its ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.refresh: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the ids and links of one element."""
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in _LINKING.get(tag, ()):
            if values.get(name):
                self.links.append((f"<{tag} {name}>", values[name]))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url=(.+)$", values.get("content", ""), re.I)
            if match:
                self.links.append(("<meta refresh>", match.group(1).strip()))


def _fetch(url: str) -> tuple[int, str, bytes]:
    """Return the status, content type and body of an address on the test server."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def test_no_broken_internal_links_or_anchors(served_site: ServedSite) -> None:
    base = served_site.base_url
    start = [base, base + "404.html", base + "sitemap.xml"]
    queue = deque(start)
    sources: dict[str, list[str]] = {url: ["(start of the crawl)"] for url in start}
    pages: dict[str, set[str]] = {}  # HTML page address -> the ids it has
    statuses: dict[str, int] = {}
    anchors: list[tuple[str, str, str]] = []  # (from page, to address, fragment)
    external: dict[str, set[str]] = {}
    while queue:
        url = queue.popleft()
        status, kind, body = _fetch(url)
        statuses[url] = status
        if status != 200:
            continue
        if url.endswith("sitemap.xml"):
            found = [("<loc>", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", body.decode())]
        elif kind == "text/html":
            parser = PageParser()
            parser.feed(body.decode("utf-8"))
            found, pages[url] = parser.links, parser.ids
        else:
            continue
        for where, href in found:
            target = urljoin(url, href.strip())
            if not target.startswith(base):
                parts = urlsplit(target)
                if parts.scheme in ("http", "https", "mailto"):
                    # Listed without their query: one line per issue form, not one per page.
                    listed = f"{parts.scheme}://{parts.netloc}{parts.path}" + (
                        "?…" if parts.query else ""
                    )
                    external.setdefault(listed, set()).add(url)
                continue
            address, fragment = urldefrag(target)
            address = address.split("?", 1)[0]
            if fragment:
                anchors.append((url, address, unquote(fragment)))
            if address not in sources:
                queue.append(address)
            sources.setdefault(address, []).append(f"{url} ({where})")
    broken = [
        f"{address} answers {status}; linked from " + ", ".join(sources[address][:3])
        for address, status in sorted(statuses.items())
        if status != 200
    ]
    broken += sorted(
        {
            f"{page} links to #{fragment} on {address}, which has no such id"
            for page, address, fragment in anchors
            if address in pages and fragment not in pages[address]
        }
    )
    listing = "\n".join(
        f"{link}  (linked from {len(linked_from)} page(s))"
        for link, linked_from in sorted(external.items())
    )
    artifact("links", "external.txt").write_text(listing + "\n", encoding="utf-8")
    print(f"\nCrawled {len(pages)} pages and {len(statuses)} addresses.")
    print(f"External links, listed and not fetched ({len(external)}):\n{listing}")
    assert len(pages) > 40, f"the crawl found only {len(pages)} pages"
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken)
