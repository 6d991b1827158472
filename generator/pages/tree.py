"""The docs tree a build writes: one Markdown page per address, never two at one address."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from generator.content.model import Record
from generator.errors import Collector
from generator.fragments import SOURCE
from generator.markdown.sanitize import raw_html
from generator.pages.shells import MAX_DEPTH, ShellPage, exemplars


@dataclass
class DocsTree:
    """The pages to write, by docs path; refuses two pages at one address."""

    announce: Callable[[str, Record | None], list[dict[str, str]]] | None = None
    #: The pages the engine renders (those in the navigation); every other page is poured
    #: into an engine-made shell (see shells.py). None: the engine renders every page.
    engine_urls: frozenset[str] | None = None
    #: The site's other languages, whose pages are poured into shells of their own.
    languages: tuple[str, ...] = ()
    pages: dict[str, str] = field(default_factory=dict)
    shells: list[ShellPage] = field(default_factory=list)
    poured: int = 0
    owners: dict[str, str] = field(default_factory=dict)
    problems: Collector = field(default_factory=Collector)

    def add(
        self,
        url: str,
        front: Mapping[str, Any],
        body: str,
        owner: str,
        record: Record | None = None,
        html: bool = False,
    ) -> None:
        """Add the page published at a site-relative directory URL ('' is the home page)."""
        if url in self.owners:
            self.problems.add(
                owner.split(":")[0],
                1,
                f"this would publish at /{url}, where "
                f"{self.owners[url]} already publishes; rename one of them",
            )
            return
        self.owners[url] = owner
        path = f"{url}index.md" if url else "index.md"
        front = dict(front)
        if "title" in front:  # "Report a problem" opens an issue naming the page's address
            front["report"] = report_title(url)
        feeds = self.announce(url, record) if self.announce else []
        if feeds:
            front["feeds"] = feeds
        if html:  # all of it written by openrecord: one block for Markdown, not re-parsed
            body = raw_html(body)
        poured = self.engine_urls is not None and url not in self.engine_urls
        if poured and "template" not in front:  # a page of its own template: the engine's
            self.shells.append((url, front, body))
            self.poured += 1
            return
        # JSON is YAML, and much faster to write than PyYAML's dump.
        header = json.dumps(front, ensure_ascii=False, sort_keys=True)
        self.pages[path] = f"---\n{header}\n---\n\n{body}"

    def take_shells(self) -> list[ShellPage]:
        """Return the pages to pour into shells added since the last call, and forget them."""
        shells, self.shells = self.shells, []
        return shells

    @property
    def count(self) -> int:
        """Return how many pages the tree has: for the engine and for shells."""
        return len(self.pages) + self.poured

    def write(self, docs_dir: Path) -> int:
        """Make docs_dir hold exactly the engine's pages; return how many pages there are.

        When pages are poured, the exemplars of their shells join the engine's pages. Files
        whose text is unchanged are left alone, so their modification times tell a dirty
        engine run (the preview server's) which pages it must render again.
        """
        self.problems.raise_if_any()
        pages = dict(self.pages)
        if self.engine_urls is not None:
            pages |= exemplars(range(1, MAX_DEPTH + 1), self.languages)
        wanted = {docs_dir / path: text.encode("utf-8") for path, text in pages.items()}
        if docs_dir.is_dir():
            for existing in sorted(docs_dir.rglob("*"), reverse=True):
                if existing.is_file() and existing not in wanted:
                    existing.unlink()
                elif existing.is_dir() and not any(existing.iterdir()):
                    existing.rmdir()
        for target, data in sorted(wanted.items()):
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return self.count


def report_title(url: str) -> str:
    """Return the title of an issue about a page, encoded for a query: 'Problem on /<url>'.

    The page's address within the site names it in few bytes (on every page), leads a
    maintainer to it and to its source file, and tells apart pages with the same title.
    """
    return quote_plus(SOURCE.t("report.title", address=f"/{url}"), safe="/")
