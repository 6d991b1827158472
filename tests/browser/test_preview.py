"""The preview in a real browser: problems shown at the top of the page, gone once fixed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Git
from tests.test_serve import Serving, fetch, wait_for

pytestmark = pytest.mark.browser


def test_a_page_shows_the_problems_and_reloads_itself_once_they_are_fixed(
    browser: Any, git_site: Git
) -> None:
    serving = Serving(git_site.root)
    path = git_site.root / "content/decisions/d.md"
    original = path.read_text()
    try:
        wait_for(serving.url("/decisions/d/"), "Body text.")
        path.write_text(original.replace("status: proposed", "status: Accepted"))
        wait_for(serving.url("/__openrecord/state.json"), "Accepted")
        page = browser.new_page()
        page.goto(serving.url("/workshops/w/"))
        alert = page.get_by_role("alert")
        assert "1 problem in the content." in alert.inner_text()
        assert (
            "content/decisions/d.md:4: status: 'Accepted' is not allowed here: did you mean "
            "'accepted'? use one of: proposed, accepted, rejected, superseded, withdrawn"
        ) in alert.inner_text()
        page.evaluate("window.openrecordMark = 1")  # gone once the page has reloaded
        path.write_text(original.replace("status: proposed", "status: accepted"))
        page.wait_for_function(
            "!window.openrecordMark && !document.querySelector('[role=alert]')", timeout=90_000
        )
        state = json.loads(fetch(serving.url("/__openrecord/state.json")) or "{}")
        assert state["problems"] == []
        page.close()
    finally:
        serving.stop()
