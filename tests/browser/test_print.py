"""Print: a record prints as the record alone, with its address and version, and nothing that
only works on a screen (navigation, search, header, footer, buttons)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import OpenPage, ServedSite
from tests.browser.support import DECISION, artifact

pytestmark = pytest.mark.browser

#: What a printed page never shows.
HIDDEN_IN_PRINT = (
    ".md-header",
    ".md-sidebar--primary",
    ".md-sidebar--secondary",
    ".or-search",
    ".md-footer",
    ".md-skip",
    ".md-button",
    ".or-actions",
    ".or-report",
    ".or-follow",
)


@pytest.mark.parametrize(
    ("name", "path", "version"),
    [("decision", DECISION, "Version 2 of 2"), ("revision", f"{DECISION}v1/", "Version 1 of 2")],
)
def test_a_record_prints_cleanly(
    open_page: OpenPage, served_site: ServedSite, name: str, path: str, version: str
) -> None:
    page = open_page(path).page
    reference = page.locator(".or-print-only")
    assert reference.count() == 1
    assert not reference.is_visible(), "the print-only line must not show on screen"
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dots per inch
    page.emulate_media(media="print")
    shown = [selector for selector in HIDDEN_IN_PRINT if page.locator(selector).first.is_visible()]
    assert not shown, f"visible in print: {shown}"
    assert reference.is_visible()
    text = " ".join(reference.inner_text().split())
    assert served_site.url(path) in text, text
    assert version in text, text
    assert page.locator("h1#title").is_visible()
    page.screenshot(path=artifact("print", f"{name}.png"), full_page=True)
    page.pdf(path=artifact("print", f"{name}.pdf"), format="A4")
