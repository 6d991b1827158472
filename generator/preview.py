"""The preview's builds: a whole build first, then only what an edit affects.

Most edits made while previewing change a record's text and nothing else. Its text
shows on one page only (lists, feeds and open data show its front matter, and
feeds and history come from commits), so such an edit re-renders that page alone,
poured into the shell the last build kept, and the site is indexed for search again. Any other
change (front matter, a new or deleted file, the theme, the settings) builds the
whole preview again.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from generator.build import BuildResult, Context, Report, build
from generator.history import uncommitted
from generator.load import front_matter_text, load_file
from generator.render import render_record_page
from generator.search import index_site
from generator.shells import pour_one
from generator.validate import check_body


class Preview:
    """A preview site kept up to date in site_dir."""

    def __init__(self, root: Path, site_dir: Path) -> None:
        self.root = root
        self.site_dir = site_dir
        self.context: Context | None = None
        self.texts: dict[str, str] = {}

    def build(self, report: Report | None = None) -> BuildResult:
        """Build the whole preview, keeping what a quick update needs."""
        self.context = None
        result = build(self.root, self.site_dir, preview=True, report=report)
        self.context = result.context
        if self.context:
            self.texts = {
                record.path: (self.root / record.path).read_text(encoding="utf-8")
                for record in self.context.site.records
            }
        return result

    def update(self, changed: list[str]) -> int | None:
        """Re-render the pages of records whose text alone changed; return how many.

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
        site = dataclasses.replace(
            site, records=records, by_id={record.id: record for record in records}
        )
        history = dataclasses.replace(context.history, dirty=uncommitted(self.root))
        for record in edited.values():
            page = render_record_page(site, history, context.feeds, record, context.engine_urls)
            pour_one(page, context.shells, self.site_dir, context.raw)
        # Search: the whole site indexed again (Pagefind has no update of one page).
        files = index_site(self.site_dir, keep=context.search_files)
        self.context = dataclasses.replace(context, site=site, history=history, search_files=files)
        self.texts.update(texts)
        return len(edited)
