"""Stage 7, publish: put the finished site in place, all at once or not at all."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path


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
