"""Stage 5, render: write the complete docs tree the engine turns into HTML.

Every page is a Markdown file with front matter for the theme. Structure is
raw HTML written through ``generator.fragments`` (values escaped); record
bodies stay Markdown, already checked by the validator and sanitised again
after rendering. Two sources that would publish at one address are refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.catalog import Catalog, catalog
from generator.convert import without_title
from generator.data import render_data_page
from generator.feeds import FORMATS, Feed, feeds_for_page, plan_feeds
from generator.fragments import (
    SOURCE,
    block,
    bullet_list,
    e,
    format_date,
    h1,
    link,
    print_reference,
    relative,
    status_badge,
    time_tag,
)
from generator.history import History
from generator.languages import (
    alternates,
    index_alternates,
    index_switcher,
    lag_banner,
    lag_of,
    missing_languages,
    propose_translation,
    render_changes_since,
    switcher,
)
from generator.model import Record, Site, Translation
from generator.provenance import Edge, edges, provenance_section
from generator.render_history import (
    body_links,
    history_summary,
    page_address,
    render_history_pages,
    render_record_history,
    render_withdrawn_pages,
)
from generator.render_map import render_map
from generator.sanitize import raw_html
from generator.scaffold import template
from generator.schema import RECORD_TYPES, RecordType
from generator.search import page_marks, record_marks
from generator.shells import ShellPage
from generator.tree import DocsTree

#: Fields shown in the record header, in order, per type (references are shown apart).
_FACT_FIELDS = {
    "workshop": ("organisers", "participants", "location", "format", "facilitators"),
    "intention": ("owner", "progress", "review_date"),
    "decision": ("decided_by", "consulted", "informed", "review_date"),
}
#: How a reference reads from each end, as catalog keys: (field) -> (at the source, at the
#: target). The Open Government Partnership's completion scale, what a record's own date
#: is by type, and every other label are in the catalog too (generator/catalog.py).
_RELATION_LABELS = {
    "produced": ("relation.produced", "relation.from"),
    "from": ("relation.from", "relation.produced"),
    "serves": ("relation.serves", "relation.served-by"),
    "evidence": ("relation.evidence", "relation.evidence-for"),
    "supersedes": ("relation.supersedes", "relation.superseded-by"),
}


_MIME = {
    "atom.xml": "application/atom+xml",
    "rss.xml": "application/rss+xml",
    "feed.json": "application/feed+json",
}


def render_site(
    site: Site,
    history: History,
    feeds: list[Feed] | None = None,
    engine_urls: frozenset[str] | None = None,
) -> DocsTree:
    """Return the docs tree of the whole site (planning its feeds when not given).

    Pages outside engine_urls are to be poured into shells (all pages, when it is None,
    are for the engine).
    """
    feeds = plan_feeds(site, history) if feeds is None else feeds
    tree = render_frame(site, history, feeds, engine_urls)
    render_records(tree, site, history, feeds, site.records)
    render_withdrawn_pages(tree, site, history)
    return tree


def render_frame(
    site: Site, history: History, feeds: list[Feed], engine_urls: frozenset[str] | None
) -> DocsTree:
    """Return the docs tree without the records' own pages: lists, topics, changes, map."""
    tree = _tree(site, feeds, engine_urls)
    ordered = _newest_first(site.records, history)
    latest = _latest_changed_first(site.records, history)
    # Home and each type's list in every language; a record not yet translated is listed
    # in its source language, saying so.
    for lang in ("", *site.config.openrecord.translations):
        _render_home(tree, site, latest, lang)
        for record_type in RECORD_TYPES:
            records = [record for record in ordered if record.type is record_type]
            _render_type_index(tree, site, record_type, records, lang)
    render_changes_since(tree, site, history)
    _render_topics(tree, site, ordered, feeds)
    for page in site.pages:
        front = {"title": e(page.meta.title)}
        front["pagefind"] = page_marks(page.meta.title, "page", page.meta.lang or _lang(site))
        if page.meta.summary:
            front["description"] = e(page.meta.summary)
        edit = site.config.edit_url(page.path)
        actions = block(
            f'<nav class="or-actions" aria-label="{e(SOURCE.t("actions.page"))}">',
            link(edit, SOURCE.t("action.propose-change"), "md-button") if edit else "",
            "</nav>",
        )
        tree.add(
            page.url,
            front,
            f"{h1(page.meta.title)}\n\n{body_links(site, page.path, page.url)}{page.body}\n\n"
            f"{actions if edit else ''}",
            page.path,
        )
    render_history_pages(tree, site, history)
    _render_feeds_page(tree, site, feeds)
    render_map(tree, site, edges(site))
    render_data_page(tree, site, history)
    _render_search_page(tree)
    return tree


def _render_search_page(tree: DocsTree) -> None:
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


def render_records(
    tree: DocsTree,
    site: Site,
    history: History,
    feeds: list[Feed],
    records: Iterable[Record],
    graph: list[Edge] | None = None,
) -> None:
    """Write each record's pages: its page, its history and its past versions."""
    graph = edges(site) if graph is None else graph
    for record in records:
        _render_record(tree, site, record, history, feeds, graph)
        for translation in site.translations.get(record.id, ()):
            _render_record(tree, site, record, history, feeds, graph, translation)
        render_record_history(tree, site, history, record.id)


def render_record_page(
    site: Site, history: History, feeds: list[Feed], record: Record, engine_urls: frozenset[str]
) -> ShellPage:
    """Return one record's page as render_site would, to pour on its own (for the preview)."""
    tree = _tree(site, feeds, engine_urls)
    _render_record(tree, site, record, history, feeds, edges(site))
    return tree.shells[0]


def _lang(site: Site) -> str:
    """Return the language of the site's pages."""
    return site.config.openrecord.lang


def _tree(site: Site, feeds: list[Feed], engine_urls: frozenset[str] | None) -> DocsTree:
    """Return an empty docs tree whose pages announce their feeds."""
    return DocsTree(
        announce=lambda url, record: _feed_meta(site, feeds_for_page(feeds, url, record)),
        engine_urls=engine_urls,
        languages=site.config.openrecord.translations,
    )


def _feed_meta(site: Site, feeds: list[Feed]) -> list[dict[str, str]]:
    """Return the <link rel="alternate"> entries a page's head carries for its feeds."""
    return [
        {
            "title": e(f"{feed.title} ({label})"),
            "type": _MIME[name],
            "href": e(site.config.absolute(feed.url + name)),
        }
        for feed in feeds
        for name, label in FORMATS
    ]


def _follow_box(site: Site, feeds: list[Feed], url: str, what: str, words: Catalog = SOURCE) -> str:
    """Return the "Follow" box: feed links and one line on what a feed is."""
    if not feeds:
        return ""
    rows = []
    for feed in feeds:
        formats = " · ".join(link(relative(url, feed.url + name), label) for name, label in FORMATS)
        rows.append(f"{e(_capitalised(feed.title.split(': ', 1)[-1]))}: {formats}")
    return block(
        '<aside class="or-follow" aria-labelledby="follow">',
        f'<h2 id="follow">{words.h("follow", what=what)}</h2>',
        f"<p>{words.h('follow.lead')} {link(relative(url, 'feeds/'), words.t('follow.how'))}.</p>",
        bullet_list(rows),
        "</aside>",
    )


def counted(count: int, noun: str) -> str:
    """Return a count with its noun, singular or plural: '1 recent item', '2 recent items'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _capitalised(text: str) -> str:
    """Return text with its first letter in capitals: decisions -> Decisions."""
    return text[:1].upper() + text[1:]


def _render_feeds_page(tree: DocsTree, site: Site, feeds: list[Feed]) -> None:
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
            f"{e(_capitalised(feed.title.split(': ', 1)[-1]))} "
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


def sort_date(record: Record, history: History) -> datetime.date:
    """Return the date a record sorts by: its own date, else its first commit, else the epoch."""
    if record.meta.date is not None:
        return record.meta.date
    revisions = history.of(record.id)
    if revisions:
        return revisions[0].date.date()
    return datetime.date(1970, 1, 1)


def _latest_changed_first(records: Iterable[Record], history: History) -> list[Record]:
    """Return records by their latest published change, newest first, ties broken by id.

    A record not yet committed (a preview) counts as changed now.
    """

    def changed(record: Record) -> datetime.datetime:
        revisions = history.of(record.id)
        return (
            revisions[-1].date if revisions else datetime.datetime.max.replace(tzinfo=datetime.UTC)
        )

    by_id = sorted(records, key=lambda record: record.id)
    return sorted(by_id, key=changed, reverse=True)


def _newest_first(records: Iterable[Record], history: History) -> list[Record]:
    """Return records newest first, ties broken by id."""
    by_id = sorted(records, key=lambda record: record.id)
    return sorted(by_id, key=lambda record: sort_date(record, history), reverse=True)


@dataclass(frozen=True)
class _Language:
    """The language a page is in: its tag ('' for the source language) and its strings."""

    site: Site
    lang: str = ""

    @property
    def words(self) -> Catalog:
        """Return the page's catalog."""
        return catalog(self.lang or self.site.config.openrecord.lang)

    def prefix(self, url: str) -> str:
        """Return a source-language address as this language's ('decisions/' -> 'gd/...')."""
        return f"{self.lang}/{url}" if self.lang else url


def _record_item(
    record: Record,
    from_url: str,
    today: datetime.date,
    typed: bool = False,
    language: _Language | None = None,
) -> str:
    """Return one record as a list entry: title link, status, date, progress and summary.

    Typed, for lists that mix types (home, topics), it starts with the record's type. In a
    language other than the source, the entry is the record's translation when it has one,
    else the record itself, marked "not yet translated".
    """
    words = language.words if language else SOURCE
    translation = (
        language.site.translation(record.id, language.lang) if language and language.lang else None
    )
    url, title, summary, untranslated = record.url, record.meta.title, record.meta.summary, ""
    if translation is not None:
        url, title, summary = translation.url, translation.title, translation.summary
    elif language and language.lang:
        source = language.site.config.openrecord.lang
        untranslated = f' <span class="or-untranslated">({words.h("translation.not-yet")})</span>'
        title_link = link(relative(from_url, url), title, "or-item__title", lang=source)
        summary_html = f'<span class="or-item__summary" lang="{e(source)}">{e(summary)}</span>'
    if not untranslated:
        title_link = link(relative(from_url, url), title, "or-item__title")
        summary_html = f'<span class="or-item__summary">{e(summary)}</span>'
    date = time_tag(record.meta.date, words) if record.meta.date else ""
    date = date or words.h("date.not-recorded")
    progress = _progress(record, today, words)
    kind_name = words.h(f"type.{record.type.name}")
    kind = f'<span class="or-type">{kind_name}</span> ' if typed else ""
    return (
        f"{kind}{title_link}{untranslated} "
        f'{status_badge(record.status, words)} <span class="or-item__date">{date}</span>'
        + (f' <span class="or-item__progress">{progress}</span>' if progress else "")
        + f"<br>{summary_html}"
    )


def _progress(record: Record, today: datetime.date, words: Catalog = SOURCE) -> str:
    """Return an intention's progress and review date, flagging a review that is overdue."""
    progress = getattr(record.meta, "progress", None)
    review = getattr(record.meta, "review_date", None)
    parts = []
    if record.type.name == "intention" and progress:
        parts.append(e(words.t("progress", progress=words.t(f"progress.{progress}"))))
    if record.type.name == "intention" and review:
        parts.append(words.h("review", date="\0").replace("\0", time_tag(review, words)))
        if _overdue(record, today):
            parts.append(f'<strong class="or-overdue">{words.h("review.overdue")}</strong>')
    return " · ".join(parts)


def _overdue(record: Record, today: datetime.date) -> bool:
    """Tell whether an intention's review date has passed while it is still being pursued."""
    review = getattr(record.meta, "review_date", None)
    return (
        record.type.name == "intention"
        and review is not None
        and review < today
        and record.status not in ("achieved", "retired")
    )


def _record_list(
    records: Sequence[Record],
    from_url: str,
    today: datetime.date,
    typed: bool = False,
    language: _Language | None = None,
) -> str:
    """Return a list of records, or a sentence saying there are none (typed: see _record_item)."""
    if not records:
        return f"<p>{(language.words if language else SOURCE).h('list.none')}</p>"
    items = (_record_item(record, from_url, today, typed, language) for record in records)
    return bullet_list(items, "or-list")


def _render_home(tree: DocsTree, site: Site, ordered: Sequence[Record], lang: str = "") -> None:
    """Write the home page: what the site is, the latest records, how to follow and contribute.

    In another language (lang), the home page of that language: its records, and the
    record in the source language where there is no translation yet.
    """
    if lang:
        _render_language_home(tree, site, ordered, _Language(site, lang))
        return
    config = site.config
    sections = [
        index_switcher(site, "", "", ""),
        h1(config.site_name),
        f'<p class="or-lead">{e(config.site_description)}</p>' if config.site_description else "",
        f'<h2 id="latest">{SOURCE.h("home.latest")}</h2>',
        _record_list(ordered[:10], "", site.build_date, typed=True),
        f'<h2 id="browse">{SOURCE.h("home.browse")}</h2>',
        bullet_list(
            [
                *(
                    f"{link(relative('', t.folder + '/'), SOURCE.t(f'types.{t.name}'))} "
                    f"({sum(1 for r in site.records if r.type is t)})"
                    for t in RECORD_TYPES
                ),
                link("topics/", SOURCE.t("home.topics")),
                link("map/", SOURCE.t("home.map")),
                link("changes/", SOURCE.t("home.changes")),
            ]
        ),
    ]
    proposals = [_propose_new(site, record_type) for record_type in RECORD_TYPES]
    if any(proposals):
        sections += [
            f'<h2 id="propose">{SOURCE.h("home.propose")}</h2>',
            f'<nav class="or-actions" aria-label="{e(SOURCE.t("home.propose"))}">'
            + "".join(proposals)
            + "</nav>",
        ]
    if any(page.slug == "how-to-contribute" for page in site.pages):
        sections += [
            f'<h2 id="contribute">{SOURCE.h("home.contribute")}</h2>',
            f"<p>{SOURCE.h('home.contribute.lead')} "
            f"{link('how-to-contribute/', SOURCE.t('home.contribute.read'))}.</p>",
        ]
    front: dict[str, object] = {"title": e(config.site_name), "hide": ["toc"]}
    if index_alternates(site, ""):
        front["alternates"] = index_alternates(site, "")
    tree.add("", front, block(*sections), "home page", html=True)


def _render_language_home(
    tree: DocsTree, site: Site, ordered: Sequence[Record], language: _Language
) -> None:
    """Write the home page of one of the site's other languages."""
    words, url = language.words, language.prefix("")
    source = words.language(site.config.openrecord.lang)
    sections = [
        index_switcher(site, language.lang, url, ""),
        h1(site.config.site_name),
        _unchecked_note(language),
        f'<h2 id="latest">{words.h("home.latest")}</h2>',
        _record_list(ordered[:10], url, site.build_date, typed=True, language=language),
        f'<h2 id="browse">{words.h("home.browse")}</h2>',
        bullet_list(
            [
                *(
                    link(relative(url, language.prefix(f"{t.folder}/")), words.t(f"types.{t.name}"))
                    + f" ({sum(1 for r in site.records if r.type is t)})"
                    for t in RECORD_TYPES
                ),
                link(relative(url, ""), words.t("home.in-source", language=source)),
            ]
        ),
    ]
    front = {
        "title": e(site.config.site_name),
        "lang": language.lang,
        "alternates": index_alternates(site, ""),
        "pagefind": page_marks(site.config.site_name, "list", language.lang),
    }
    tree.add(url, front, block(*sections), f"home page in {language.lang}", html=True)


def _unchecked_note(language: _Language) -> str:
    """Return the note that a language's interface text is not yet checked ('' when it is)."""
    words = language.words
    if not words.unchecked:
        return ""
    note = words.h("translation.unchecked", language=words.language(language.lang))
    return f'<p class="or-unchecked" role="note">{note}</p>'


def _render_type_index(
    tree: DocsTree,
    site: Site,
    record_type: RecordType,
    records: Sequence[Record],
    lang: str = "",
) -> None:
    """Write a type's index, grouped by status and paginated, and one page per status.

    In another language (lang), under /<lang>/: each record's translation, else the record
    in the source language, marked "not yet translated".
    """
    language = _Language(site, lang)
    words = language.words
    plural = words.t(f"types.{record_type.name}")
    size = site.config.openrecord.page_size
    by_status: dict[str, list[Record]] = {status: [] for status in record_type.statuses}
    for record in records:
        by_status.setdefault(record.status, []).append(record)
    grouped = [record for status in record_type.statuses for record in by_status[status]]
    counts = {status: len(found) for status, found in by_status.items()}
    chunks = [grouped[i : i + size] for i in range(0, len(grouped), size)] or [[]]
    folder = language.prefix(record_type.folder)
    for number, chunk in enumerate(chunks, start=1):
        url = f"{folder}/" if number == 1 else f"{folder}/page/{number}/"
        parts = [
            index_switcher(site, lang, url, f"{record_type.folder}/") if number == 1 else "",
            h1(plural),
            _unchecked_note(language) if lang else "",
            _status_summary(record_type, counts, url, language),
        ]
        propose = _propose_new(site, record_type) if not lang else ""
        if propose:
            parts.append(f'<nav class="or-actions" aria-label="Propose">{propose}</nav>')
        for status in record_type.statuses:
            in_status = [record for record in chunk if record.status == status]
            if in_status:
                parts += [
                    f'<h2 id="{e(status)}">{e(words.t(f"status.{status}").capitalize())}</h2>',
                    _record_list(in_status, url, site.build_date, language=language),
                ]
        if not grouped:
            parts.append(f"<p>{words.h('list.none-of-type')}</p>")
        parts.append(_pager(folder, number, len(chunks), url, words))
        title = words.t("list.page", title=plural, number=number) if number > 1 else plural
        front: dict[str, object] = {"title": e(title)}
        if lang:
            front["lang"] = lang
        if number == 1:  # found by search; the further pages are reached from it
            front["pagefind"] = page_marks(title, "list", lang or _lang(site))
            if index_alternates(site, f"{record_type.folder}/"):
                front["alternates"] = index_alternates(site, f"{record_type.folder}/")
        tree.add(url, front, block(*parts), f"{folder} index", html=True)
    for status in record_type.statuses:
        url = f"{folder}/status/{status}/"
        in_status = by_status[status]
        title = f"{plural}: {words.t(f'status.{status}')}"
        status_front: dict[str, object] = {"title": e(title)}
        if lang:
            status_front["lang"] = lang
        tree.add(
            url,
            status_front,
            block(h1(title), _record_list(in_status, url, site.build_date, language=language)),
            f"{folder} status index",
            html=True,
        )


def _propose_new(site: Site, record_type: RecordType) -> str:
    """Return a "Propose a new record" button: GitHub's new-file page, prefilled."""
    text = template(record_type)
    url = site.config.new_file_url(
        f"content/{record_type.folder}", f"new-{record_type.name}.md", text
    )
    if url is None:
        return ""
    kind = SOURCE.t(f"type.{record_type.name}").lower()
    return link(url, SOURCE.t("action.propose-new", type=kind), "md-button")


def _status_summary(
    record_type: RecordType, counts: dict[str, int], url: str, language: _Language
) -> str:
    """Return a line counting records per status, each linking to its status page."""
    words = language.words
    links = [
        link(
            relative(url, language.prefix(f"{record_type.folder}/status/{status}/")),
            f"{words.t(f'status.{status}')}: {counts[status]}",
        )
        for status in record_type.statuses
    ]
    return f'<p class="or-status-summary">{" · ".join(links)}</p>'


def _pager(folder: str, number: int, total: int, url: str, words: Catalog = SOURCE) -> str:
    """Return previous/next links between index pages."""
    if total == 1:
        return ""

    def page_url(n: int) -> str:
        return f"{folder}/" if n == 1 else f"{folder}/page/{n}/"

    parts = []
    if number > 1:
        previous = words.t("pager.previous")
        parts.append(link(relative(url, page_url(number - 1)), previous, rel="prev"))
    parts.append(f"<span>{words.h('pager.of', number=number, total=total)}</span>")
    if number < total:
        parts.append(link(relative(url, page_url(number + 1)), words.t("pager.next"), rel="next"))
    return f'<nav class="or-pager" aria-label="{e(words.t("pager"))}">{" ".join(parts)}</nav>'


def _render_topics(
    tree: DocsTree, site: Site, ordered: Sequence[Record], feeds: list[Feed]
) -> None:
    """Write the topic index and one page per topic, with its records and its feeds."""
    items = []
    for topic in site.topics:
        url = f"topics/{topic.id}/"
        tagged = [record for record in ordered if topic.id in record.meta.topics]
        items.append(
            f"{link(relative('topics/', url), topic.label)} ({len(tagged)}): {e(topic.description)}"
        )
        body = block(
            h1(topic.label),
            f'<p class="or-lead">{e(topic.description)}</p>',
            _record_list(tagged, url, site.build_date, typed=True),
            _follow_box(site, feeds_for_page(feeds, url), url, f"the topic {topic.label}"),
        )
        front = {"title": e(topic.label), "description": e(topic.description)}
        front["pagefind"] = page_marks(topic.label, "topic", _lang(site))
        tree.add(
            url,
            front,
            body,
            f"content/topics.yml ({topic.id})",
            html=True,
        )
    tree.add(
        "topics/",
        {"title": "Topics"},
        block(h1("Topics"), bullet_list(items) or "<p>No topics yet.</p>"),
        "topic index",
        html=True,
    )


def _render_record(
    tree: DocsTree,
    site: Site,
    record: Record,
    history: History,
    feeds: list[Feed],
    graph: list[Edge],
    translation: Translation | None = None,
) -> None:
    """Write one record's page: header, body, and the records around it.

    Given one of its translations, write the translation's page instead: its own title,
    summary and body, the record's facts in the translation's language, and a banner when
    the record has changed since the version the translation follows.
    """
    language = _Language(site, translation.lang if translation else "")
    words = language.words
    url = translation.url if translation else record.url
    title = translation.title if translation else record.meta.title
    summary = translation.summary if translation else record.meta.summary
    if translation is None:
        versions = history_summary(site, record, history).rstrip("\n")
        banner = ""
    else:
        versions = _translation_line(site, history, translation, url)
        banner = lag_banner(site, history, translation, url)
    header = block(
        f'<div class="or-record or-record--{e(record.type.name)}">',
        switcher(site, record, translation.lang if translation else _lang(site), url),
        _print_line(site, record, history) if translation is None else "",
        banner,
        f'<p class="or-kicker"><span class="or-type">{words.h(f"type.{record.type.name}")}'
        f"</span> {status_badge(record.status, words)}</p>",
        h1(title),
        f'<p class="or-summary">{e(summary)}</p>',
        _unchecked_note(language) if translation else "",
        _facts(site, record, url, language),
        versions,
        _actions(site, record, history, language, translation),
        "</div>",
    )
    themes = getattr(record.meta, "themes", [])
    source = f' lang="{e(_lang(site))}"' if translation else ""
    themes_html = (
        block(
            f'<h2 id="themes">{words.h("themes")}</h2>',
            f"<div{source}>{bullet_list(e(theme) for theme in themes)}</div>"
            if translation
            else bullet_list(e(theme) for theme in themes),
        )
        if themes
        else ""
    )
    related = _relations(site, record, url, language)
    what = words.t(f"this.{record.type.name}")
    follow = _follow_box(site, feeds_for_page(feeds, url, record), url, what, words)
    front: dict[str, object] = {"title": e(title), "description": e(summary)}
    if translation is None:
        front["pagefind"] = record_marks(site, record)
    else:
        front["lang"] = translation.lang
        front["pagefind"] = record_marks(site, record, translation)
    if alternates(site, record):
        front["alternates"] = alternates(site, record)
    # The drawing of how records connect is in the source language: its list is on the
    # record's own page, and "Related records" lists the same records on a translation's.
    provenance = provenance_section(site, record, graph) if translation is None else ""
    before = raw_html(header + themes_html)
    after = raw_html(f"{provenance}\n{related}\n{follow}")
    own = translation if translation is not None else record
    text = without_title(own.body.strip(), title)  # the header shows it
    body = f"{before}\n{body_links(site, own.path, url)}{text}\n\n{after}"
    tree.add(url, front, body, own.path, record)


def _translation_line(site: Site, history: History, translation: Translation, url: str) -> str:
    """Return the line of a translation's header: the record's version it follows."""
    words = catalog(translation.lang)
    lag = lag_of(history, translation)
    language = words.language(site.config.openrecord.lang)
    record_url = f"{translation.record_id}/"
    read = link(relative(url, record_url), words.t("translation.read-source", language=language))
    if lag.followed is None:
        return f'<p class="or-versions">{read}</p>'
    version = link(
        relative(url, f"{translation.record_id}/v{lag.followed.number}/"),
        words.t("translation.follows", followed=lag.followed.number, language=language),
    )
    return f'<p class="or-versions">{version} · {read}</p>'


def _print_line(site: Site, record: Record, history: History) -> str:
    """Return the print-only line of a record: its address and which version this is."""
    revisions = history.of(record.id)
    if revisions:
        count = len(revisions)
        version = f"Version {count} of {count}, {format_date(revisions[-1].date)}"
    elif history.available:
        version = "Not yet published"
    else:
        version = "Version history not available"
    if record.id in history.dirty:
        version += ", with unpublished changes"
    return print_reference(page_address(site, record.url), version)


def _facts(site: Site, record: Record, url: str, language: _Language) -> str:
    """Return the record's facts as a description list: date, people, topics.

    On a translation's page the labels are in its language; values written in words (names,
    places) are the record's, marked as in the source language.
    """
    meta = record.meta
    words = language.words
    source = f' lang="{e(_lang(site))}"' if language.lang else ""
    date = time_tag(meta.date, words) if meta.date else words.h("date.not-recorded")
    rows = [(words.h(f"date.{record.type.name}"), date, "")]
    for name in _FACT_FIELDS[record.type.name]:
        value = getattr(meta, name)
        if value in (None, [], ""):
            continue
        marked = ""
        if isinstance(value, list):
            shown, marked = ", ".join(e(item) for item in value), source
        elif isinstance(value, datetime.date):
            shown = time_tag(value, words)
            if name == "review_date" and _overdue(record, site.build_date):
                shown += f' <strong class="or-overdue">{words.h("review.overdue")}</strong>'
        elif name == "progress":
            shown = words.h(f"progress.{value}")
        elif name == "participants" and getattr(meta, "participants_approximate", False):
            shown = words.h("participants.about", count=value)
        elif name == "participants":
            shown = e(value)
        else:
            shown, marked = e(value), source
        rows.append((words.h(f"field.{name}"), shown, marked))
    if meta.topics:
        labels = {topic.id: topic.label for topic in site.topics}
        rows.append(
            (
                words.h("field.topics"),
                ", ".join(
                    link(relative(url, f"topics/{topic}/"), labels.get(topic, topic))
                    for topic in meta.topics
                ),
                source,
            )
        )
    cells = "".join(f"<dt>{e(label)}</dt><dd{marked}>{value}</dd>" for label, value, marked in rows)
    return f'<dl class="or-facts">{cells}</dl>'


def _actions(
    site: Site,
    record: Record,
    history: History,
    language: _Language,
    translation: Translation | None = None,
) -> str:
    """Return the buttons under a record's header.

    A record's page offers a translation into each of the site's languages it lacks.
    """
    words = language.words
    edit = site.config.edit_url(translation.path if translation else record.path)
    buttons = [link(edit, words.t("action.propose-change"), "md-button") if edit else ""]
    if history.of(record.id):
        where = (
            "history/"
            if translation is None
            else relative(translation.url, f"{record.id}/history/")
        )
        buttons.append(link(where, words.t("action.view-history"), "md-button"))
    if translation is None:
        buttons += [
            propose_translation(site, record, lang, words)
            for lang in missing_languages(site, record)
        ]
    label = e(words.t("actions.record"))
    return f'<nav class="or-actions" aria-label="{label}">{"".join(buttons)}</nav>'


def _relations(site: Site, record: Record, url: str, language: _Language) -> str:
    """Return the records this one refers to and those that refer to it, by relation."""
    words = language.words
    groups: dict[str, list[str]] = {}
    for ref in site.links.outgoing.get(record.id, ()):
        groups.setdefault(_RELATION_LABELS[ref.field][0], []).append(ref.target)
    for ref in site.links.incoming.get(record.id, ()):
        groups.setdefault(_RELATION_LABELS[ref.field][1], []).append(ref.source)
    if not groups:
        return ""
    parts = [
        '<section class="or-related" aria-labelledby="related">',
        f'<h2 id="related">{words.h("related")}</h2>',
    ]
    for label, ids in groups.items():
        unique = sorted(set(ids), key=ids.index)
        items = (
            _record_item(site.by_id[other], url, site.build_date, language=language)
            for other in unique
        )
        parts += [f"<h3>{words.h(label)}</h3>", bullet_list(items, "or-list")]
    parts.append("</section>")
    return block(*parts)
