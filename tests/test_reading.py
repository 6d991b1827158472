"""What readers and contributors see of a record: labels, counts, orders and links."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser

from generator.build import build, gather
from generator.outputs.feed_files import write_feeds
from generator.outputs.feeds import plan_feeds
from generator.pages.render import render_site
from tests.conftest import Git, decision, workshop


def pages(root: Path) -> dict[str, str]:
    """Return the docs tree the render stage makes for a site, by path."""
    site, history = gather(root)
    return render_site(site, history).pages


def test_report_a_problem_opens_an_issue_naming_the_pages_address(
    git_site: Git, tmp_path: Path
) -> None:
    git_site.write("content/decisions/d.md", decision(title='"Pilots & partners #2"'))
    git_site.commit("Name the decision")
    build(git_site.root, tmp_path / "out")
    issue = re.compile(r'issues/new\?([^"]*)')
    home = issue.findall((tmp_path / "out/index.html").read_text())
    record = issue.findall((tmp_path / "out/decisions/d/index.html").read_text())
    version = issue.findall((tmp_path / "out/decisions/d/v1/index.html").read_text())
    assert home == ["title=Problem+on+/"]  # no more: the address leads to the page
    assert record == ["title=Problem+on+/decisions/d/"]
    assert version == ["title=Problem+on+/decisions/d/v1/"]


def test_history_names_fields_and_dates_as_the_page_does(git_site: Git) -> None:
    git_site.write(
        "content/decisions/d.md",
        decision(decided_by="[The board]", date="2026-01-12", serves="[intentions/i]"),
    )
    git_site.commit("Record who decided, and when")
    history = pages(git_site.root)["decisions/d/history/index.md"]
    assert "<li>Decided by: added <ins>The board</ins></li>" in history
    assert "<li>Date: added <ins>12 January 2026</ins></li>" in history


def test_the_records_date_is_named_for_its_type_apart_from_the_status_timeline(
    git_site: Git,
) -> None:
    git_site.write("content/decisions/d.md", decision(date="2026-01-12", status="accepted"))
    git_site.write("content/workshops/w.md", workshop(topics="[pilots]", date="2025-11-03"))
    git_site.commit("Accept the decision")
    tree = pages(git_site.root)
    record = tree["decisions/d/index.md"]
    assert '<dt>Decided on</dt><dd><time datetime="2026-01-12">12 Jan 2026</time></dd>' in record
    assert '<span class="or-timeline__label">Status history:</span>' in record
    held = '<dt>Held on</dt><dd><time datetime="2025-11-03">3 Nov 2025</time></dd>'
    assert held in tree["workshops/w/index.md"]


def test_mixed_lists_say_each_records_type_and_topics_offer_their_feeds(git_site: Git) -> None:
    tree = pages(git_site.root)
    home, topic = tree["index.md"], tree["topics/pilots/index.md"]
    kinds = re.findall(r'<li><span class="or-type">(\w+)</span> <a href="[^"]*"', home)
    assert sorted(kinds) == ["Decision", "Intention", "Workshop"]
    assert '<li><span class="or-type">Workshop</span> <a href="../../workshops/w/"' in topic
    assert '<h2 id="follow">Follow the topic Pilots</h2>' in topic
    assert '<a href="../../feeds/topics/pilots/atom.xml"' in topic


def test_the_home_page_lists_the_latest_changed_first(git_site: Git) -> None:
    git_site.write("content/workshops/w.md", workshop(topics="[pilots]", status="reported"))
    git_site.commit("Report the workshop")
    git_site.write(
        "content/decisions/d.md",
        decision(serves="[intentions/i]", evidence="[workshops/w]", status="accepted"),
    )
    git_site.commit("Accept the decision")
    latest = pages(git_site.root)["index.md"].split('id="latest"')[1].split("</ul>")[0]
    assert re.findall(r'href="(\w+/\w+)/"', latest) == [
        "decisions/d",
        "workshops/w",
        "intentions/i",
    ]


def test_the_feeds_page_counts_in_good_grammar(git_site: Git) -> None:
    counts = re.findall(r"\((\d+) (recent items?)\)", pages(git_site.root)["feeds/index.md"])
    assert ("1", "recent item") in counts and ("3", "recent items") in counts
    assert all((number == "1") == (noun == "recent item") for number, noun in counts)


def test_an_old_versions_feed_item_shows_that_versions_summary(
    git_site: Git, tmp_path: Path
) -> None:
    git_site.write(
        "content/decisions/d.md",
        decision(summary="We decided again.", serves="[intentions/i]", evidence="[workshops/w]"),
    )
    git_site.commit("Say what the decision is now")
    site, history = gather(git_site.root)
    write_feeds(site, plan_feeds(site, history), tmp_path)
    parsed = feedparser.parse((tmp_path / "feeds/records/decisions/d/atom.xml").read_bytes())
    summaries = [entry.summary for entry in parsed.entries]
    assert len(summaries) == 2
    assert "We decided again." in summaries[0]  # newest first
    assert "We decided." in summaries[1] and "again" not in summaries[1]
