"""The pages that explain the site's other outputs: the feeds, the open data and the search."""

from __future__ import annotations

from generator.content.model import Site
from generator.content.schema import RECORD_TYPES
from generator.fragments import block, bullet_list, e, h1, link, relative
from generator.history.history import History
from generator.outputs.data import data_record, dump_json
from generator.outputs.feeds import FORMATS, Feed
from generator.pages.indexes import capitalised, counted
from generator.pages.tree import DocsTree


def render_data_page(tree: DocsTree, site: Site, history: History) -> None:
    """Write /data/: what each file holds, with an example, the licence and the feeds."""
    url = "data/"
    licence = site.config.openrecord
    example = (
        dump_json(data_record(site, history, site.records[0]).model_dump(mode="json"), pretty=True)
        if site.records
        else "{}"
    )
    rows = [
        (
            "records.json",
            "Every published record: its fields, status, dates, topics, the "
            "records it names and those naming it, and where to read and follow it.",
        ),
        (
            "records.csv",
            "The same, one row per record, for spreadsheets (UTF-8, lists joined "
            "with “; ”; cells that a spreadsheet would run as a formula start with an apostrophe).",
        ),
        (
            "records/TYPE/SLUG.json",
            "One record with every published version: date, author and co-authors, "
            "pull request, change note, kind (major, minor, or unchanged: no visible change), "
            "the id it was renamed from, and status at that version.",
        ),
        (
            "schema/TYPE.schema.json",
            "The JSON Schema of each record type's fields (workshop, "
            "intention, decision), generated from the same declaration the site is checked with.",
        ),
        ("schema/records.schema.json", "The JSON Schema of records.json."),
        ("schema/record.schema.json", "The JSON Schema of each records/TYPE/SLUG.json file."),
        ("manifest.json", "Every address the site has published; addresses never disappear."),
    ]
    items = []
    for name, what in rows:
        first = name.split(" ")[0]
        target = first if "TYPE" not in first else None
        shown = link(target, name) if target else f"<code>{e(name)}</code>"
        items.append(f"{shown}: {e(what)}")
    schemas = [link(f"schema/{t.name}.schema.json", f"{t.label} schema") for t in RECORD_TYPES]
    body = block(
        h1("Open data"),
        '<p class="or-lead">Everything on this site is also published as data, for anyone to '
        "reuse: journalists, researchers, civic technologists and other public bodies. The "
        "addresses below are stable.</p>",
        '<h2 id="files">The files</h2>',
        bullet_list(items),
        f"<p>Schemas: {', '.join(schemas)}.</p>",
        '<h2 id="example">An example record</h2>',
        f'<pre><code class="language-json">{e(example)}</code></pre>',
        '<h2 id="licence">Licence</h2>',
        f"<p>The records and the data are published under the "
        f"{link(licence.licence_url, licence.licence_name)}. You may copy, publish and adapt "
        "them; please say where they came from.</p>",
        '<h2 id="feeds">Data and feeds</h2>',
        "<p>The data files hold the current state of every record. To be told when something "
        f"changes, follow a {link('../feeds/', 'feed')}: each feed item names the record and "
        "version, which you can then fetch from <code>records/TYPE/SLUG.json</code>.</p>",
    )
    tree.add(
        url,
        {"title": "Open data", "description": "The record as reusable data."},
        body,
        "data page",
        html=True,
    )


def render_feeds_page(tree: DocsTree, site: Site, feeds: list[Feed]) -> None:
    """Write /feeds/: every feed, explained plainly, and the OPML file to subscribe to all."""
    url = "feeds/"
    groups: dict[str, list[Feed]] = {
        "Everything": [],
        "By type": [],
        "By status": [],
        "By topic": [],
        "By record": [],
        "In other languages": [],
    }
    for feed in feeds:
        kind = "lang" if feed.lang else feed.scope.split("/")[0]
        group = {
            "lang": "In other languages",
            "all": "Everything",
            "status": "By status",
            "topics": "By topic",
            "records": "By record",
        }.get(kind, "By type")
        groups[group].append(feed)
    parts = [
        h1("Feeds"),
        '<p class="or-lead">A feed is a web address that a feed reader checks for you: add one '
        "to your reader and you are told each time a record is published, changed or moves to "
        "a new status. Small corrections marked as minor are not sent.</p>",
        "<p>Every feed comes in three formats with the same items: Atom and RSS (for almost "
        "every feed reader) and JSON Feed. "
        f"{link('index.opml', 'Subscribe to every feed at once (OPML)')}: most readers can "
        "import this file.</p>",
    ]
    for group, members in groups.items():
        if not members:
            continue
        rows = [
            f"{e(capitalised(feed.title.split(': ', 1)[-1]))} "
            f"({counted(len(feed.items), 'recent item')}): "
            + " · ".join(link(relative(url, feed.url + name), label) for name, label in FORMATS)
            for feed in members
        ]
        anchor = group.lower().replace(" ", "-")
        parts += [f'<h2 id="{anchor}">{e(group)}</h2>', bullet_list(rows)]
    tree.add(
        url,
        {"title": "Feeds", "description": "Follow the record in a feed reader."},
        block(*parts),
        "feeds page",
        html=True,
    )


def render_search_page(tree: DocsTree) -> None:
    """Write the search page: the theme's template draws the search under its heading."""
    lead = (
        '<p class="or-lead">Search every current record and page. Filter by type, status '
        "and topic; the address of this page keeps the search, to link to it.</p>"
    )
    tree.add(
        "search/",
        {"title": "Search", "template": "search-page.html"},
        block(h1("Search"), lead),
        "search page",
        html=True,
    )
