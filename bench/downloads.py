"""Measure the search of a built site: its index on disk, and what a browser downloads.

The index: how many files Pagefind wrote and their bytes. The downloads: Debian's
Chromium (the browser tests' own, driven by playwright) opens the site from a local
server, and every response under /pagefind/ is counted, from opening the page to the
first results of a query typed in the header's search, then, in a fresh browser, for
the search page opened on the same query with two filters (a filtered search). Bytes
are counted as served here (Pagefind's index files are compressed already) and as a
host that compresses text (GitHub Pages) sends them. Without Chromium, the downloads
are not measured, and the report says so.
"""

from __future__ import annotations

import functools
import gzip
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("OPENRECORD_CHROMIUM", "/usr/bin/chromium")
#: A word of the corpus's prose (a theme, in workshop titles), and the filtered search's filters.
QUERY = "housing"
FILTERS = {"type": "workshop", "status": "reported"}
#: Text a compressing host sends compressed; Pagefind's own index files are gzip already.
_TEXT = (".js", ".css", ".json")
#: The search's program (the same for any site): its interface, library, worker and wasm.
_PROGRAM = ("pagefind-component-ui.", "pagefind.js", "pagefind-worker.js", "wasm.")


def index_figures(site: Path) -> dict[str, int]:
    """Return how many files the search index has and their bytes."""
    files = [path for path in (site / "pagefind").rglob("*") if path.is_file()]
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


class _Quiet(SimpleHTTPRequestHandler):
    """Serve the site without a log line a request."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


def download_figures(site: Path) -> dict[str, Any] | None:
    """Return the bytes a first query and a filtered one download; None without Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
            )
            try:
                first = _count(browser, base, base, _type_in_header)
                query = "&".join(f"{name}={value}" for name, value in FILTERS.items())
                filtered = _count(browser, base, f"{base}search/?q={QUERY}&{query}", _wait)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"query": QUERY, "filters": FILTERS, "first": first, "filtered": filtered}


def _type_in_header(page: Any) -> None:
    """Open the header's search and type the query."""
    page.locator("pagefind-modal-trigger button").click()
    page.locator("pagefind-modal dialog input").wait_for()
    page.keyboard.type(QUERY)
    _wait(page)


def _wait(page: Any) -> None:
    """Wait for the results of the whole query (or the sentence saying there are none).

    Typed a letter at a time, the query is searched as it grows: a summary of the results
    for "h" is not the answer for "housing", so the summary must name the whole query.
    """
    summaries = "[...document.querySelectorAll('.pf-summary')]"
    page.wait_for_function(
        f"(query) => {summaries}.some((s) => /result/.test(s.textContent)"
        " && s.textContent.includes(query))",
        arg=QUERY,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        f"() => {summaries}.some((s) => /^No results/.test(s.textContent.trim()))"
        " || document.querySelector('pagefind-results .pf-result-link')"
    )


def _count(browser: Any, base: str, url: str, search: Any) -> dict[str, int]:
    """Open url in a fresh browser context, run a search, and count the search's downloads."""
    context = browser.new_context()
    bodies: dict[str, bytes] = {}

    def note(response: Any) -> None:
        if "/pagefind/" in response.url and response.url.startswith(base):
            try:
                bodies[response.url] = response.body()
            except Exception:  # a response the page dropped before reading it
                bodies.setdefault(response.url, b"")

    context.on("response", note)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        search(page)
        results = page.locator("pagefind-results .pf-result-link").count()
    finally:
        context.close()
    compressed = sum(
        len(gzip.compress(body, 6)) if _name(url).endswith(_TEXT) else len(body)
        for url, body in bodies.items()
    )
    index = [body for url, body in bodies.items() if not _name(url).startswith(_PROGRAM)]
    return {
        "requests": len(bodies),
        "bytes": sum(map(len, bodies.values())),
        "compressed": compressed,
        "index": sum(map(len, index)),
        "results": results,
    }


def _name(url: str) -> str:
    """Return the file name an address ends with, without its query."""
    return url.split("?")[0].rsplit("/", 1)[-1]
