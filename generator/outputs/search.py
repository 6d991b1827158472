"""Stage 8, search: index the finished site with Pagefind, a static index read in pieces.

A reader's browser downloads only the parts of the index a query needs, so a search
costs a phone the same at ten records as at ten thousand. The pages say what is
indexed: a page to be found carries ``data-pagefind-body`` around its content (the
theme adds it to every page whose front matter has a ``pagefind`` entry) and hidden
marks naming its filters (type, status, topics, language) and what a result shows
(title, summary, date, status). Pages without it (past versions, history pages,
redirects, lists after their first page) are left out. Pagefind makes one index per
page language, read from ``<html lang>``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.content.model import Record, Site, Translation
from generator.errors import EngineError
from generator.fragments import e

#: Where Pagefind writes its bundle, below the site's root.
BUNDLE = "pagefind"

#: Parts of an indexed page that are not its text: the record's header facts, history
#: line and buttons, its print line, the diagram, related lists, feed links, the status,
#: date and progress of each record in a list, and headings' permalinks. Left out, a
#: result's snippet is a sentence of the record, not "Date: date not recorded".
IGNORED = (
    ".or-print-only",
    ".or-kicker",
    ".or-facts",
    ".or-versions",
    ".or-timeline",
    ".or-unpublished",
    ".or-status",
    ".or-item__date",
    ".or-item__progress",
    ".or-actions",
    ".or-provenance",
    ".or-related",
    ".or-follow",
    ".or-status-summary",
    ".or-pager",
    ".headerlink",
    "svg",
)

#: The pages Pagefind reads: one and two folders deep, where every page it indexes lives
#: (/about/, /decisions/, /decisions/<slug>/, /topics/<id>/), and one more in each other
#: language's folder (/gd/decisions/<slug>/). The thousands of history and version pages
#: below them carry no marks and would be read only to be left out: reading them took two
#: thirds of the indexing time. tests/test_search.py checks that no page with marks lies
#: deeper.
GLOB = "{*/index.html,*/*/index.html}"


def glob(languages: Iterable[str] = ()) -> str:
    """Return the pages Pagefind reads, with the translations of each other language."""
    deeper = "".join(f",{lang}/*/*/index.html" for lang in languages)
    return GLOB[:-1] + deeper + "}"


#: The engines' own search indexes (Zensical writes one whatever its settings), which no
#: page reads: the theme's header searches with Pagefind.
_ENGINE_INDEXES = ("search.json", "search/search_index.json")

#: Files of the bundle for user interfaces the site does not use.
_UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)


def record_marks(site: Site, record: Record, translation: Translation | None = None) -> str:
    """Return the hidden marks of a record's page (or of its translation's)."""
    labels = {topic.id: topic.label for topic in site.topics}
    filters = [("type", record.type.name), ("status", record.status)]
    filters += [("topic", labels.get(topic, topic)) for topic in record.meta.topics]
    lang = record.meta.lang or site.config.openrecord.lang
    filters.append(("language", translation.lang if translation else lang))
    title = translation.title if translation else record.meta.title
    summary = translation.summary if translation else record.meta.summary
    meta = [("title", title), ("summary", summary)]
    meta += [("status", record.status), ("type", record.type.label)]
    if record.meta.date:
        meta.append(("date", record.meta.date.isoformat()))
    return _marks(filters, meta)


def page_marks(title: str, kind: str, lang: str) -> str:
    """Return the hidden marks of a page that is not a record: a list, a topic, a plain page."""
    return _marks([("type", kind), ("language", lang)], [("title", title)])


def _marks(filters: Iterable[tuple[str, str]], meta: Iterable[tuple[str, str]]) -> str:
    """Return Pagefind's filter and metadata elements, every value escaped."""
    spans = [f'<span data-pagefind-filter="{name}">{e(value)}</span>' for name, value in filters]
    spans += [f'<span data-pagefind-meta="{name}">{e(value)}</span>' for name, value in meta]
    return "".join(spans)


def index_site(
    site_dir: Path, keep: frozenset[str] | None = None, languages: Iterable[str] = ()
) -> frozenset[str]:
    """Index the pages of a finished site into site_dir/pagefind/; return the index's files.

    Raises EngineError when Pagefind fails: run before the site is swapped into place, a
    failed index fails the build. The index is written beside the site and moved in, its
    entry file last; of the files an earlier index left, those named in keep stay (all of
    them when keep is None). So the preview's reader, searching while an edit is indexed,
    reads the old index or the new one, whole.
    """
    fresh = site_dir / f".{BUNDLE}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [str(_executable()), "--site", str(site_dir.resolve()), "--glob", glob(languages)]
    command += ["--quiet"]
    command += ["--output-path", str(fresh.resolve())]
    settings = {"exclude_selectors": list(IGNORED)}
    try:
        with tempfile.TemporaryDirectory(prefix="openrecord-pagefind-") as folder:
            # Pagefind reads its settings from pagefind.json in the folder it runs in.
            (Path(folder) / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
            try:
                result = subprocess.run(
                    command, cwd=folder, capture_output=True, text=True, check=False
                )
            except OSError as error:
                message = f"Pagefind could not start ({error}); pip install 'pagefind[bin]'"
                raise EngineError(message) from None
        if result.returncode != 0 or not (fresh / _ENTRY).is_file():
            output = (result.stderr.strip() or result.stdout.strip())[-2000:]
            code = result.returncode
            raise EngineError(f"indexing the site for search failed (exit {code}):\n{output}")
        for name in _UNUSED:
            (fresh / name).unlink(missing_ok=True)
        for name in _ENGINE_INDEXES:
            (site_dir / name).unlink(missing_ok=True)
        return _move_in(fresh, site_dir / BUNDLE, keep)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


#: The file a search reads first, which names every other file of the index.
_ENTRY = "pagefind-entry.json"


def _move_in(fresh: Path, bundle: Path, keep: frozenset[str] | None) -> frozenset[str]:
    """Put a new index in place of the old: new files, then the entry, then drop the rest."""
    new = frozenset(path.relative_to(fresh).as_posix() for path in fresh.rglob("*"))
    for name in sorted(new, key=lambda name: (name == _ENTRY, name)):
        if (fresh / name).is_dir():
            continue
        target = bundle / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (fresh / name).replace(target)
    if keep is not None:
        for path in bundle.rglob("*"):
            name = path.relative_to(bundle).as_posix()
            if path.is_file() and name not in new and name not in keep:
                path.unlink()
    return new


def _executable() -> Path:
    """Return the Pagefind program that the pagefind[bin] package installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise EngineError("Pagefind is not installed; pip install 'pagefind[bin]'") from None
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        message = f"Pagefind's program is missing ({error}); reinstall pagefind[bin]"
        raise EngineError(message) from None
