"""Feeds: parsed with feedparser, checked against the feed validators' rules that apply."""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from generator.build import gather
from generator.outputs.data import write_data
from generator.outputs.feed_files import write_feeds
from generator.outputs.feeds import plan_feeds
from generator.pages.render import render_site
from tests.conftest import Git, decision
from tests.test_history import ACCEPTED, PROPOSED

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def write_site_feeds(root: Path, out: Path) -> Path:
    """Write every feed of a repository's site into out; return out."""
    site, history = gather(root)
    write_feeds(site, plan_feeds(site, history), out)
    return out


def hashes(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def pilot_feeds(git_site: Git, tmp_path: Path) -> Path:
    """Return the feeds of a decision proposed → accepted (#12) → minor fix."""
    git_site.write("content/decisions/pilot.md", PROPOSED + "Two areas.\n")
    git_site.commit("Propose pilot areas")
    git_site.write("content/decisions/pilot.md", ACCEPTED + "Two areas.\n")
    git_site.commit("Accept pilot areas (#12)")
    git_site.write("content/decisions/pilot.md", ACCEPTED + "Two areas!\n")
    git_site.commit("Fix punctuation\n\nChange-Type: minor")
    return write_site_feeds(git_site.root, tmp_path / "feeds-out")


def test_status_feed_has_one_accepted_item(pilot_feeds: Path) -> None:
    parsed = feedparser.parse(
        (pilot_feeds / "feeds/status/decisions-accepted/atom.xml").read_bytes()
    )
    assert parsed.bozo == 0
    assert [entry.title for entry in parsed.entries] == ["Decision accepted: Pilot areas"]
    assert parsed.entries[0].id == "tag:records.example.org,2024-01-02:decisions/pilot/v2"


def test_record_feed_has_two_items_not_three(pilot_feeds: Path) -> None:
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse(
            (pilot_feeds / "feeds/records/decisions/pilot" / name).read_bytes()
        )
        assert parsed.bozo == 0, name
        assert [entry.title for entry in parsed.entries] == [
            "Decision accepted: Pilot areas",
            "Decision published: Pilot areas",
        ], name
    document = json.loads((pilot_feeds / "feeds/records/decisions/pilot/feed.json").read_text())
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in document["items"]] == [
        "Decision accepted: Pilot areas",
        "Decision published: Pilot areas",
    ]


PILOT = "https://records.example.org/decisions/pilot/"
#: What each of the pilot's items changed (newest first), and the pull request of the first.
PILOT_CHANGES = [PILOT + "v2/#changes", PILOT + "history/#v1"]
PILOT_PULL = "https://github.com/example/records/pull/12"


def pilot_items(pilot_feeds: Path) -> dict[str, list[dict[str, object]]]:
    """Return the pilot's items in each format as a reader sees them: title, link, the
    addresses its content links to, and its summary in whatever form the format has."""
    folder = pilot_feeds / "feeds/records/decisions/pilot"
    seen: dict[str, list[dict[str, object]]] = {}
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((folder / name).read_bytes())
        assert parsed.bozo == 0, name
        seen[name] = [
            {
                "title": entry.title,
                "link": entry.link,
                "hrefs": re.findall(r'href="([^"]+)"', entry.content[0].value),
                "summary": entry.summary,  # Atom: feedparser's, from the content
            }
            for entry in parsed.entries
        ]
    document = json.loads((folder / "feed.json").read_text())
    seen["feed.json"] = [
        {
            "title": item["title"],
            "link": item["url"],
            "hrefs": re.findall(r'href="([^"]+)"', item["content_html"]),
            "summary": item["summary"],
        }
        for item in document["items"]
    ]
    return seen


def test_each_item_gives_readers_the_record_the_change_and_the_pull_request(
    pilot_feeds: Path,
) -> None:
    for name, items in pilot_items(pilot_feeds).items():
        assert [item["title"] for item in items] == [
            "Decision accepted: Pilot areas",
            "Decision published: Pilot areas",
        ], name
        assert [item["link"] for item in items] == [PILOT, PILOT], name
        # The content links what changed, and the pull request that changed it.
        assert [item["hrefs"] for item in items] == [
            [PILOT_CHANGES[0], PILOT_PULL],
            [PILOT_CHANGES[1]],
        ], name
        assert all("Start with pilots." in str(item["summary"]) for item in items), name


def test_each_item_links_its_record_once_and_its_change_once(pilot_feeds: Path) -> None:
    # The record is the item's own link (every reader's title links it); the change is
    # linked in the content, which every reader shows. Neither is repeated: not as a "Read
    # the decision" link, nor an Atom rel="related" link, nor a JSON Feed external_url.
    folder = pilot_feeds / "feeds/records/decisions/pilot"
    atom = ET.parse(folder / "atom.xml").getroot().findall(f"{ATOM}entry")
    rss = ET.parse(folder / "rss.xml").getroot().iter("item")
    document = json.loads((folder / "feed.json").read_text())
    serialised = {
        "atom.xml": [ET.tostring(entry, encoding="unicode") for entry in atom],
        "rss.xml": [ET.tostring(item, encoding="unicode") for item in rss],
        "feed.json": [json.dumps(item) for item in document["items"]],
    }
    record = re.compile(re.escape(PILOT) + r'(?=["<\\])')  # the address itself, not below it
    for name, items in serialised.items():
        assert len(items) == 2, name
        for text, changes in zip(items, PILOT_CHANGES, strict=True):
            assert len(record.findall(text)) == 1, (name, text)
            assert text.count(changes) == 1, (name, text)
    for entry in atom:  # one link, bare: Atom reads it as rel="alternate"
        assert [link.attrib for link in entry.findall(f"{ATOM}link")] == [{"href": PILOT}]
    for entry in feedparser.parse((folder / "atom.xml").read_bytes()).entries:
        assert entry.links == [{"href": PILOT, "rel": "alternate", "type": "text/html"}]
    assert all("external_url" not in item for item in document["items"])
    for path in (pilot_feeds / "feeds").rglob("*.*"):
        assert "Read the decision" not in path.read_text(), path


def test_atom_gives_the_summary_in_the_content_alone_and_rss_in_both(pilot_feeds: Path) -> None:
    folder = pilot_feeds / "feeds/records/decisions/pilot"
    atom = ET.parse(folder / "atom.xml").getroot()
    entries = atom.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        assert entry.find(f"{ATOM}summary") is None  # optional beside content, which has it
        assert "<p>Start with pilots.</p>" in (entry.findtext(f"{ATOM}content") or "")
    rss = ET.parse(folder / "rss.xml").getroot()
    for item in rss.iter("item"):
        assert item.findtext("description") == "Start with pilots."  # what most RSS readers show
        assert "<p>Start with pilots.</p>" in (item.findtext(f"{CONTENT}encoded") or "")


def test_a_feeds_head_holds_what_readers_show_and_nothing_they_ignore(pilot_feeds: Path) -> None:
    folder = pilot_feeds / "feeds/records/decisions/pilot"
    page = "https://records.example.org/decisions/pilot/"
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((folder / name).read_bytes()).feed
        assert feed.title.endswith(": Pilot areas"), name
        assert feed.link == page, name
        assert feed.language == "en", name
        assert feed.rights == "Open Government Licence v3.0", name
        assert feed.updated_parsed is not None, name
        assert "generator" not in feed, name  # no reader uses it; nor RSS's <docs>
    assert "<docs>" not in (folder / "rss.xml").read_text()
    document = json.loads((folder / "feed.json").read_text())
    assert document["home_page_url"] == page
    assert document["language"] == "en"


def test_every_feed_follows_the_validators_rules(pilot_feeds: Path) -> None:
    feeds = sorted((pilot_feeds / "feeds").rglob("atom.xml"))
    assert len(feeds) >= 10
    for atom in feeds:
        folder = atom.parent
        url = "https://records.example.org/" + folder.relative_to(pilot_feeds).as_posix() + "/"
        parsed = feedparser.parse(atom.read_bytes())
        assert parsed.bozo == 0, atom
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [url + "atom.xml"], atom
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)), atom
        root = ET.parse(atom).getroot()
        for element in root.iter():
            if element.tag.endswith(("updated", "published")):
                assert RFC3339.match(element.text or ""), (atom, element.text)
            if element.tag.endswith("link"):
                assert element.get("href", "").startswith("https://records.example.org/")
        rss = feedparser.parse((folder / "rss.xml").read_bytes())
        assert rss.bozo == 0
        assert [link.href for link in rss.feed.links if link.rel == "self"] == [url + "rss.xml"]
        rss_root = ET.parse(folder / "rss.xml").getroot()
        for element in rss_root.iter():
            if element.tag in ("pubDate", "lastBuildDate"):
                assert email.utils.parsedate_to_datetime(element.text or "").tzinfo is not None
            if element.tag == "guid":
                assert element.get("isPermaLink") == "false"
        document = json.loads((folder / "feed.json").read_text())
        assert document["feed_url"] == url + "feed.json"
        for item in document["items"]:
            assert RFC3339.match(item["date_published"])
            assert "date_modified" not in item  # the same date again: an event is not modified
            assert item["url"].startswith("https://records.example.org/")


def test_opml_lists_every_feed(pilot_feeds: Path) -> None:
    outlines = ET.parse(pilot_feeds / "feeds/index.opml").getroot().iter("outline")
    listed = {outline.get("xmlUrl") for outline in outlines}
    on_disk = {
        "https://records.example.org/" + p.relative_to(pilot_feeds).as_posix()
        for p in (pilot_feeds / "feeds").rglob("atom.xml")
    }
    assert listed == on_disk


def test_feeds_are_byte_identical_across_builds(git_site: Git, tmp_path: Path) -> None:
    first = hashes(write_site_feeds(git_site.root, tmp_path / "one"))
    second = hashes(write_site_feeds(git_site.root, tmp_path / "two"))
    assert first == second


def test_ids_survive_a_rename_with_alias(git_site: Git, tmp_path: Path) -> None:
    before = feedparser.parse(
        (write_site_feeds(git_site.root, tmp_path / "a") / "feeds/all/atom.xml").read_bytes()
    )
    git_site.run("mv", "content/decisions/d.md", "content/decisions/renamed.md")
    path = git_site.root / "content/decisions/renamed.md"
    path.write_text(
        path.read_text().replace(
            "title: A decision", "title: A renamed decision\naliases: [decisions/d]"
        )
    )
    git_site.commit("Rename the decision (#5)")
    after = feedparser.parse(
        (write_site_feeds(git_site.root, tmp_path / "b") / "feeds/all/atom.xml").read_bytes()
    )
    old_ids = {entry.id for entry in before.entries}
    assert old_ids <= {entry.id for entry in after.entries}
    assert "tag:records.example.org,2024-01-01:decisions/d/v2" in {e.id for e in after.entries}


def test_drafts_never_appear_and_markup_is_escaped(git_site: Git, tmp_path: Path) -> None:
    git_site.write("content/decisions/secret.md", decision(title="Secret", draft="true"))
    git_site.write(
        "content/decisions/x.md",
        decision(title='"<script>alert(1)</script>"', summary='"<img src=x onerror=y>"'),
    )
    git_site.commit("Add <b>two</b> decisions")
    out = write_site_feeds(git_site.root, tmp_path / "out")
    text = "".join(p.read_text() for p in (out / "feeds").rglob("*.*"))
    assert "Secret" not in text
    parsed = feedparser.parse((out / "feeds/all/atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if "alert" in e.title)
    assert entry.title == "Decision published: <script>alert(1)</script>"
    assert "<script" not in entry.content[0].value
    assert "&lt;img src=x onerror=y&gt;" in entry.content[0].value
    assert "&lt;b&gt;two&lt;/b&gt;" in entry.content[0].value


def test_contents_are_the_same_html_in_each_format_unescaped_in_cdata(
    git_site: Git, tmp_path: Path
) -> None:
    # A stranger's "]]>" cannot end the CDATA section early: its ">" is escaped.
    git_site.write(
        "content/decisions/x.md",
        decision(title="Ends ]]> here", summary="A ]]> B & 'quoted' <i>markup</i>"),
    )
    git_site.commit("Add ]]> and <![CDATA[ a decision")
    folder = write_site_feeds(git_site.root, tmp_path / "out") / "feeds/records/decisions/x"
    document = json.loads((folder / "feed.json").read_text())
    expected = [item["content_html"] for item in document["items"]]
    assert expected[0].startswith("<p>Add ]]&gt; and &lt;![CDATA[ a decision</p>")
    assert "<p>A ]]&gt; B &amp; 'quoted' &lt;i&gt;markup&lt;/i&gt;</p>" in expected[0]
    for name in ("atom.xml", "rss.xml"):
        text = (folder / name).read_text()
        assert text.count("<![CDATA[<p>") == len(expected), name
        parsed = feedparser.parse(text.encode())
        assert parsed.bozo == 0, name
        assert [entry.content[0].value for entry in parsed.entries] == expected, name
        assert [entry.title for entry in parsed.entries] == ["Decision published: Ends ]]> here"]
    atom = ET.parse(folder / "atom.xml").getroot()
    assert [c.get("type") for c in atom.iter(f"{ATOM}content")] == ["html"]


def test_channel_descriptions_escape_markup_once_and_quotes_not_at_all(
    git_site: Git, tmp_path: Path
) -> None:
    git_site.write(
        "content/topics.yml",
        "pilots:\n  label: Pilots\n  description: 'From \"power over\" to <power with> & more.'\n",
    )
    git_site.commit("Describe the pilots topic with quotes")
    out = write_site_feeds(git_site.root, tmp_path / "out") / "feeds/topics/pilots"
    expected = 'Records about pilots: From "power over" to <power with> & more.'
    rss = ET.fromstring((out / "rss.xml").read_bytes())
    atom = ET.fromstring((out / "atom.xml").read_bytes())
    described = rss.findtext("channel/description") or ""
    assert html.unescape(described) == expected  # readers render it as HTML
    assert '"power over"' in described and "<power" not in described  # no live markup
    assert atom.findtext("{http://www.w3.org/2005/Atom}subtitle") == expected
    assert json.loads((out / "feed.json").read_text())["description"] == expected
    assert "&amp;quot;" not in (out / "rss.xml").read_text()


def test_pages_announce_their_feeds(pilot_feeds: Path, git_site: Git) -> None:
    site, history = gather(git_site.root)
    docs = render_site(site, history).pages
    record = docs["decisions/pilot/index.md"]
    assert '"href": "https://records.example.org/feeds/records/decisions/pilot/atom.xml"' in record
    # The head announces the record's own feeds; the page offers its type's and topics'.
    assert '"href": "https://records.example.org/feeds/decisions/rss.xml"' not in record
    assert '<h2 id="follow">Follow this decision</h2>' in record
    assert 'href="../../feeds/decisions/rss.xml"' in record
    assert '"href": "https://records.example.org/feeds/all/feed.json"' in docs["index.md"]
    assert (
        '"href": "https://records.example.org/feeds/topics/pilots/atom.xml"'
        in docs["topics/pilots/index.md"]
    )
    assert 'href="index.opml"' in docs["feeds/index.md"]


def test_withdrawn_record_keeps_its_feed_and_data(git_site: Git, tmp_path: Path) -> None:
    git_site.write("content/decisions/gone.md", PROPOSED)
    git_site.commit("Propose a decision that will go")
    (git_site.root / "content/decisions/gone.md").unlink()
    git_site.commit("Withdraw the decision (#9)")
    out = write_site_feeds(git_site.root, tmp_path / "out")
    parsed = feedparser.parse((out / "feeds/records/decisions/gone/atom.xml").read_bytes())
    assert [entry.title for entry in parsed.entries] == [
        "Decision withdrawn: Pilot areas",
        "Decision published: Pilot areas",
    ]
    site, history = gather(git_site.root)
    write_data(site, history, tmp_path / "data-out")
    document = json.loads((tmp_path / "data-out/data/records/decisions/gone.json").read_text())
    assert document["record"]["status"] == "withdrawn"
    assert [r["note"] for r in document["revisions"]] == [
        "Propose a decision that will go",
        "Withdraw the decision",
    ]
