"""Nothing leaves the reader's browser: every page type, loaded in Chromium, asks only the site
itself for what it needs and gets no error, on the bundled site and on a generated record of
a few hundred records. Feed autodiscovery still works from the page's head."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ServedSite
from tests.browser.support import PAGES, PageUnderTest, guard_network, is_outside

pytestmark = pytest.mark.browser

_FEED_TYPES = ("application/atom+xml", "application/rss+xml", "application/feed+json")


@dataclass
class Visit:
    """What one page load asked for and got."""

    status: int
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    drawings: int = 0


def visit(browser: Any, site: ServedSite, path: str) -> Visit:
    """Load one page, wait until the network is quiet, and return what it asked for."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        outside: list[str] = []
        errors: list[str] = []
        context.route(is_outside(site.base_url), guard_network(outside))
        page = context.new_page()
        page.set_default_timeout(15_000)
        target = site.url(path)

        def on_response(response: Any) -> None:
            if response.status >= 400 and response.url != target:
                errors.append(f"{response.status} {response.url}")

        def on_failed(request: Any) -> None:
            if request.url not in outside:
                errors.append(f"failed ({request.failure}) {request.url}")

        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
        response = page.goto(target, wait_until="load")
        page.wait_for_load_state("networkidle")
        feeds = page.eval_on_selector_all(
            'head link[rel="alternate"][type]',
            "links => links.map(link => link.type + ' ' + link.href)",
        )
        drawings = page.locator("svg.or-graph[role='img']").count()
        return Visit(response.status if response else 0, outside, errors, feeds, drawings)
    finally:
        context.close()


def check(visit_: Visit, expected_status: int) -> None:
    """Fail with every stray request of a page load."""
    problems = [f"asked another origin for {url}" for url in visit_.outside] + visit_.errors
    assert visit_.status == expected_status
    assert not problems, "\n".join(problems)


#: Pages of the bundled site that only this test opens: the other indexes, and files.
_MORE_PAGES = (
    PageUnderTest("topics", "topics/"),
    PageUnderTest("status-index", "decisions/status/proposed/"),
    PageUnderTest("feed-file", "feeds/all/atom.xml"),
    PageUnderTest("data-file", "data/records.json"),
)


@pytest.mark.parametrize("case", PAGES + _MORE_PAGES, ids=[c.name for c in PAGES + _MORE_PAGES])
def test_bundled_page_asks_only_the_site(
    browser: Any, served_site: ServedSite, case: PageUnderTest
) -> None:
    result = visit(browser, served_site, case.path)
    check(result, case.status)
    if case.name in ("home", "workshop", "intention", "decision", "topic"):
        types = {feed.split()[0] for feed in result.feeds}
        assert types == set(_FEED_TYPES), result.feeds  # autodiscovery intact after load
        assert all(feed.split()[1].startswith(served_site.base_url) for feed in result.feeds)
    if case.name in ("workshop", "intention", "decision", "map-diagram"):
        assert result.drawings == 1


def test_feed_links_keep_their_rel_in_the_html(served_site: ServedSite) -> None:
    html = (served_site.out / "decisions" / "start-with-pilot-areas" / "index.html").read_text()
    links = re.findall(r"<link [^>]*>", html)
    feeds = [link for link in links if any(kind in link for kind in _FEED_TYPES)]
    assert feeds and all('rel="alternate"' in link for link in feeds)
    assert 'data-md-component="source"' not in html  # no repository counts from GitHub
    assert re.search(r'class="?md-source"?[ >]', html)  # the GitHub link stays


def _generated_pages(root: Path) -> list[tuple[str, int]]:
    """Return one page of each type of a generated record, with the status it answers."""
    pages = [("", 200), ("changes/", 200), ("feeds/", 200), ("data/", 200), ("map/", 200)]
    pages += [("topics/", 200), ("decisions/status/accepted/", 200), ("feeds/all/rss.xml", 200)]
    for folder in ("workshops", "intentions", "decisions"):
        first = sorted((root / "content" / folder).glob("*.md"))[0].stem
        pages += [(f"{folder}/", 200), (f"{folder}/{first}/", 200)]
        pages += [(f"{folder}/{first}/history/", 200), (f"{folder}/{first}/v1/", 200)]
    topics = (root / "content" / "topics.yml").read_text(encoding="utf-8")
    topic = re.findall(r"^([a-z0-9-]+):", topics, re.M)[0]
    pages += [(f"topics/{topic}/", 200), (f"map/topics/{topic}/", 200), ("no-such-page/", 404)]
    return pages


def test_generated_record_pages_ask_only_the_site(browser: Any, generated_site: ServedSite) -> None:
    problems = []
    pages = _generated_pages(generated_site.root)
    map_index = (generated_site.out / "map" / "index.html").read_text(encoding="utf-8")
    diagrams = re.findall(r'href="(topics/[a-z0-9-]+/\d+/)"', map_index)
    assert diagrams, "a topic of a few hundred records is drawn in several diagrams"
    pages.append((f"map/{diagrams[0]}", 200))
    for path, status in pages:
        result = visit(browser, generated_site, path)
        if result.status != status:
            problems.append(f"/{path}: answered {result.status}, not {status}")
        problems += [f"/{path}: asked another origin for {url}" for url in result.outside]
        problems += [f"/{path}: {error}" for error in result.errors]
    assert not problems, "\n".join(problems)
