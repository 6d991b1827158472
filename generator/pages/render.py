"""Stage 5, render: write the complete docs tree the engine turns into HTML.

Every page is a Markdown file with front matter for the theme. Structure is
raw HTML written through ``generator.fragments`` (values escaped); record
bodies stay Markdown, already checked by the validator and sanitised again
after rendering. Two sources that would publish at one address are refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.content.model import Record, Site
from generator.content.schema import RECORD_TYPES
from generator.fragments import (
    SOURCE,
    block,
    e,
    h1,
    link,
)
from generator.history.history import History
from generator.outputs.feeds import FORMATS, Feed, announced_feeds, plan_feeds
from generator.outputs.search import page_marks
from generator.pages.changes_page import render_history_pages
from generator.pages.guides import render_data_page, render_feeds_page, render_search_page
from generator.pages.indexes import (
    latest_changed_first,
    newest_first,
    render_home,
    render_topics,
    render_type_index,
    site_lang,
)
from generator.pages.languages import render_changes_since
from generator.pages.map import render_map
from generator.pages.provenance import Edge, edges
from generator.pages.record import render_record
from generator.pages.render_history import render_record_history, render_withdrawn_pages
from generator.pages.shells import ShellPage
from generator.pages.tree import DocsTree
from generator.pages.versions import body_links

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
    ordered = newest_first(site.records, history)
    latest = latest_changed_first(site.records, history)
    # Home and each type's list in every language; a record not yet translated is listed
    # in its source language, saying so.
    for lang in ("", *site.config.openrecord.translations):
        render_home(tree, site, latest, lang)
        for record_type in RECORD_TYPES:
            records = [record for record in ordered if record.type is record_type]
            render_type_index(tree, site, record_type, records, lang)
    render_changes_since(tree, site, history)
    render_topics(tree, site, ordered, feeds)
    for page in site.pages:
        front = {"title": e(page.meta.title)}
        front["pagefind"] = page_marks(page.meta.title, "page", page.meta.lang or site_lang(site))
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
    render_feeds_page(tree, site, feeds)
    render_map(tree, site, edges(site))
    render_data_page(tree, site, history)
    render_search_page(tree)
    return tree


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
        render_record(tree, site, record, history, feeds, graph)
        for translation in site.translations.get(record.id, ()):
            render_record(tree, site, record, history, feeds, graph, translation)
        render_record_history(tree, site, history, record.id)


def render_record_page(
    site: Site, history: History, feeds: list[Feed], record: Record, engine_urls: frozenset[str]
) -> ShellPage:
    """Return one record's page as render_site would, to pour on its own (for the preview)."""
    tree = _tree(site, feeds, engine_urls)
    render_record(tree, site, record, history, feeds, edges(site))
    return tree.shells[0]


def _tree(site: Site, feeds: list[Feed], engine_urls: frozenset[str] | None) -> DocsTree:
    """Return an empty docs tree whose pages announce their feeds."""
    return DocsTree(
        announce=lambda url, record: _feed_meta(site, announced_feeds(feeds, url, record)),
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
