"""Stage 5, render: write the complete docs tree the engine turns into HTML.

Every page is a Markdown file with front matter for the theme. Structure is
raw HTML written through ``generator.fragments`` (values escaped); record
bodies stay Markdown, already checked by the validator and sanitised again
after rendering. Two sources that would publish at one address are refused.
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
    format_date,
    h1,
    label_of,
    link,
    print_reference,
    relative,
    status_badge,
    time_tag,
)
from generator.history.history import History
from generator.markdown.convert import without_title
from generator.markdown.sanitize import raw_html
from generator.outputs.data import render_data_page
from generator.outputs.feeds import FORMATS, Feed, feeds_for_page, plan_feeds
from generator.outputs.search import page_marks, record_marks
from generator.pages.map import render_map
from generator.pages.provenance import Edge, edges, provenance_section
from generator.pages.render_history import (
    body_links,
    history_summary,
    page_address,
    render_history_pages,
    render_record_history,
    render_withdrawn_pages,
)
from generator.pages.shells import ShellPage
from generator.pages.tree import DocsTree

#: Fields shown in the record header, in order, per type (references are shown apart).
_FACT_FIELDS = {
    "workshop": ("organisers", "participants", "location", "format", "facilitators"),
    "intention": ("owner", "progress", "review_date"),
    "decision": ("decided_by", "consulted", "informed", "review_date"),
}
#: The Open Government Partnership's completion scale, as readers see it.
PROGRESS_LABELS = {
    "not-started": "not started",
    "limited": "limited",
    "substantial": "substantial",
    "complete": "complete",
}
#: What a record's own date is, by type: the facts say so, apart from the status timeline.
DATE_LABELS = {"workshop": "Held on", "intention": "Agreed on", "decision": "Decided on"}
#: How a reference reads from each end: (field) -> (label at the source, label at the target).
_RELATION_LABELS = {
    "produced": ("Intentions it produced", "Came from workshop"),
    "from": ("Came from workshop", "Intentions it produced"),
    "serves": ("Intentions it serves", "Decisions that serve it"),
    "evidence": ("Evidence from workshop", "Decisions drawing on it"),
    "supersedes": ("Supersedes", "Superseded by"),
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
    _render_home(tree, site, _latest_changed_first(site.records, history))
    for record_type in RECORD_TYPES:
        records = [record for record in ordered if record.type is record_type]
        _render_type_index(tree, site, record_type, records)
    _render_topics(tree, site, ordered, feeds)
    for page in site.pages:
        front = {"title": e(page.meta.title)}
        front["pagefind"] = page_marks(page.meta.title, "page", page.meta.lang or _lang(site))
        if page.meta.summary:
            front["description"] = e(page.meta.summary)
        edit = site.config.edit_url(page.path)
        actions = block(
            '<nav class="or-actions" aria-label="Page actions">',
            link(edit, "Propose a change", "md-button") if edit else "",
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


def _follow_box(site: Site, feeds: list[Feed], url: str, what: str) -> str:
    """Return the "Follow" box: feed links and one line on what a feed is."""
    if not feeds:
        return ""
    rows = []
    for feed in feeds:
        formats = " · ".join(link(relative(url, feed.url + name), label) for name, label in FORMATS)
        rows.append(f"{e(_capitalised(feed.title.split(': ', 1)[-1]))}: {formats}")
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
    }
    for feed in feeds:
        kind = feed.scope.split("/")[0]
        group = {
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


def _record_item(record: Record, from_url: str, today: datetime.date, typed: bool = False) -> str:
    """Return one record as a list entry: title link, status, date, progress and summary.

    Typed, for lists that mix types (home, topics), it starts with the record's type.
    """
    date = time_tag(record.meta.date) if record.meta.date else "date not recorded"
    progress = _progress(record, today)
    kind = f'<span class="or-type">{e(record.type.label)}</span> ' if typed else ""
    return (
        f"{kind}{link(relative(from_url, record.url), record.meta.title, 'or-item__title')} "
        f'{status_badge(record.status)} <span class="or-item__date">{date}</span>'
        + (f' <span class="or-item__progress">{progress}</span>' if progress else "")
        + f'<br><span class="or-item__summary">{e(record.meta.summary)}</span>'
    )


def _progress(record: Record, today: datetime.date) -> str:
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


def _record_list(
    records: Sequence[Record], from_url: str, today: datetime.date, typed: bool = False
) -> str:
    """Return a list of records, or a sentence saying there are none (typed: see _record_item)."""
    if not records:
        return "<p>None yet.</p>"
    items = (_record_item(record, from_url, today, typed) for record in records)
    return bullet_list(items, "or-list")


def _render_home(tree: DocsTree, site: Site, ordered: Sequence[Record]) -> None:
    """Write the home page: what the site is, the latest records, how to follow and contribute."""
    config = site.config
    sections = [
        h1(config.site_name),
        f'<p class="or-lead">{e(config.site_description)}</p>' if config.site_description else "",
        '<h2 id="latest">Latest records</h2>',
        _record_list(ordered[:10], "", site.build_date, typed=True),
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


def _render_type_index(
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
                    _record_list(in_status, url, site.build_date),
                ]
        if not grouped:
            parts.append("<p>No records of this type yet.</p>")
        parts.append(_pager(record_type.folder, number, len(chunks), url))
        title = record_type.plural_label + (f" (page {number})" if number > 1 else "")
        front = {"title": e(title)}
        if number == 1:  # found by search; the further pages are reached from it
            front["pagefind"] = page_marks(title, "list", _lang(site))
        tree.add(url, front, block(*parts), f"{record_type.folder} index", html=True)
    for status in record_type.statuses:
        url = f"{record_type.folder}/status/{status}/"
        in_status = by_status[status]
        title = f"{record_type.plural_label}: {status}"
        tree.add(
            url,
            {"title": e(title)},
            block(h1(title), _record_list(in_status, url, site.build_date)),
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
) -> None:
    """Write one record's page: header, body, and the records around it."""
    url = record.url
    header = block(
        f'<div class="or-record or-record--{e(record.type.name)}">',
        _print_line(site, record, history),
        f'<p class="or-kicker"><span class="or-type">{e(record.type.label)}</span> '
        f"{status_badge(record.status)}</p>",
        h1(record.meta.title),
        f'<p class="or-summary">{e(record.meta.summary)}</p>',
        _facts(site, record, url),
        history_summary(site, record, history).rstrip("\n"),
        _actions(site, record, history),
        "</div>",
    )
    themes = getattr(record.meta, "themes", [])
    themes_html = (
        block('<h2 id="themes">Themes heard</h2>', bullet_list(e(theme) for theme in themes))
        if themes
        else ""
    )
    related = _relations(site, record, url)
    follow = _follow_box(
        site, feeds_for_page(feeds, url, record), url, f"this {record.type.label.lower()}"
    )
    front = {"title": e(record.meta.title), "description": e(record.meta.summary)}
    front["pagefind"] = record_marks(site, record)
    provenance = provenance_section(site, record, graph)
    before = raw_html(header + themes_html)
    after = raw_html(f"{provenance}\n{related}\n{follow}")
    text = without_title(record.body.strip(), record.meta.title)  # the header shows it
    body = f"{before}\n{body_links(site, record.path, url)}{text}\n\n{after}"
    tree.add(url, front, body, record.path, record)


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


def _facts(site: Site, record: Record, url: str) -> str:
    """Return the record's facts as a description list: date, people, topics."""
    meta = record.meta
    rows = [
        (DATE_LABELS[record.type.name], time_tag(meta.date) if meta.date else "date not recorded")
    ]
    for name in _FACT_FIELDS[record.type.name]:
        value = getattr(meta, name)
        if value in (None, [], ""):
            continue
        if isinstance(value, list):
            shown = ", ".join(e(item) for item in value)
        elif isinstance(value, datetime.date):
            shown = time_tag(value)
            if name == "review_date" and record.type.name == "intention":
                overdue = "review overdue" in _progress(record, site.build_date)
                shown += ' <strong class="or-overdue">review overdue</strong>' if overdue else ""
        elif name == "progress":
            shown = e(PROGRESS_LABELS[value])
        elif name == "participants" and getattr(meta, "participants_approximate", False):
            shown = f"about {e(value)}"
        else:
            shown = e(value)
        rows.append((label_of(name), shown))
    if meta.topics:
        labels = {topic.id: topic.label for topic in site.topics}
        rows.append(
            (
                "Topics",
                ", ".join(
                    link(relative(url, f"topics/{topic}/"), labels.get(topic, topic))
                    for topic in meta.topics
                ),
            )
        )
    cells = "".join(f"<dt>{e(label)}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl class="or-facts">{cells}</dl>'


def _actions(site: Site, record: Record, history: History) -> str:
    """Return the buttons under a record's header."""
    edit = site.config.edit_url(record.path)
    buttons = [link(edit, "Propose a change", "md-button") if edit else ""]
    if history.of(record.id):
        buttons.append(link("history/", "View history", "md-button"))
    return f'<nav class="or-actions" aria-label="Record actions">{"".join(buttons)}</nav>'


def _relations(site: Site, record: Record, url: str) -> str:
    """Return the records this one refers to and those that refer to it, by relation."""
    groups: dict[str, list[str]] = {}
    for ref in site.links.outgoing.get(record.id, ()):
        groups.setdefault(_RELATION_LABELS[ref.field][0], []).append(ref.target)
    for ref in site.links.incoming.get(record.id, ()):
        groups.setdefault(_RELATION_LABELS[ref.field][1], []).append(ref.source)
    if not groups:
        return ""
    parts = [
        '<section class="or-related" aria-labelledby="related">',
        '<h2 id="related">Related records</h2>',
    ]
    for label, ids in groups.items():
        unique = sorted(set(ids), key=ids.index)
        items = (_record_item(site.by_id[other], url, site.build_date) for other in unique)
        parts += [f"<h3>{e(label)}</h3>", bullet_list(items, "or-list")]
    parts.append("</section>")
    return block(*parts)
