"""Stage 7, publish: put the finished site in place, all at once or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def staging_dir(site_dir: Path) -> Path:
    """Return a fresh folder beside site_dir to build into (same file system, so renames work)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))


def swap_into_place(staged: Path, site_dir: Path) -> None:
    """Replace site_dir with the staged build; the old site stays until the new one is there."""
    retired: Path | None = None
    if site_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-", dir=site_dir.parent))
        retired.rmdir()
        os.replace(site_dir, retired)
    os.replace(staged, site_dir)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staged build that failed."""
    shutil.rmtree(staged, ignore_errors=True)
