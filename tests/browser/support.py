"""Helpers shared by the browser tests: the pages under test, the network guard and axe-core."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("OPENRECORD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The WCAG 2.2 AA rule set of axe-core (2.0, 2.1 and 2.2 rules at levels A and AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"wide": 1280, "narrow": 375}
PALETTES = ("light", "dark")

WORKSHOP = "workshops/starting-to-build-collaborative-government/"
INTENTION = "intentions/power-with-not-power-over/"
DECISION = "decisions/start-with-pilot-areas/"


@dataclass(frozen=True)
class PageUnderTest:
    """A page the browser tests open: a short name and its address below the site's root."""

    name: str
    path: str
    status: int = 200


PAGES = (
    PageUnderTest("home", ""),
    PageUnderTest("workshops", "workshops/"),
    PageUnderTest("intentions", "intentions/"),
    PageUnderTest("decisions", "decisions/"),
    PageUnderTest("workshop", WORKSHOP),
    PageUnderTest("intention", INTENTION),
    PageUnderTest("decision", DECISION),
    PageUnderTest("history", f"{DECISION}history/"),
    PageUnderTest("revision", f"{DECISION}v1/"),
    PageUnderTest("changes", "changes/"),
    PageUnderTest("feeds", "feeds/"),
    PageUnderTest("data", "data/"),
    PageUnderTest("map", "map/"),
    PageUnderTest("map-diagram", "map/topics/sharing-power/"),
    PageUnderTest("topic", "topics/sharing-power/"),
    PageUnderTest("accessibility", "accessibility/"),
    PageUnderTest("not-found", "no-such-page/", status=404),
)


def missing_tools() -> list[str]:
    """Return what the browser tests need and cannot find, each with how to get it."""
    missing = []
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists():
        missing.append("axe-core in node_modules (npm ci)")
    return missing


def is_outside(base_url: str) -> Callable[[str], bool]:
    """Return a test of whether an address is outside the local test server."""
    local = urlsplit(base_url).netloc

    def outside(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local

    return outside


def guard_network(blocked: list[str]) -> Callable[[Any], None]:
    """Return a route handler for outside addresses: each is aborted at once and noted in
    blocked, so nothing waits on the network and a test can say what a page asked for."""

    def handle(route: Any) -> None:
        blocked.append(route.request.url)
        route.abort("blockedbyclient")

    return handle


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 AA rules on the page and return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: Iterable[dict[str, Any]]) -> str:
    """Return axe-core violations as lines a person can act on."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            html = " ".join(node["html"].split())
            html = html if len(html) <= 200 else html[:197] + "..."
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {' > '.join(map(str, node['target']))}\n      {html}")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def artifact(*parts: str) -> Path:
    """Return a path under test-artifacts/, creating its folder."""
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def clean_artifacts(folder: str) -> None:
    """Remove one folder of test-artifacts/ left by an earlier run."""
    shutil.rmtree(ARTIFACTS / folder, ignore_errors=True)
