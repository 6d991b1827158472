"""Start each bench run on a disk like a fresh checkout's: nothing of the last run deleted.

This project's machines keep their files on ext4 mounted without a journal. There the
kernel keeps a new file off the inode of a file deleted in the last minute, and off one
deleted in the last six minutes once its block of the inode table is written again (as the
next build's files write it: RECENTCY_MIN and RECENTCY_DIRTY in fs/ext4/ialloc.c). Each new
file first searches past all of those. Creating 15,000 pages took 0.8 s of system time on a
quiet disk, 3.7 s a minute after 15,000 files had been deleted, and 0.9 s six minutes after.
A fresh checkout, as CI builds, has none of this; a bench that deleted the last run's site
just before building would time it. So what a last run left is moved aside into
``.bench-trash`` beside the corpus (a rename: no inode is freed), and stays there until
``make bench-clean`` empties it, at a time the bench is not measuring.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

#: Where a corpus's last outputs are moved, beside it (so on the same file system).
TRASH = ".bench-trash"

#: Six minutes, and a second more: how long a deleted file's inode may stay out of use.
QUARANTINE = 361.0


def leftovers(root: Path) -> list[Path]:
    """Return what a last run left in the corpus at root: its site, build folder, staging."""
    candidates = (root / "site", root / "build", *root.glob(".site.*"))
    return [path for path in candidates if path.exists()]


def trash_of(root: Path) -> Path:
    """Return the trash of the corpus at root: beside it, so on its file system."""
    return root.parent / TRASH


def set_aside(path: Path, trash: Path) -> bool:
    """Move path into trash under a new name; return False if it had to be deleted instead."""
    trash.mkdir(parents=True, exist_ok=True)
    try:
        path.rename(trash / f"{path.parent.name}-{path.name}-{time.time_ns()}")
    except OSError:  # another file system: nothing to do but delete it
        shutil.rmtree(path, ignore_errors=True)
        return False
    return True


def set_leftovers_aside(root: Path) -> list[Path]:
    """Set aside what a last run left in the corpus at root; return what had to be deleted."""
    trash = trash_of(root)
    return [path for path in leftovers(root) if not set_aside(path, trash)]


def settle(root: Path) -> tuple[float, int]:
    """Set the last run's leftovers aside; return the seconds waited and the trash's entries.

    Only when something had to be deleted, on ext4 without a journal, does it wait out the
    inodes' quarantine, untimed. BENCH_SETTLE sets the wait in seconds, on any disk.
    """
    deleted = set_leftovers_aside(root)
    os.sync()  # what the last run wrote reaches the disk now, not during this run
    wait = QUARANTINE if deleted and unjournaled(root) else 0.0
    seconds = float(os.environ.get("BENCH_SETTLE") or wait)
    time.sleep(seconds)
    trash = trash_of(root)
    return seconds, len(list(trash.iterdir())) if trash.is_dir() else 0


def unjournaled(path: Path) -> bool:
    """Tell whether path lies on an ext4 file system mounted without a journal (Linux only)."""
    device = os.stat(path).st_dev
    wanted = f"{os.major(device)}:{os.minor(device)}"
    try:
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return False
    for mount in mounts:
        fields = mount.split()
        if len(fields) > 2 and fields[2] == wanted and " - " in mount:
            kind, source = mount.split(" - ", 1)[1].split()[:2]
            name = Path(source).name
            return kind == "ext4" and not any(Path("/proc/fs/jbd2").glob(f"{name}-*"))
    return False
