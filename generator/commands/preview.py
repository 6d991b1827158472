"""The preview's builds: a whole build first, then only what an edit affects.

Most edits made while previewing change a record's text and nothing else. Its text
shows on one page only (lists, feeds and open data show its front matter, and
feeds and history come from commits), so such an edit re-renders that page alone,
poured into the shell the last build kept; the search index follows in the
background. Any other change (front matter, a new or deleted file, the theme, the
settings) builds the whole preview again.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path

from generator.build import BuildResult, Context, Report, build
from generator.content.link import link_bodies
from generator.content.load import front_matter_text, load_file
from generator.content.validate import check_body
from generator.errors import Collector, OpenRecordError
from generator.history.history import uncommitted
from generator.outputs.search import index_site
from generator.pages.render import render_record_page
from generator.pages.shells import pour_one


class SearchIndexer:
    """Index the preview for search in a thread of its own, so that an edit shows at once.

    Pagefind cannot update one page of an index, and indexing a large site takes seconds:
    the edited page is served at once and the search follows. An edit made while the index
    is being written asks for one more run after it. Each run is told to say, when it
    ends, how long it took, or why it failed (the last index stays in place).
    """

    def __init__(self, site_dir: Path, say: Callable[[str], None] | None = None) -> None:
        self.site_dir, self.say = site_dir, say
        self.files: frozenset[str] | None = None
        self.languages: tuple[str, ...] = ()  # the site's other languages, set by each build
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Index the site again in the background (after the run under way, if any)."""
        with self._lock:
            if self._thread is not None:
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, name="search index", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        """Index until no edit has asked for another run."""
        while True:
            start = time.perf_counter()
            try:
                self.files = index_site(self.site_dir, keep=self.files, languages=self.languages)
                message = f"search index updated in {time.perf_counter() - start:.1f} s"
            except OpenRecordError as error:
                message = f"error: the search index was not updated: {error}"
            if self.say:
                self.say(message)
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False

    def wait(self) -> None:
        """Wait until the search index has every edit made so far."""
        while True:
            with self._lock:
                thread = self._thread
            if thread is None:
                return
            thread.join()


class Preview:
    """A preview site kept up to date in site_dir."""

    def __init__(
        self, root: Path, site_dir: Path, say: Callable[[str], None] | None = None
    ) -> None:
        self.root = root
        self.site_dir = site_dir
        self.context: Context | None = None
        self.texts: dict[str, str] = {}
        self.search = SearchIndexer(site_dir, say)

    def build(self, report: Report | None = None) -> BuildResult:
        """Build the whole preview (its search index too), keeping what an update needs."""
        self.search.wait()  # one writer of the index at a time
        self.context = None
        result = build(self.root, self.site_dir, preview=True, report=report)
        self.context = result.context
        if self.context:
            self.search.files = self.context.search_files
            self.search.languages = self.context.site.config.openrecord.translations
            self.texts = {
                record.path: (self.root / record.path).read_text(encoding="utf-8")
                for record in self.context.site.records
            }
        return result

    def update(self, changed: list[str]) -> int | None:
        """Re-render the pages of records whose text alone changed; return how many.

        The search index is updated in the background (see SearchIndexer).

        Returns None when the change needs a whole build. Raises ContentError when an
        edited text is refused, leaving the last good pages in place.
        """
        context = self.context
        by_path = {record.path: record for record in context.site.records} if context else {}
        texts = {}
        for path in changed:
            old, file = self.texts.get(path), self.root / path
            if context is None or path not in by_path or old is None or not file.is_file():
                return None
            try:
                texts[path] = file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                return None  # the whole build reports the file, with how to fix it
            if front_matter_text(texts[path]) != front_matter_text(old):
                return None
        assert context is not None
        edited = {}
        for path in changed:
            source = load_file(self.root, path)
            check_body(source)
            record = by_path[path]
            edited[record.id] = dataclasses.replace(
                record, body=source.body, body_line=source.body_line
            )
        site = context.site
        records = tuple(edited.get(record.id, record) for record in site.records)
        problems = Collector()  # links to other records: checked, and pointed, afresh
        body_links = link_bodies(records, (), site.pages, site.assets, problems)
        problems.raise_if_any()
        site = dataclasses.replace(
            site,
            records=records,
            by_id={record.id: record for record in records},
            links=dataclasses.replace(site.links, body=body_links),
        )
        history = dataclasses.replace(context.history, dirty=uncommitted(self.root))
        for record in edited.values():
            page = render_record_page(site, history, context.feeds, record, context.engine_urls)
            pour_one(page, context.shells, self.site_dir, context.raw)
        self.search.start()
        self.context = dataclasses.replace(context, site=site, history=history)
        self.texts.update(texts)
        return len(edited)
