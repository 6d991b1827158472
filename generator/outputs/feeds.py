"""Feeds: follow the site, a type, a topic, a status or one record, in Atom, RSS and JSON Feed.

Items are events read from the history: a record published, changed (major
revisions only; a ``Change-Type: minor`` revision never makes an item) or
moved to a new status. This is the only module that touches feedgen, and it
sets every field itself: feedgen's defaults stamp the current time and
prepend entries, and the same repository must give byte-identical feeds.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from generator.catalog import autonym, catalog
from generator.content.model import Record, Revision, Site
from generator.content.schema import RECORD_TYPES, TYPES_BY_FOLDER, RecordType
from generator.history.diff import parse_version
from generator.history.history import History

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
FORMATS = (("atom.xml", "Atom"), ("rss.xml", "RSS"), ("feed.json", "JSON Feed"))


@dataclass(frozen=True)
class Subject:
    """What a feed item is about: a published record, or one withdrawn from the site."""

    id: str
    type: RecordType
    title: str
    summary: str
    topics: tuple[str, ...]

    @property
    def url(self) -> str:
        """Return the record's address, which stays even after it is withdrawn."""
        return f"{self.id}/"


def subject_of(record: Record) -> Subject:
    """Return the feed subject of a published record."""
    meta = record.meta
    return Subject(record.id, record.type, meta.title, meta.summary, tuple(meta.topics))


def taken_ids(site: Site) -> set[str]:
    """Return every id a published record holds: its own and its aliases."""
    return set(site.by_id) | {alias for record in site.records for alias in record.meta.aliases}


def withdrawn_subjects(history: History, taken: set[str]) -> list[tuple[Subject, list[Revision]]]:
    """Return records deleted from content/ (whose addresses stay), with their revisions."""
    found = []
    for record_id, revisions in sorted(history.withdrawn.items()):
        if record_id in taken or len(revisions) < 2:
            continue
        last = parse_version(revisions[-2].text)
        topics = last.front.get("topics")
        summary = last.front.get("summary")
        found.append(
            (
                Subject(
                    record_id,
                    TYPES_BY_FOLDER[record_id.split("/")[0]],
                    last.title or record_id,
                    summary if isinstance(summary, str) else "",
                    tuple(t for t in topics if isinstance(t, str))
                    if isinstance(topics, list)
                    else (),
                ),
                revisions,
            )
        )
    return found


@dataclass(frozen=True)
class Item:
    """One event a subscriber is told about."""

    id: str
    record: Subject
    revision: Revision
    kind: str  # published, changed, or the status entered
    status: str
    title: str
    summary: str = ""  # the record's summary as this version had it
    lang: str = ""  # a translation's language ('' for the record in its source language)

    @property
    def url(self) -> str:
        """Return the page the item is about: the record's, or its translation's."""
        return f"{self.lang}/{self.record.url}" if self.lang else self.record.url

    @property
    def date(self) -> datetime.datetime:
        """Return when it happened (the commit date on the published branch)."""
        return self.revision.date


@dataclass(frozen=True)
class Feed:
    """One scope of feeds: its address, its page on the site and its items."""

    scope: str
    title: str
    description: str
    page_url: str
    items: tuple[Item, ...]
    lang: str = ""  # a feed of translations into one of the site's other languages

    @property
    def url(self) -> str:
        """Return the folder of the scope's feeds, relative to the site root."""
        return f"{self.lang}/feeds/{self.scope}/" if self.lang else f"feeds/{self.scope}/"


def collect_items(site: Site, history: History) -> list[Item]:
    """Return every feed item of the site, newest first, ties broken by id."""
    domain = domain_of(site)
    items: list[Item] = []
    subjects = [(subject_of(record), history.of(record.id)) for record in site.records]
    subjects += withdrawn_subjects(history, taken_ids(site))
    bases = _item_bases(subjects)
    for record, revisions in subjects:
        if not revisions:
            continue
        minted, first_id = bases[record.id]
        previous_status: str | None = None
        for revision in revisions:
            version = parse_version(revision.text)
            status = version.status or previous_status or ""
            entered = status != previous_status
            previous_status = status
            if not revision.fed:
                continue
            if revision.deleted:
                kind, verb, status = "withdrawn", "withdrawn", "withdrawn"
            elif revision.number == 1:
                kind, verb = "published", "published"
            elif entered:
                kind, verb = status, status
            else:
                kind, verb = "changed", "changed"
            items.append(
                Item(
                    id=f"tag:{domain},{minted}:{first_id}/v{revision.number}",
                    record=record,
                    revision=revision,
                    kind=kind,
                    status=status,
                    title=f"{record.type.label} {verb}: {record.title}",
                    summary=_summary_of(version.front, record.summary),
                )
            )
    items.sort(key=lambda item: item.id)
    items.sort(key=lambda item: item.date, reverse=True)
    return items


def _summary_of(front: dict[str, object], current: str) -> str:
    """Return the summary a version had, or the current one when it had none (a withdrawal)."""
    summary = front.get("summary")
    return summary if isinstance(summary, str) and summary else current


def _item_bases(subjects: list[tuple[Subject, list[Revision]]]) -> dict[str, tuple[str, str]]:
    """Return the date and name each record's item ids are minted from, unique to it.

    A record's items are named after its id when it was first published, so they survive a
    rename. Should a later record have started at the same address on the same day (an
    address taken over before the rules refused it), its items are told apart by its first
    commit, so no two items ever share an id.
    """
    bases: dict[str, tuple[str, str]] = {}
    taken: set[tuple[str, str]] = set()
    dated = [(revisions[0], subject) for subject, revisions in subjects if revisions]
    for first, subject in sorted(dated, key=lambda pair: (pair[0].date, pair[0].commit)):
        base = (first.date.date().isoformat(), first.path.removesuffix(".md"))
        if base in taken:
            base = (base[0], f"{base[1]}-{first.commit[:12]}")
        taken.add(base)
        bases[subject.id] = base
    return bases


def plan_feeds(site: Site, history: History) -> list[Feed]:
    """Return every feed scope of the site with its items (newest first, capped)."""
    items = collect_items(site, history)
    limit = site.config.openrecord.feed_items
    name = site.config.site_name
    words = catalog(site.config.openrecord.lang)
    feeds = [
        Feed(
            "all",
            words.t("feed.all", site=name),
            words.t("feed.all.description"),
            "",
            tuple(items[:limit]),
        )
    ]
    for record_type in RECORD_TYPES:
        of_type = [item for item in items if item.record.type is record_type]
        kind, kinds = (words.t(f"{key}.{record_type.name}").lower() for key in ("type", "types"))
        feeds.append(
            Feed(
                record_type.folder,
                words.t("feed.type", site=name, types=kinds),
                words.t("feed.type.description", type=kind),
                f"{record_type.folder}/",
                tuple(of_type[:limit]),
            )
        )
        for status in record_type.statuses:
            entered = [
                item
                for item in of_type
                if item.status == status and item.kind in ("published", status)
            ]
            feeds.append(
                Feed(
                    f"status/{record_type.folder}-{status}",
                    words.t("feed.status", site=name, types=kinds, status=status),
                    words.t("feed.status.description", type=kind, status=status),
                    f"{record_type.folder}/status/{status}/",
                    tuple(entered[:limit]),
                )
            )
    for topic in site.topics:
        tagged = [item for item in items if topic.id in item.record.topics]
        feeds.append(
            Feed(
                f"topics/{topic.id}",
                words.t("feed.topic", site=name, topic=topic.label),
                words.t(
                    "feed.topic.description",
                    topic=topic.label.lower(),
                    description=topic.description,
                ),
                f"topics/{topic.id}/",
                tuple(tagged[:limit]),
            )
        )
    by_record: dict[str, list[Item]] = {}
    for item in items:
        by_record.setdefault(item.record.id, []).append(item)
    withdrawn = [subject for subject, _r in withdrawn_subjects(history, taken_ids(site))]
    for record in [*map(subject_of, site.records), *withdrawn]:
        feeds.append(
            Feed(
                f"records/{record.id}",
                words.t("feed.record", site=name, title=record.title),
                words.t(
                    "feed.record.source-description",
                    type=words.t(f"type.{record.type.name}").lower(),
                    title=record.title,
                ),
                record.url,
                tuple(by_record.get(record.id, [])[:limit]),
            )
        )
    for lang in site.config.openrecord.translations:
        feeds += _language_feeds(site, history, lang, domain_of(site))
    return feeds


def domain_of(site: Site) -> str:
    """Return the domain item ids are minted under."""
    return urlsplit(site.config.absolute("")).hostname or "localhost"


def _language_feeds(site: Site, history: History, lang: str, domain: str) -> list[Feed]:
    """Return the feeds of one of the site's other languages: all of it, and each record's.

    An item is a translation published or brought up to date (a major change to its file).
    """
    words = catalog(lang)
    name, language = site.config.site_name, autonym(lang)
    limit = site.config.openrecord.feed_items
    items: list[Item] = []
    for record in site.records:
        translation = site.translation(record.id, lang)
        revisions = history.of_translation(record.id, lang)
        if translation is None or not revisions:
            continue
        subject = replace(subject_of(record), title=translation.title, summary=translation.summary)
        first = revisions[0].date.date().isoformat()
        for revision in revisions:
            if not revision.fed:
                continue
            kind = "translated" if revision.number == 1 else "translation-changed"
            values = {"title": translation.title, "type": words.t(f"type.{record.type.name}")}
            items.append(
                Item(
                    id=f"tag:{domain},{first}:{lang}/{record.id}/v{revision.number}",
                    record=subject,
                    revision=revision,
                    kind=kind,
                    status=record.status,
                    title=words.t(f"feed.item.{kind}", **values),
                    summary=_summary_of(parse_version(revision.text).front, translation.summary),
                    lang=lang,
                )
            )
    items.sort(key=lambda item: item.id)
    items.sort(key=lambda item: item.date, reverse=True)
    feeds = [
        Feed(
            "all",
            words.t("feed.translations", site=name, language=language),
            words.t("feed.translations.description", language=language),
            f"{lang}/",
            tuple(items[:limit]),
            lang,
        )
    ]
    for record_id, translations in site.translations.items():
        translation = next((t for t in translations if t.lang == lang), None)
        if translation is None:
            continue
        feeds.append(
            Feed(
                f"records/{record_id}",
                words.t("feed.record", site=name, title=translation.title),
                words.t("feed.record.description", title=translation.title, language=language),
                translation.url,
                tuple(item for item in items if item.record.id == record_id)[:limit],
                lang,
            )
        )
    return feeds


def feeds_for_page(feeds: list[Feed], url: str, record: Record | None = None) -> list[Feed]:
    """Return the feeds a page announces: its own scope, and for a record its type and topics."""
    by_page, by_url = _index(feeds)
    if record is None:
        return [by_page[url]] if url in by_page else []
    lang = url.split("/", 1)[0]
    if url == f"{lang}/{record.id}/":  # a translation's page: its language's feeds
        folders = [f"{lang}/feeds/records/{record.id}/", f"{lang}/feeds/all/"]
    else:
        scopes = [
            f"records/{record.id}",
            record.type.folder,
            *(f"topics/{topic}" for topic in record.meta.topics),
        ]
        folders = [f"feeds/{scope}/" for scope in scopes]
    return [by_url[folder] for folder in folders if folder in by_url]


_INDEXES: dict[int, tuple[list[Feed], dict[str, Feed], dict[str, Feed]]] = {}


def _index(feeds: list[Feed]) -> tuple[dict[str, Feed], dict[str, Feed]]:
    """Return the feeds by page address and by scope, computed once per list of feeds."""
    cached = _INDEXES.get(id(feeds))
    if cached is None or cached[0] is not feeds:
        by_page = {f.page_url: f for f in feeds if not f.scope.startswith("records/")}
        cached = (feeds, by_page, {feed.url: feed for feed in feeds})
        _INDEXES.clear()
        _INDEXES[id(feeds)] = cached
    return cached[1], cached[2]


def write_feeds(site: Site, feeds: list[Feed], out: Path) -> int:
    """Write every feed in the three formats, and the OPML list; return files written."""
    newest = max((feed.items[0].date for feed in feeds if feed.items), default=_EPOCH)
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
    generator.generator("openrecord", uri="https://github.com/example/openrecord")
    generator.docs("https://www.rssboard.org/rss-specification")
    if config.openrecord.publisher:
        generator.author({"name": config.openrecord.publisher})
    generator.rights(config.openrecord.licence_name)
    for item in feed.items:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=False)
        entry.title(item.title)
        entry.link(href=config.absolute(item.url), rel="alternate", type="text/html")
        entry.link(
            href=config.absolute(_diff_url(item)),
            rel="related",
            type="text/html",
            title="What changed",
        )
        entry.published(item.date)
        entry.updated(item.date)
        entry.pubDate(item.date)
        for name in (item.revision.author, *item.revision.coauthors):
            entry.author({"name": name})
            entry.dc.dc_creator(name)
        entry.summary(escape(item.summary), type="html")  # RSS reads it as HTML
        entry.content(html[item.id], type="html")
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
    """Return the Atom document, with each entry's link attributes restored.

    feedgen 1.0 drops rel, type and title from entry links (its serializer shadows the link
    data with the new element), so they are set again here from the entries' own data.
    """
    root, _document = generator._create_atom()  # the tree atom_str() serialises
    for element, entry in zip(root.findall("entry"), generator.entry(), strict=True):
        for link_element, data in zip(element.findall("link"), entry.link(), strict=True):
            for name in ("rel", "type", "title"):
                if data.get(name):
                    link_element.set(name, data[name])
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True)) + b"\n"


def _diff_url(item: Item) -> str:
    """Return the site-relative address of what an item's revision changed: the diff on its
    version's page, or (for a first version or a withdrawal) its entry in the history.

    A translation has no history page of its own: its item leads to the translation.
    """
    if item.lang:
        return item.url
    revision = item.revision
    if revision.number > 1 and not revision.deleted:
        return f"{item.record.id}/v{revision.number}/#changes"
    return f"{item.record.id}/history/#v{revision.number}"


def _categories(item: Item) -> list[str]:
    """Return an item's categories: type, status and topics."""
    return [item.record.type.name, item.status, *item.record.topics]


def _content_html(site: Site, item: Item) -> str:
    """Return the item's body as escaped HTML: note, summary and links."""
    config = site.config
    note = "<br>".join(escape(line) for line in item.revision.note.split("\n") if line)
    pull = ""
    if item.revision.pull_request is not None and config.repo_url:
        number = item.revision.pull_request
        pull = f' · <a href="{escape(config.repo_url)}/pull/{number}">pull request #{number}</a>'
    if item.lang:
        words = catalog(item.lang)
        return (
            f"<p>{note}</p><p>{escape(item.summary)}</p>"
            f'<p><a href="{escape(config.absolute(item.url))}">'
            f"{escape(words.t('feed.read-translation'))}</a>{pull}</p>"
        )
    return (
        f"<p>{note}</p><p>{escape(item.summary)}</p>"
        f'<p><a href="{escape(config.absolute(item.record.url))}">Read the '
        f"{escape(item.record.type.label.lower())}</a> · "
        f'<a href="{escape(config.absolute(_diff_url(item)))}">See what changed</a>{pull}</p>'
    )


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
                "external_url": config.absolute(_diff_url(item)),
                "title": item.title,
                "summary": item.summary,
                "content_html": html[item.id],
                "date_published": item.date.isoformat(),
                "date_modified": item.date.isoformat(),
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
