"""How a build shares its work between processes, all of it in this module.

A build is one story (``build.py``); this is the plumbing under it. From its start, with
two cores or more, the history is read from git by a process forked for it (``Beside``),
while this one loads, validates and links the content, and sends back what it read. Then,
on a site large enough to pay for it (``POOL_FROM`` records and versions):

1. **The fork server.** As soon as a build knows it will use a pool, ``start_server``
   starts a small process that imports what pouring pages needs; every process of the
   pool is forked from it, never from the build itself (a fork of a large build would
   copy its memory).
2. **The writer beside the build.** Feeds and open data need only the gathered data, so
   ``Parallel.beside`` forks a process that writes them from the start, into a folder of
   its own (the engine empties the folder it renders into); ``finish_beside`` waits for it
   and merges that folder into the site.
3. **The engine in a thread.** ``Parallel.start`` runs the engine (itself a separate
   process) from a thread; meanwhile the build renders the records' pages in batches of
   ``_BATCH`` records (``record_batches``), taking them while the engine runs
   (``take_while``) so the wait is never idle.
4. **The pool.** Once the engine has made the shells, ``Parallel.pour`` hands the batches
   to a pool of processes (one a core, at most four) in chunks of about ``_CHUNK`` pages,
   a record's pages in one chunk, with at most ``_IN_FLIGHT`` chunks waiting, so pages
   rendered ahead of the pool never pile up in memory; ``finish_pouring`` collects what
   each page gives the sitemap and stops the pool.

On a small site, with one core, or in the preview (whose threads serve pages), nothing is
forked: the same functions run in this process, in the same order, and write the same
bytes (``tests/test_engines.py`` builds a site both ways and compares every file).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from generator.content.model import Site
from generator.errors import OpenRecordError
from generator.history.history import History
from generator.markdown.convert import LANGUAGES_VARIABLE, fence_languages
from generator.outputs.feeds import Feed
from generator.pages.provenance import edges
from generator.pages.render import render_records
from generator.pages.render_history import render_withdrawn_pages
from generator.pages.shells import Poured, ShellPage, Shells, fill_many, start_worker, worker_setup
from generator.pages.tree import DocsTree


class Parallel:
    """The processes and threads of one build, and what they leave to be collected.

    Used as a context manager: leaving it (also on failure) stops whatever still runs.
    """

    def __init__(
        self, site: Site, history: History, site_dir: Path, pour: bool, preview: bool
    ) -> None:
        self.site_dir = site_dir
        self.pool = pour and worth_a_pool(site, history)
        self.fork = self.pool and not preview
        if self.fork:  # the pool's processes: ready by the time the engine has run
            start_server(fence_languages(_texts(site)))
        self._aside: _Aside | None = None
        self._pourer: Pourer | None = None
        self._thread = ThreadPoolExecutor(max_workers=1)

    def __enter__(self) -> Parallel:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._aside is not None:
            self._aside.close()
        if self._pourer is not None:
            self._pourer.close()
        self._thread.shutdown(wait=True, cancel_futures=True)

    def beside(self, task: Callable[..., None], *args: Any) -> None:
        """Have task(*args, folder) write into the site, forked from now on when it pays."""
        self._aside = _Aside(task, args, self.site_dir, self.fork)

    def finish_beside(self) -> None:
        """Wait for the task begun by beside (or run it now); merge what it wrote."""
        if self._aside is not None:
            self._aside.finish()

    def start(self, task: Callable[..., None], *args: Any) -> Future[None]:
        """Run task(*args) in a thread of its own; return its future."""
        return self._thread.submit(task, *args)

    def take_while(
        self, running: Future[None], batches: Iterator[list[ShellPage]]
    ) -> list[list[ShellPage]]:
        """Take batches while a task runs (at least one, so the wait is never idle)."""
        taken = []
        for batch in batches:
            taken.append(batch)
            if running.done():
                break
        return taken

    def pour(
        self,
        shells: Shells,
        raw: dict[str, Any],
        batches: Iterator[list[ShellPage]],
    ) -> None:
        """Pour every batch of pages into the shells, in the pool when it pays."""
        self._pourer = Pourer(shells, self.site_dir, raw, pool=self.pool)
        for batch in batches:
            self._pourer.pour(batch)

    def finish_pouring(self) -> list[tuple[str, Poured]]:
        """Wait for every page poured; stop the pool; return what each gave the sitemap."""
        if self._pourer is None:
            return []
        poured = list(self._pourer.results())
        self._pourer.close()
        return poured


#: From this many records and versions, other processes pour the pages and write the feeds.
POOL_FROM = 200


def worth_a_pool(site: Site, history: History) -> bool:
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

    def close(self) -> None:
        """Stop the process if the build was abandoned; remove its folder."""
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


T = TypeVar("T")


class Beside(Generic[T]):
    """A task that gives back what it read, run beside the build from the start of it.

    Forked when there is a second core and this process runs no other thread (a fork
    while another thread holds a lock would hold it for good): the task then has a core
    of its own instead of sharing the interpreter with the build. Otherwise (one core, the
    preview's threads, no fork) it runs in a thread. A process that fails, or whose result
    cannot be sent back, is not trusted: the task runs again here, so that whatever it
    raises is raised as it would be. Used as a context manager, which stops it if the
    build is abandoned.
    """

    def __init__(self, task: Callable[..., T], *args: Any, **options: Any) -> None:
        self.task, self.args, self.options = task, args, options
        self.process: multiprocessing.process.BaseProcess | None = None
        self.thread: ThreadPoolExecutor | None = None
        if _can_fork():
            context = multiprocessing.get_context("fork")
            self.receiving, sending = context.Pipe(duplex=False)
            self.process = context.Process(
                target=_send_result, args=(sending, task, args, options), daemon=True
            )
            self.process.start()
            sending.close()
        else:
            self.thread = ThreadPoolExecutor(max_workers=1)
            self.future = self.thread.submit(task, *args, **options)

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.receiving.close()
            self.process = None
        if self.thread is not None:
            self.thread.shutdown(wait=True, cancel_futures=True)
            self.thread = None

    def result(self) -> T:
        """Wait for the task's result (and raise what it raised)."""
        if self.process is None:
            return self.future.result()
        try:
            outcome = self.receiving.recv()
        except (EOFError, OSError):  # it ended without a word
            outcome = None
        self.process.join()
        if isinstance(outcome, tuple) and outcome[0] == _READ:
            return outcome[1]  # type: ignore[no-any-return]
        return self.task(*self.args, **self.options)


_READ = "read"


def _can_fork() -> bool:
    """Tell whether a task beside the build may be forked: two cores, one thread, fork."""
    return (
        (os.cpu_count() or 1) >= 2
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _send_result(
    sending: Connection, task: Callable[..., Any], args: tuple[Any, ...], options: Any
) -> None:
    """Run a task in the forked process and send its result back (or that it failed)."""
    try:
        outcome: tuple[str, Any] = (_READ, task(*args, **options))
    except BaseException:  # raised again where the build runs it anew
        outcome = ("failed", None)
    try:
        sending.send(outcome)
    except Exception:  # a result that cannot be sent: read anew there
        sending.send(("failed", None))
    finally:
        sending.close()


def _merge_into(source: Path, target: Path) -> None:
    """Move a folder's contents into another, folder by folder where both have one."""
    for entry in source.iterdir():
        destination = target / entry.name
        if entry.is_dir() and destination.is_dir():
            _merge_into(entry, destination)
        else:
            entry.replace(destination)


#: What the pool's processes need, imported once by the server they are forked from
#: (the last builds the lexers of the languages the build names: see start_server).
_PRELOAD = [
    "generator.pages.shells",
    "pygments.lexers",
    "pygments.formatters.html",
    "generator.markdown.lexers",
]


def start_server(languages: list[str] | None = None) -> None:
    """Start the process the pool's processes are forked from, importing what they need.

    Started once a build knows it will use a pool, it imports while the pages around the
    records are rendered and the engine runs; each pool process is then forked from it
    ready to work, instead of starting Python afresh, with the lexers of the languages
    its fences name already built (each takes tens of milliseconds to build, in every
    process that meets it). Where there is no such server (Windows) or it cannot start,
    the pool starts each of its processes afresh. With one core there is no pool, and
    no server. A server already running (an earlier build in this process) is kept.
    """
    if _workers() < 2 or _start_method() != "forkserver":
        return
    multiprocessing.get_context("forkserver").set_forkserver_preload(_PRELOAD)
    before = os.environ.get(LANGUAGES_VARIABLE)
    os.environ[LANGUAGES_VARIABLE] = " ".join(languages or [])  # read by the server alone
    try:
        forkserver.ensure_running()
    except OSError:
        _SERVER_FAILED.append(True)
    finally:
        if before is None:
            del os.environ[LANGUAGES_VARIABLE]
        else:
            os.environ[LANGUAGES_VARIABLE] = before


def _texts(site: Site) -> Iterator[str]:
    """Yield the texts whose fences name the languages to prepare: each record's and page's.

    Only the current texts: reading every revision's too took a quarter of a second of the
    real log's build, before the pool could start, for a handful of rarer languages, which
    a process of the pool builds the first time it meets one.
    """
    yield from (record.body for record in site.records)
    yield from (page.body for page in site.pages)


_SERVER_FAILED: list[bool] = []


def _workers() -> int:
    """Return how many processes a pool has: one a core, at most four."""
    return min(os.cpu_count() or 1, 4)


def _start_method() -> str:
    """Return how the pool starts its processes: forked from a server, else afresh."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods and not _SERVER_FAILED else "spawn"


def stop_server() -> None:
    """Stop that process and wait for it, and so for the processes forked from it.

    For benchmarks: the CPU time and memory of a process's children count only the
    children it has waited for.
    """
    server: Any = forkserver._forkserver
    if getattr(server, "_forkserver_pid", None):
        server._stop()


class Pourer:
    """Pours pages into shells as they are rendered, in a pool of processes when it pays."""

    def __init__(self, shells: Shells, site_dir: Path, raw: dict[str, Any], pool: bool) -> None:
        setup = worker_setup(shells, site_dir, raw)
        workers = _workers()
        self.pool: ProcessPoolExecutor | None = None
        if pool and workers >= 2:
            # Forks of a small server process (see start_server) or fresh processes, never
            # forks of this one: a fork of a large build would copy its memory.
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(_start_method()),
                initializer=start_worker,
                initargs=setup,
            )
        else:
            start_worker(*setup)
        self.pending: list[tuple[list[str], Future[list[Poured]] | list[Poured]]] = []
        self.waiting: list[int] = []  # which of them the pool has not finished, oldest first

    def pour(self, pages: list[ShellPage]) -> None:
        """Start pouring pages, a record's pages in one task (they share their sections).

        At most _IN_FLIGHT tasks wait for the pool: past that, this waits for the oldest,
        so the pages rendered ahead of the pool never pile up in memory.
        """
        for chunk in chunks(pages, _CHUNK):
            urls = [page[0] for page in chunk]
            if self.pool is None:
                self.pending.append((urls, fill_many(chunk)))
                continue
            self.pending.append((urls, self.pool.submit(fill_many, chunk)))
            self.waiting.append(len(self.pending) - 1)
            if len(self.waiting) > _IN_FLIGHT:
                oldest = self.waiting.pop(0)
                urls_done, future = self.pending[oldest]
                if not isinstance(future, list):
                    self.pending[oldest] = (urls_done, future.result())

    def results(self) -> Iterator[tuple[str, Poured]]:
        """Wait for every page poured; yield what each adds to the sitemap."""
        for urls, done in self.pending:
            poured = done if isinstance(done, list) else done.result()
            yield from zip(urls, poured, strict=True)
        self.pending, self.waiting = [], []

    def close(self) -> None:
        """Stop the pool, abandoning what is still waiting."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_CHUNK = 64
#: Tasks handed to the pool and not yet waited for (a few per process keep each busy).
_IN_FLIGHT = 16


def chunks(pages: list[ShellPage], size: int) -> Iterator[list[ShellPage]]:
    """Yield pages in address order, cut into chunks of about size pages between records.

    A record's pages ('decisions/x/', its history and versions) share two address
    segments, and stay in one chunk.
    """
    chunk: list[ShellPage] = []
    owner = None
    for page in sorted(pages, key=lambda page: page[0]):
        group = page[0].split("/", 2)[:2]
        if len(chunk) >= size and group != owner:
            yield chunk
            chunk = []
        chunk.append(page)
        owner = group
    if chunk:
        yield chunk
