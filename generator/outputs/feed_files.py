"""Feeds written: each planned feed (feeds.py) as Atom, RSS and JSON Feed, and the OPML
list of them all. Atom and RSS through feedgen, every field set here (its defaults stamp
the current time and prepend entries); JSON Feed and OPML written directly.
"""

from __future__ import annotations

import datetime
import json
from html import escape
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from generator.catalog import catalog
from generator.content.model import Site
from generator.outputs.feeds import EPOCH, Feed, Item


def write_feeds(site: Site, feeds: list[Feed], out: Path) -> int:
    """Write every feed in the three formats, and the OPML list; return files written."""
    newest = max((feed.items[0].date for feed in feeds if feed.items), default=EPOCH)
    # An item is in several feeds (the site's, its type's, its topics', its record's),
    # each in three formats: its HTML is made once. Feeds are written without indentation:
    # programs read them, and a large site has tens of thousands.
    html = {item.id: _content_html(site, item) for feed in feeds for item in feed.items}
    written = 0
    for feed in feeds:
        folder = out / feed.url
        folder.mkdir(parents=True, exist_ok=True)
        updated = feed.items[0].date if feed.items else newest
        generator = _feedgen(site, feed, updated, html)
        _set_links(generator, site, feed, "atom.xml", "application/atom+xml")
        generator.subtitle(feed.description)  # Atom: plain text
        (folder / "atom.xml").write_bytes(_atom_bytes(generator))
        _set_links(generator, site, feed, "rss.xml", "application/rss+xml")
        # RSS readers render it as HTML: markup escaped as HTML, quotes left as they are (an
        # escaped quote reached readers as &quot;, the validators' ContainsHTML).
        generator.description(escape(feed.description, quote=False))
        (folder / "rss.xml").write_bytes(generator.rss_str(pretty=False))
        (folder / "feed.json").write_text(_json_feed(site, feed, html), encoding="utf-8")
        written += 3
    (out / "feeds" / "index.opml").write_text(opml(site, feeds), encoding="utf-8")
    return written + 1


def _feedgen(
    site: Site, feed: Feed, updated: datetime.datetime, html: dict[str, str]
) -> FeedGenerator:
    """Return a feedgen feed with every field set explicitly."""
    config = site.config
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.id(config.absolute(feed.url + "atom.xml"))
    generator.title(feed.title)
    generator.link(href=config.absolute(feed.page_url), rel="alternate", type="text/html")
    generator.link(
        href=config.absolute(feed.url + "atom.xml"), rel="self", type="application/atom+xml"
    )
    generator.language(feed.lang or config.openrecord.lang)
    generator.updated(updated)
    generator.lastBuildDate(updated)
    # No <generator> nor RSS <docs> (feedgen's defaults name itself): no reader uses them,
    # and a large site has tens of thousands of feeds.
    generator.generator("")
    generator.docs("")
    if config.openrecord.publisher:
        generator.author({"name": config.openrecord.publisher})
    generator.rights(config.openrecord.licence_name)
    for item in feed.items:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=False)
        entry.title(item.title)
        entry.link(href=config.absolute(item.url))  # Atom's alternate, RSS's <link>
        entry.published(item.date)
        entry.updated(item.date)
        entry.pubDate(item.date)
        for name in (item.revision.author, *item.revision.coauthors):
            entry.author({"name": name})
            entry.dc.dc_creator(name)
        # RSS: the summary as <description> (read as HTML), the whole as <content:encoded>.
        # Atom: the content alone, which holds the summary (so summary is optional). Both
        # contents in a CDATA section, where HTML needs no escaping (_atom_bytes marks
        # Atom's type="html"); escaped instead should it ever hold "]]>", which ends one
        # (it cannot: every ">" in text is escaped and every tag ends in a letter or quote).
        entry.description(escape(item.summary, quote=False))
        entry.content(html[item.id], type="html" if "]]>" in html[item.id] else "CDATA")
        for term in _categories(item):
            entry.category(term=term)
    return generator


def _set_links(generator: FeedGenerator, site: Site, feed: Feed, name: str, mime: str) -> None:
    """Point the feed's self link at one format's file; the page link stays last, for RSS."""
    generator.link(
        [
            {"href": site.config.absolute(feed.url + name), "rel": "self", "type": mime},
            {"href": site.config.absolute(feed.page_url), "rel": "alternate", "type": "text/html"},
        ],
        replace=True,
    )


def _atom_bytes(generator: FeedGenerator) -> bytes:
    """Return the Atom document: each entry's content marked as HTML, its link bare.

    An entry's one link is its page: a link without rel is rel="alternate" (RFC 4287,
    4.2.7.2) and its type only a hint, so neither is written (feedgen 1.0 drops both from
    entry links, a later one might not).
    """
    root, _document = generator._create_atom()  # the tree atom_str() serialises
    for element in root.iter("entry"):
        element.find("content").set("type", "html")  # HTML in CDATA (feedgen says "CDATA")
        for link in element.iter("link"):
            link.attrib.pop("rel", None)
            link.attrib.pop("type", None)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True)) + b"\n"


def _diff_url(item: Item) -> str:
    """Return the site-relative address of what an item's revision changed: the diff on its
    version's page, or (for a first version or a withdrawal) its entry in the history.
    """
    revision = item.revision
    if revision.number > 1 and not revision.deleted:
        return f"{item.record.id}/v{revision.number}/#changes"
    return f"{item.record.id}/history/#v{revision.number}"


def _categories(item: Item) -> list[str]:
    """Return an item's categories: type, status and topics."""
    return [item.record.type.name, item.status, *item.record.topics]


def _content_html(site: Site, item: Item) -> str:
    """Return the item's body as escaped HTML: note, summary, and where to see the change.

    No link back to the record: the item's own link (every reader's title) is the record's,
    or for a translation the translation's, which has no page of changes of its own.
    """
    config = site.config
    note = "<br>".join(escape(line, quote=False) for line in item.revision.note.split("\n") if line)
    links = []
    if not item.lang:
        links.append(f'<a href="{escape(config.absolute(_diff_url(item)))}">See what changed</a>')
    if item.revision.pull_request is not None and config.repo_url:
        pull = f"{escape(config.repo_url)}/pull/{item.revision.pull_request}"
        links.append(f'<a href="{pull}">pull request #{item.revision.pull_request}</a>')
    links_html = f"<p>{' · '.join(links)}</p>" if links else ""
    return f"<p>{note}</p><p>{escape(item.summary, quote=False)}</p>{links_html}"


def _json_feed(site: Site, feed: Feed, html: dict[str, str]) -> str:
    """Return a JSON Feed 1.1 document for a scope."""
    config = site.config
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": feed.description,
        "home_page_url": config.absolute(feed.page_url),
        "feed_url": config.absolute(feed.url + "feed.json"),
        "language": feed.lang or config.openrecord.lang,
        "items": [
            {
                "id": item.id,
                "url": config.absolute(item.url),
                "title": item.title,
                "summary": item.summary,
                "content_html": html[item.id],
                # No date_modified: an item is an event, which is never modified after.
                "date_published": item.date.isoformat(),
                "authors": [
                    {"name": name} for name in (item.revision.author, *item.revision.coauthors)
                ],
                "tags": _categories(item),
            }
            for item in feed.items
        ],
    }
    if config.openrecord.publisher:
        document["authors"] = [{"name": config.openrecord.publisher}]
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def opml(site: Site, feeds: list[Feed]) -> str:
    """Return an OPML 2.0 list subscribing to every Atom feed."""
    title = catalog(site.config.openrecord.lang).t("feed.opml", site=site.config.site_name)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(title)}</title>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        lines.append(
            f'    <outline type="rss" text="{escape(feed.title)}" title="{escape(feed.title)}" '
            f'xmlUrl="{escape(site.config.absolute(feed.url + "atom.xml"))}" '
            f'htmlUrl="{escape(site.config.absolute(feed.page_url))}"/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
