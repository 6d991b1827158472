"""A record's own page: its facts, its place among other records, its actions, its body.

The record's history and past versions are written by render_history.py.
"""

from __future__ import annotations

import datetime

from generator.content.model import Record, Site
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
from generator.outputs.feeds import Feed, feeds_for_page
from generator.outputs.search import record_marks
from generator.pages.indexes import PROGRESS_LABELS, follow_box, progress_of, record_item
from generator.pages.provenance import Edge, provenance_section
from generator.pages.render_history import history_summary
from generator.pages.tree import DocsTree
from generator.pages.versions import body_links, page_address

#: Fields shown in the record header, in order, per type (references are shown apart).
_FACT_FIELDS = {
    "workshop": ("organisers", "participants", "location", "format", "facilitators"),
    "intention": ("owner", "progress", "review_date"),
    "decision": ("decided_by", "consulted", "informed", "review_date"),
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


def render_record(
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
    follow = follow_box(
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
                overdue = "review overdue" in progress_of(record, site.build_date)
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
        items = (record_item(site.by_id[other], url, site.build_date) for other in unique)
        parts += [f"<h3>{e(label)}</h3>", bullet_list(items, "or-list")]
    parts.append("</section>")
    return block(*parts)
