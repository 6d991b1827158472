"""Both engines render the same docs tree: mkdocs-material today, Zensical after its end of life."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import Git
from tests.payloads import PAYLOADS
from tests.scan import scan_site
from tests.test_history import ACCEPTED, PROPOSED


def pages(site: Path) -> set[str]:
    """Return the site-relative folders that hold a page."""
    return {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build one repository with each engine."""
    import shutil

    from tests.conftest import MKDOCS_YML, ROOT, TOPICS_YML, write

    root = tmp_path_factory.mktemp("engines")
    shutil.copytree(ROOT / "theme", root / "theme")
    write(root, "mkdocs.yml", MKDOCS_YML)
    write(root, "content/topics.yml", TOPICS_YML)
    write(root, "content/pages/about.md", "---\ntitle: About\n---\n\nAbout us.\n")
    repo = Git(root)
    repo.write("content/decisions/pilot.md", PROPOSED.replace("Pilot areas", PAYLOADS[0]))
    repo.commit("Propose pilot areas")
    repo.write("content/decisions/pilot.md", ACCEPTED.replace("Pilot areas", PAYLOADS[0]))
    repo.commit("Accept pilot areas (#12)")
    return build(root, tmp_path_factory.mktemp("m") / "site").site_dir, build(
        root, tmp_path_factory.mktemp("z") / "site", engine="zensical"
    ).site_dir


def test_both_engines_produce_every_page(both: tuple[Path, Path]) -> None:
    mkdocs_site, zensical_site = both
    assert pages(mkdocs_site) == pages(zensical_site)
    assert {
        "decisions/pilot",
        "decisions/pilot/history",
        "decisions/pilot/v2",
        "changes",
        "feeds",
        "data",
        "about",
    } <= pages(zensical_site)
    for name in ("feeds/all/atom.xml", "data/records.json", "data/manifest.json"):
        assert (zensical_site / name).is_file()


def test_zensical_output_keeps_the_overrides_and_the_sanitiser(both: tuple[Path, Path]) -> None:
    _mkdocs_site, zensical_site = both
    page = (zensical_site / "decisions/pilot/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'rel="noopener"' in page  # added by the sanitiser, a Markdown extension
    assert "Report a problem with this page" in page
    assert scan_site(zensical_site) == {}


def test_two_parallel_engine_runs_match_one(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import re

    for number in range(6):
        git_site.write(
            f"content/intentions/n{number}.md",
            f"---\ntitle: N{number}\nsummary: S.\nstatus: proposed\n---\n\n## Part\n\nText.\n",
        )
    git_site.commit("Add six intentions")
    monkeypatch.setenv("OPENRECORD_PARALLEL_FROM", "1000000")
    one = build(git_site.root, tmp_path / "one").site_dir
    monkeypatch.setenv("OPENRECORD_PARALLEL_FROM", "1")
    two = build(git_site.root, tmp_path / "two").site_dir
    assert pages(one) == pages(two)

    def locations(site: Path) -> list[str]:
        docs = json.loads((site / "search/search_index.json").read_text())["docs"]
        return sorted(doc["location"] for doc in docs)

    def sitemap(site: Path) -> list[str]:
        return sorted(re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text()))

    assert locations(one) == locations(two)
    assert "intentions/n3/#part" in locations(two)
    assert sitemap(one) == sitemap(two)
    page = (two / "intentions/n3/index.html").read_text()
    assert '<a href="../../intentions/" class="md-nav__link">' in page or "Intentions" in page
    assert not (git_site.root / "build" / "engine-b").exists()
