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
