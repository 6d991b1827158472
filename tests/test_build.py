"""End to end: the bundled content builds into a complete, cross-linked site."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build, check
from generator.cli import cli
from generator.errors import ContentError
from tests.conftest import Git, write

WORKSHOP = "workshops/starting-to-build-collaborative-government"
INTENTIONS = [
    "intentions/power-with-not-power-over",
    "intentions/people-choose-the-parameters",
    "intentions/safe-places-and-processes",
    "intentions/value-experimentation-and-learning",
    "intentions/take-democracy-to-where-people-are",
    "intentions/resource-and-empower-communities",
]
DECISION = "decisions/start-with-pilot-areas"


class Links(HTMLParser):
    """Collect the href of every <a> in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value or "" for name, value in attrs if name == "href"]


def links_from(site: Path, page: str) -> set[str]:
    """Return the site pages a page links to, resolved to site-relative directory URLs."""
    parser = Links()
    parser.feed((site / page / "index.html").read_text(encoding="utf-8"))
    found = set()
    for href in parser.hrefs:
        if "://" in href or href.startswith(("#", "mailto:")):
            continue
        target = os.path.normpath(os.path.join(page, href.split("#")[0]))
        found.add(target.strip("/"))
    return found


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundled content once, from a copy in its own git repository."""
    import shutil

    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("bundled")
    for name in ("content", "theme"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    Git(root).commit("Publish the first records from the workshop report")
    return build(root).site_dir


def test_bundled_site_has_every_page(bundled_site: Path) -> None:
    for page in [
        "",
        "workshops",
        "intentions",
        "decisions",
        "topics",
        "changes",
        "about",
        "how-to-contribute",
        "accessibility",
        WORKSHOP,
        DECISION,
        *INTENTIONS,
        "topics/sharing-power",
        f"{DECISION}/history",
        f"{DECISION}/v1",
    ]:
        assert (bundled_site / page / "index.html").is_file(), page


def test_workshop_page_says_what_the_report_says(bundled_site: Path) -> None:
    html = (bundled_site / WORKSHOP / "index.html").read_text(encoding="utf-8")
    assert "University of Edinburgh" in html
    assert "power with" in html
    assert "about 70" in html
    assert "date not recorded" in html


def test_records_are_cross_linked_both_ways(bundled_site: Path) -> None:
    workshop_links = links_from(bundled_site, WORKSHOP)
    decision_links = links_from(bundled_site, DECISION)
    for intention in INTENTIONS:
        assert intention in workshop_links, intention
        assert intention in decision_links, intention
        assert {WORKSHOP, DECISION} <= links_from(bundled_site, intention), intention
    assert DECISION in workshop_links
    assert WORKSHOP in decision_links


def test_type_index_groups_by_status(bundled_site: Path) -> None:
    html = (bundled_site / "intentions" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="proposed">Proposed</h2>' in html
    assert set(INTENTIONS) <= links_from(bundled_site, "intentions")
    assert DECISION in links_from(bundled_site, "decisions/status/proposed")


def test_records_are_not_in_the_sidebar(bundled_site: Path) -> None:
    html = (bundled_site / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "start-with-pilot-areas" not in nav
    assert "Decisions" in nav


def test_index_pages_paginate_at_the_configured_size(git_site: Git) -> None:
    config = (git_site.root / "mkdocs.yml").read_text()
    write(git_site.root, "mkdocs.yml", config + "extra:\n  openrecord:\n    page_size: 5\n")
    for number in range(12):
        write(
            git_site.root,
            f"content/intentions/n{number:02d}.md",
            f"---\ntitle: N{number}\nsummary: S.\nstatus: proposed\n---\n",
        )
    from generator.build import gather
    from generator.pages.render import render_site

    site, history = gather(git_site.root)
    docs = render_site(site, history).pages
    assert "intentions/page/3/index.md" in docs and "intentions/page/4/index.md" not in docs
    assert 'rel="next"' in docs["intentions/index.md"]
    assert "Page 3 of 3" in docs["intentions/page/3/index.md"]


def test_broken_record_fails_check_with_a_line(tmp_path: Path) -> None:
    root = tmp_path / "broken"
    import shutil

    from tests.conftest import ROOT

    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    path = root / "content/decisions/start-with-pilot-areas.md"
    path.write_text(path.read_text().replace("status: proposed", "status: maybe"))
    result = CliRunner().invoke(cli, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert result.output.startswith(
        "content/decisions/start-with-pilot-areas.md:4: status: 'maybe' is not allowed here"
    )


def test_failed_build_leaves_the_old_site(git_site: Git, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(git_site.root, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    write(git_site.root, "content/decisions/d.md", "---\ntitle: broken\n---\n")
    with pytest.raises(ContentError):
        build(git_site.root, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_a_build_keeps_its_data_from_the_collector_only_while_it_runs(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from generator import build as building

    frozen: list[int] = []
    write_feeds = building.write_feeds_and_data

    def writing(*args: object) -> None:
        frozen.append(gc.get_freeze_count())
        write_feeds(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(building, "write_feeds_and_data", writing)
    before = gc.get_freeze_count()
    build(git_site.root, tmp_path / "out")
    assert frozen and frozen[0] > before  # the gathered site and history, left out of passes
    assert gc.get_freeze_count() == before
    write(git_site.root, "content/decisions/d.md", "---\ntitle: broken\n---\n")
    with pytest.raises(ContentError):
        build(git_site.root, tmp_path / "out")
    assert gc.get_freeze_count() == before


def test_new_writes_a_valid_commented_template(site_root: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["new", "decision", "Pilot areas: phase 2", "--root", str(site_root)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "content/decisions/pilot-areas-phase-2.md\n"
    text = (site_root / "content/decisions/pilot-areas-phase-2.md").read_text()
    assert 'title: "Pilot areas: phase 2"' in text
    assert "# Decisions this one replaces" in text
    path = site_root / "content/decisions/pilot-areas-phase-2.md"
    path.write_text(
        text.replace(
            "One sentence saying what this decision is (replace this)", "Phase two."
        ).replace(
            "Write the decision here: what happened, why, and what it means (replace this)",
            "What was decided.",
        )
    )
    site, _warnings = check(site_root)
    assert site.by_id["decisions/pilot-areas-phase-2"].status == "proposed"
    again = runner.invoke(
        cli, ["new", "decision", "Pilot areas: phase 2", "--root", str(site_root)]
    )
    assert again.exit_code == 1
    assert again.output == (
        "error: content/decisions/pilot-areas-phase-2.md already exists; "
        "edit it, or choose another title\n"
    )


@pytest.mark.parametrize("kind", ["workshop", "intention", "decision"])
def test_every_type_template_validates_once_its_placeholders_are_replaced(
    site_root: Path, kind: str
) -> None:
    result = CliRunner().invoke(cli, ["new", kind, "Fresh record", "--root", str(site_root)])
    assert result.exit_code == 0, result.output
    path = site_root / result.output.strip()
    with pytest.raises(ContentError) as unchanged:
        check(site_root)
    assert [f"{problem.line}: {problem.message}" for problem in unchanged.value.problems] == [
        f"5: summary: replace the placeholder 'One sentence saying what this {kind} is "
        "(replace this)' with what is true of this record, in your own words (a field that is "
        "not required can be deleted instead)",
        f"{path.read_text().count(chr(10))}: replace the placeholder line with the text of "
        "the record, in your own words",
    ]
    lines = path.read_text().split("\n")
    lines = [line for line in lines if "(replace this)" not in line or line.startswith("# ")]
    path.write_text("\n".join(lines).replace("title:", "summary: Fresh.\ntitle:"))
    check(site_root)


def test_build_command_reports_pages(git_site: Git, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", "--root", str(git_site.root), "--site-dir", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert f"pages into {tmp_path / 'o'}" in result.output
    assert (tmp_path / "o/decisions/d/index.html").is_file()


def test_every_bundled_feed_parses(bundled_site: Path) -> None:
    import feedparser

    files = sorted((bundled_site / "feeds").rglob("*.xml"))
    scopes = {p.parent.relative_to(bundled_site / "feeds").as_posix() for p in files}
    assert {
        "all",
        "workshops",
        "intentions",
        "decisions",
        "topics/sharing-power",
        "status/decisions-proposed",
        f"records/{DECISION}",
        f"records/{WORKSHOP}",
    } <= scopes
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, path
    home = (bundled_site / "index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Collaborative government '
        'in Scotland — the open record: everything (Atom)" '
        'href="https://example.github.io/openrecord/feeds/all/atom.xml">'
    ) in home


def test_a_record_page_announces_its_own_feeds_and_offers_the_rest(bundled_site: Path) -> None:
    """Feed readers find the record's own feed in the head; its type's and topics' feeds
    are offered in the page's follow box (each list page announces its own)."""
    record = (bundled_site / DECISION / "index.html").read_text(encoding="utf-8")
    announced = re.findall(
        r'<link rel="alternate" type="application/(?:atom\+xml|rss\+xml|feed\+json)"'
        r'[^>]*href="([^"]+)"',
        record,
    )
    own = f"https://example.github.io/openrecord/feeds/records/{DECISION}/"
    assert announced == [own + "atom.xml", own + "rss.xml", own + "feed.json"]
    follow = record[record.index('<aside class="or-follow"') :]
    follow = follow[: follow.index("</aside>")]
    assert 'href="../../feeds/decisions/atom.xml"' in follow
    assert 'href="../../feeds/topics/' in follow
    listing = (bundled_site / "decisions/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.github.io/openrecord/feeds/decisions/atom.xml"' in listing


def test_buttons_point_at_the_right_github_urls(bundled_site: Path) -> None:
    from urllib.parse import parse_qs, urlsplit

    from generator.content.scaffold import template
    from generator.content.schema import TYPES_BY_NAME

    record = (bundled_site / DECISION / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a href="https://github.com/example/openrecord/edit/main/content/decisions/'
        r'start-with-pilot-areas.md" class="md-button"[^>]*>Propose a change</a>',
        record,
    )
    assert re.search(r'<a href="history/" class="md-button"[^>]*>View history</a>', record)
    links = Links()
    links.feed(record)
    [report] = [href for href in links.hrefs if "/issues/new?" in href]
    assert report == (
        "https://github.com/example/openrecord/issues/new"
        "?title=Problem+on+/decisions/start-with-pilot-areas/"
    )
    index = Links()
    index.feed((bundled_site / "decisions" / "index.html").read_text(encoding="utf-8"))
    new = [href for href in index.hrefs if "/new/main/" in href]
    assert len(new) == 1
    parts = urlsplit(new[0])
    assert parts.path == "/example/openrecord/new/main/content/decisions"
    query = parse_qs(parts.query)
    assert query["filename"] == ["new-decision.md"]
    assert query["value"] == [template(TYPES_BY_NAME["decision"])]
    home = (bundled_site / "index.html").read_text(encoding="utf-8")
    assert home.count("/new/main/content/") == 3
