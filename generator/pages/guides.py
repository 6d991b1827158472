"""The pages that explain the site's other outputs: the feeds, the open data and the search."""

from __future__ import annotations

from generator.content.model import Site
from generator.content.schema import RECORD_TYPES
from generator.fragments import SOURCE, block, bullet_list, e, h1, link, relative
from generator.history.history import History
from generator.outputs.data import data_record, dump_json
from generator.outputs.feeds import FORMATS, Feed
from generator.pages.indexes import capitalised
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
    words = SOURCE
    rows = [
        ("records.json", words.t("data.records.json")),
        ("records.csv", words.t("data.records.csv")),
        ("records/TYPE/SLUG.json", words.t("data.record.json")),
        ("schema/TYPE.schema.json", words.t("data.type.schema")),
        ("schema/records.schema.json", words.t("data.records.schema")),
        ("schema/record.schema.json", words.t("data.record.schema")),
        ("manifest.json", words.t("data.manifest")),
    ]
    items = []
    for name, what in rows:
        first = name.split(" ")[0]
        target = first if "TYPE" not in first else None
        shown = link(target, name) if target else f"<code>{e(name)}</code>"
        items.append(f"{shown}: {e(what)}")
    schemas = [
        link(f"schema/{t.name}.schema.json", words.t("data.schema", type=words.t(f"type.{t.name}")))
        for t in RECORD_TYPES
    ]
    body = block(
        h1(words.t("data")),
        f'<p class="or-lead">{words.h("data.lead")}</p>',
        f'<h2 id="files">{words.h("data.files")}</h2>',
        bullet_list(items),
        f"<p>{words.html('data.schemas', links=', '.join(schemas))}</p>",
        f'<h2 id="example">{words.h("data.example")}</h2>',
        f'<pre><code class="language-json">{e(example)}</code></pre>',
        f'<h2 id="licence">{words.h("data.licence")}</h2>',
        "<p>"
        + words.html("data.licence.lead", licence=link(licence.licence_url, licence.licence_name))
        + "</p>",
        f'<h2 id="feeds">{words.h("data.feeds")}</h2>',
        "<p>"
        + words.html(
            "data.feeds.lead",
            feed=link("../feeds/", words.t("data.feed")),
            file="<code>records/TYPE/SLUG.json</code>",
        )
        + "</p>",
    )
    tree.add(
        url,
        {"title": words.t("data"), "description": words.t("data.description")},
        body,
        "data page",
        html=True,
    )


def render_feeds_page(tree: DocsTree, site: Site, feeds: list[Feed]) -> None:
    """Write /feeds/: every feed, explained plainly, and the OPML file to subscribe to all."""
    url = "feeds/"
    words = SOURCE
    groups: dict[str, list[Feed]] = {
        words.t(f"feeds.group.{kind}"): []
        for kind in ("all", "type", "status", "topic", "record", "lang")
    }
    for feed in feeds:
        kind = "lang" if feed.lang else feed.scope.split("/")[0]
        group = {"topics": "topic", "records": "record"}.get(kind, kind)
        group = group if group in ("all", "status", "topic", "record", "lang") else "type"
        groups[words.t(f"feeds.group.{group}")].append(feed)
    opml = link("index.opml", words.t("feeds.opml"))
    parts = [
        h1(words.t("feeds")),
        f'<p class="or-lead">{words.h("feeds.lead")}</p>',
        f"<p>{words.html('feeds.formats', opml=opml)}</p>",
    ]
    for group, members in groups.items():
        if not members:
            continue
        rows = [
            f"{e(capitalised(feed.title.split(': ', 1)[-1]))} "
            f"({_recent(len(feed.items))}): "
            + " · ".join(link(relative(url, feed.url + name), label) for name, label in FORMATS)
            for feed in members
        ]
        anchor = group.lower().replace(" ", "-")
        parts += [f'<h2 id="{anchor}">{e(group)}</h2>', bullet_list(rows)]
    tree.add(
        url,
        {"title": words.t("feeds"), "description": words.t("feeds.description")},
        block(*parts),
        "feeds page",
        html=True,
    )


def _recent(count: int) -> str:
    """Return how many recent items a feed has, in words: '1 recent item', '2 recent items'."""
    return SOURCE.t("feeds.items.one") if count == 1 else SOURCE.t("feeds.items", count=count)


def render_search_page(tree: DocsTree) -> None:
    """Write the search page: the theme's template draws the search under its heading."""
    lead = f'<p class="or-lead">{SOURCE.h("search.lead")}</p>'
    tree.add(
        "search/",
        {"title": SOURCE.t("search"), "template": "search-page.html"},
        block(h1(SOURCE.t("search")), lead),
        "search page",
        html=True,
    )
