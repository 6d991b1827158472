"""The openrecord command: build, check, serve, new and import."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import build as pipeline
from generator.commands.import_formats import FORMATS
from generator.commands.importer import import_log
from generator.commands.preview import Preview
from generator.commands.server import write_state
from generator.content.scaffold import new_record
from generator.content.schema import TYPES_BY_FOLDER, TYPES_BY_NAME
from generator.errors import ContentError, OpenRecordError
from generator.pages.engine import ENGINES

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(command: F) -> F:
    """Turn openrecord's errors into messages and exit status 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ContentError as error:
            click.echo(error.report(), err=True)
            sys.exit(1)
        except OpenRecordError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


_ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The repository holding mkdocs.yml and content/.",
)


@click.group()
@click.version_option(package_name="openrecord")
def cli() -> None:
    """Publish the open record of collaborative government from a Git repository."""


@cli.command()
@_ROOT
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site/ in the repository).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="mkdocs",
    show_default=True,
    help="The rendering engine.",
)
@_reports_errors
def build(root: Path, site_dir: Path | None, strict: bool, engine: str) -> None:
    """Build the site into site/ (or --site-dir), replacing it only when the build succeeds."""
    result = pipeline.build(
        root.resolve(),
        site_dir.resolve() if site_dir else None,
        engine,
        strict=strict,
        report=_progress(),
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"built {result.pages} pages into {result.site_dir}")


@cli.command()
@_ROOT
@click.option("--strict", is_flag=True, help="Treat history-rule warnings as errors.")
@click.option(
    "--changes",
    "base",
    metavar="BASE",
    default=None,
    help="Also check the pull-request rules for changes since BASE (origin/main).",
)
@click.option(
    "--against",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A published data/manifest.json: refuse to drop its addresses.",
)
@_reports_errors
def check(root: Path, strict: bool, base: str | None, against: Path | None) -> None:
    """Check the content (schemas, references, history rules) without writing anything."""
    site, warnings = pipeline.check(root.resolve(), strict=strict, changes=base, against=against)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"ok: {len(site.records)} records, {len(site.pages)} pages, {len(site.topics)} topics"
    )


@cli.command()
@click.argument(
    "record_type", metavar="TYPE", type=click.Choice(sorted([*TYPES_BY_NAME, *TYPES_BY_FOLDER]))
)
@click.argument("title")
@_ROOT
@_reports_errors
def new(record_type: str, title: str, root: Path) -> None:
    """Write a new record of TYPE (workshop, intention, decision) titled TITLE."""
    kind = TYPES_BY_NAME.get(record_type) or TYPES_BY_FOLDER[record_type]
    path = new_record(root.resolve(), kind, title)
    click.echo(path.relative_to(root.resolve()).as_posix())


@cli.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(sorted(FORMATS)))
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--path", "folder", default=None, help="The log's folder in SOURCE.")
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("imported-record"),
    show_default=True,
    help="The new repository to write (a new or empty folder).",
)
@_reports_errors
def import_(format_name: str, source: Path, folder: str | None, into: Path) -> None:
    """Write a new repository from the decision log in SOURCE, with its whole history."""
    report = import_log(FORMATS[format_name], source.resolve(), folder, into.resolve())
    click.echo(report.text())


@cli.command()
@_ROOT
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@_reports_errors
def serve(root: Path, port: int) -> None:
    """Build, serve the site on 127.0.0.1 and rebuild when content/ or theme/ changes.

    The server runs in a process of its own, so pages are answered at once while a
    build runs; while the content has problems, every page opens with them.
    """
    root = root.resolve()
    site_dir = root / "build" / "preview"
    state = Rebuilds(Preview(root, site_dir, say=click.echo), root / "build" / "preview-state.json")
    state.run(lambda: state.preview.build(report=_progress()), [])
    server = _start_server(site_dir, state.path, port)
    click.echo(f"serving on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    watched = [root / "content", root / "theme", root / "mkdocs.yml"]
    seen = _snapshot(watched)
    try:
        while server.poll() is None:
            time.sleep(0.2)
            now = _snapshot(watched)
            if now != seen:
                changed = sorted(
                    Path(path).relative_to(root).as_posix()
                    for path in set(now) | set(seen)
                    if now.get(path) != seen.get(path)
                )
                seen = now
                state.rebuild(changed)
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        server.wait()


def _start_server(site_dir: Path, state_path: Path, port: int) -> subprocess.Popen[str]:
    """Start the preview's web server in a process of its own; return it once it listens."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.commands.server",
            str(site_dir),
            str(state_path),
            str(port),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stderr is not None
    if server.stdout.readline().strip() != "ready":
        server.wait()
        raise OpenRecordError(server.stderr.read().strip() or "the preview server did not start")
    return server


class Rebuilds:
    """The preview's builds, each reported in the terminal and on every page it serves."""

    def __init__(self, preview: Preview, path: Path) -> None:
        self.preview, self.path, self.generation = preview, path, 0
        write_state(path, self.generation, [])

    def rebuild(self, changed: list[str]) -> None:
        """Update the preview after files changed: only the edited pages when that is enough."""
        start = time.perf_counter()

        def update() -> None:
            updated = self.preview.update(changed)
            if updated is None:
                result = self.preview.build()
                click.echo(f"rebuilt {result.pages} pages in {time.perf_counter() - start:.1f} s")
            else:
                elapsed = time.perf_counter() - start
                names = ", ".join(changed)
                click.echo(f"rebuilt {updated} edited page(s) in {elapsed:.2f} s ({names})")
                click.echo("updating the search index in the background …")

        self.run(update, changed)

    def run(self, task: Callable[[], object], changed: list[str]) -> None:
        """Run a build; whatever it raises is reported, and the last good site stays served."""
        problems: list[str] = []
        try:
            task()
        except ContentError as error:
            click.echo(error.report(), err=True)
            problems = [str(problem) for problem in error.problems]
        except OpenRecordError as error:
            click.echo(f"error: {error}", err=True)
            problems = [f"error: {error}"]
        except Exception as error:  # the preview survives any edit, even one check misses
            where = ", ".join(changed) or "the content"
            problems = [
                f"error: the preview could not be built after {where} changed "
                f"({type(error).__name__}: {str(error)[:300]}); undo the last edit, and "
                "report the problem to the maintainers"
            ]
            click.echo(problems[0], err=True)
        self.generation += 1
        write_state(self.path, self.generation, problems)


def _progress() -> pipeline.Report:
    """Return a reporter for stderr: a live line per stage on a terminal, plain lines otherwise."""
    live = sys.stderr.isatty()

    def report(stage: str, elapsed: float | None) -> None:
        if elapsed is None:
            if live:
                click.echo(f"\r  {stage} …", err=True, nl=False)
            return
        prefix = "\r✓ " if live else ""
        click.echo(f"{prefix}{stage:<9} {elapsed:6.2f} s", err=True)

    return report


def _snapshot(paths: list[Path]) -> dict[str, tuple[float, int]]:
    """Return the modification time and size of every file under the given paths."""
    found: dict[str, tuple[float, int]] = {}
    for base in paths:
        candidates = (
            [base]
            if base.is_file()
            else [Path(d) / name for d, _, names in os.walk(base) for name in names]
        )
        for path in candidates:
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            found[str(path)] = (stat.st_mtime, stat.st_size)
    return found


def main() -> None:
    """Run the command line."""
    cli(prog_name="openrecord")
