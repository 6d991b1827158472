"""Feeds: follow the site, a type, a topic, a status or one record, in Atom, RSS and JSON Feed.

Items are events read from the history: a record published, changed (major
revisions only; a ``Change-Type: minor`` revision never makes an item) or
moved to a new status. This module plans every feed (the pages announce
them); feed_files.py writes them, the only module that touches feedgen, setting
every field itself: feedgen's defaults stamp the current time and prepend
entries, and the same repository must give byte-identical feeds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from generator.catalog import autonym, catalog
from generator.content.model import Record, Revision, Site
from generator.content.schema import RECORD_TYPES, TYPES_BY_FOLDER, RecordType
from generator.history.diff import parse_version
from generator.history.history import History

#: The date of a feed with no items yet.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
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


def announced_feeds(feeds: list[Feed], url: str, record: Record | None = None) -> list[Feed]:
    """Return the feeds a page's head announces to feed readers: its own scope's alone.

    A record's page announces the record's feed; its type's and topics' are offered on the
    page itself (feeds_for_page), and each list page announces its own.
    """
    return feeds_for_page(feeds, url, record)[:1]


def feeds_for_page(feeds: list[Feed], url: str, record: Record | None = None) -> list[Feed]:
    """Return the feeds a page offers: its own scope, and for a record its type and topics."""
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
