"""The size of a site: measured by kind of page, with warnings before GitHub Pages refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from generator.outputs import publish
from generator.outputs.publish import site_size
from tests.conftest import Git, decision


def test_a_site_is_measured_by_kind_of_part(git_site: Git, tmp_path: Path) -> None:
    git_site.write("content/decisions/d.md", decision(status="accepted", date="2024-03-01"))
    git_site.commit("Accept the decision")
    site = build(git_site.root, tmp_path / "site").site_dir
    sizes = site_size(site)
    assert sizes["record pages"][0] == 3  # a workshop, an intention and a decision
    assert sizes["history pages"][0] == 3
    assert sizes["version pages"][0] == 4
    assert {"feeds", "data", "assets", "other pages"} <= set(sizes)
    files = [path for path in site.rglob("*") if path.is_file()]
    assert sum(count for count, _ in sizes.values()) == len(files)
    assert sum(size for _, size in sizes.values()) == sum(path.stat().st_size for path in files)
    # A past version's page is the lighter one: a fraction of a record's.
    assert sizes["version pages"][1] / 4 < sizes["record pages"][1] / 3 / 2


def test_build_warns_when_the_site_is_too_large_or_grows_fast(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(git_site.root, tmp_path / "site")
    assert not [warning for warning in first.warnings if "GitHub Pages" in warning]
    monkeypatch.setattr(publish, "SITE_LIMIT", 1000)
    monkeypatch.setattr(publish, "GROWTH_LIMIT", 5)
    git_site.write("content/decisions/e.md", decision(title="Another"))
    git_site.commit("Propose another decision")
    warnings = build(git_site.root, tmp_path / "site").warnings
    [large] = [warning for warning in warnings if "GitHub Pages" in warning]
    assert large.startswith("the site is ") and "its largest parts: assets " in large
    [grown] = [warning for warning in warnings if "more files than the last build" in warning]
    assert grown.startswith("the site has ")
