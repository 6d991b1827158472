"""Images and attachments beside records: checked when loaded, published next to the pages.

A file beside a record (``content/decisions/flow.svg``) is published at the same place
in the site (``/decisions/flow.svg``), next to the record's page, and the record links
to it as it does on GitHub (``![Flow](flow.svg)``; see link.py). Only kinds a browser
shows as they are, within a size limit, and an SVG only when it carries no script: it is
shown in ``<img>`` (where no script runs), but a reader may also open it on its own.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.errors import Collector

#: The kinds of file that may sit beside records.
ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".pdf", ".csv")
#: The largest file beside a record, in kilobytes, unless mkdocs.yml says otherwise.
DEFAULT_ASSET_KB = 5 * 1024
#: Each part of an asset's path: what an address keeps as it is.
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: What would run in an SVG opened on its own: scripts, handlers, embedded pages, links.
_SVG_ACTIVE = re.compile(
    rb"<\s*script|\bon[a-z]+\s*=|javascript:|<!ENTITY|<\s*(iframe|embed|object)\b",
    re.IGNORECASE,
)


def is_asset(name: str) -> bool:
    """Tell whether a file name is of a kind that may sit beside records."""
    return name.lower().endswith(ASSET_SUFFIXES)


def check_asset(path: Path, rel: str, limit_kb: int, problems: Collector) -> bool:
    """Tell whether a file beside records may be published; record why not."""
    parts = rel.split("/")[1:]
    if not all(_SAFE_PART.match(part) for part in parts):
        problems.add(
            rel,
            1,
            "names of images and attachments may hold only letters, digits, '.', '-' and "
            "'_' (so their address stays as it is); rename it",
        )
        return False
    size = path.stat().st_size
    if size > limit_kb * 1024:
        problems.add(
            rel,
            1,
            f"this file is {size / 1024:,.0f} KB, more than the {limit_kb:,} KB a file "
            "beside a record may be (asset_max_kb under extra: openrecord: in mkdocs.yml); "
            "make it smaller or link to where it is published",
        )
        return False
    if rel.lower().endswith(".svg") and _SVG_ACTIVE.search(path.read_bytes()):
        problems.add(
            rel,
            1,
            "this SVG holds a script, an event handler, an embedded page or a javascript: "
            "link, which would run when a reader opens it; export the drawing again as a "
            "plain SVG (or as PNG)",
        )
        return False
    return True


def refused_kind() -> str:
    """Return the message for a file of a kind that may not sit beside records."""
    kinds = " ".join(ASSET_SUFFIXES)
    return (
        f"files of this kind are not published; beside records openrecord publishes "
        f"Markdown records (.md) and images or attachments: {kinds}; convert it to one of "
        "those or remove it"
    )


def asset_url(rel: str) -> str:
    """Return the site-relative address of an asset from its path ('content/x/y.png')."""
    return rel.split("/", 1)[1]


def copy_assets(root: Path, assets: tuple[str, ...], site_dir: Path) -> None:
    """Publish each asset at its address in the site."""
    for rel in assets:
        target = site_dir / asset_url(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, target)
