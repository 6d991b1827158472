"""A record's history: its history pages (25 revisions a page), its status timeline, and
the page that stays at a withdrawn record's address.

Published addresses never disappear: a deleted record's address keeps a page saying when
and how it was withdrawn. Each version's own page is versions.py's; the site's change log
and redirects are changes_page.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.content.model import Record, Revision, Site
from generator.fragments import (
    SOURCE,
    block,
    e,
    format_date,
    h1,
    link,
    relative,
    status_badge,
    time_tag,
)
from generator.history.diff import (
    Version,
    body_changed,
    field_changes,
    parse_version,
    render_body_diff,
    render_field_changes,
)
from generator.history.history import History
from generator.outputs.feeds import taken_ids
from generator.pages import versions as version_pages
from generator.pages.tree import DocsTree
from generator.pages.versions import (
    history_page_url,
    page_of,
    pull_request_link,
    render_version,
    revision_url,
)

#: How each kind of revision reads on a history page.
_KIND_LABELS = {
    kind: f'<span class="or-kind or-kind--{kind}">{SOURCE.h(f"history.kind.{kind}")}</span>'
    for kind in ("major", "minor", "unchanged")
}


@dataclass(frozen=True)
class Step:
    """One step of a status timeline: the status a revision put a record in."""

    status: str
    revision: Revision


def versions_of(revisions: Sequence[Revision]) -> list[Version]:
    """Return the parsed text of each revision."""
    return [parse_version(revision.text) for revision in revisions]


def timeline(revisions: Sequence[Revision]) -> list[Step]:
    """Return each change of status along the revisions, oldest first."""
    steps: list[Step] = []
    for revision, version in zip(revisions, versions_of(revisions), strict=True):
        status = version.status
        if status and (not steps or steps[-1].status != status) and not revision.deleted:
            steps.append(Step(status, revision))
    return steps


def history_summary(site: Site, record: Record, history: History) -> str:
    """Return the header lines a record gets from its history, with its status timeline."""
    url = record.url
    words = SOURCE
    local = (
        f'<p class="or-unpublished" role="note"><strong>{words.h("history.unpublished")}'
        f"</strong> {words.h('history.unpublished.lead')}</p>"
        if record.id in history.dirty
        else ""
    )
    revisions = history.of(record.id)
    if not history.available or not revisions:
        note = words.t(
            "history.not-available" if not history.available else "history.not-published"
        )
        return f'<p class="or-versions">{words.h("history.none", note=note)}</p>{local}'
    first, last = revisions[0], revisions[-1]
    count = len(revisions)
    steps = timeline(revisions)
    parts = [
        link(
            relative(url, revision_url(record.id, step.revision.number)),
            f"{step.status} {format_date(step.revision.date)}",
        )
        for step in steps
    ]
    successor = site.links.superseded_by.get(record.id)
    if successor:
        there = link(relative(url, f"{successor}/"), site.by_id[successor].meta.title)
        parts.append(words.html("history.superseded-by", link=there))
    return block(
        '<p class="or-versions">',
        words.html(
            "history.line",
            first=time_tag(first.date),
            last=time_tag(last.date),
            count=str(count),
            all=link(relative(url, f"{record.id}/history/"), _all_versions(count)),
        ),
        "</p>",
        f'<p class="or-timeline"><span class="or-timeline__label">{words.h("history.timeline")}'
        "</span> "
        f"{' → '.join(parts)}</p>"
        if parts
        else "",
        local,
    )


def _count_versions(count: int) -> str:
    """Return how many versions there are, in words: "1 version", "3 versions, newest first"."""
    return SOURCE.t("history.count.one") if count == 1 else SOURCE.t("history.count", count=count)


def _all_versions(count: int) -> str:
    """Return the label of the link to a record's history."""
    return SOURCE.t("history.all", count=count) if count > 1 else SOURCE.t("history.one")


def render_record_history(tree: DocsTree, site: Site, history: History, record_id: str) -> None:
    """Write one record's history page and a page for each of its versions."""
    revisions = history.of(record_id)
    if revisions:
        _render_record_history(tree, site, record_id, site.by_id[record_id].meta.title, revisions)


def render_withdrawn_pages(tree: DocsTree, site: Site, history: History) -> None:
    """Write the pages of records that were deleted: what they were, and their versions."""
    taken = taken_ids(site) | {url.rstrip("/") for url in tree.owners}
    for record_id, revisions in sorted(history.withdrawn.items()):
        if record_id not in taken and len(revisions) > 1:
            _render_withdrawn(tree, site, record_id, revisions)
            taken.add(record_id)


def _render_record_history(
    tree: DocsTree, site: Site, record_id: str, title: str, revisions: Sequence[Revision]
) -> None:
    """Write one record's history pages and a permalink page per revision."""
    versions = versions_of(revisions)
    # What each revision changed: its fields on its history page, with a link to its
    # version's page, which shows the diff of its text too (one diff, on a page of its own:
    # a history page of 25 rewrites would otherwise weigh megabytes).
    changes = [
        _changes(revision, version, versions[index - 1] if index else None)
        for index, (revision, version) in enumerate(zip(revisions, versions, strict=True))
    ]
    count = len(revisions)
    newest = page_of(count)
    for page in range(1, newest + 1):
        first, last = (
            (page - 1) * version_pages.HISTORY_PER_PAGE,
            min(count, page * version_pages.HISTORY_PER_PAGE),
        )
        url = history_page_url(record_id, last, count)
        entries = []
        for index in range(last - 1, first - 1, -1):
            revision, version = revisions[index], versions[index]
            to_diff = relative(url, revision_url(record_id, revision.number)) + "#changes"
            summary = _changes(revision, version, versions[index - 1] if index else None, to_diff)
            entries.append(_history_entry(site, record_id, revision, version, summary, url))
        what = (
            _count_versions(count)
            if newest == 1
            else SOURCE.t("history.range", first=first + 1, last=last, count=count)
        )
        current = link(relative(url, f"{record_id}/"), SOURCE.t("version.see-current"))
        body = block(
            h1(SOURCE.t("history.title", title=title)),
            f'<p class="or-lead">{SOURCE.h("history.lead", what=what)} {current}.</p>',
            *entries,
            _history_pager(record_id, page, newest, count, url),
        )
        label = (
            title
            if page == newest
            else SOURCE.t("history.page-range", title=title, first=first + 1, last=last)
        )
        tree.add(
            url,
            {
                "title": e(SOURCE.t("history.page-title", label=label)),
                "description": e(SOURCE.t("history.description", title=title)),
                # Search finds the record's current page, not every old wording in its history.
                "search": {"exclude": True},
                # The lighter page, as past versions': a site has one history page a record,
                # and the navigation and search of a full page were two thirds of each.
                "light": True,
            },
            body,
            f"history of {record_id}",
            html=True,
        )
    holders = _text_holders(revisions, versions)
    for index, (revision, version) in enumerate(zip(revisions, versions, strict=True)):
        if not revision.deleted:
            shown = changes[index] if index else None
            render_version(tree, site, record_id, revision, version, shown, count, holders[index])


def _text_holders(revisions: Sequence[Revision], versions: Sequence[Version]) -> list[int]:
    """Return, for each revision, the number of the version whose page holds its text.

    A version that changed only the record's fields (a status, a date) has the text of the
    version before it, word for word: its page says so and leads there, to the first of a
    run of versions with the same text, instead of holding that text once more.
    """
    holders: list[int] = []
    for index, (revision, version) in enumerate(zip(revisions, versions, strict=True)):
        before = index - 1
        same = index > 0 and not revisions[before].deleted and versions[before].body == version.body
        holders.append(holders[before] if same else revision.number)
    return holders


def _history_pager(record_id: str, page: int, newest: int, count: int, url: str) -> str:
    """Return the links between a record's history pages; on the newest, one per earlier version.

    Each earlier version's link carries its anchor (v<N>), so history/#v<N> still leads to it.
    """
    if newest == 1:
        return ""
    nav = []
    if page < newest:
        newer = history_page_url(record_id, page * version_pages.HISTORY_PER_PAGE + 1, count)
        nav.append(link(relative(url, newer), SOURCE.t("history.newer"), rel="prev"))
    if page > 1:
        older = history_page_url(record_id, (page - 1) * version_pages.HISTORY_PER_PAGE, count)
        nav.append(link(relative(url, older), SOURCE.t("history.older"), rel="next"))
    pages = e(SOURCE.t("history.pages"))
    pager = f'<nav class="or-pager" aria-label="{pages}">{" ".join(nav)}</nav>'
    if page < newest:
        return pager
    earlier = " ".join(
        f'<a id="v{number}" href="'
        f'{e(relative(url, history_page_url(record_id, number, count)))}#v{number}">{number}</a>'
        for number in range(1, (newest - 1) * version_pages.HISTORY_PER_PAGE + 1)
    )
    return block(
        pager,
        f'<nav class="or-earlier" aria-label="{e(SOURCE.t("history.earlier"))}">',
        f"<p>{SOURCE.html('history.earlier.lead', links=earlier)}</p>",
        "</nav>",
    )


def _history_entry(
    site: Site,
    record_id: str,
    revision: Revision,
    version: Version,
    changes: str,
    url: str,
) -> str:
    """Return one revision on a history page: who, when, why, and what changed (changes)."""
    pull = pull_request_link(site, revision, url)
    kind = _KIND_LABELS[revision.kind]
    status = status_badge(version.status) if version.status else ""
    view = (
        ""
        if revision.deleted
        else link(
            relative(url, revision_url(record_id, revision.number)),
            SOURCE.t("history.view", number=revision.number),
        )
    )
    if revision.renamed_from:
        old = revision.renamed_from
        there = f'<a href="{e(relative(url, f"{old}/"))}"><code>{e(old)}</code></a>'
        renamed = SOURCE.html("history.renamed", old=there)
        changes = f'<p class="or-renamed">{renamed}</p>' + changes
    note_lines = revision.note.split("\n")
    note = f'<p class="or-note">{"<br>".join(e(line) for line in note_lines if line)}</p>'
    anchor = f"v{revision.number}"
    return block(
        f'<section class="or-revision" id="{anchor}" aria-labelledby="{anchor}-title">',
        f'<h2 id="{anchor}-title">{SOURCE.h("history.version", number=revision.number)}</h2>',
        f'<p class="or-revision__meta">{time_tag(revision.date)} · {e(revision.authors)}'
        f"{' · ' + SOURCE.html('history.pull-request', link=pull) if pull else ''} · {kind} "
        f"{status}"
        f"{' · ' + view if view else ''}</p>",
        note,
        changes,
        "</section>",
    )


def _changes(
    revision: Revision, version: Version, previous: Version | None, to_diff: str | None = None
) -> str:
    """Return what a revision changed: its field changes and its diff, or why there are none.

    With to_diff (on a history page: the address of the version's page, where its diff is),
    a changed text is a link to its diff instead.
    """
    if revision.deleted:
        return f"<p>{SOURCE.h('history.withdrawn-change')}</p>"
    if previous is None:
        return f"<p>{SOURCE.h('history.first')}</p>"
    if revision.kind == "unchanged":
        return f"<p>{SOURCE.h('history.unchanged')}</p>"
    changes = render_field_changes(field_changes(previous, version))
    if body_changed(previous, version):
        changes += (
            f'<p class="or-diff-link">{link(to_diff, SOURCE.t("history.to-diff"))}</p>'
            if to_diff
            else render_body_diff(previous, version)
        )
    return changes or f"<p>{SOURCE.h('history.no-text-change')}</p>"


def _render_withdrawn(
    tree: DocsTree, site: Site, record_id: str, revisions: Sequence[Revision]
) -> None:
    """Write the page that stays at a deleted record's address."""
    url = f"{record_id}/"
    last, removal = revisions[-2], revisions[-1]
    title = parse_version(last.text).title or record_id
    pull = pull_request_link(site, removal, url)
    body = block(
        h1(title),
        '<div class="admonition warning" role="note"><p class="admonition-title">'
        f"{SOURCE.h('withdrawn')}</p>",
        "<p>"
        + SOURCE.html(
            "withdrawn.lead.pull" if pull else "withdrawn.lead",
            date=time_tag(removal.date),
            link=pull,
            subject=e(removal.subject),
        )
        + "</p>",
        "<p>"
        + SOURCE.html(
            "withdrawn.see",
            history=link(relative(url, f"{record_id}/history/"), SOURCE.t("withdrawn.history")),
            last=link(
                relative(url, revision_url(record_id, last.number)), SOURCE.t("withdrawn.last")
            ),
        )
        + "</p>",
        "</div>",
    )
    withdrawn_title = e(SOURCE.t("withdrawn.title", title=title))
    tree.add(url, {"title": withdrawn_title}, body, f"withdrawn record {record_id}", html=True)
    _render_record_history(tree, site, record_id, title, revisions)
