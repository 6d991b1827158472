"""Search in Chromium: Material's search box finds a record by a word only its body contains,
with the mouse or with the keyboard alone."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import OpenPage
from tests.browser.support import WORKSHOP

pytestmark = pytest.mark.browser

#: A word that appears in the workshop's body and nowhere else on the site.
WORD = "overwhelmingly"
RESULT = ".md-search-result__item a"


@pytest.mark.parametrize("width", ["wide", "narrow"])
def test_search_finds_the_workshop_by_a_word_of_its_body(open_page: OpenPage, width: str) -> None:
    page = open_page("", width).page
    if width == "narrow":
        page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(WORD)
    page.locator(RESULT).first.wait_for()
    hrefs = page.locator(RESULT).evaluate_all("(links) => links.map((a) => a.href)")
    assert urlsplit(hrefs[0]).path.endswith(WORKSHOP), f"the workshop is not first: {hrefs}"


def test_search_works_from_the_keyboard(open_page: OpenPage) -> None:
    page = open_page("").page
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('md-search__input')"):
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type(WORD)
    page.locator(RESULT).first.wait_for()
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.endswith(WORKSHOP), page.url
