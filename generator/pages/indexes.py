"""The pages that list records: the home page, each type's index and the topics.

Also the parts a record's page shares with them: a record's line in a list, its progress,
the "Follow" box of feeds.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from generator.content.model import Record, Site
from generator.content.scaffold import template
from generator.content.schema import RECORD_TYPES, RecordType
from generator.fragments import (
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
from generator.pages.tree import DocsTree

#: The Open Government Partnership's completion scale, as readers see it.
PROGRESS_LABELS = {
    "not-started": "not started",
    "limited": "limited",
    "substantial": "substantial",
    "complete": "complete",
}


def follow_box(site: Site, feeds: list[Feed], url: str, what: str) -> str:
    """Return the "Follow" box: feed links and one line on what a feed is."""
    if not feeds:
        return ""
    rows = []
    for feed in feeds:
        formats = " · ".join(link(relative(url, feed.url + name), label) for name, label in FORMATS)
        rows.append(f"{e(capitalised(feed.title.split(': ', 1)[-1]))}: {formats}")
    return block(
        '<aside class="or-follow" aria-labelledby="follow">',
        f'<h2 id="follow">Follow {e(what)}</h2>',
        "<p>A feed tells your feed reader (or email service) each time this changes, so you "
        "do not have to check. "
        f"{link(relative(url, 'feeds/'), 'What feeds are and how to use them')}.</p>",
        bullet_list(rows),
        "</aside>",
    )


def counted(count: int, noun: str) -> str:
    """Return a count with its noun, singular or plural: '1 recent item', '2 recent items'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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


def record_item(record: Record, from_url: str, today: datetime.date, typed: bool = False) -> str:
    """Return one record as a list entry: title link, status, date, progress and summary.

    Typed, for lists that mix types (home, topics), it starts with the record's type.
    """
    date = time_tag(record.meta.date) if record.meta.date else "date not recorded"
    progress = progress_of(record, today)
    kind = f'<span class="or-type">{e(record.type.label)}</span> ' if typed else ""
    return (
        f"{kind}{link(relative(from_url, record.url), record.meta.title, 'or-item__title')} "
        f'{status_badge(record.status)} <span class="or-item__date">{date}</span>'
        + (f' <span class="or-item__progress">{progress}</span>' if progress else "")
        + f'<br><span class="or-item__summary">{e(record.meta.summary)}</span>'
    )


def progress_of(record: Record, today: datetime.date) -> str:
    """Return an intention's progress and review date, flagging a review that is overdue."""
    progress = getattr(record.meta, "progress", None)
    review = getattr(record.meta, "review_date", None)
    parts = []
    if record.type.name == "intention" and progress:
        parts.append(f"Progress: {e(PROGRESS_LABELS[progress])}")
    if record.type.name == "intention" and review:
        parts.append(f"review {time_tag(review)}")
        if review < today and record.status not in ("achieved", "retired"):
            parts.append('<strong class="or-overdue">review overdue</strong>')
    return " · ".join(parts)


def record_list(
    records: Sequence[Record], from_url: str, today: datetime.date, typed: bool = False
) -> str:
    """Return a list of records, or a sentence saying there are none (typed: see record_item)."""
    if not records:
        return "<p>None yet.</p>"
    items = (record_item(record, from_url, today, typed) for record in records)
    return bullet_list(items, "or-list")


def render_home(tree: DocsTree, site: Site, ordered: Sequence[Record]) -> None:
    """Write the home page: what the site is, the latest records, how to follow and contribute."""
    config = site.config
    sections = [
        h1(config.site_name),
        f'<p class="or-lead">{e(config.site_description)}</p>' if config.site_description else "",
        '<h2 id="latest">Latest records</h2>',
        record_list(ordered[:10], "", site.build_date, typed=True),
        '<h2 id="browse">Browse</h2>',
        bullet_list(
            [
                *(
                    f"{link(relative('', t.folder + '/'), t.plural_label)} "
                    f"({sum(1 for r in site.records if r.type is t)})"
                    for t in RECORD_TYPES
                ),
                link("topics/", "Topics"),
                link("map/", "Map of how records connect"),
                link("changes/", "All changes"),
            ]
        ),
    ]
    proposals = [_propose_new(site, record_type) for record_type in RECORD_TYPES]
    if any(proposals):
        sections += [
            '<h2 id="propose">Propose a new record</h2>',
            '<nav class="or-actions" aria-label="Propose a new record">'
            + "".join(proposals)
            + "</nav>",
        ]
    if any(page.slug == "how-to-contribute" for page in site.pages):
        sections += [
            '<h2 id="contribute">Contribute</h2>',
            "<p>Anyone can propose a new record or a change to one. "
            f"{link('how-to-contribute/', 'Read how to contribute')}.</p>",
        ]
    tree.add(
        "",
        {"title": e(config.site_name), "hide": ["toc"]},
        block(*sections),
        "home page",
        html=True,
    )


def render_type_index(
    tree: DocsTree, site: Site, record_type: RecordType, records: Sequence[Record]
) -> None:
    """Write a type's index, grouped by status and paginated, and one page per status."""
    size = site.config.openrecord.page_size
    by_status: dict[str, list[Record]] = {status: [] for status in record_type.statuses}
    for record in records:
        by_status.setdefault(record.status, []).append(record)
    grouped = [record for status in record_type.statuses for record in by_status[status]]
    counts = {status: len(found) for status, found in by_status.items()}
    chunks = [grouped[i : i + size] for i in range(0, len(grouped), size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        url = f"{record_type.folder}/" if number == 1 else f"{record_type.folder}/page/{number}/"
        parts = [h1(record_type.plural_label), _status_summary(record_type, counts, url)]
        propose = _propose_new(site, record_type)
        if propose:
            parts.append(f'<nav class="or-actions" aria-label="Propose">{propose}</nav>')
        for status in record_type.statuses:
            in_status = [record for record in chunk if record.status == status]
            if in_status:
                parts += [
                    f'<h2 id="{e(status)}">{e(status.capitalize())}</h2>',
                    record_list(in_status, url, site.build_date),
                ]
        if not grouped:
            parts.append("<p>No records of this type yet.</p>")
        parts.append(_pager(record_type.folder, number, len(chunks), url))
        title = record_type.plural_label + (f" (page {number})" if number > 1 else "")
        front = {"title": e(title)}
        if number == 1:  # found by search; the further pages are reached from it
            front["pagefind"] = page_marks(title, "list", site_lang(site))
        tree.add(url, front, block(*parts), f"{record_type.folder} index", html=True)
    for status in record_type.statuses:
        url = f"{record_type.folder}/status/{status}/"
        in_status = by_status[status]
        title = f"{record_type.plural_label}: {status}"
        tree.add(
            url,
            {"title": e(title)},
            block(h1(title), record_list(in_status, url, site.build_date)),
            f"{record_type.folder} status index",
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
    return link(url, f"Propose a new {record_type.label.lower()}", "md-button")


def _status_summary(record_type: RecordType, counts: dict[str, int], url: str) -> str:
    """Return a line counting records per status, each linking to its status page."""
    links = [
        link(relative(url, f"{record_type.folder}/status/{status}/"), f"{status}: {counts[status]}")
        for status in record_type.statuses
    ]
    return f'<p class="or-status-summary">{" · ".join(links)}</p>'


def _pager(folder: str, number: int, total: int, url: str) -> str:
    """Return previous/next links between index pages."""
    if total == 1:
        return ""

    def page_url(n: int) -> str:
        return f"{folder}/" if n == 1 else f"{folder}/page/{n}/"

    parts = []
    if number > 1:
        parts.append(link(relative(url, page_url(number - 1)), "Previous page", rel="prev"))
    parts.append(f"<span>Page {number} of {total}</span>")
    if number < total:
        parts.append(link(relative(url, page_url(number + 1)), "Next page", rel="next"))
    return f'<nav class="or-pager" aria-label="Pages">{" ".join(parts)}</nav>'


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
            follow_box(site, feeds_for_page(feeds, url), url, f"the topic {topic.label}"),
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
        {"title": "Topics"},
        block(h1("Topics"), bullet_list(items) or "<p>No topics yet.</p>"),
        "topic index",
        html=True,
    )


def site_lang(site: Site) -> str:
    """Return the language of the site's pages."""
    return site.config.openrecord.lang
