"""Stage 5, render (history part): history pages, permalinks to versions, the change log,
withdrawn records and redirects from old addresses.

Published addresses never disappear: a renamed record's old address redirects,
and a deleted record's address keeps a page saying when and how it was withdrawn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.content.model import Record, Revision, Site
from generator.content.schema import TYPES_BY_FOLDER
from generator.fragments import (
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
from generator.history.diff import (
    Version,
    body_changed,
    field_changes,
    parse_version,
    render_body_diff,
    render_field_changes,
)
from generator.history.history import History
from generator.markdown.convert import links_mark, without_title
from generator.markdown.policy import find_removals
from generator.markdown.sanitize import raw_html
from generator.outputs.feeds import taken_ids
from generator.pages.tree import DocsTree

CHANGES_PER_PAGE = 50
#: Revisions on one history page (a record with more has pages of its older versions).
HISTORY_PER_PAGE = 25
_KIND_WORDS = {"major": "major", "minor": "minor", "unchanged": "no visible change"}
_KIND_LABELS = {
    kind: f'<span class="or-kind or-kind--{kind}">{words} change</span>'
    if kind != "unchanged"
    else f'<span class="or-kind or-kind--{kind}">{words}</span>'
    for kind, words in _KIND_WORDS.items()
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


def revision_url(record_id: str, number: int) -> str:
    """Return the permalink of one revision."""
    return f"{record_id}/v{number}/"


def page_address(site: Site, url: str) -> str:
    """Return a page's address for print: absolute when site_url is set, else site-relative."""
    return site.config.absolute(url) if site.config.site_url else f"/{url}"


def pull_request_link(site: Site, revision: Revision, from_url: str) -> str:
    """Return the pull request of a revision as a link (or text when the repo is unknown)."""
    if revision.pull_request is None:
        return ""
    label = f"#{revision.pull_request}"
    if site.config.repo_url:
        return link(f"{site.config.repo_url}/pull/{revision.pull_request}", label)
    return e(label)


def history_summary(site: Site, record: Record, history: History) -> str:
    """Return the header lines a record gets from its history, with its status timeline."""
    url = record.url
    local = (
        '<p class="or-unpublished" role="note"><strong>Unpublished changes:</strong> this '
        "preview includes edits that are not committed yet.</p>"
        if record.id in history.dirty
        else ""
    )
    revisions = history.of(record.id)
    if not history.available or not revisions:
        note = "history not available" if not history.available else "not yet published"
        return f'<p class="or-versions">Version history: {note}.</p>{local}'
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
        parts.append(
            "superseded by "
            + link(relative(url, f"{successor}/"), site.by_id[successor].meta.title)
        )
    return block(
        '<p class="or-versions">',
        f"First published {time_tag(first.date)} · last updated {time_tag(last.date)} · "
        f"version {count} · {link(relative(url, f'{record.id}/history/'), _all_versions(count))}",
        "</p>",
        f'<p class="or-timeline"><span class="or-timeline__label">Status history:</span> '
        f"{' → '.join(parts)}</p>"
        if parts
        else "",
        local,
    )


def _count_versions(count: int) -> str:
    """Return how many versions there are, in words: "1 version", "3 versions, newest first"."""
    return "1 version" if count == 1 else f"{count} versions, newest first"


def _all_versions(count: int) -> str:
    """Return the label of the link to a record's history."""
    return f"See all {count} versions" if count > 1 else "See its history"


def render_history_pages(tree: DocsTree, site: Site, history: History) -> None:
    """Write redirects and the change log; records' own pages come from render_record_history."""
    redirects = {alias: record.id for record in site.records for alias in record.meta.aliases}
    for old_id, new_id in history.former_ids.items():
        if new_id in site.by_id:
            redirects.setdefault(old_id, new_id)
    for old_id, new_id in sorted(redirects.items()):
        if old_id not in site.by_id:
            tree.add(
                f"{old_id}/",
                {
                    "title": e(site.by_id[new_id].meta.title),
                    "template": "redirect.html",
                    "location": relative(f"{old_id}/", f"{new_id}/"),
                    "search": {"exclude": True},
                    "robots": "noindex",
                },
                "",
                f"{site.by_id[new_id].path} (alias {old_id})",
                html=True,
            )
    _render_change_log(tree, site, history)


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


def history_page_url(record_id: str, number: int, count: int) -> str:
    """Return the history page that shows revision number of count.

    Revisions are cut into pages of HISTORY_PER_PAGE from the first: the newest page is the
    record's history/, every full page before it is history/page/<n>/, and stays so. The
    newest page also keeps an anchor for each earlier revision that links to its page, so
    a link to history/#v<N> leads to revision N however long the history grows.
    """
    page, newest = _page_of(number), _page_of(count)
    return f"{record_id}/history/" if page == newest else f"{record_id}/history/page/{page}/"


def _page_of(number: int) -> int:
    """Return the page (from 1, oldest first) that shows a revision."""
    return (number - 1) // HISTORY_PER_PAGE + 1


def _render_record_history(
    tree: DocsTree, site: Site, record_id: str, title: str, revisions: Sequence[Revision]
) -> None:
    """Write one record's history pages and a permalink page per revision."""
    versions = versions_of(revisions)
    # What each revision changed: shown on its history page and on its version's page.
    changes = [
        _changes(revision, version, versions[index - 1] if index else None)
        for index, (revision, version) in enumerate(zip(revisions, versions, strict=True))
    ]
    count = len(revisions)
    newest = _page_of(count)
    for page in range(1, newest + 1):
        first, last = (page - 1) * HISTORY_PER_PAGE, min(count, page * HISTORY_PER_PAGE)
        url = history_page_url(record_id, last, count)
        entries = []
        for index in range(last - 1, first - 1, -1):
            revision, version = revisions[index], versions[index]
            entries.append(_history_entry(site, record_id, revision, version, changes[index], url))
        what = (
            _count_versions(count)
            if newest == 1
            else f"Versions {first + 1} to {last} of {count}, newest first"
        )
        body = block(
            h1(f"History of “{title}”"),
            f'<p class="or-lead">{what}. Each links to the record '
            f"as it was. {link(relative(url, f'{record_id}/'), 'See the current version')}.</p>",
            *entries,
            _history_pager(record_id, page, newest, count, url),
        )
        label = title if page == newest else f"{title} (versions {first + 1} to {last})"
        tree.add(
            url,
            {
                "title": e(f"History: {label}"),
                "description": e(f"Every version of {title}"),
                # Search finds the record's current page, not every old wording in its history.
                "search": {"exclude": True},
            },
            body,
            f"history of {record_id}",
            html=True,
        )
    for index, (revision, version) in enumerate(zip(revisions, versions, strict=True)):
        if not revision.deleted:
            shown = changes[index] if index else None
            _render_version(tree, site, record_id, revision, version, shown, count)


def _history_pager(record_id: str, page: int, newest: int, count: int, url: str) -> str:
    """Return the links between a record's history pages; on the newest, one per earlier version.

    Each earlier version's link carries its anchor (v<N>), so history/#v<N> still leads to it.
    """
    if newest == 1:
        return ""
    nav = []
    if page < newest:
        newer = history_page_url(record_id, page * HISTORY_PER_PAGE + 1, count)
        nav.append(link(relative(url, newer), "Newer versions", rel="prev"))
    if page > 1:
        older = history_page_url(record_id, (page - 1) * HISTORY_PER_PAGE, count)
        nav.append(link(relative(url, older), "Older versions", rel="next"))
    pager = f'<nav class="or-pager" aria-label="Pages of the history">{" ".join(nav)}</nav>'
    if page < newest:
        return pager
    earlier = " ".join(
        f'<a id="v{number}" href="'
        f'{e(relative(url, history_page_url(record_id, number, count)))}#v{number}">{number}</a>'
        for number in range(1, (newest - 1) * HISTORY_PER_PAGE + 1)
    )
    return block(
        pager,
        '<nav class="or-earlier" aria-label="Earlier versions">',
        f"<p>Earlier versions: {earlier}</p>",
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
            f"View version {revision.number}",
        )
    )
    if revision.renamed_from:
        old = revision.renamed_from
        changes = (
            f'<p class="or-renamed">Renamed from <a href="{e(relative(url, f"{old}/"))}">'
            f"<code>{e(old)}</code></a>; the old address redirects here.</p>" + changes
        )
    note_lines = revision.note.split("\n")
    note = f'<p class="or-note">{"<br>".join(e(line) for line in note_lines if line)}</p>'
    anchor = f"v{revision.number}"
    return block(
        f'<section class="or-revision" id="{anchor}" aria-labelledby="{anchor}-title">',
        f'<h2 id="{anchor}-title">Version {revision.number}</h2>',
        f'<p class="or-revision__meta">{time_tag(revision.date)} · {e(revision.authors)}'
        f"{' · pull request ' + pull if pull else ''} · {kind} {status}"
        f"{' · ' + view if view else ''}</p>",
        note,
        changes,
        "</section>",
    )


def _changes(revision: Revision, version: Version, previous: Version | None) -> str:
    """Return what a revision changed: its field changes and its diff, or why there are none."""
    if revision.deleted:
        return "<p>The record was withdrawn: its file was removed.</p>"
    if previous is None:
        return "<p>First published.</p>"
    if revision.kind == "unchanged":
        return (
            "<p>No visible change: the text and its details read as before (a change of "
            "line endings or spacing, or the file saved again).</p>"
        )
    changes = render_field_changes(field_changes(previous, version))
    if body_changed(previous, version):
        changes += render_body_diff(previous, version)
    return changes or "<p>No visible change to the text.</p>"


def _render_version(
    tree: DocsTree,
    site: Site,
    record_id: str,
    revision: Revision,
    version: Version,
    changes: str | None,
    total: int,
) -> None:
    """Write the permalink page of one revision: the record as it was then."""
    url = revision_url(record_id, revision.number)
    current = record_id in site.by_id
    banner = block(
        '<div class="admonition warning or-banner" role="note">',
        f'<p class="admonition-title">Version {revision.number} of {total}, '
        f"{format_date(revision.date)}</p>",
        "<p>"
        + (
            "This is not the current version. "
            if revision.number < total or not current
            else "This is the current version. "
        )
        + (
            link(relative(url, f"{record_id}/"), "See the current version") + " / "
            if current
            else ""
        )
        + link(relative(url, f"{record_id}/history/"), "all versions")
        + "</p>",
        "</div>",
    )
    body = without_title(version.body.strip(), version.title or "")
    if current:  # its links to other records lead where the record's own links lead
        body = body_links(site, site.by_id[record_id].path, url) + body
    removed = removal_note(version.body)
    status = status_badge(version.status) if version.status else ""
    record_type = TYPES_BY_FOLDER.get(record_id.split("/", 1)[0])
    kind = f'<span class="or-type">{e(record_type.label)}</span> ' if record_type else ""
    summary = version.front.get("summary")
    header = block(
        print_reference(
            page_address(site, url),
            f"Version {revision.number} of {total}, {format_date(revision.date)}",
        ),
        f'<p class="or-kicker">{kind}{status}</p>',
        h1(version.title or record_id),
        f'<p class="or-summary">{e(summary)}</p>' if isinstance(summary, str) else "",
    )
    tree.add(
        url,
        {
            "title": e(f"{version.title or record_id} (version {revision.number})"),
            "robots": "noindex",
            "search": {"exclude": True},
            "light": True,  # a permalink: the lighter page, without navigation or search
        },
        f"{raw_html(banner + header + removed)}\n{body}\n"
        + (raw_html(_version_changes(record_id, revision, changes, total, url)) if changes else ""),
        f"version {revision.number} of {record_id}",
    )


def _version_changes(record_id: str, revision: Revision, changes: str, total: int, url: str) -> str:
    """Return the section of a version's page that says what it changed: its diff's own page."""
    where = history_page_url(record_id, revision.number, total)
    return block(
        '<section class="or-version-changes" aria-labelledby="changes">',
        f'<h2 id="changes">What changed in version {revision.number}</h2>',
        changes,
        f"<p>{link(relative(url, where) + f'#v{revision.number}', 'See it in the history')}</p>",
        "</section>",
    )


def body_links(site: Site, path: str, url: str) -> str:
    """Return the line pointing a body's links to other files at their pages, seen from url."""
    links = site.links.body.get(path, {})
    return links_mark({href: relative(url, target) for href, target in links.items()})


#: A link's destination, inline or in a definition, that names a scheme.
_DESTINATION = re.compile(r"\]\(\s*([a-z][a-z0-9+.-]*:)|\]:\s*([a-z][a-z0-9+.-]*:)", re.I)
_KEPT_SCHEMES = frozenset({"http:", "https:", "mailto:"})
#: What can open a deep nesting: quote and list markers, or indentation, at a line's start.
_NESTING = re.compile(r"^[\s>*+\-\d.)]{200,}", re.M)


def could_remove(body: str) -> bool:
    """Tell whether the sanitiser might remove anything from a body, cheaply and cautiously.

    Without '<' (no HTML, comment or autolink), '&' or '\\' (no entity or escape that could
    spell a scheme), a link to a scheme other than http, https or mailto, or a line that
    opens 200 levels, nothing is removed, and the full scan (a conversion and a parse of
    its HTML) is skipped: most versions of most records. Only the note on what was removed
    depends on it; every version is sanitised all the same.
    """
    if "<" in body or "&" in body or "\\" in body or _NESTING.search(body):
        return True
    return any(
        (match[1] or match[2]).lower() not in _KEPT_SCHEMES for match in _DESTINATION.finditer(body)
    )


def removal_note(body: str) -> str:
    """Return the note on a past version whose dangerous parts the sanitiser removed, or ''.

    Today's check would refuse such a version; it is published all the same, as every
    version is, through the same sanitiser, and the reader is told what went.
    """
    removals = find_removals(body) if could_remove(body) else []
    if not removals:
        return ""
    items = [f"{e(removal.what)}: {e(removal.why)}" for removal in removals]
    return block(
        '<div class="admonition note or-removed" role="note">',
        '<p class="admonition-title">Parts of this version were removed when it was published</p>',
        bullet_list(items[:20] + ([f"and {len(items) - 20} more"] if len(items) > 20 else [])),
        "</div>",
    )


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
        '<div class="admonition warning" role="note"><p class="admonition-title">Withdrawn</p>',
        f"<p>This record was withdrawn on {time_tag(removal.date)}"
        f"{' by pull request ' + pull if pull else ''}: {e(removal.subject)}</p>",
        f"<p>{link(relative(url, f'{record_id}/history/'), 'See its history')} and "
        f"{link(relative(url, revision_url(record_id, last.number)), 'its last version')}.</p>",
        "</div>",
    )
    tree.add(
        url, {"title": e(f"{title} (withdrawn)")}, body, f"withdrawn record {record_id}", html=True
    )
    _render_record_history(tree, site, record_id, title, revisions)


def _render_change_log(tree: DocsTree, site: Site, history: History) -> None:
    """Write /changes/: every revision, grouped by the commit (pull request) that made it."""
    titles = {record.id: record.meta.title for record in site.records}
    groups: dict[str, list[tuple[str, Revision]]] = {}
    everything = [*history.revisions.items(), *history.withdrawn.items()]
    counts = {record_id: len(revisions) for record_id, revisions in history.withdrawn.items()}
    counts |= {record_id: len(revisions) for record_id, revisions in history.revisions.items()}
    for record_id, revisions in everything:
        for revision in revisions:
            groups.setdefault(revision.commit, []).append((record_id, revision))
    ordered = sorted(groups.values(), key=lambda g: (g[0][1].date, g[0][1].commit), reverse=True)
    pages = [ordered[i : i + CHANGES_PER_PAGE] for i in range(0, len(ordered), CHANGES_PER_PAGE)]
    for number, chunk in enumerate(pages or [[]], start=1):
        url = "changes/" if number == 1 else f"changes/page/{number}/"
        items = [_change_group(site, group, titles, counts, url) for group in chunk]
        nav = []
        if number > 1:
            previous = "changes/" if number == 2 else f"changes/page/{number - 1}/"
            nav.append(link(relative(url, previous), "Newer changes", rel="prev"))
        if number < len(pages):
            nav.append(
                link(relative(url, f"changes/page/{number + 1}/"), "Older changes", rel="next")
            )
        body = block(
            h1("Changes"),
            '<p class="or-lead">Every published change to the record, newest first, grouped by '
            "the pull request that made it.</p>",
            *items,
            f'<nav class="or-pager" aria-label="Pages">{" ".join(nav)}</nav>' if nav else "",
        )
        title = "Changes" + (f" (page {number})" if number > 1 else "")
        tree.add(url, {"title": title}, body or "<p>No changes yet.</p>", "change log", html=True)


def _change_group(
    site: Site,
    group: list[tuple[str, Revision]],
    titles: dict[str, str],
    counts: dict[str, int],
    url: str,
) -> str:
    """Return one pull request (or commit) in the change log with the records it changed."""
    first = group[0][1]
    pull = pull_request_link(site, first, url)
    heading = e(first.subject) + (f" ({pull})" if pull else "")
    items = []
    for record_id, revision in sorted(group, key=lambda item: item[0]):
        title = titles.get(record_id) or parse_version(revision.text).title or record_id
        target = (
            f"{history_page_url(record_id, revision.number, counts[record_id])}#v{revision.number}"
        )
        what = (
            "withdrawn"
            if revision.deleted
            else f"version {revision.number}, {_KIND_WORDS[revision.kind]}"
        )
        items.append(f"{link(relative(url, target), title)} ({what})")
    return block(
        '<section class="or-change">',
        f"<h2>{heading}</h2>",
        f'<p class="or-revision__meta">{time_tag(first.date)} · {e(first.authors)}</p>',
        "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>",
        "</section>",
    )
