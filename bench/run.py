"""Time a full openrecord build on a generated corpus.

    BENCH_RECORDS=1000 BENCH_COMMITS=5000 [BENCH_ENGINE=zensical] [BENCH_PREVIEW=0] \
        python bench/run.py [--peer] [--keep] [--corpus REPO]

The corpus (see corpus.py) is generated into a temporary folder, or reused from
``bench/.corpus-<records>-<commits>`` when that folder exists (``--keep`` creates
it). The build runs in a fresh child process, in-process there through
``generator.build.build()``, so its peak memory and CPU time are its own. Prints
the time of each stage (when build() reports them), the total, pages written,
pages per second, peak memory and the site's bytes and files by kind of page; the
search index (its time, files and bytes) and what a browser downloads for a first query
and a filtered one (see downloads.py); first, the time of one diff of a rewritten
1,500-word paragraph (diffs.py); unless BENCH_PREVIEW=0, the preview's time to show one
edited record; with ``--peer``, also the peer stack's time from peer.py on the same
corpus. BENCH_ENGINE picks the engine (mkdocs, zensical). ``--corpus REPO`` builds that
repository instead (``make bench-real`` gives it a real decision log converted by
real.py). Before the timed build, what a last run left (its site and build folder) is
moved aside into ``.bench-trash`` beside the corpus, so the build starts as on a fresh
checkout without paying for deleted files (see disk.py; ``make bench-clean`` empties the
trash; BENCH_SETTLE sets seconds to wait before building). Nothing here asserts a time:
it measures.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import corpus
import diffs
import disk
import downloads

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def measure(root: Path) -> dict[str, Any]:
    """Build the corpus at root in this process and return what was measured."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    pipeline = importlib.import_module("generator.build")
    timings: dict[str, float] = {}
    options: dict[str, Any] = {}
    if "timings" in inspect.signature(pipeline.build).parameters:
        options["timings"] = timings
    options["engine"] = os.environ.get("BENCH_ENGINE", "mkdocs")
    site = root / "site"
    settled, trash = disk.settle(root)
    speed_before = reference_loop()
    before = _cpu()
    start = time.perf_counter()
    result = pipeline.build(root, site, **options)
    wall = time.perf_counter() - start
    # The pool's processes are forked from a server process: count them once it has ended.
    stop_server = getattr(sys.modules.get("generator.parallel"), "stop_server", None)
    if stop_server is not None:
        stop_server()
    after = _cpu()
    maxrss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    maxrss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    speed_after = reference_loop()  # (forks of this process: read the memory figures first)
    search = {"index": downloads.index_figures(site), "downloads": downloads.download_figures(site)}
    measuring = getattr(importlib.import_module("generator.outputs.publish"), "site_size", None)
    sizes = measuring(site) if measuring else {}
    preview = _preview_update(root) if os.environ.get("BENCH_PREVIEW", "1") != "0" else None
    return {
        "preview": preview,
        "search": search,
        "wall": wall,
        "stages": timings,
        "pages": sum(1 for _ in site.rglob("index.html")),
        "docs_pages": result.pages,
        "warnings": len(result.warnings),
        "reference": [speed_before, speed_after],
        "cpu_self": after[0] - before[0],
        "cpu_children": after[1] - before[1],
        "maxrss_self_mb": maxrss_self,
        "maxrss_children_mb": maxrss_children,
        "sizes": sizes,
        "settled": settled,
        "trash": trash,
    }


def reference_loop() -> float:
    """Time a fixed piece of pure Python work on both cores at once: the machine's speed now.

    A shared machine's speed varies from minute to minute, most of all when both cores
    are busy (on ours, the same build took 8.5 s and 14.7 s within an hour), so runs are
    compared by it, not by seconds alone. Returns the slower core's time.
    """
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return max(pool.map(_loop, [10_000_000, 10_000_000]))


def _loop(count: int) -> float:
    """Time a loop of count additions."""
    start = time.perf_counter()
    total = 0
    for number in range(count):
        total += number
    return time.perf_counter() - start


def _preview_update(root: Path) -> dict[str, float] | None:
    """Time the preview: a whole preview build, then the update after one record's text changed."""
    try:
        previews = importlib.import_module("generator.commands.preview")
    except ImportError:
        return None
    preview = previews.Preview(root, root / "build" / "bench-preview")
    start = time.perf_counter()
    preview.build()
    whole = time.perf_counter() - start
    record = sorted(preview.context.site.records, key=lambda record: record.path)[0]
    path = root / record.path
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\nA paragraph added while previewing.\n", encoding="utf-8")
    try:
        start = time.perf_counter()
        preview.update([record.path])
        update = time.perf_counter() - start
        search = getattr(preview, "search", None)
        if search is not None:
            search.wait()  # the search index follows in the background
        indexed = time.perf_counter() - start
    finally:
        path.write_text(original, encoding="utf-8")
    page = root / "build" / "bench-preview" / record.url / "index.html"
    if "A paragraph added while previewing." not in page.read_text(encoding="utf-8"):
        raise RuntimeError(f"the preview did not update /{record.url}")
    return {"whole": whole, "update": update, "indexed": indexed}


def _cpu() -> tuple[float, float]:
    """Return user+system CPU seconds of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def prepare(records: int, commits: int, keep: bool, scratch: Path) -> tuple[Path, str]:
    """Return the corpus folder, reusing or generating it, and how it was obtained."""
    cached = BENCH / f".corpus-{records}-{commits}"
    if cached.is_dir() and (cached / ".git").is_dir():
        disk.set_leftovers_aside(cached)  # before git clean would delete the last run's site
        subprocess.run(["git", "-C", str(cached), "clean", "-qfdX"], check=True)
        # The site settings and theme are today's, not those of the day the corpus was made.
        shutil.copy2(ROOT / "mkdocs.yml", cached / "mkdocs.yml")
        disk.set_aside(cached / "theme", disk.trash_of(cached))
        shutil.copytree(ROOT / "theme", cached / "theme")
        return cached, f"reused {cached.relative_to(ROOT)}"
    target = cached if keep else scratch / "corpus"
    start = time.perf_counter()
    corpus.generate(target, records, commits, theme=ROOT / "theme")
    how = f"generated in {time.perf_counter() - start:.1f} s"
    return target, how + (f" into {cached.relative_to(ROOT)}" if keep else "")


def run_json(command: list[str]) -> dict[str, Any]:
    """Run a command that ends its output with one JSON line and return that line's object."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run_child(root: Path) -> dict[str, Any]:
    """Measure the build in a fresh Python process and return its figures."""
    return run_json([sys.executable, str(Path(__file__).resolve()), "--measure", str(root)])


def run_peer(root: Path) -> dict[str, Any]:
    """Run peer.py on the corpus and return its figures by tool."""
    return run_json([sys.executable, str(BENCH / "peer.py"), "--corpus", str(root), "--json"])


def report(figures: dict[str, Any], peers: dict[str, Any] | None) -> None:
    """Print the measurements as a table."""
    wall = figures["wall"]
    print(f"{'stage':<12}{'seconds':>10}{'share':>9}")
    for name, seconds in figures["stages"].items():
        print(f"{name:<12}{seconds:>10.2f}{seconds / wall:>9.1%}")
    print(f"{'total':<12}{wall:>10.2f}")
    pages = figures["pages"]
    print(f"pages written: {pages} index.html ({figures['docs_pages']} in the docs tree)")
    print(f"pages per second: {pages / wall:.1f}  ({1000 * wall / max(pages, 1):.2f} ms a page)")
    print(
        f"cpu: {figures['cpu_self']:.1f} s in the build process, "
        f"{figures['cpu_children']:.1f} s in its children (git, the engine)"
    )
    print(f"warnings: {figures['warnings']}")
    print(
        f"peak memory: {figures['maxrss_self_mb']:.0f} MB (build process), "
        f"{figures['maxrss_children_mb']:.0f} MB (largest child)"
    )
    if figures.get("trash"):
        print(
            f"disk: the last runs' sites and build folders are set aside, not deleted, in "
            f"{disk.TRASH} beside the corpus ({figures['trash']} entries; see bench/disk.py; "
            "make bench-clean empties it)"
        )
    if figures.get("settled"):
        print(f"disk: waited {figures['settled']:.0f} s, untimed, before the build")
    if figures.get("reference"):
        before, after = figures["reference"]
        print(
            f"machine: a fixed loop on both cores took {before:.2f} s before the build and "
            f"{after:.2f} s after (lower is faster; compare runs by it)"
        )
    if figures.get("search"):
        _report_search(figures["search"], figures["stages"].get("search"), wall)
    if figures.get("sizes"):
        report_sizes(figures["sizes"])
    if figures.get("preview"):
        preview = figures["preview"]
        print(
            f"preview (openrecord serve): whole build {preview['whole']:.2f} s; after one "
            f"record's text is edited, its page is updated in {preview['update']:.3f} s"
            + (
                f" and the search index, in the background, {preview['indexed']:.2f} s after it"
                if "indexed" in preview
                else ""
            )
        )
    if not peers:
        return
    print()
    print(f"{'tool':<34}{'pages':>8}{'seconds':>10}{'s/page':>10}{'cpu s':>9}")
    cpu = figures["cpu_self"] + figures["cpu_children"]
    print(f"{'openrecord':<34}{pages:>8}{wall:>10.2f}{wall / max(pages, 1):>10.4f}{cpu:>9.1f}")
    for tool, peer in peers.items():
        per_page = peer["seconds"] / max(peer["pages"], 1)
        print(
            f"{tool:<34}{peer['pages']:>8}{peer['seconds']:>10.2f}{per_page:>10.4f}"
            f"{peer['cpu']:>9.1f}"
        )
    ours = wall / max(pages, 1)
    for tool, peer in peers.items():
        theirs = peer["seconds"] / max(peer["pages"], 1)
        if "hugo" in tool:
            print(f"our cost a page is {ours / theirs:.1f} times {tool}'s")
        else:
            print(f"{tool} takes {peer['seconds'] / wall:.2f} times our time")


def _report_search(search: dict[str, Any], seconds: float | None, wall: float) -> None:
    """Print the search index's figures and what a browser downloads to search."""
    index = search["index"]
    took = f"; indexing took {seconds:.2f} s, {seconds / wall:.1%} of the build" if seconds else ""
    print(f"search index: {index['files']} files, {index['bytes'] / 1e6:.2f} MB{took}")
    found = search.get("downloads")
    if not found:
        print("search downloads: not measured (no Chromium: run tests/browser/setup.sh)")
        return
    filters = ", ".join(f"{name}={value}" for name, value in found["filters"].items())
    for label, key in (("first query", "first"), (f"filtered ({filters})", "filtered")):
        got = found[key]
        print(
            f"search downloads, {label} '{found['query']}': {got['requests']} files, "
            f"{got['bytes'] / 1024:.0f} KB as served ({got['index'] / 1024:.0f} KB of index, "
            f"the rest the search program), {got['compressed'] / 1024:.0f} KB from a host "
            f"that compresses text; {got['results']} results shown"
        )


def report_sizes(sizes: dict[str, list[int]]) -> None:
    """Print the site's bytes and files, by kind of part, and its bytes a page."""
    files = sum(count for count, _ in sizes.values())
    total = sum(size for _, size in sizes.values())
    pages = sum(count for kind, (count, _) in sizes.items() if kind.endswith("pages"))
    print(
        f"site: {total / 1e6:.1f} MB in {files} files; {pages} pages, "
        f"{total / max(pages, 1) / 1e3:.1f} KB a page all told"
    )
    print(f"  {'part':<16}{'files':>9}{'MB':>10}{'KB a file':>11}")
    for kind, (count, size) in sorted(sizes.items(), key=lambda item: -item[1][1]):
        print(f"  {kind:<16}{count:>9}{size / 1e6:>10.1f}{size / max(count, 1) / 1e3:>11.1f}")


def describe(root: Path) -> str:
    """Return what the generated corpus's history holds: its share of rewrites, its longest."""
    try:
        stats = json.loads((root / ".git" / "bench-stats.json").read_text())
    except (OSError, ValueError):
        return ""
    edits, rewrites = stats.get("body edits", 0), stats.get("paragraph rewrites", 0)
    return (
        f"history: {rewrites} of {edits} substantive body edits ({rewrites / max(edits, 1):.0%})"
        f" rewrite a paragraph whole, the others add to one; {stats.get('minor', 0)} minor "
        f"rewordings; the longest history has {stats.get('most revisions of a record', 0)} "
        "commits"
    )


def main(argv: list[str] | None = None) -> int:
    """Prepare the corpus, measure the build and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer", action="store_true", help="also time the peer stack")
    parser.add_argument("--keep", action="store_true", help="cache the corpus in bench/")
    parser.add_argument("--corpus", type=Path, help="build this repository instead")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure.resolve())))
        return 0
    records = int(os.environ.get("BENCH_RECORDS", "1000"))
    commits = int(os.environ.get("BENCH_COMMITS", "5000"))
    scratch = Path(tempfile.mkdtemp(prefix="openrecord-bench-"))
    try:
        if args.corpus:
            root = args.corpus.resolve()
            print(f"corpus: the repository at {args.corpus}")
        else:
            root, how = prepare(records, commits, args.keep, scratch)
            print(f"corpus: {records} records, {commits} first-parent commits ({how})")
            if describe(root):
                print(describe(root))
        rewrite = diffs.cases(1500)["rewritten"]
        print(
            "diff of a rewritten 1,500-word one-line paragraph: "
            f"{diffs.best_of(diffs.ours, *rewrite):.2f} ms"
        )
        if os.environ.get("BENCH_ENGINE", "mkdocs") != "mkdocs":
            print(f"engine: {os.environ['BENCH_ENGINE']}")
        figures = run_child(root)
        peers = run_peer(root) if args.peer else None
        report(figures, peers)
    except (RuntimeError, FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
