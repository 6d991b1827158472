"""A site in English and Gàidhlig in Chromium: axe-core finds nothing on the Gàidhlig pages
(the translation with its lag banner, its home and a list) nor on the English record with
its switcher, light and dark, wide and narrow; the switcher moves between the two; search
on a Gàidhlig page finds the Gàidhlig text, and on an English page does not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ServedSite, Tab, _built_and_served, open_tab
from tests.browser.support import (
    PALETTES,
    WIDTHS,
    artifact,
    describe_violations,
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


def _open(browser: Any, site: ServedSite, path: str, width: str, palette: str) -> Tab:
    """Open a page of the two-language site; it must be there."""
    tab = open_tab(browser, site, path, width, palette)
    assert tab.status == 200, f"/{path} answered {tab.status}"
    return tab


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations_in_either_language(
    browser: Any, languages_served: ServedSite, name: str, width: str, palette: str
) -> None:
    tab = _open(browser, languages_served, PAGES[name], width, palette)
    page = tab.page
    try:
        page.screenshot(path=artifact("screens", f"{name}-{width}-{palette}.png"), full_page=True)
        violations = run_axe(page)
        assert not violations, (
            f"axe-core found WCAG 2.2 AA problems on /{PAGES[name]} ({width}, {palette}):\n"
            + describe_violations(violations)
        )
        assert not tab.errors, f"script errors: {tab.errors}"
        assert not tab.blocked, f"requests left the site: {tab.blocked}"
    finally:
        page.context.close()


def test_the_switcher_moves_between_the_languages(
    browser: Any, languages_served: ServedSite
) -> None:
    page = _open(browser, languages_served, "decisions/pilots/", "wide", "light").page
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
    gaelic = _open(browser, languages_served, "gd/", "wide", "light").page
    try:
        found = _search(gaelic, "Fìobha")
        assert found and all(path.endswith(TRANSLATION) for path in found), found
    finally:
        gaelic.context.close()
    english = _open(browser, languages_served, "", "wide", "light").page
    try:
        assert _search(english, "Fife")  # the English index answers, and finds English words
        assert _search_again(english, "Fìobha") == []  # and holds no Gàidhlig
    finally:
        english.context.close()
