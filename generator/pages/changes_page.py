"""The site's own history: the change log (``/changes/``) and redirects from old addresses.

Published addresses never disappear: a renamed record's old address and every alias
redirect to where the record is now.
"""

from __future__ import annotations

from generator.content.model import Revision, Site
from generator.fragments import (
    SOURCE,
    block,
    e,
    h1,
    link,
    relative,
    time_tag,
)
from generator.history.diff import (
    parse_version,
)
from generator.history.history import History
from generator.pages.tree import DocsTree
from generator.pages.versions import history_page_url, pull_request_link

CHANGES_PER_PAGE = 50


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
            nav.append(link(relative(url, previous), SOURCE.t("changes.newer"), rel="prev"))
        if number < len(pages):
            older = SOURCE.t("changes.older")
            nav.append(link(relative(url, f"changes/page/{number + 1}/"), older, rel="next"))
        pager = e(SOURCE.t("pager"))
        body = block(
            h1(SOURCE.t("changes")),
            f'<p class="or-lead">{SOURCE.h("changes.lead")}</p>',
            *items,
            f'<nav class="or-pager" aria-label="{pager}">{" ".join(nav)}</nav>' if nav else "",
        )
        title = SOURCE.t("changes")
        title = SOURCE.t("list.page", title=title, number=number) if number > 1 else title
        none = f"<p>{SOURCE.h('changes.none')}</p>"
        tree.add(url, {"title": title}, body or none, "change log", html=True)


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
            SOURCE.t("changes.withdrawn")
            if revision.deleted
            else SOURCE.t(
                "changes.version",
                number=revision.number,
                kind=SOURCE.t(f"kind.{revision.kind}"),
            )
        )
        items.append(f"{link(relative(url, target), title)} ({e(what)})")
    return block(
        '<section class="or-change">',
        f"<h2>{heading}</h2>",
        f'<p class="or-revision__meta">{time_tag(first.date)} · {e(first.authors)}</p>',
        "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>",
        "</section>",
    )
