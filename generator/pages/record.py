"""A record's own page: its facts, its place among other records, its actions, its body.

The same page in each of the record's translations, at /<lang>/<type>/<slug>/: its own
title, summary and body, the record's facts labelled in its language, the language
switcher, and a banner when the record has changed since the version it follows. The
record's history and past versions are written by render_history.py.
"""

from __future__ import annotations

import datetime

from generator.catalog import catalog
from generator.content.model import Record, Site, Translation
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
from generator.history.history import History
from generator.history.lag import lag_of
from generator.markdown.convert import without_title
from generator.markdown.sanitize import raw_html
from generator.outputs.feeds import Feed, feeds_for_page
from generator.outputs.search import record_marks
from generator.pages.indexes import (
    Language,
    follow_box,
    overdue,
    record_item,
    site_lang,
    unchecked_note,
)
from generator.pages.languages import (
    alternates,
    lag_banner,
    missing_languages,
    propose_translation,
    switcher,
)
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


def render_record(
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
    language = Language(site, translation.lang if translation else "")
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
        switcher(site, record, translation.lang if translation else site_lang(site), url, history),
        _print_line(site, record, history) if translation is None else "",
        banner,
        f'<p class="or-kicker"><span class="or-type">{words.h(f"type.{record.type.name}")}'
        f"</span> {status_badge(record.status, words)}</p>",
        h1(title),
        f'<p class="or-summary">{e(summary)}</p>',
        unchecked_note(language) if translation else "",
        _facts(site, record, url, language),
        versions,
        _actions(site, record, history, language, translation),
        "</div>",
    )
    themes = getattr(record.meta, "themes", [])
    source = f' lang="{e(site_lang(site))}"' if translation else ""
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
    follow = follow_box(site, feeds_for_page(feeds, url, record), url, what, words)
    # Its text passed the check (a build validates every record): its nesting is known.
    front: dict[str, object] = {"title": e(title), "description": e(summary), "checked": True}
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
    words = SOURCE
    if revisions:
        count = len(revisions)
        date = format_date(revisions[-1].date)
        version = words.t("version.of", number=count, total=count, date=date)
    elif history.available:
        version = words.t("print.not-published")
    else:
        version = words.t("print.not-available")
    if record.id in history.dirty:
        version = words.t("print.unpublished", version=version)
    return print_reference(page_address(site, record.url), version)


def _facts(site: Site, record: Record, url: str, language: Language) -> str:
    """Return the record's facts as a description list: date, people, topics.

    On a translation's page the labels are in its language; values written in words (names,
    places) are the record's, marked as in the source language.
    """
    meta = record.meta
    words = language.words
    source = f' lang="{e(site_lang(site))}"' if language.lang else ""
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
            if name == "review_date" and overdue(record, site.build_date):
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
    cells = "".join(f"<dt>{label}</dt><dd{marked}>{value}</dd>" for label, value, marked in rows)
    return f'<dl class="or-facts">{cells}</dl>'


def _actions(
    site: Site,
    record: Record,
    history: History,
    language: Language,
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


def _relations(site: Site, record: Record, url: str, language: Language) -> str:
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
            record_item(site.by_id[other], url, site.build_date, language=language)
            for other in unique
        )
        parts += [f"<h3>{words.h(label)}</h3>", bullet_list(items, "or-list")]
    parts.append("</section>")
    return block(*parts)
