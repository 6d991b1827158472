"""The whole pipeline in one place: gather all data first, then write.

Read top to bottom, ``build()`` is the story of a build: load the content,
validate it, link the records, read their history, render the docs tree, run
the engine on it, pour the records' pages, write feeds, data and the search
index, and only when every step has succeeded, put the new site in place of the
old one. Each stage is one call into the package of its name (see
generator/README.md); which of them run in other processes is decided in
generator/parallel.py, never here.
"""

from __future__ import annotations

import datetime
import gc
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from generator.config import load_config
from generator.content.assets import copy_assets
from generator.content.link import link_records
from generator.content.load import load_content, refuse_links
from generator.content.model import Site
from generator.content.translations import published_translations
from generator.content.validate import validate_content
from generator.errors import Collector, ContentError, Problem
from generator.fragments import e
from generator.history.changes import check_changes
from generator.history.history import History, read_history
from generator.history.rules import accepted_decision_rewrites, address_takeovers
from generator.outputs.data import data_paths, vanished_urls, write_data, write_manifest
from generator.outputs.feed_files import write_feeds
from generator.outputs.feeds import FORMATS, Feed, plan_feeds
from generator.outputs.publish import site_size, size_warnings, staging, swap_into_place
from generator.outputs.search import index_site
from generator.outputs.sitemap import add_to_sitemap
from generator.pages import engine as engines
from generator.pages.map import is_map_view
from generator.pages.render import render_frame, render_records, render_site
from generator.pages.render_history import render_withdrawn_pages
from generator.pages.shells import Poured, Shells, read_shells, shell_roots
from generator.parallel import Beside, Parallel, record_batches

#: Told each stage's name when it starts (elapsed None) and when it ends (elapsed seconds).
Report = Callable[[str, float | None], None]


@dataclass(frozen=True)
class Context:
    """What a preview build keeps, so that an edit to a record's text re-renders one page."""

    site: Site
    history: History
    feeds: list[Feed]
    engine_urls: frozenset[str]
    raw: dict[str, Any]
    shells: Shells
    search_files: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, and what it warned about."""

    site_dir: Path
    pages: int
    warnings: tuple[str, ...]
    context: Context | None = None


class Stages:
    """Time each stage of a build, for progress lines and benchmarks."""

    def __init__(self, timings: dict[str, float] | None, report: Report | None) -> None:
        self.timings = timings if timings is not None else {}
        self.report = report

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time one stage, reporting when it starts and when it ends."""
        if self.report:
            self.report(name, None)
        start = time.perf_counter()
        yield
        elapsed = time.perf_counter() - start
        self.timings[name] = self.timings.get(name, 0.0) + elapsed
        if self.report:
            self.report(name, elapsed)


def gather(root: Path, stages: Stages | None = None) -> tuple[Site, History]:
    """Read, validate, link and date all content; raise ContentError listing every problem."""
    stages = stages or Stages(None, None)
    refuse_links(root)  # nothing is read or written through a link to elsewhere
    config = load_config(root / "mkdocs.yml")
    # 4. history is read from git beside stages 1-3 (by a process of its own when it can).
    with Beside(read_history, root, rules_from=config.openrecord.rules_from) as reading:
        # Every stage runs on what the one before could read, and adds to one list of
        # problems, so a single run reports every problem in every file.
        problems = Collector()
        # 1. load: read every file under content/, front matter as YAML nodes with lines.
        with stages.stage("load"):
            loaded = load_content(
                root,
                asset_limit_kb=config.openrecord.asset_max_kb,
                problems=problems,
                languages=config.openrecord.site_languages,
            )
        # 2. validate: each record against its type's schema.
        with stages.stage("validate"):
            valid = validate_content(loaded, problems, config.openrecord.translations)
        records, pages, topics = valid.records, valid.pages, valid.topics
        published = [record for record in records if not record.meta.draft]
        drafts = [record for record in records if record.meta.draft]
        translations = published_translations(valid.translations, published, config)
        # 3. link: resolve references, compute backlinks, check supersession.
        with stages.stage("link"):
            shown = [page for page in pages if not page.meta.draft]
            links = link_records(
                published,
                drafts,
                topics,
                shown,
                loaded.assets,
                problems,
                valid.unchecked,
                [t for ts in translations.values() for t in ts],
            )
        problems.raise_if_any()
        # 4. history: the revisions of every record, from one pass over git.
        with stages.stage("history"):
            history = reading.result().without_drafts(record.id for record in drafts)
    site = Site(
        config=config,
        records=tuple(sorted(published, key=lambda record: record.id)),
        pages=tuple(page for page in pages if not page.meta.draft),
        topics=tuple(sorted(topics, key=lambda topic: topic.id)),
        links=links,
        build_date=build_date(history),
        by_id={record.id: record for record in published},
        assets=loaded.assets,
        translations=translations,
    )
    return site, history


def build(
    root: Path,
    site_dir: Path | None = None,
    engine: str = "mkdocs",
    strict: bool = False,
    timings: dict[str, float] | None = None,
    report: Report | None = None,
    preview: bool = False,
    pour: bool = True,
) -> BuildResult:
    """Build the site from the repository at root into site_dir (default root/site).

    A preview build (``openrecord serve``) writes into site_dir in place and has the engine
    render again only the pages whose source changed; a real build always starts afresh.
    With pour=False the engine renders every page itself instead of only the navigation's
    (slower; shows that the pages openrecord pours into shells read the same). How the work
    is shared between processes is generator/parallel.py's business.
    """
    site_dir, stages = site_dir or root / "site", Stages(timings, report)
    # 1-4. load, validate, link, history: all data is gathered before anything is written.
    site, history = gather(root, stages)
    warnings = _warnings(site, history, strict)
    # The engine renders the navigation's pages; every other page is poured into a shell.
    nav = engines.navigation([(e(page.meta.title), page.url) for page in site.pages])
    build_dir, engine_urls = root / "build", engines.nav_urls(nav)
    docs_dir, epoch = build_dir / "docs", source_date_epoch(history)
    with (
        staging(site_dir, preview) as staged,
        Parallel(site, history, staged, pour, preview) as run,
        long_lived(),  # the gathered data: never walked by the garbage collector again
    ):
        # 5. render: first the feeds' items, which the pages announce.
        with stages.stage("render"):
            feeds = plan_feeds(site, history)
        # 7 (begun). feeds and open data: written beside the build from now on.
        run.beside(write_feeds_and_data, site, history, feeds)
        # 5 (cont.). the docs tree of the pages around the records, one page an address.
        with stages.stage("render"):
            tree = render_frame(site, history, feeds, engine_urls if pour else None)
            if not pour:
                render_records(tree, site, history, feeds, site.records)
                render_withdrawn_pages(tree, site, history)
            tree.write(docs_dir)
        # 6. engine: the docs tree to HTML; meanwhile the records' pages are rendered here.
        raw = engines.engine_config(site.config, root, docs_dir, staged, nav)
        batches = record_batches(site, history, feeds, tree) if pour else iter([])
        with stages.stage("render"):
            running = run.start(engines.render_html, engine, raw, build_dir, staged, epoch, preview)
            early = run.take_while(running, batches)
        with stages.stage("engine"):
            running.result()
        copy_assets(root, site.assets, staged)  # images and files beside the records
        # 6b. records: each record's pages poured into the shells the engine made.
        with stages.stage("render"):
            languages = site.config.openrecord.translations
            shells = read_shells(staged, site.config.site_name, languages) if pour else {}
            run.pour(shells, raw, chain(early, batches))
            tree.problems.raise_if_any()
        # 7. feeds and open data (then the manifest of every address), and the sitemap.
        with stages.stage("feeds"):
            run.finish_beside()
        with stages.stage("data"):
            write_manifest(staged, published_urls(site, history, tree.owners, feeds))
        with stages.stage("shells"):
            finish_shells(site, run.finish_pouring(), staged)
        # 8. search: index the finished pages; a failed index fails the build here.
        with stages.stage("search"):
            search_files = index_site(staged, languages=site.config.openrecord.translations)
        # 9. publish: the new site takes the old one's place (GitHub Pages takes 1 GB).
        if not preview:
            with stages.stage("publish"):
                warnings += tuple(size_warnings(site_size(staged), build_dir / "size.json"))
                swap_into_place(staged, site_dir)
    context = Context(site, history, feeds, engine_urls, raw, shells, search_files)
    return BuildResult(site_dir, tree.count, warnings, context if preview else None)


@contextmanager
def long_lived() -> Iterator[None]:
    """Leave every object that exists now out of the garbage collector's passes, until the end.

    The gathered site and history live to the end of the build: at 10,000 records, millions
    of objects that each full collection walked again (about 6 s of a build's CPU, growing
    faster than the site). Forked processes then also share their memory pages untouched.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def write_feeds_and_data(site: Site, history: History, feeds: list[Feed], out: Path) -> None:
    """Write every feed and every open data file (the manifest comes last, from the build)."""
    write_feeds(site, feeds, out)
    write_data(site, history, out)


def finish_shells(site: Site, poured: list[tuple[str, Poured]], site_dir: Path) -> None:
    """Add the poured pages to the sitemap; remove the engine's exemplars."""
    listed = [url for url, page in poured if page.in_sitemap]
    roots = shell_roots(site.config.openrecord.translations)
    add_to_sitemap(site_dir, site.config.site_url, listed, drop=roots[0])
    for root in roots:
        shutil.rmtree(site_dir / root, ignore_errors=True)


def published_urls(
    site: Site, history: History, pages: Iterable[str], feeds: list[Feed]
) -> list[str]:
    """Return every address a build publishes: pages, feeds and data files.

    The map's own pages are left out: they are drawn anew from the whole record.
    """
    urls = [f"/{url}" for url in pages if not is_map_view(url)]
    urls += [f"/{feed.url}{name}" for feed in feeds for name, _label in FORMATS]
    urls += ["/feeds/index.opml", *(f"/{path}" for path in data_paths(site, history))]
    return sorted(urls)


def check(
    root: Path, strict: bool = False, changes: str | None = None, against: Path | None = None
) -> tuple[Site, tuple[str, ...]]:
    """Validate the content, its links and its history rules without writing anything.

    With changes (a base revision, such as origin/main), also apply the pull-request rules
    to everything that changed since that base. With against (a published manifest.json),
    refuse a build that would make a published address disappear.
    """
    site, history = gather(root)
    warnings = _warnings(site, history, strict)
    problems = check_changes(root, site, history, changes) if changes is not None else []
    if against is not None:
        feeds = plan_feeds(site, history)
        urls = published_urls(site, history, render_site(site, history, feeds).owners, feeds)
        problems += vanished_urls(against, urls)
    if problems:
        raise ContentError(problems)
    return site, warnings


def _warnings(site: Site, history: History, strict: bool) -> tuple[str, ...]:
    """Return the build's warnings; with strict, raise the history rules' problems instead."""
    problems: list[Problem] = accepted_decision_rewrites(site, history)
    problems += address_takeovers(site, history) if history.available else []
    if strict and problems:
        raise ContentError(problems)
    return (*history.warnings, *(str(problem) for problem in problems))


def source_date_epoch(history: History) -> int | None:
    """Return SOURCE_DATE_EPOCH, defaulting to the newest commit's time, for the engine."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return int(epoch)
    dates = [revisions[-1].date for revisions in history.revisions.values() if revisions]
    return int(max(dates).timestamp()) if dates else None


def build_date(history: History) -> datetime.date:
    """Return the build's date: SOURCE_DATE_EPOCH, else the newest commit, else today.

    Taking it from the repository (not the clock) makes the same commit build the same site.
    """
    epoch = source_date_epoch(history)
    if epoch is not None:
        return datetime.datetime.fromtimestamp(epoch, datetime.UTC).date()
    return datetime.datetime.now(datetime.UTC).date()
