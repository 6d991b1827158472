"""The whole pipeline in one place: gather all data first, then write.

Read top to bottom, ``build()`` is the story of a build: load the content,
validate it, link the records, read their history, render the docs tree, run
the engine on it, and only when every step has succeeded, put the new site
in place of the old one.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from generator import engine as engines
from generator.assets import copy_assets
from generator.changes import check_changes
from generator.config import load_config
from generator.data import data_paths, vanished_urls, write_data, write_manifest
from generator.errors import Collector, ContentError, OpenRecordError, Problem
from generator.feeds import FORMATS, Feed, plan_feeds, write_feeds
from generator.fragments import e
from generator.history import History, read_history
from generator.languages import published_translations
from generator.link import link_records
from generator.load import load_content, refuse_links
from generator.model import Site
from generator.provenance import edges
from generator.publish import discard, site_size, size_warnings, staging_dir, swap_into_place
from generator.render import render_frame, render_records, render_site
from generator.render_history import render_withdrawn_pages
from generator.render_map import is_map_view
from generator.rules import accepted_decision_rewrites, address_takeovers
from generator.search import index_site
from generator.shells import Pourer, ShellPage, Shells, read_shells, shell_roots, start_server
from generator.sitemap import add_to_sitemap
from generator.tree import DocsTree
from generator.validate import validate_content

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
    # 4. history is read from git by a thread of its own while stages 1-3 run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_history, root, rules_from=config.openrecord.rules_from)
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
    (slower; shows that the pages openrecord pours into shells read the same).
    """
    site_dir = site_dir or root / "site"
    stages = Stages(timings, report)
    # 1-4. load, validate, link, history: all data is gathered before anything is written.
    site, history = gather(root, stages)
    warnings = _warnings(site, history, strict)
    # The engine renders the navigation's pages; every other page is poured into a shell.
    nav = engines.navigation([(e(page.meta.title), page.url) for page in site.pages])
    engine_urls = engines.nav_urls(nav)
    pool = pour and _worth_a_pool(site, history)
    if pool and not preview:
        start_server()  # the pool's processes: ready by the time the engine has run
    staged = site_dir if preview else staging_dir(site_dir)
    staged.mkdir(parents=True, exist_ok=True)
    try:
        # 5. render: first the feeds' items, which the pages announce.
        with stages.stage("render"):
            feeds = plan_feeds(site, history)
        # 7 (begun). feeds and open data: written from now on by a forked process of their
        # own (in this one, at the end, for a small site or the preview).
        with _Aside(
            write_feeds_and_data, (site, history, feeds), staged, pool and not preview
        ) as aside:
            # 5 (cont.). the docs tree of the pages around the records, one page an address.
            with stages.stage("render"):
                tree = render_frame(site, history, feeds, engine_urls if pour else None)
                if not pour:
                    render_records(tree, site, history, feeds, site.records)
                    render_withdrawn_pages(tree, site, history)
                docs_dir = root / "build" / "docs"
                tree.write(docs_dir)
            # 6. engine: render the docs tree to HTML in a staging folder beside site/, in
            # its own process; meanwhile the records' pages are rendered here (6b), to be
            # poured into the shells the engine makes.
            raw = engines.engine_config(site.config, root, docs_dir, staged, nav)
            epoch = source_date_epoch(history)
            with ThreadPoolExecutor(max_workers=1) as waiting:
                running = waiting.submit(
                    engines.render_html, engine, raw, root / "build", staged, epoch, preview
                )
                batches = record_batches(site, history, feeds, tree) if pour else iter([])
                with stages.stage("render"):
                    early = list(_until(running, batches))
                with stages.stage("engine"):
                    running.result()
            copy_assets(root, site.assets, staged)  # images and files beside the records
            shells = (
                read_shells(staged, site.config.site_name, site.config.openrecord.translations)
                if pour
                else {}
            )
            with closing(Pourer(shells, staged, raw, pool=pool)) as pourer:
                # 6b. records: each record's pages, rendered here and poured into the
                # engine-made shells by a pool of processes as they come, with the other
                # pages outside the navigation.
                with stages.stage("render"):
                    for batch in chain(early, batches):
                        pourer.pour(batch)
                    tree.problems.raise_if_any()
                with stages.stage("feeds"):
                    aside.finish()
                with stages.stage("data"):
                    write_manifest(staged, published_urls(site, history, tree.owners, feeds))
                with stages.stage("shells"):
                    finish_shells(site, pourer, staged)
            # 8. search: index the finished pages; a failed index fails the build here.
            with stages.stage("search"):
                search_files = index_site(staged, languages=site.config.openrecord.translations)
        if not preview:
            with stages.stage("publish"):
                # GitHub Pages publishes at most 1 GB: say early when the site nears it.
                warnings += tuple(size_warnings(site_size(staged), root / "build" / "size.json"))
                swap_into_place(staged, site_dir)
    except BaseException:
        if not preview:
            discard(staged)
        raise
    context = (
        Context(site, history, feeds, engine_urls, raw, shells, search_files) if preview else None
    )
    return BuildResult(site_dir, tree.count, warnings, context)


def write_feeds_and_data(site: Site, history: History, feeds: list[Feed], out: Path) -> None:
    """Write every feed and every open data file (the manifest comes last, from the build)."""
    write_feeds(site, feeds, out)
    write_data(site, history, out)


class _Aside:
    """A task that writes into the site, run by a forked process from the start of a build.

    The engine empties the folder it renders into, so the process writes into a folder
    of its own, which finish() merges into the site. Unforked (a small site, one core, or
    the preview server, whose threads serve pages), the task runs in finish().
    """

    def __init__(
        self, task: Callable[..., None], args: tuple[Any, ...], site_dir: Path, fork: bool
    ) -> None:
        self.task, self.args, self.site_dir = task, args, site_dir
        self.folder = site_dir.with_name(site_dir.name + ".aside")
        self.process: multiprocessing.process.BaseProcess | None = None
        if fork and (os.cpu_count() or 1) >= 2:
            shutil.rmtree(self.folder, ignore_errors=True)
            # Forked while no other thread or pool exists: it inherits the data as it is.
            context = multiprocessing.get_context("fork")
            self.process = context.Process(target=task, args=(*args, self.folder))
            self.process.start()

    def __enter__(self) -> _Aside:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:  # the build was abandoned
            self.process.kill()
            self.process.join()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def finish(self) -> None:
        """Run the task or wait for it; put what it wrote into the site."""
        if self.process is None:
            self.task(*self.args, self.site_dir)
            return
        self.process.join()
        code, self.process = self.process.exitcode, None
        if code != 0:
            raise OpenRecordError(f"writing the feeds and open data failed (exit {code})")
        _merge_into(self.folder, self.site_dir)


def _merge_into(source: Path, target: Path) -> None:
    """Move a folder's contents into another, folder by folder where both have one."""
    for entry in source.iterdir():
        destination = target / entry.name
        if entry.is_dir() and destination.is_dir():
            _merge_into(entry, destination)
        else:
            entry.replace(destination)


#: From this many records and versions, other processes pour the pages and write the feeds.
POOL_FROM = 200


def _worth_a_pool(site: Site, history: History) -> bool:
    """Tell whether a site has pages enough for other processes to pay for themselves."""
    return len(site.records) + sum(map(len, history.revisions.values())) >= POOL_FROM


#: Records rendered between two hand-overs to the pool.
_BATCH = 16


def record_batches(
    site: Site, history: History, feeds: list[Feed], tree: DocsTree
) -> Iterator[list[ShellPage]]:
    """Render every record's pages (and withdrawn records'), a batch of pages at a time.

    The first batch holds the pages outside the navigation that the docs tree already had.
    """
    yield tree.take_shells()
    graph = edges(site)
    for start in range(0, len(site.records), _BATCH):
        render_records(tree, site, history, feeds, site.records[start : start + _BATCH], graph)
        yield tree.take_shells()
    render_withdrawn_pages(tree, site, history)
    yield tree.take_shells()


def _until(running: Future[None], batches: Iterator[list[ShellPage]]) -> Iterator[list[ShellPage]]:
    """Take batches while a task runs (at least one, so the wait is never idle)."""
    for batch in batches:
        yield batch
        if running.done():
            return


def finish_shells(site: Site, pourer: Pourer, site_dir: Path) -> None:
    """Wait for the poured pages; add them to the sitemap."""
    listed = [url for url, poured in pourer.results() if poured.in_sitemap]
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
