"""Both engines render the same docs tree: mkdocs-material today, Zensical after its end of life."""

from __future__ import annotations

import json
import posixpath
import re
import resource
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import build
from generator.pages.slim import DRAW, DRAW_AFTER, ICONS, ICONS_HERE
from generator.parallel import stop_server
from tests.conftest import Git
from tests.payloads import PAYLOADS
from tests.scan import scan_site, search_pages, site_files
from tests.test_history import ACCEPTED, PROPOSED


def _frame_as_slimmed(html: str) -> str:
    """Return a page with what slimming leaves out of the engine's frame on purpose left out.

    The engine's skip link (openrecord's comes first) and its empty announcement; the
    drawer's logo as a picture, not a second link home named twice (see slim.py).
    """
    html = re.sub(r'<div data-md-component="?skip"?>.*?</div>', "", html, flags=re.S)
    html = re.sub(r'<div data-md-component="?announce"?>\s*</div>', "", html)
    return re.sub(
        r'(<label class="?md-nav__title"?[^>]*>)\s*<a [^>]*md-logo[^>]*>(.*?)</a>',
        r'\1<span class="md-nav__button md-logo" aria-hidden="true">\2</span>',
        html,
        flags=re.S,
    )


def _settings_read(text: str) -> str:
    """Return what the engine's script reads of its settings on openrecord's pages.

    Its own search, the version selector and annotations are off; the search is Pagefind's.
    """
    config = json.loads(text)
    copy = {key: value for key, value in config["translations"].items() if "clipboard" in key}
    read = {"base": config["base"], "features": config["features"], "translations": copy}
    return json.dumps(read, sort_keys=True)


class Reading(HTMLParser):
    """Read a page into its start tags and texts (see test_poured_pages_read_as_...)."""

    def __init__(self, site: Path, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.site, self.url = site, url
        self.tokens: list[str] = []
        self.feeds: list[str] = []
        self.config = False

    def read(self, html: str) -> list[str]:
        """Return the tokens of a page."""
        self.feed(html)
        self.close()
        return self.tokens + sorted(self.feeds)

    def _absolute(self, value: str) -> str:
        if re.match(r"[a-z]+:|#|/", value):
            return value
        return "/" + posixpath.normpath(posixpath.join(self.url, value))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {
            name: self._absolute(value or "") if name in ("href", "src") else value or ""
            for name, value in attrs
        }
        self.config = tag == "script" and values.get("id") == "__config"
        shared = values.get("src", "") if tag == "script" else ""
        if re.fullmatch(r"/assets/openrecord-[0-9a-f]+\.js", shared):  # a shared script
            code = (self.site / shared[1:]).read_text(encoding="utf-8")
            drawn: list[str] = []  # the HTML a shared script draws, read in its place:
            before = code.startswith(DRAW)  # before the script, or after the block it ends
            for start in (DRAW, DRAW_AFTER):
                if code.startswith(start):
                    html, end = json.JSONDecoder().raw_decode(code, len(start))
                    drawn = Reading(self.site, self.url).read(html.replace(ICONS_HERE, f"/{ICONS}"))
                    code = code[code.index("(document.currentScript);", end) + 25 :]
            if before:
                self.tokens += drawn
            self.tokens.append("<script>")
            # The theme's scope, found from the shared file's address: the page's way up.
            way_up = "/".join([".."] * self.url.strip("/").count("/") + [".."]) or "."
            code = code.replace(
                'new URL("..",document.currentScript.src)', f'new URL("{way_up}",location)'
            )
            self.handle_data(code)
            if not before:
                self.tokens += drawn
            return
        if tag == "meta" and values.get("name") == "generator":
            return  # the engine's name and version: slimmed shells leave it out
        if tag == "use":  # a shared icon: the symbol's drawing, as the engine inlines it
            path, name = values["href"].split("#")
            icons = (self.site / path[1:]).read_text(encoding="utf-8")
            drawing = re.search(rf'<symbol id="{name}" viewBox="[^"]*">(.*?)</symbol>', icons, re.S)
            assert drawing, values["href"]
            self.tokens += Reading(self.site, self.url).read(drawing[1])
            return
        if tag == "svg":  # the namespace goes without saying in HTML
            values.pop("xmlns", None)
        text = "<" + tag + "".join(f' {name}="{values[name]}"' for name in sorted(values)) + ">"
        (self.feeds if tag == "link" and values.get("rel") == "alternate" else self.tokens).append(
            text
        )

    def handle_endtag(self, tag: str) -> None:
        self.config = False
        if tag == "article":  # where the content ends (other end tags may be left implied)
            self.tokens.append("</article>")

    def handle_data(self, data: str) -> None:
        if self.config:  # the engine's settings, as its script reads them (see slim.py)
            data = _settings_read(data)
        text = re.sub(r"\s+", "", data)
        if text:
            self.tokens.append(text)

    def handle_comment(self, data: str) -> None:
        return  # the engine's comments (an icon's licence) are not part of what is read


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
    assert "<script>alert" not in page  # the sanitiser ran, as a Markdown extension
    assert "Report a problem with this page" in page
    assert scan_site(zensical_site) == {}
    found = {page["url"]: page for page in search_pages(zensical_site)}
    assert found["/decisions/pilot/"]["filters"]["status"] == ["accepted"]  # a poured page
    assert "/decisions/pilot/v2/" not in found and "/decisions/pilot/history/" not in found
    assert not (zensical_site / "search.json").exists()  # Zensical's own index: read by none


_PALETTE_SETTINGS = """\
  name: material
  features: [navigation.top]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Switch to dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Switch to light mode}
"""


def test_poured_pages_read_as_the_engine_renders_them(git_site: Git, tmp_path: Path) -> None:
    """Pages outside the navigation are poured into shells; the engine would make the same."""
    settings = git_site.root / "mkdocs.yml"  # the palette's toggles and the button to the top
    settings.write_text(settings.read_text().replace("  name: material\n", _PALETTE_SETTINGS))
    for number in range(3):
        git_site.write(
            f"content/intentions/n{number}.md",
            f"---\ntitle: N{number} & co\nsummary: S.\nstatus: proposed\n---\n\n"
            "Before the parts.\n\n## Part *one*\n\nText.\n\n### Detail `code`\n\n"
            "More.\n\n## Part two\n\nEnd.\n",
        )
    git_site.commit("Add three intentions")
    engine = build(git_site.root, tmp_path / "engine", pour=False).site_dir
    poured = build(git_site.root, tmp_path / "poured").site_dir

    def normal(page: Path, site: Path) -> list[str]:
        """The page read as a browser would: its start tags (attributes sorted, links made
        absolute) and its text without spacing, in order, feed links last and sorted; the
        files a slimmed page shares (scripts, icons) read in place, as the engine inlines them.
        """
        url = page.parent.relative_to(site).as_posix() + "/"
        return Reading(site, url).read(_frame_as_slimmed(page.read_text(encoding="utf-8")))

    def article(text: list[str]) -> list[str]:
        """The page's content: a past version's lighter page keeps it alone."""
        start = next(i for i, token in enumerate(text) if token.startswith("<article"))
        return text[start : text.index("</article>")]

    assert pages(engine) == pages(poured)
    different, light = [], []
    for page in engine.rglob("index.html"):
        ours, theirs = normal(poured / page.relative_to(engine), poured), normal(page, engine)
        if any("or-light-header" in token for token in ours):
            light.append(page.parent.name)
            ours, theirs = article(ours), article(theirs)
        if ours != theirs:
            different.append(str(page.relative_to(engine)))
    assert different == []
    assert light and all(re.fullmatch(r"v\d+|history", name) for name in light)
    assert "history" in light
    record = normal(poured / "intentions/n1/index.html", poured)
    assert '<a class="md-nav__link" href="#part-one">' in record  # its table of contents
    assert any('aria-label="Part one"' in token for token in record)  # with headings under it
    assert any('for="__palette_1"' in token for token in record)  # the palette's toggles
    assert any('data-md-component="top"' in token for token in record)  # the button to the top

    assert search_pages(engine) == search_pages(poured)
    n1 = next(page for page in search_pages(poured) if page["url"] == "/intentions/n1/")
    assert n1["meta"]["title"] == "N1 & co"
    assert {"id": "detail-code", "text": "Detail code"}.items() <= next(
        anchor for anchor in n1["anchors"] if anchor["id"] == "detail-code"
    ).items()

    def sitemap(site: Path) -> set[str]:
        return set(re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text()))

    noindex = {
        loc
        for loc in sitemap(engine)
        if 'content="noindex"'
        in (poured / loc.removeprefix("https://records.example.org/") / "index.html").read_text()
    }
    assert sitemap(poured) == sitemap(engine) - noindex  # past versions are not for indexing
    assert any("/intentions/n1/" in loc for loc in sitemap(poured))
    assert not any("openrecord-shell" in loc for loc in sitemap(poured))
    assert not (poured / "openrecord-shell").exists()


def test_a_lighter_page_has_one_script_and_its_footer_the_licence(
    git_site: Git, tmp_path: Path
) -> None:
    """A past version's page runs the palette alone, and leaves the engine's credit out."""
    settings = git_site.root / "mkdocs.yml"
    settings.write_text(settings.read_text() + "copyright: Content available under a licence\n")
    site = build(git_site.root, tmp_path / "site").site_dir
    light = (site / "intentions/i/v1/index.html").read_text(encoding="utf-8")
    full = (site / "intentions/i/index.html").read_text(encoding="utf-8")
    head, body = light.split("</head>")
    assert "<script" not in head and body.count("<script") == 1
    [src] = re.findall(r"<script src=([^ >]+)></script>", body)
    code = (site / "intentions/i/v1" / src).resolve().read_text(encoding="utf-8")
    assert code.startswith("__md_scope=") and ";var palette=__md_get(" in code
    licence = "Content available under"
    assert licence in light and "Made with" not in light
    assert licence in full and "Made with" in full
    settings.write_text(settings.read_text().replace("copyright:", "# copyright:"))
    site = build(git_site.root, tmp_path / "bare").site_dir
    assert "<footer" not in (site / "intentions/i/v1/index.html").read_text(encoding="utf-8")


def test_the_engines_settings_keep_what_its_script_reads() -> None:
    from generator.pages.slim import slim_config

    engine = (
        '{"annotate": null, "base": "../..", "features": ["content.code.copy"], "search": '
        '"../../assets/javascripts/workers/search.js", "tags": null, "translations": '
        '{"clipboard.copy": "Copy \\u003cit\\u003e", "search.result.none": "None", '
        '"select.version": "Select version"}, "version": null}'
    )
    assert slim_config(engine) == (
        '{"base":"../..","features":["content.code.copy"],'
        '"translations":{"clipboard.copy":"Copy \\u003cit\\u003e"}}'
    )
    versioned = json.loads(engine) | {"version": {"provider": "mike"}}
    assert "select.version" in json.loads(slim_config(json.dumps(versioned)))["translations"]
    assert slim_config("{not JSON") == "{not JSON"


def test_pool_and_aside_processes_build_the_same_site(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages poured by a pool, feeds and data written by a forked process: the same bytes."""
    from generator import parallel

    for number in range(4):
        git_site.write(
            f"content/intentions/n{number}.md",
            f"---\ntitle: N{number}\nsummary: S.\nstatus: proposed\n---\n\n## Part\n\nText.\n",
        )
        git_site.commit(f"Add intention {number} (#{number + 1})")
    monkeypatch.setattr(parallel, "POOL_FROM", 10**9)
    alone = build(git_site.root, tmp_path / "alone").site_dir
    monkeypatch.setattr(parallel, "POOL_FROM", 0)
    shared = build(git_site.root, tmp_path / "shared").site_dir

    files = site_files
    assert files(alone) == files(shared)
    assert "feeds/records/intentions/n3/atom.xml" in files(shared)
    assert "data/records/intentions/n3.json" in files(shared)

    # The pool's processes were forked from a server process; once it is stopped and waited
    # for, their CPU time counts among this process's children (as the benchmark reads it).
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    stop_server()
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime > before
    again = build(git_site.root, tmp_path / "again").site_dir  # and a new server starts
    assert files(again) == files(shared)


def test_a_failed_aside_process_fails_the_build_and_keeps_the_old_site(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import build as builds
    from generator import parallel
    from generator.errors import OpenRecordError

    site = build(git_site.root, tmp_path / "site").site_dir
    before = (site / "index.html").read_bytes()

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(parallel, "POOL_FROM", 0)
    monkeypatch.setattr(builds, "write_feeds_and_data", broken)
    with pytest.raises(OpenRecordError, match="writing the feeds and open data failed"):
        build(git_site.root, site)
    assert (site / "index.html").read_bytes() == before
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".site.")]


def test_without_a_server_the_pool_starts_its_processes_afresh(
    git_site: Git, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from multiprocessing import forkserver

    from generator import parallel

    alone = build(git_site.root, tmp_path / "alone").site_dir

    def refused() -> None:
        raise OSError("no sockets here")

    stop_server()
    monkeypatch.setattr(parallel, "_SERVER_FAILED", [])
    monkeypatch.setattr(forkserver, "ensure_running", refused)
    monkeypatch.setattr(parallel, "POOL_FROM", 0)
    pooled = build(git_site.root, tmp_path / "pooled").site_dir
    assert parallel._start_method() == "spawn"
    for page in ("index.html", "decisions/d/index.html", "decisions/d/history/index.html"):
        assert (pooled / page).read_bytes() == (alone / page).read_bytes(), page


def test_the_history_read_by_a_process_of_its_own_is_the_history_read_here(
    git_site: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import parallel
    from generator.build import gather

    git_site.write("content/decisions/d.md", "---\ntitle: D\nsummary: S.\nstatus: accepted\n---\n")
    git_site.commit("Accept the decision (#9)")
    monkeypatch.setattr(parallel, "_can_fork", lambda: True)  # (other tests' threads aside)
    forked = gather(git_site.root)
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    assert gather(git_site.root) == forked


def test_a_task_beside_the_build_is_run_here_when_its_process_cannot_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import threading

    from generator import parallel
    from generator.errors import HistoryError
    from generator.parallel import Beside

    can_fork = parallel._can_fork
    monkeypatch.setattr(parallel, "_can_fork", lambda: True)  # (other tests' threads aside)

    def failing() -> None:
        raise HistoryError(f"read in {'this' if os.getpid() == here else 'another'} process")

    here = os.getpid()
    with Beside(os.getpid) as pid:  # forked: it ran elsewhere
        assert pid.process is not None and pid.result() != here
    with pytest.raises(HistoryError, match="read in this process"), Beside(failing) as task:
        task.result()  # raised again here, as the build would raise it
    with Beside(threading.Lock) as lock:  # what cannot be sent back is made again here
        assert lock.result().acquire()
    monkeypatch.setattr(parallel, "_can_fork", can_fork)
    waiting = threading.Event()
    other = threading.Thread(target=waiting.wait)
    other.start()
    try:
        with Beside(os.getpid) as pid:  # another thread runs: never forked, a thread
            assert pid.process is None and pid.result() == here
    finally:
        waiting.set()
        other.join()
