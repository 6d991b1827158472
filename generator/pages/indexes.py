"""The pages that list records: the home page, each type's index and the topics.

Also the parts a record's page shares with them: a record's line in a list, its progress,
the "Follow" box of feeds, and the language a page is in. Every list is written in each of
the site's languages (/gd/decisions/): a record not yet translated is listed in its source
language, saying so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.catalog import Catalog, catalog
from generator.content.model import Record, Site
from generator.content.scaffold import template
from generator.content.schema import RECORD_TYPES, RecordType
from generator.fragments import (
    SOURCE,
    block,
    bullet_list,
    e,
    h1,
    link,
    relative,
    status_badge,
    time_tag,
)
from generator.history.history import History
from generator.outputs.feeds import FORMATS, Feed, feeds_for_page
from generator.outputs.search import page_marks
from generator.pages.languages import index_alternates, index_switcher
from generator.pages.tree import DocsTree


@dataclass(frozen=True)
class Language:
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


def follow_box(site: Site, feeds: list[Feed], url: str, what: str, words: Catalog = SOURCE) -> str:
    """Return the "Follow" box: feed links and one line on what a feed is."""
    if not feeds:
        return ""
    rows = []
    for feed in feeds:
        formats = " · ".join(link(relative(url, feed.url + name), label) for name, label in FORMATS)
        rows.append(f"{e(capitalised(feed.title.split(': ', 1)[-1]))}: {formats}")
    return block(
        '<aside class="or-follow" aria-labelledby="follow">',
        f'<h2 id="follow">{words.h("follow", what=what)}</h2>',
        f"<p>{words.h('follow.lead')} {link(relative(url, 'feeds/'), words.t('follow.how'))}.</p>",
        bullet_list(rows),
        "</aside>",
    )


def capitalised(text: str) -> str:
    """Return text with its first letter in capitals: decisions -> Decisions."""
    return text[:1].upper() + text[1:]


def sort_date(record: Record, history: History) -> datetime.date:
    """Return the date a record sorts by: its own date, else its first commit, else the epoch."""
    if record.meta.date is not None:
        return record.meta.date
    revisions = history.of(record.id)
    if revisions:
        return revisions[0].date.date()
    return datetime.date(1970, 1, 1)


def latest_changed_first(records: Iterable[Record], history: History) -> list[Record]:
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


def newest_first(records: Iterable[Record], history: History) -> list[Record]:
    """Return records newest first, ties broken by id."""
    by_id = sorted(records, key=lambda record: record.id)
    return sorted(by_id, key=lambda record: sort_date(record, history), reverse=True)


def record_item(
    record: Record,
    from_url: str,
    today: datetime.date,
    typed: bool = False,
    language: Language | None = None,
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
    progress = progress_of(record, today, words)
    kind_name = words.h(f"type.{record.type.name}")
    kind = f'<span class="or-type">{kind_name}</span> ' if typed else ""
    return (
        f"{kind}{title_link}{untranslated} "
        f'{status_badge(record.status, words)} <span class="or-item__date">{date}</span>'
        + (f' <span class="or-item__progress">{progress}</span>' if progress else "")
        + f"<br>{summary_html}"
    )


def progress_of(record: Record, today: datetime.date, words: Catalog = SOURCE) -> str:
    """Return an intention's progress and review date, flagging a review that is overdue."""
    progress = getattr(record.meta, "progress", None)
    review = getattr(record.meta, "review_date", None)
    parts = []
    if record.type.name == "intention" and progress:
        parts.append(e(words.t("progress", progress=words.t(f"progress.{progress}"))))
    if record.type.name == "intention" and review:
        parts.append(words.h("review", date="\0").replace("\0", time_tag(review, words)))
        if overdue(record, today):
            parts.append(f'<strong class="or-overdue">{words.h("review.overdue")}</strong>')
    return " · ".join(parts)


def overdue(record: Record, today: datetime.date) -> bool:
    """Tell whether an intention's review date has passed while it is still being pursued."""
    review = getattr(record.meta, "review_date", None)
    return (
        record.type.name == "intention"
        and review is not None
        and review < today
        and record.status not in ("achieved", "retired")
    )


def record_list(
    records: Sequence[Record],
    from_url: str,
    today: datetime.date,
    typed: bool = False,
    language: Language | None = None,
) -> str:
    """Return a list of records, or a sentence saying there are none (typed: see record_item)."""
    if not records:
        return f"<p>{(language.words if language else SOURCE).h('list.none')}</p>"
    items = (record_item(record, from_url, today, typed, language) for record in records)
    return bullet_list(items, "or-list")


def render_home(tree: DocsTree, site: Site, ordered: Sequence[Record], lang: str = "") -> None:
    """Write the home page: what the site is, the latest records, how to follow and contribute.

    In another language (lang), the home page of that language: its records, and the
    record in the source language where there is no translation yet.
    """
    if lang:
        _render_language_home(tree, site, ordered, Language(site, lang))
        return
    config = site.config
    sections = [
        index_switcher(site, "", "", ""),
        h1(config.site_name),
        f'<p class="or-lead">{e(config.site_description)}</p>' if config.site_description else "",
        f'<h2 id="latest">{SOURCE.h("home.latest")}</h2>',
        record_list(ordered[:10], "", site.build_date, typed=True),
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
    tree: DocsTree, site: Site, ordered: Sequence[Record], language: Language
) -> None:
    """Write the home page of one of the site's other languages."""
    words, url = language.words, language.prefix("")
    source = words.language(site.config.openrecord.lang)
    sections = [
        index_switcher(site, language.lang, url, ""),
        h1(site.config.site_name),
        unchecked_note(language),
        f'<h2 id="latest">{words.h("home.latest")}</h2>',
        record_list(ordered[:10], url, site.build_date, typed=True, language=language),
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


def unchecked_note(language: Language) -> str:
    """Return the note that a language's interface text is not yet checked ('' when it is)."""
    words = language.words
    if not words.unchecked:
        return ""
    note = words.h("translation.unchecked", language=words.language(language.lang))
    return f'<p class="or-unchecked" role="note">{note}</p>'


def render_type_index(
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
    language = Language(site, lang)
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
            unchecked_note(language) if lang else "",
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
                    record_list(in_status, url, site.build_date, language=language),
                ]
        if not grouped:
            parts.append(f"<p>{words.h('list.none-of-type')}</p>")
        parts.append(_pager(folder, number, len(chunks), url, words))
        title = words.t("list.page", title=plural, number=number) if number > 1 else plural
        front: dict[str, object] = {"title": e(title)}
        if lang:
            front["lang"] = lang
        if number == 1:  # found by search; the further pages are reached from it
            front["pagefind"] = page_marks(title, "list", lang or site_lang(site))
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
            block(h1(title), record_list(in_status, url, site.build_date, language=language)),
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
    record_type: RecordType, counts: dict[str, int], url: str, language: Language
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


def render_topics(tree: DocsTree, site: Site, ordered: Sequence[Record], feeds: list[Feed]) -> None:
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
            record_list(tagged, url, site.build_date, typed=True),
            follow_box(
                site, feeds_for_page(feeds, url), url, SOURCE.t("topics.follow", topic=topic.label)
            ),
        )
        front = {"title": e(topic.label), "description": e(topic.description)}
        front["pagefind"] = page_marks(topic.label, "topic", site_lang(site))
        tree.add(
            url,
            front,
            body,
            f"content/topics.yml ({topic.id})",
            html=True,
        )
    tree.add(
        "topics/",
        {"title": SOURCE.t("topics")},
        block(h1(SOURCE.t("topics")), bullet_list(items) or f"<p>{SOURCE.h('topics.none')}</p>"),
        "topic index",
        html=True,
    )


def site_lang(site: Site) -> str:
    """Return the language of the site's pages."""
    return site.config.openrecord.lang
