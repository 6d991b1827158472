"""Stage 9, publish: put the finished site in place, all at once or not at all."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: GitHub Pages refuses to publish a site larger than this.
SITE_LIMIT = 1_000_000_000
#: A build that adds more files than this since the last one is worth a warning.
GROWTH_LIMIT = 10_000
_VERSION_PAGE = re.compile(r"/v\d+/index\.html$")


@contextmanager
def staging(site_dir: Path, preview: bool) -> Iterator[Path]:
    """Give the folder a build writes into; on failure, remove it (the old site stays).

    The preview writes into its own folder in place, and keeps what it has on failure.
    """
    staged = site_dir if preview else staging_dir(site_dir)
    staged.mkdir(parents=True, exist_ok=True)
    try:
        yield staged
    except BaseException:
        if not preview:
            discard(staged)
        raise


def staging_dir(site_dir: Path) -> Path:
    """Return a fresh folder beside site_dir to build into (same file system, so renames work).

    Its name carries this process's id, so a later build can remove what a killed one left.
    """
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in site_dir.parent.glob(f".{site_dir.name}.*"):
        if not _owner_alive(stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    prefix = f".{site_dir.name}.building-{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=site_dir.parent))


def _owner_alive(name: str) -> bool:
    """Return whether the process that made a staging folder is still running."""
    match = re.search(r"\.(?:building|old)-(\d+)-[^-]*$", name)
    if match is None:
        return True  # not ours: leave it alone
    try:
        os.kill(int(match.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap_into_place(staged: Path, site_dir: Path) -> None:
    """Replace site_dir with the staged build; the old site stays until the new one is there."""
    retired: Path | None = None
    if site_dir.exists():
        retired = Path(
            tempfile.mkdtemp(prefix=f".{site_dir.name}.old-{os.getpid()}-", dir=site_dir.parent)
        )
        retired.rmdir()
        os.replace(site_dir, retired)
    os.replace(staged, site_dir)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staged build that failed."""
    shutil.rmtree(staged, ignore_errors=True)


def site_size(site_dir: Path) -> dict[str, tuple[int, int]]:
    """Return the files and bytes of a site by kind of part: record, history and version
    pages, other pages, feeds, data, search and assets."""
    sizes: dict[str, list[int]] = {}
    base = len(str(site_dir)) + 1
    for folder, _dirs, names in os.walk(site_dir):
        for name in names:
            path = os.path.join(folder, name)
            kind = _kind(path[base:].replace(os.sep, "/"))
            size = sizes.setdefault(kind, [0, 0])
            size[0] += 1
            size[1] += os.stat(path).st_size
    return {kind: (files, size) for kind, (files, size) in sorted(sizes.items())}


def _kind(path: str) -> str:
    """Return which part of a site a file belongs to, by its path."""
    top = path.split("/", 1)[0]
    if top in ("feeds", "data", "search", "assets"):
        return top
    if not path.endswith(".html"):
        return "other files"
    if "/history/" in path:
        return "history pages"
    if _VERSION_PAGE.search(path):
        return "version pages"
    if top in ("workshops", "intentions", "decisions") and path.count("/") == 2:
        return "record pages"
    return "other pages"


def size_warnings(sizes: dict[str, tuple[int, int]], last: Path) -> list[str]:
    """Return warnings for a site too large for GitHub Pages or grown by many files, naming
    its largest parts, and remember its size in last for the next build."""
    files = sum(count for count, _ in sizes.values())
    total = sum(size for _, size in sizes.values())
    before = _read_size(last)
    parts = ", ".join(
        f"{kind} {_megabytes(size)} ({count:,} files)"
        for kind, (count, size) in sorted(sizes.items(), key=lambda item: -item[1][1])[:3]
    )
    warnings = []
    if total > SITE_LIMIT:
        warnings.append(
            f"the site is {_megabytes(total)} in {files:,} files, more than the 1 GB GitHub "
            f"Pages publishes; its largest parts: {parts}"
        )
    if before is not None and files - before > GROWTH_LIMIT:
        warnings.append(
            f"the site has {files - before:,} more files than the last build ({files:,}); "
            f"its largest parts: {parts}"
        )
    last.parent.mkdir(parents=True, exist_ok=True)
    last.write_text(json.dumps({"bytes": total, "files": files}) + "\n", encoding="utf-8")
    return warnings


def _read_size(last: Path) -> int | None:
    """Return how many files the last build's site had, if it was recorded."""
    try:
        files = json.loads(last.read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    return files if isinstance(files, int) else None


def _megabytes(size: int) -> str:
    """Return a size in megabytes (or gigabytes from 1,000 MB), for people."""
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.1f} MB"
