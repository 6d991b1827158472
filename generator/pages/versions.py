"""A record's past versions: their addresses, their permalink pages, and what links to them.

Every version keeps its address for good (``/<type>/<slug>/v<N>/``); a version's page
shows the record as it was, what changed from the version before, and the pull request.
"""

from __future__ import annotations

import re

from generator.content.model import Revision, Site
from generator.content.schema import TYPES_BY_FOLDER
from generator.fragments import (
    SOURCE,
    block,
    e,
    format_date,
    h1,
    link,
    print_reference,
    relative,
    status_badge,
)
from generator.history.diff import (
    Version,
)
from generator.markdown.convert import SCAN_MARK, links_mark, without_title
from generator.markdown.sanitize import raw_html
from generator.pages.tree import DocsTree

#: Revisions on one history page (a record with more has pages of its older versions).
HISTORY_PER_PAGE = 25


def revision_url(record_id: str, number: int) -> str:
    """Return the permalink of one revision."""
    return f"{record_id}/v{number}/"


def history_page_url(record_id: str, number: int, count: int) -> str:
    """Return the history page that shows revision number of count.

    Revisions are cut into pages of HISTORY_PER_PAGE from the first: the newest page is the
    record's history/, every full page before it is history/page/<n>/, and stays so. The
    newest page also keeps an anchor for each earlier revision that links to its page, so
    a link to history/#v<N> leads to revision N however long the history grows.
    """
    page, newest = page_of(number), page_of(count)
    return f"{record_id}/history/" if page == newest else f"{record_id}/history/page/{page}/"


def page_of(number: int) -> int:
    """Return the page (from 1, oldest first) that shows a revision."""
    return (number - 1) // HISTORY_PER_PAGE + 1


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


def render_version(
    tree: DocsTree,
    site: Site,
    record_id: str,
    revision: Revision,
    version: Version,
    changes: str | None,
    total: int,
    text_at: int | None = None,
) -> None:
    """Write the permalink page of one revision: the record as it was then.

    The newest version of a record still published is what the record's own page shows:
    its permalink says so and leads there, with what it changed, instead of holding the
    same text a second time (at 10,000 records, 50 MB of a site GitHub Pages caps at 1 GB).
    Once a newer version is published, the address shows this version's text in full.

    text_at is the version whose page holds this version's text, when that is an earlier
    one (this version changed only the record's fields); its page leads there.
    """
    url = revision_url(record_id, revision.number)
    current = record_id in site.by_id
    newest = current and revision.number == total
    which = SOURCE.t(
        "version.of", number=revision.number, total=total, date=format_date(revision.date)
    )
    banner = block(
        '<div class="admonition warning or-banner" role="note">',
        f'<p class="admonition-title">{e(which)}</p>',
        "<p>"
        + SOURCE.h(
            "version.not-current" if revision.number < total or not current else "version.current"
        )
        + " "
        + (
            link(
                relative(url, f"{record_id}/"),
                SOURCE.t("version.read-on-record" if newest else "version.see-current"),
            )
            + " / "
            if current
            else ""
        )
        + link(relative(url, f"{record_id}/history/"), SOURCE.t("version.all"))
        + "</p>",
        "</div>",
    )
    if newest:
        body = ""
    elif text_at is not None and text_at != revision.number:
        there = link(
            relative(url, revision_url(record_id, text_at)),
            SOURCE.t("version.text-there", number=text_at),
        )
        note = SOURCE.h("version.same-text", number=revision.number, holder=text_at)
        body = raw_html(f'<p class="or-same-text">{note} {there}.</p>')
    else:
        body = without_title(version.body.strip(), version.title or "")
        if current:  # its links to other records lead where the record's own links lead
            body = body_links(site, site.by_id[record_id].path, url) + body
        if could_remove(version.body):  # read for it where it is converted, and told
            body = f"{SCAN_MARK}\n{body}"
    status = status_badge(version.status) if version.status else ""
    record_type = TYPES_BY_FOLDER.get(record_id.split("/", 1)[0])
    kind = f'<span class="or-type">{e(record_type.label)}</span> ' if record_type else ""
    summary = version.front.get("summary")
    header = block(
        print_reference(page_address(site, url), which),
        f'<p class="or-kicker">{kind}{status}</p>',
        h1(version.title or record_id),
        f'<p class="or-summary">{e(summary)}</p>' if isinstance(summary, str) else "",
    )
    tree.add(
        url,
        {
            "title": e(
                SOURCE.t("version.title", title=version.title or record_id, number=revision.number)
            ),
            "robots": "noindex",
            "search": {"exclude": True},
            "light": True,  # a permalink: the lighter page, without navigation or search
        },
        f"{raw_html(banner + header)}\n{body}\n"
        + (raw_html(_version_changes(record_id, revision, changes, total, url)) if changes else ""),
        f"version {revision.number} of {record_id}",
    )


def _version_changes(record_id: str, revision: Revision, changes: str, total: int, url: str) -> str:
    """Return the section of a version's page that says what it changed: its diff's own page."""
    where = history_page_url(record_id, revision.number, total)
    return block(
        '<section class="or-version-changes" aria-labelledby="changes">',
        f'<h2 id="changes">{SOURCE.h("version.changes", number=revision.number)}</h2>',
        changes,
        f"<p>{link(relative(url, where) + f'#v{revision.number}', SOURCE.t('version.in-history'))}"
        "</p>",
        "</section>",
    )


def body_links(site: Site, path: str, url: str) -> str:
    """Return the line pointing a body's links to other files at their pages, seen from url."""
    links = site.links.body.get(path, {})
    return links_mark({href: relative(url, target) for href, target in links.items()})


#: What can open a deep nesting: quote and list markers, or indentation, at a line's start.
_NESTING = re.compile(r"^[\s>*+\-\d.)]{200,}", re.M)


_KEPT_SCHEMES = frozenset({"http:", "https:", "mailto:"})


#: A link's destination, inline or in a definition, that names a scheme.
_DESTINATION = re.compile(r"\]\(\s*([a-z][a-z0-9+.-]*:)|\]:\s*([a-z][a-z0-9+.-]*:)", re.I)


def could_remove(body: str) -> bool:
    """Tell whether the sanitiser might remove anything from a body, cheaply and cautiously.

    Without '<' (no HTML, comment or autolink), '&' or '\\' (no entity or escape that could
    spell a scheme), a link to a scheme other than http, https or mailto, or a line that
    opens 200 levels, nothing is removed, and the scan (a reading of every tag of its
    converted HTML, convert.SCAN_MARK) is skipped: most versions of most records. Only the
    note on what was removed depends on it; every version is sanitised all the same.
    """
    if "<" in body or "&" in body or "\\" in body or _NESTING.search(body):
        return True
    return any(
        (match[1] or match[2]).lower() not in _KEPT_SCHEMES for match in _DESTINATION.finditer(body)
    )
