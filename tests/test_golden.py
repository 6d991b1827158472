"""Golden output: the docs tree of a small fixture site, compared file by file.

After an intended change to the pages, refresh the golden files with `make golden`
(which sets OPENRECORD_UPDATE_GOLDEN=1) and review the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.build import gather
from generator.pages.render import render_site
from tests.conftest import Git, decision, write

GOLDEN = Path(__file__).parent / "golden" / "docs"


def test_docs_tree_matches_golden(git_site: Git) -> None:
    write(
        git_site.root,
        "content/decisions/d.md",
        decision(
            serves="[intentions/i]",
            evidence="[workshops/w]",
            status="accepted",
            date="2024-03-03",
            decided_by="[Pilot board]",
        )
        + "\n## Why\n\nBecause *pilots* teach us & others <fast>.\n".replace("<fast>", "fast"),
    )
    git_site.commit("Accept the decision (#2)", author="Bea Board")
    site, history = gather(git_site.root)
    pages = render_site(site, history).pages
    if os.environ.get("OPENRECORD_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, text in pages.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in GOLDEN.rglob("*.md")
    }
    assert sorted(pages) == sorted(expected)
    for path, text in pages.items():
        assert text == expected[path], f"{path} differs from tests/golden/docs/{path}"
