"""Search in Chromium: the header's search opens Pagefind's results, found in the site's own
index, with the mouse or the keyboard alone; filters narrow the list; the search page's
address keeps the query; no request leaves the site; axe-core finds nothing in the open
search, light and dark, wide and narrow; results show strangers' markup as text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.build import build
from tests.browser.conftest import OpenPage, ServedSite, serving
from tests.browser.support import (
    DECISION,
    PALETTES,
    WIDTHS,
    WORKSHOP,
    artifact,
    describe_violations,
    run_axe,
)
from tests.payloads import PAYLOADS

pytestmark = pytest.mark.browser

#: A word that appears in the workshop's body and nowhere else on the site.
WORD = "overwhelmingly"
RESULT = "pagefind-results .pf-result-link"
MODAL = "pagefind-modal dialog"


def _open_search(page: Any) -> None:
    """Open the header's search dialog with its button."""
    page.locator("pagefind-modal-trigger button").click()
    page.locator(f"{MODAL} input").wait_for()


def _results(page: Any, scope: str = "") -> list[str]:
    """Return the paths of the results listed (each page once), once the list is settled.

    Pagefind fills its list as each result's data arrives, and a search typed letter by
    letter lists the results of the letters before: on a busy machine the first list seen
    is not always the last. The list is read until two readings a quarter second apart agree.
    """
    links = page.locator(f"{scope} {RESULT}".strip())
    links.first.wait_for()
    listed: list[str] = []
    for _attempt in range(40):
        hrefs: list[str] = links.evaluate_all("(links) => links.map((a) => a.href)")
        if hrefs and hrefs == listed:
            break
        listed = hrefs
        page.wait_for_timeout(250)
    return [urlsplit(href).path for href in listed]


def _settled(page: Any, scope: str, count: int) -> list[str]:
    """Wait until the list no longer has count results; return the paths it has then."""
    page.wait_for_function(
        "([selector, count]) => document.querySelectorAll(selector).length !== count",
        arg=[f"{scope} {RESULT}", count],
    )
    return _results(page, scope)


@pytest.mark.parametrize("width", WIDTHS)
def test_typing_pilot_lists_the_pilot_decision_first(
    open_page: OpenPage, served_site: ServedSite, width: str
) -> None:
    page = open_page("", width).page
    _open_search(page)
    page.keyboard.type("pilot")
    paths = _results(page, MODAL)
    assert paths[0].endswith(DECISION), f"the pilot-areas decision is not first: {paths}"
    # Only current pages are found: never a past version or a history page.
    assert not [path for path in paths if "/history/" in path or "/v1/" in path], paths
    # Each result's snippet is the record's own sentence, not its header's facts.
    snippet = page.locator(f"{MODAL} .pf-result-excerpt").first.inner_text()
    assert "pilot areas" in snippet and "date not recorded" not in snippet, snippet


def test_search_works_from_the_keyboard(open_page: OpenPage) -> None:
    page = open_page("").page
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('pagefind-modal-trigger button')"):
            break
    else:
        pytest.fail("Tab never reached the search button")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.matches('pagefind-modal dialog input')")
    page.keyboard.type(WORD)
    paths = _results(page, MODAL)
    assert paths[0].endswith(WORKSHOP), paths
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.endswith(WORKSHOP), page.url


def _choose(page: Any, scope: str, label: str, value: str) -> None:
    """Choose one value of a filter in its drop-down, as a reader does with the mouse."""
    dropdown = page.locator(f"{scope} pagefind-filter-dropdown[label={label}]")
    dropdown.locator(".pf-dropdown-trigger").click()
    dropdown.get_by_role("option", name=value).click()
    page.keyboard.press("Escape")


def test_filters_narrow_the_list_and_the_address_keeps_them(open_page: OpenPage) -> None:
    page = open_page("search/?q=pilot").page
    everything = _results(page, ".or-search-page")
    assert any(not path.endswith(DECISION) for path in everything), everything
    _choose(page, ".or-search-page", "Type", "decision")
    decisions = _settled(page, ".or-search-page", len(everything))
    assert decisions and all("/decisions/" in path for path in decisions), decisions
    assert len(decisions) < len(everything)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["pilot"], "type": ["decision"]}, page.url
    # The browser tests' site accepted the decision in its second commit.
    _choose(page, ".or-search-page", "Status", "accepted")
    page.wait_for_function("() => new URL(location.href).searchParams.get('status') === 'accepted'")
    assert _results(page, ".or-search-page")[0].endswith(DECISION)


def test_a_deep_link_opens_the_search_it_names(open_page: OpenPage) -> None:
    page = open_page("search/?q=pilot&type=decision&status=proposed").page
    box = page.locator(".or-search-page pagefind-input input")
    page.wait_for_function(
        "() => document.querySelector('.or-search-page .pf-summary')?.textContent.trim()"
    )
    assert box.input_value() == "pilot"
    summary = page.locator(".or-search-page .pf-summary").inner_text()
    assert page.locator(f".or-search-page {RESULT}").count() == 0, summary  # it is accepted
    page.goto(page.url.replace("status=proposed", "status=accepted"))
    paths = _results(page, ".or-search-page")
    assert len(paths) == 1 and paths[0].endswith(DECISION), paths


def test_the_header_search_links_to_its_results_page(open_page: OpenPage) -> None:
    page = open_page(DECISION).page
    _open_search(page)
    page.keyboard.type("pilot")
    _results(page, MODAL)
    more = page.locator(f"{MODAL} a.or-search__page")
    with page.expect_navigation():
        more.click()
    assert urlsplit(page.url).path.endswith("/search/")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["pilot"]}
    assert _results(page, ".or-search-page")[0].endswith(DECISION)


def test_without_javascript_the_header_offers_the_search_page(
    browser: Any, served_site: ServedSite
) -> None:
    """The dialog needs JavaScript and is drawn by it; a page without shows a link instead."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_site.url(DECISION))
        assert page.locator("pagefind-modal").count() == 0
        link = page.locator(".or-search a.or-search__link")
        assert link.is_visible() and link.inner_text() == "Search"
        with page.expect_navigation():
            link.click()
        assert urlsplit(page.url).path.endswith("/search/")
        assert "needs JavaScript" in page.locator("article").inner_text()
    finally:
        context.close()


def test_no_request_leaves_the_site(open_page: OpenPage, served_site: ServedSite) -> None:
    tab = open_page("")
    page = tab.page
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda got: failed.append(got.url) if got.status >= 400 else None)
    _open_search(page)
    page.keyboard.type("pilot")
    _results(page, MODAL)
    _choose(page, MODAL, "Type", "decision")
    page.wait_for_timeout(300)
    assert requested, "the search downloaded nothing"
    outside = [url for url in requested if not url.startswith(served_site.base_url)]
    assert not outside, f"the search asked for addresses outside the site: {outside}"
    assert any("/pagefind/" in url for url in requested)
    assert not failed, f"the search asked for addresses that are not there: {failed}"
    assert not tab.errors, tab.errors


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_open_search_has_no_axe_violations(
    open_page: OpenPage, width: str, palette: str
) -> None:
    found = []
    page = open_page("", width, palette).page
    _open_search(page)
    page.keyboard.type("pilot")
    _results(page, MODAL)
    page.screenshot(path=artifact("screens", f"search-dialog-{width}-{palette}.png"))
    violations = run_axe(page)
    if violations:
        found.append(f"the dialog:\n{describe_violations(violations)}")
    page = open_page("search/?q=pilot", width, palette).page
    _results(page, ".or-search-page")
    page.screenshot(path=artifact("screens", f"search-page-{width}-{palette}.png"), full_page=True)
    violations = run_axe(page)
    if violations:
        found.append(f"the search page:\n{describe_violations(violations)}")
    if found:
        pytest.fail(
            f"axe-core found WCAG 2.2 AA problems in the search at {WIDTHS[width]} px, "
            f"{palette}:\n" + "\n".join(found),
            pytrace=False,
        )


@pytest.fixture(scope="module")
def hostile_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a built site whose records' titles, summaries and text are injection payloads."""
    import shutil

    from tests.conftest import MKDOCS_YML, ROOT, TOPICS_YML, Git, write

    root = tmp_path_factory.mktemp("hostile-search") / "repository"
    shutil.copytree(ROOT / "theme", root / "theme")
    write(root, "mkdocs.yml", MKDOCS_YML)
    write(root, "content/topics.yml", TOPICS_YML)
    for i, payload in enumerate(PAYLOADS[:12]):
        quoted = json.dumps(payload)
        write(
            root,
            f"content/decisions/d{i}.md",
            f"---\ntitle: {quoted}\nsummary: {quoted}\nstatus: proposed\n---\n\n"
            f"Text about xss: `{payload.replace('`', '')}`\n",
        )
    Git(root).commit("Publish hostile records")
    site = build(root, root.parent / "site").site_dir
    with serving(site, "/") as base:
        yield base


def test_results_show_hostile_titles_and_text_as_text(browser: Any, hostile_search: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(hostile_search)
        _open_search(page)
        page.keyboard.type("xss")
        _results(page, MODAL)
        page.wait_for_timeout(500)
        titles = page.locator(f"{MODAL} .pf-result-title").all_inner_texts()
        assert "<script>alert('xss')</script>" in titles, titles
        live = page.locator(
            f"{MODAL} pagefind-results :is(script, img, svg, iframe, style, object, embed, input)"
        )
        assert live.count() == 0, live.evaluate_all("(found) => found.map((e) => e.outerHTML)")
        assert dialogs == []
    finally:
        context.close()
