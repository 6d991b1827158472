"""Fixtures for the browser tests: a built site with history, served locally, and Chromium.

The site is the repository's own content, theme and settings, copied into a fresh git
repository with two commits (so history, diff and version pages have something to show),
built once per test session and served on 127.0.0.1 under the same path as the published
site. Chromium never reaches the network: every outside request is aborted at once, and
noted, so a test can fail on it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from generator.build import build
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DECISION,
    ROOT,
    WIDTHS,
    guard_network,
    is_outside,
    missing_tools,
)
from tests.conftest import Git


def pytest_configure(config: pytest.Config) -> None:
    """Register the browser marker, so `pytest -m "not browser"` leaves these tests out."""
    config.addinivalue_line("markers", "browser: tests that drive Chromium on the built site")


@dataclass(frozen=True)
class ServedSite:
    """The built site and where it is served."""

    root: Path
    out: Path
    base_url: str

    def url(self, path: str) -> str:
        """Return the address of a page given below the site's root."""
        return self.base_url + path


class _Handler(SimpleHTTPRequestHandler):
    """Serve the built site under its published path, and 404.html for what is not there."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        """Map an address under the site's path to a file of the built site."""
        route = urlsplit(path).path
        if not route.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + route[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing address with the site's own 404 page, as GitHub Pages does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


def _make_repository(root: Path) -> None:
    """Copy the site's sources into root and commit them twice with fixed dates."""
    for name in ("content", "theme"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    repo = Git(root)
    repo.commit("Publish the first records from the workshop report (#1)")
    decision = root / "content" / f"{DECISION.rstrip('/')}.md"
    text = decision.read_text(encoding="utf-8")
    changed = re.sub(r"^status: proposed$", "status: accepted", text, count=1, flags=re.M)
    assert changed != text, "the decision's status line was not found"
    decision.write_text(changed, encoding="utf-8")
    repo.commit("Accept the decision to start with pilot areas (#2)", author="Bea Board")


@contextlib.contextmanager
def serving(out: Path, site_url: str) -> Iterator[str]:
    """Serve the site built into out on 127.0.0.1 under site_url's path; yield its base URL."""
    prefix = ("/" + urlsplit(site_url or "/").path.strip("/") + "/").replace("//", "/")
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def _built_and_served(root: Path) -> Iterator[ServedSite]:
    """Build the repository at root for the address it is served at, and serve it.

    The site is built after the server has its port, with site_url set to that address,
    so absolute links (feeds, canonical addresses) resolve to the local copy too.
    """
    settings = root / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    out = root.parent / "site"
    with serving(out, yaml.safe_load(text).get("site_url") or "/") as base_url:
        text = re.sub(r"^site_url:.*$", f"site_url: {base_url}", text, flags=re.M)
        settings.write_text(text, encoding="utf-8")
        build(root, out)
        yield ServedSite(root, out, base_url)


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """Build the bundled site with history and serve it on 127.0.0.1 for the session."""
    root = tmp_path_factory.mktemp("browser") / "repository"
    _make_repository(root)
    with _built_and_served(root) as site:
        yield site


@pytest.fixture(scope="session")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """Build a generated record of a few hundred records (bench/corpus.py) and serve it."""
    root = tmp_path_factory.mktemp("generated") / "repository"
    corpus = [str(ROOT / "bench" / "corpus.py"), "--records", "300", "--commits", "600"]
    subprocess.run(
        [sys.executable, *corpus, "--out", str(root), "--theme", str(ROOT / "theme")],
        check=True,
        capture_output=True,
    )
    with _built_and_served(root) as site:
        yield site


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium once for the session (skipped when it is not set up)."""
    missing = missing_tools()
    if missing:
        message = "browser tests need " + "; ".join(missing) + ": run tests/browser/setup.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """One opened page, with what happened while it loaded."""

    page: Any
    status: int
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


OpenPage = Callable[..., Tab]


def open_tab(
    browser: Any, site: ServedSite, path: str, width: str, palette: str, height: int = 900
) -> Tab:
    """Open a page of a site in a fresh context at a width and palette (closed by the caller)."""
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": height},
        color_scheme="dark" if palette == "dark" else "light",
        reduced_motion="reduce",
    )
    blocked: list[str] = []
    context.route(is_outside(site.base_url), guard_network(blocked))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(site.url(path), wait_until="load")
    status = response.status if response else 0
    scheme = "slate" if palette == "dark" else "default"
    if palette == "dark" and 'class="or-light-header' in page.content():
        # A lighter page (a past version, a history page, what changed between two versions)
        # has no toggle: it shows the palette chosen elsewhere, as the engine's pages store it.
        page.evaluate('() => __md_set("__palette", {color: {scheme: "slate"}})')
        page.reload()
    page.wait_for_function(
        "(scheme) => document.body.getAttribute('data-md-color-scheme') === scheme", arg=scheme
    )
    return Tab(page, status, errors, blocked)


@pytest.fixture
def open_page(browser: Any, served_site: ServedSite) -> Iterator[OpenPage]:
    """Return a function that opens a page at a width and palette, ready to be tested."""
    contexts: list[Any] = []

    def open_(path: str, width: str = "wide", palette: str = "light", height: int = 900) -> Tab:
        tab = open_tab(browser, served_site, path, width, palette, height)
        contexts.append(tab.page.context)
        return tab

    yield open_
    for context in contexts:
        context.close()
