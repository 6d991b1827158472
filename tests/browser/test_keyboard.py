"""Keyboard use in Chromium: Tab reaches everything a reader needs on a record page, in a
sensible order, each with a visible focus indicator that is never hidden under the header;
the skip link skips; status badges say their status in words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import OpenPage
from tests.browser.support import DECISION, WORKSHOP

pytestmark = pytest.mark.browser

#: Describe the focused element, mark it, and say whether it is visible and not covered.
_FOCUSED = """(index) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  el.setAttribute("data-tab-stop", String(index));
  // Material's palette switch is a hidden radio button: its label shows the focus.
  const shown = el.matches(".md-option") ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + Math.min(box.height, 20) / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    index,
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\\s+/g, " "),
    href: el.getAttribute("href"),
    classes: el.className && el.className.baseVal === undefined ? el.className : "",
    inFollow: Boolean(el.closest(".or-follow")),
    inContent: Boolean(el.closest(".md-content")),
    focused: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow],
    onScreen: box.bottom > 0 && box.top < innerHeight && box.width > 0 && box.height > 0,
    uncovered: Boolean(top && (top === shown || shown.contains(top) || top.contains(shown))),
  };
}"""
_UNFOCUSED = """(index) => {
  const el = document.querySelector(`[data-tab-stop="${index}"]`);
  const style = getComputedStyle(el.matches(".md-option") ? el.nextElementSibling : el);
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow];
}"""


def _tab_through(page: Any, limit: int = 120) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves it or comes round again."""
    stops: list[dict[str, Any]] = []
    for index in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED, index)
        if stop is None or (stops and stop["name"] == stops[0]["name"] and index > 5):
            break
        stops.append(stop)
    return stops


def _first(stops: list[dict[str, Any]], test: Any, what: str) -> dict[str, Any]:
    """Return the first tab stop that passes a test, failing with the tab order when none does."""
    for stop in stops:
        if test(stop):
            return stop
    order = "\n".join(f"  {stop['index']}: {stop['tag']} {stop['name'][:60]!r}" for stop in stops)
    pytest.fail(f"Tab never reaches {what}; the tab order was:\n{order}", pytrace=False)


@pytest.mark.parametrize("width", ["wide", "narrow"])
def test_tab_order_of_a_record_page(open_page: OpenPage, width: str) -> None:
    page = open_page(DECISION, width).page
    stops = _tab_through(page)
    skip = _first(stops, lambda s: s["name"] == "Skip to content", "Skip to content")
    search = _first(stops, lambda s: s["tag"] == "button" and s["name"] == "Search", "the search")
    propose = _first(stops, lambda s: s["name"] == "Propose a change", '"Propose a change"')
    history = _first(stops, lambda s: s["name"] == "View history", '"View history"')
    feeds = [stop for stop in stops if stop["inFollow"]]
    assert feeds, "Tab never reaches the links of the Follow box"
    atom = _first(feeds, lambda s: s["name"] == "Atom", "the first Atom feed link")
    assert skip["index"] == 0, "Skip to content must be the first thing Tab reaches"
    assert skip["index"] < search["index"] < propose["index"] < history["index"] < atom["index"]
    assert history["href"] == "history/"
    # Every stop shows where focus is: its outline or shadow changes when it takes focus.
    invisible = []
    for stop in stops:
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        if page.evaluate(_UNFOCUSED, stop["index"]) == stop["focused"]:
            invisible.append(stop)
    assert not invisible, "no visible focus indicator on: " + ", ".join(
        f"{stop['tag']} {stop['name'][:40]!r}" for stop in invisible
    )
    # Focus is never hidden: what takes focus is on screen and not under the sticky header.
    hidden = [stop for stop in stops if not (stop["onScreen"] and stop["uncovered"])]
    assert not hidden, "focused but hidden or covered: " + ", ".join(
        f"{stop['tag']} {stop['name'][:40]!r}" for stop in hidden
    )


def test_skip_link_moves_focus_to_the_content(open_page: OpenPage) -> None:
    page = open_page(WORKSHOP).page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("Boolean(document.activeElement.closest('.md-content'))"), (
        "after the skip link, Tab must go on inside the content, not back to the header"
    )


def test_menu_opens_and_closes_from_the_keyboard(open_page: OpenPage) -> None:
    page = open_page(DECISION, "narrow").page
    stops = _tab_through(page, limit=6)
    menu = _first(stops, lambda s: s["name"] == "Menu", "the menu button")
    button = page.locator(f'[data-tab-stop="{menu["index"]}"]')
    assert button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    focused = page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null")
    assert focused, "opening the menu must move focus into it"
    page.wait_for_timeout(300)  # the drawer slides in
    assert page.evaluate("document.activeElement.getBoundingClientRect().left >= 0")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu"


@pytest.mark.parametrize("path", ["", "decisions/", DECISION, f"{DECISION}history/"])
def test_status_badges_say_their_status_in_words(open_page: OpenPage, path: str) -> None:
    page = open_page(path).page
    badges = page.evaluate(
        """() => [...document.querySelectorAll(".or-status")].map((badge) => ({
            visible: [...badge.childNodes]
                .filter((node) => !node.classList?.contains("or-visually-hidden"))
                .map((node) => node.textContent).join("").trim(),
            spoken: badge.textContent.trim().replace(/\\s+/g, " "),
            status: [...badge.classList].find((c) => c.startsWith("or-status--")).slice(11),
        }))"""
    )
    assert badges, f"no status badge on /{path}"
    for badge in badges:
        assert badge["visible"] == badge["status"], badge
        assert badge["spoken"] == f"Status: {badge['status']}", badge
