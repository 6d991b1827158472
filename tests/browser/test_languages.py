"""A site in English and Gàidhlig in Chromium: axe-core finds nothing on the Gàidhlig pages
(the translation with its lag banner, its home and a list) nor on the English record with
its switcher, light and dark, wide and narrow; the switcher moves between the two; search
on a Gàidhlig page finds the Gàidhlig text, and on an English page does not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ServedSite, _built_and_served
from tests.browser.support import (
    PALETTES,
    WIDTHS,
    artifact,
    describe_violations,
    guard_network,
    is_outside,
    run_axe,
)
from tests.languages_fixture import languages_site

pytestmark = pytest.mark.browser

TRANSLATION = "gd/decisions/pilots/"
PAGES = {
    "gd-translation": TRANSLATION,
    "gd-home": "gd/",
    "gd-intentions": "gd/intentions/",
    "en-record": "decisions/pilots/",
    "changes-since": "decisions/pilots/v5/since-v3/",
}


@pytest.fixture(scope="module")
def languages_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """Build the two-language fixture and serve it on 127.0.0.1."""
    root = tmp_path_factory.mktemp("languages") / "repository"
    languages_site(root)
    with _built_and_served(root) as site:
        yield site


def _open(browser: Any, site: ServedSite, path: str, width: str, palette: str) -> Any:
    """Open a page of the site in a fresh context at a width and palette."""
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900},
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
    assert response is not None and response.status == 200
    scheme = "slate" if palette == "dark" else "default"
    if palette == "dark" and 'class="or-light-header' in page.content():
        # A lighter page (what changed between two versions) has no toggle: it shows the
        # palette chosen elsewhere on the site, as the engine's pages store it.
        page.evaluate('() => __md_set("__palette", {color: {scheme: "slate"}})')
        page.reload()
    page.wait_for_function(
        "(scheme) => document.body.getAttribute('data-md-color-scheme') === scheme", arg=scheme
    )
    _SEEN[id(page)] = (errors, blocked)
    return page


#: What each opened page met while loading: script errors, requests that left the site.
_SEEN: dict[int, tuple[list[str], list[str]]] = {}


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_in_either_language(
    browser: Any, languages_served: ServedSite, name: str, width: str, palette: str
) -> None:
    page = _open(browser, languages_served, PAGES[name], width, palette)
    try:
        page.screenshot(path=artifact("screens", f"{name}-{width}-{palette}.png"), full_page=True)
        violations = run_axe(page)
        assert not violations, (
            f"axe-core found WCAG 2.2 AA problems on /{PAGES[name]} ({width}, {palette}):\n"
            + describe_violations(violations)
        )
        errors, blocked = _SEEN[id(page)]
        assert not errors, f"script errors: {errors}"
        assert not blocked, f"requests left the site: {blocked}"
    finally:
        page.context.close()


def test_the_switcher_moves_between_the_languages(
    browser: Any, languages_served: ServedSite
) -> None:
    page = _open(browser, languages_served, "decisions/pilots/", "wide", "light")
    try:
        assert page.get_attribute("html", "lang") == "en"
        page.get_by_role("navigation", name="Languages").get_by_role(
            "link", name="Gàidhlig"
        ).click()
        page.wait_for_url(languages_served.url(TRANSLATION))
        assert page.get_attribute("html", "lang") == "gd"
        assert page.locator(".or-lag").is_visible()
        page.get_by_role("navigation", name="Cànanan").get_by_role("link", name="English").click()
        page.wait_for_url(languages_served.url("decisions/pilots/"))
    finally:
        page.context.close()


_RESULT = "pagefind-modal dialog .pf-result-link"


def _search(page: Any, words: str) -> list[str]:
    """Search from the header; return the paths of the results once some are listed."""
    page.locator("pagefind-modal-trigger button").click()
    page.locator("pagefind-modal dialog input").wait_for()
    page.keyboard.type(words)
    page.locator(_RESULT).first.wait_for()
    hrefs: list[str] = page.locator(_RESULT).evaluate_all("(links) => links.map((a) => a.href)")
    return [urlsplit(href).path for href in hrefs]


def _search_again(page: Any, words: str) -> list[str]:
    """Replace the words searched; return the paths listed once the list has changed.

    Starting from a search that found something, an empty list is Pagefind's answer to the
    new words, not a search still running.
    """
    before = page.locator(_RESULT).count()
    page.keyboard.press("Control+A")
    page.keyboard.type(words)
    page.wait_for_function(
        "([selector, count]) => document.querySelectorAll(selector).length !== count",
        arg=[_RESULT, before],
    )
    hrefs: list[str] = page.locator(_RESULT).evaluate_all("(links) => links.map((a) => a.href)")
    return [urlsplit(href).path for href in hrefs]


def test_search_finds_each_language_in_its_own_index(
    browser: Any, languages_served: ServedSite
) -> None:
    gaelic = _open(browser, languages_served, "gd/", "wide", "light")
    try:
        found = _search(gaelic, "Fìobha")
        assert found and all(path.endswith(TRANSLATION) for path in found), found
    finally:
        gaelic.context.close()
    english = _open(browser, languages_served, "", "wide", "light")
    try:
        assert _search(english, "Fife")  # the English index answers, and finds English words
        assert _search_again(english, "Fìobha") == []  # and holds no Gàidhlig
    finally:
        english.context.close()
