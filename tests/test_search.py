"""The search index a build makes with Pagefind: which pages it holds, what they say about
themselves, one index per page language, and a failed index failing the build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.build import build
from generator.errors import EngineError
from generator.outputs.search import GLOB
from tests.conftest import Git, decision
from tests.scan import search_pages


def test_the_index_holds_current_pages_and_never_history_versions_or_drafts(
    git_site: Git, tmp_path: Path
) -> None:
    git_site.write("content/decisions/d.md", decision(status="accepted", topics="[pilots]"))
    git_site.write("content/decisions/draft.md", decision(title="Secret plan", draft="true"))
    git_site.write("content/decisions/old.md", decision(title="Old", aliases="[decisions/gone]"))
    git_site.commit("Accept the decision (#2)")
    site = build(git_site.root, tmp_path / "site").site_dir
    found = {page["url"]: page for page in search_pages(site)}
    assert {"/decisions/d/", "/workshops/w/", "/intentions/i/", "/decisions/old/"} <= set(found)
    assert {"/decisions/", "/topics/pilots/"} <= set(found)  # a type's index, a topic
    assert (site / "decisions/d/history/index.html").is_file()
    assert (site / "decisions/d/v1/index.html").is_file()
    assert (site / "decisions/gone/index.html").is_file()  # the rename's redirect
    unwanted = [url for url in found if "/history/" in url or "/v1/" in url or "gone" in url]
    assert unwanted == []
    assert not [url for url in found if "draft" in url or "Secret" in found[url]["content"]]
    assert "/search/" not in found and "/" not in found
    # Pagefind reads only the pages its glob names: every page with marks is among them.
    marked = {
        "/" + path.parent.relative_to(site).as_posix() + "/"
        for path in site.rglob("index.html")
        if "data-pagefind-body" in path.read_text(encoding="utf-8")
    }
    assert marked == set(found)
    assert all(url.count("/") <= 3 for url in marked), GLOB
    record = found["/decisions/d/"]
    assert record["filters"] == {
        "type": ["decision"],
        "status": ["accepted"],
        "topic": ["Pilots"],
        "language": ["en"],
    }
    assert record["meta"] == {
        "title": "A decision",
        "summary": "We decided.",
        "status": "accepted",
        "type": "Decision",
    }
    # The record's text, from its title and summary on: not its header's facts and buttons.
    assert record["content"].startswith("A decision. We decided. Body text.")
    assert "Propose a change" not in record["content"] and "Version" not in record["content"]


def test_one_index_per_page_language(git_site: Git, tmp_path: Path) -> None:
    settings = git_site.root / "mkdocs.yml"
    settings.write_text(
        settings.read_text().replace("  name: material\n", "  name: material\n  language: fr\n")
    )
    git_site.commit("Publish the site in French")
    site = build(git_site.root, tmp_path / "site").site_dir
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"fr"}
    assert list((site / "pagefind").glob("wasm.fr.pagefind"))


def test_a_failed_index_fails_the_build_and_keeps_the_old_site(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.outputs import search

    site = build(git_site.root, tmp_path / "site").site_dir
    before = (site / "pagefind/pagefind-entry.json").read_bytes()
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: the disk is full' >&2\nexit 3\n")
    os.chmod(broken, 0o755)
    monkeypatch.setattr(search, "_executable", lambda: broken)
    git_site.write("content/decisions/d.md", decision(title="Changed"))
    git_site.commit("Change the decision")
    with pytest.raises(EngineError, match=r"(?s)indexing the site for search failed.*disk is full"):
        build(git_site.root, site)
    assert (site / "pagefind/pagefind-entry.json").read_bytes() == before
    assert "Changed" not in (site / "decisions/d/index.html").read_text()
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".site.")]
