"""The whole pipeline in one place: gather all data first, then write.

Read top to bottom, ``build()`` is the story of a build: load the content,
validate it, link the records, read their history, render the docs tree, run
the engine on it, and only when every step has succeeded, put the new site
in place of the old one.
"""

from __future__ import annotations

import datetime
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator import engine as engines
from generator.config import SiteConfig, load_config
from generator.link import link_records
from generator.load import load_content
from generator.model import Site
from generator.publish import discard, staging_dir, swap_into_place
from generator.render import render_site
from generator.validate import validate_content


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    site_dir: Path
    pages: int


def gather(root: Path) -> Site:
    """Read, validate and link all content; raise ContentError listing every problem."""
    config = load_config(root / "mkdocs.yml")
    # 1. load: read every file under content/, front matter as YAML nodes with line numbers.
    loaded = load_content(root)
    # 2. validate: each record against its type's schema; every problem at once.
    records, pages, topics = validate_content(loaded)
    published = [record for record in records if not record.meta.draft]
    drafts = [record for record in records if record.meta.draft]
    # 3. link: resolve references, compute backlinks, check supersession.
    links = link_records(published, drafts, topics)
    return Site(
        config=config,
        records=tuple(sorted(published, key=lambda record: record.id)),
        pages=tuple(page for page in pages if not page.meta.draft),
        topics=tuple(sorted(topics, key=lambda topic: topic.id)),
        links=links,
        build_date=build_date(),
        by_id={record.id: record for record in published},
    )


def build(root: Path, site_dir: Path | None = None, engine: str = "mkdocs") -> BuildResult:
    """Build the site from the repository at root into site_dir (default root/site)."""
    site_dir = site_dir or root / "site"
    # 1-3. load, validate, link: all data is gathered before anything is written.
    site = gather(root)
    # 4. history: the revisions of every record, from one pass over git.
    history: dict[str, list] = {}  # type: ignore[type-arg]
    # 5. render: the complete docs tree, refusing two pages at one address.
    tree = render_site(site, history)
    work = root / "build"
    docs_dir = work / "docs"
    shutil.rmtree(docs_dir, ignore_errors=True)
    docs_dir.mkdir(parents=True)
    pages = tree.write(docs_dir)
    # 6. engine: render the docs tree to HTML in a staging folder beside site/.
    staged = staging_dir(site_dir)
    try:
        config_path = work / "mkdocs.yml"
        extra_nav = [{page.meta.title: f"{page.slug}/index.md"} for page in site.pages]
        raw = engines.engine_config(site.config, root, docs_dir, staged, extra_nav)
        engines.write_engine_config(raw, config_path)
        engines.run_engine(engine, config_path)
        # 7. publish: swap the finished site into place in one step.
        swap_into_place(staged, site_dir)
    except BaseException:
        discard(staged)
        raise
    return BuildResult(site_dir, pages)


def check(root: Path) -> Site:
    """Validate the content and its links without writing anything."""
    return gather(root)


def build_date() -> datetime.date:
    """Return the build's date: SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.datetime.now(datetime.UTC).date()


def site_config(root: Path) -> SiteConfig:
    """Return the site's configuration."""
    return load_config(root / "mkdocs.yml")
