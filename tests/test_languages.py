"""Records in more than one language: a decision in English and its Gàidhlig translation.

The fixture (tests/languages_fixture.py) is a real repository with fixed dates: the record
at version 3 (12 Mar 2026) when the translation is written, a minor correction (version 4)
and a major change (version 5, 2 Jun 2026). The site is built once, with the engine and
the search index, and read as a reader would.
"""

from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import pytest
from click.testing import CliRunner

from generator.build import build, check, gather
from generator.catalog import CATALOGS, ENGLISH
from generator.cli import cli
from generator.content.schema import RESERVED_PAGE_SLUGS
from generator.errors import ContentError
from generator.history.lag import lag_of
from generator.pages.render import render_site
from tests.conftest import ROOT, write
from tests.languages_fixture import GAELIC, languages_site, page

SITE_URL = "https://records.example.org/"
RECORD = "decisions/pilots/"
TRANSLATION = "gd/decisions/pilots/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the two-language site, built with the engine and the search index."""
    folder = tmp_path_factory.mktemp("languages")
    languages_site(folder / "repository")
    return build(folder / "repository", folder / "site").site_dir


def _alternates(text: str) -> dict[str, str]:
    """Return a page's hreflang alternates: language -> absolute address."""
    found = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" type="text/html" href="([^"]+)"', text
    )
    return {lang: html.unescape(href) for lang, href in found}


def _banner(text: str) -> str:
    """Return the lag banner of a page as text ('' when it has none)."""
    match = re.search(r'<div class="admonition warning or-banner or-lag".*?</div>', text, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group()).split()) if match else ""


def _href(text: str, label: str) -> str:
    """Return the address of the link with a label on a page."""
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(label)}</a>', text)
    assert match, f"no link '{label}'"
    return html.unescape(match.group(1))


def test_the_translation_is_published_at_its_language_address_in_its_language(
    built: Path,
) -> None:
    text = page(built, TRANSLATION)
    assert re.search(r'<html[^>]* lang="?gd"?[ >]', text)
    assert '<h1 id="title">Tòisich le dà sgìre phìleat</h1>' in text
    assert "Fìobha an toiseach" in text
    # The theme's own strings in Gàidhlig (theme/partials/languages/gd.html), its facts
    # from the record, labelled in Gàidhlig where the catalog has the label.
    assert "Leum chun na susbaint" in text
    assert 'placeholder="Lorg sa chlàr"' in text
    assert ">Dèan aithris air duilgheadas leis an duilleag seo</a>" in text
    assert '<span class="or-type">Co-dhùnadh</span>' in text
    assert '<time datetime="2026-02-20">20 Gearr 2026</time>' in text
    # A label the catalog has not translated is shown in English, marked as English.
    assert (
        '<dt><span lang="en">Decided by</span></dt><dd lang="en">Scottish Government</dd>' in text
    )
    assert "<dt>Decided by</dt><dd>Scottish Government</dd>" in page(built, RECORD)
    # The record itself keeps its address and its language.
    assert re.search(r'<html[^>]* lang="?en"?[ >]', page(built, RECORD))
    assert "Skip to content" in page(built, RECORD)


def test_the_banner_names_the_version_followed_and_the_latest_with_a_link_to_the_changes(
    built: Path,
) -> None:
    text = page(built, TRANSLATION)
    assert _banner(text) == (
        "Tha an t-eadar-theangachadh seo air dheireadh air a' chlàr (Beurla) "
        "Tha an t-eadar-theangachadh seo a' leantainn tionndadh 3 den chlàr (Beurla, "
        "12 Màrt 2026). Chaidh an clàr atharrachadh on uair sin: tionndadh 5, 2 Ògmh 2026. "
        "Seall na dh'atharraich ."
    )
    target = urljoin(SITE_URL + TRANSLATION, _href(text, "Seall na dh'atharraich"))
    assert target == SITE_URL + "decisions/pilots/v5/since-v3/"
    changes = page(built, "decisions/pilots/v5/since-v3/")
    assert "What changed from version 3 to version 5" in changes
    assert "We review the pilots after a year." in changes  # added in version 5
    assert "between version 3 (12 Mar 2026) and version 5 (2 Jun 2026)" in changes


def test_in_a_language_without_a_catalog_the_banner_reads_in_english(tmp_path: Path) -> None:
    """Welsh has no catalog yet: every string, the banner's sentence included, is English."""
    root = tmp_path / "repository"
    repo = languages_site(root)
    settings = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(settings.replace("[en, gd]", "[en, cy]"), encoding="utf-8")
    repo.run("mv", "content/decisions/pilots.gd.md", "content/decisions/pilots.cy.md")
    repo.commit_on("2026-06-03", "Call the translation Welsh, for the test\n\nChange-Type: minor")
    site, history = gather(root)
    (url, _front, body) = next(
        shell
        for shell in render_site(site, history, engine_urls=frozenset()).shells
        if shell[0] == "cy/decisions/pilots/"
    )
    assert url == "cy/decisions/pilots/"
    assert _banner(body) == (
        "This translation is behind the English record "
        "This translation follows version 3 of the English record (12 Mar 2026). The English "
        "record has changed since: version 5, 2 Jun 2026. See what changed ."
    )
    assert 'lang="en"' in re.search(r'<div class="admonition[^>]*>', body).group()


def test_a_minor_change_to_the_record_does_not_make_the_translation_lag(tmp_path: Path) -> None:
    root = tmp_path / "repository"
    languages_site(root, up_to=4)  # the translation, then the record's minor correction
    site, history = gather(root)
    translation = site.translation("decisions/pilots", "gd")
    assert translation is not None
    lag = lag_of(history, translation)
    assert [r.kind for r in history.of("decisions/pilots")] == ["major"] * 3 + ["minor"]
    assert (lag.followed and lag.followed.number, lag.latest and lag.latest.number) == (3, 3)
    assert not lag.behind
    (_url, _front, body) = next(
        s for s in render_site(site, history, engine_urls=frozenset()).shells if s[0] == TRANSLATION
    )
    assert _banner(body) == ""
    assert "Eadar-theangachadh de thionndadh 3 den chlàr (Beurla)" in body


def test_a_minor_change_to_the_translation_does_not_bring_it_up_to_date(tmp_path: Path) -> None:
    root = tmp_path / "repository"
    repo = languages_site(root)
    repo.write("content/decisions/pilots.gd.md", GAELIC.replace("toiseach.\n", "toiseach!\n", 1))
    repo.commit_on("2026-06-10", "Fix a typo in the translation\n\nChange-Type: minor")
    site, history = gather(root)
    translation = site.translation("decisions/pilots", "gd")
    assert translation is not None
    lag = lag_of(history, translation)
    assert lag.behind and lag.followed is not None and lag.followed.number == 3


def test_a_translation_brought_up_to_date_follows_the_latest_version(tmp_path: Path) -> None:
    root = tmp_path / "repository"
    repo = languages_site(root)
    repo.write(
        "content/decisions/pilots.gd.md", GAELIC + "\n## Ath-sgrùdadh\n\nAn ceann bliadhna.\n"
    )
    repo.commit_on("2026-06-10", "Bring the translation up to date")
    site, history = gather(root)
    translation = site.translation("decisions/pilots", "gd")
    assert translation is not None
    lag = lag_of(history, translation)
    assert lag.followed is not None and lag.followed.number == 5
    assert not lag.behind


def test_a_translation_of_trailer_names_the_version_followed(tmp_path: Path) -> None:
    """A translator working from version 3 says so, though version 5 is out when they merge."""
    root = tmp_path / "repository"
    repo = languages_site(root)
    repo.write("content/decisions/pilots.gd.md", GAELIC.replace("Carson", "Carson?"))
    repo.commit_on("2026-06-10", "Improve the translation's heading\n\nTranslation-Of: 3")
    site, history = gather(root)
    translation = site.translation("decisions/pilots", "gd")
    assert translation is not None
    lag = lag_of(history, translation)
    assert lag.followed is not None and lag.followed.number == 3 and lag.behind
    # The trailer is openrecord's: it is not part of the published change note.
    assert history.of_translation("decisions/pilots", "gd")[-1].note == (
        "Improve the translation's heading"
    )


def test_hreflang_alternates_are_reciprocal(built: Path) -> None:
    pages = {
        path.parent.relative_to(built).as_posix() + "/": path.read_text(encoding="utf-8")
        for path in built.rglob("index.html")
    }
    pages[""] = pages.pop("./")
    linked = {url: _alternates(text) for url, text in pages.items() if _alternates(text)}
    assert {"", "gd/", RECORD, TRANSLATION, "decisions/", "gd/decisions/"} <= set(linked)
    for url, versions in linked.items():
        assert SITE_URL + url in versions.values(), f"/{url} does not list itself"
        for lang, address in versions.items():
            other = address.removeprefix(SITE_URL)
            assert linked.get(other) == versions, f"/{other} ({lang}) does not link back to /{url}"
    assert linked[RECORD] == {
        "en": SITE_URL + RECORD,
        "gd": SITE_URL + TRANSLATION,
        "x-default": SITE_URL + RECORD,
    }


def test_the_switcher_the_feeds_and_the_data_agree(built: Path) -> None:
    record, translation = page(built, RECORD), page(built, TRANSLATION)
    # The switcher on each page leads to the other.
    assert urljoin(SITE_URL + RECORD, _href(record, "Gàidhlig")) == SITE_URL + TRANSLATION
    assert urljoin(SITE_URL + TRANSLATION, _href(translation, "English")) == SITE_URL + RECORD
    assert '<strong lang="gd" aria-current="page">Gàidhlig</strong>' in translation
    # On the record's page, the translation's lag is shown beside it.
    assert (
        '<span class="or-languages__lag">(translation of version 3; the record is at '
        "version 5)</span>"
    ) in record
    # The translation's feed, announced on its page, is its language's; the page offers the
    # language's whole feed too.
    announced = re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', translation
    )
    assert announced == [SITE_URL + "gd/feeds/records/decisions/pilots/atom.xml"]
    assert '<a href="../../feeds/all/atom.xml">' in translation  # gd/decisions/ to gd/feeds/
    feed = feedparser.parse((built / "gd/feeds/all/atom.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.feed.language == "gd"
    assert [(entry.title, entry.link) for entry in feed.entries] == [
        ("Eadar-theangachadh foillsichte: Tòisich le dà sgìre phìleat", SITE_URL + TRANSLATION)
    ]
    json_feed = json.loads((built / "gd/feeds/records/decisions/pilots/feed.json").read_text())
    assert [item["url"] for item in json_feed["items"]] == [SITE_URL + TRANSLATION]
    # The item links the translation; its content does not repeat that link.
    assert SITE_URL + TRANSLATION not in json_feed["items"][0]["content_html"]
    opml = (built / "feeds/index.opml").read_text(encoding="utf-8")
    assert f'xmlUrl="{SITE_URL}gd/feeds/all/atom.xml"' in opml
    assert f'xmlUrl="{SITE_URL}gd/feeds/records/decisions/pilots/atom.xml"' in opml
    # The open data says the same: where the translation is, and how far behind.
    records = json.loads((built / "data/records.json").read_text(encoding="utf-8"))["records"]
    pilots = next(item for item in records if item["id"] == "decisions/pilots")
    assert pilots["lang"] == "en"
    assert pilots["translations"] == [
        {
            "lang": "gd",
            "title": "Tòisich le dà sgìre phìleat",
            "summary": "Feuchaidh dà sgìre comhairle co-dhùnaidhean co-roinnte an toiseach.",
            "url": SITE_URL + TRANSLATION,
            "follows_version": 3,
            "record_version": 5,
            "behind": True,
            "changes_url": SITE_URL + "decisions/pilots/v5/since-v3/",
        }
    ]
    one = json.loads((built / "data/records/decisions/pilots.json").read_text(encoding="utf-8"))
    assert one["record"]["translations"] == pilots["translations"]
    assert "gd (follows version 3, behind version 5)" in (built / "data/records.csv").read_text()


def test_the_data_schema_describes_the_translations(built: Path) -> None:
    import jsonschema

    schema = json.loads((built / "data/schema/records.schema.json").read_text(encoding="utf-8"))
    document = json.loads((built / "data/records.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    translation = schema["$defs"]["DataTranslation"]["properties"]
    assert {"lang", "follows_version", "record_version", "behind"} <= set(translation)


def test_lists_in_each_language_fall_back_to_the_source_saying_so(built: Path) -> None:
    listing = page(built, "gd/intentions/")
    assert re.search(r'<html[^>]* lang="?gd"?[ >]', listing)
    assert (
        '<a href="../../intentions/i/" class="or-item__title" lang="en">'
        "An intention</a> "
        '<span class="or-untranslated">(gun eadar-theangachadh fhathast)</span>'
    ) in listing
    decisions = page(built, "gd/decisions/")
    assert '<a href="pilots/" class="or-item__title">Tòisich le dà sgìre phìleat</a>' in decisions
    home = page(built, "gd/")
    assert "Tòisich le dà sgìre phìleat" in home and "Na clàran as ùire" in home


def test_a_record_without_a_translation_offers_to_propose_one(built: Path) -> None:
    text = page(built, "intentions/i/")
    address = _href(text, "Propose a translation into Gàidhlig")
    parts = urlsplit(address)
    assert parts.path == "/example/records/new/main/content/intentions"
    query = parse_qs(parts.query)
    assert query["filename"] == ["i.gd.md"]
    assert query["value"][0].startswith('---\ntitle: "An intention"\nsummary: "Do a thing."\n---\n')
    assert query["value"][0].endswith("\n\nBody text.\n")
    # Saved untranslated, the proposal is refused: its first line is a placeholder.
    assert "(replace this)" in query["value"][0]
    assert "Propose a translation" not in page(built, RECORD)  # it has one


def test_search_indexes_each_language_apart(built: Path) -> None:
    entry = json.loads((built / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert {"en", "gd"} <= set(entry["languages"])
    assert entry["languages"]["gd"]["page_count"] >= 5  # the translation, home and lists
    assert '<span data-pagefind-filter="language">gd</span>' in page(built, TRANSLATION)


def test_every_top_level_address_is_reserved_or_a_language(built: Path) -> None:
    made = {entry.name.split(".")[0] for entry in built.iterdir()}
    assert "gd" in made
    assert made - {"gd"} <= RESERVED_PAGE_SLUGS


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        check(root)
    return [str(problem) for problem in raised.value.problems]


def test_a_translation_that_repeats_a_fact_is_refused_saying_so(tmp_path: Path) -> None:
    root = tmp_path / "repository"
    languages_site(root, up_to=3)
    write(
        root,
        "content/decisions/pilots.gd.md",
        GAELIC.replace("---\n\n", "status: accepted\ntopics: [pilots]\n---\n\n", 1),
    )
    assert _problems(root) == [
        f"content/decisions/pilots.gd.md:{line}: '{key}' is a fact, not words: a translation "
        "takes it from its record, content/decisions/pilots.md; remove this line (a "
        "translation gives only title, summary, draft)"
        for line, key in ((4, "status"), (5, "topics"))
    ]


def test_translations_in_unknown_languages_or_without_a_record_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "repository"
    languages_site(root, up_to=3)
    write(root, "content/decisions/pilots.fr.md", GAELIC)
    write(root, "content/decisions/gone.gd.md", GAELIC)
    write(root, "content/decisions/pilots.en.md", GAELIC)
    write(root, "content/pages/gd.md", "---\ntitle: Gàidhlig\n---\n\nA page.\n")
    assert _problems(root) == [
        "content/decisions/gone.gd.md:1: this is a translation of decisions/gone.md, which "
        "does not exist; a translation sits beside its record, with the same name and the "
        "language before .md",
        "content/decisions/pilots.en.md:1: 'en' is the source language, in which the record "
        "itself (pilots.md) is written; rename this file, or move its text into pilots.md",
        "content/decisions/pilots.fr.md:1: 'fr' is not one of the site's languages (en, gd); "
        "add it to extra.openrecord.languages in mkdocs.yml, or rename the file to "
        "pilots.<lang>.md with one of them",
        "content/pages/gd.md:1: /gd/ is an address the site itself uses; rename the file "
        "(such as gd-page.md)",
    ]


def test_the_pull_request_check_refuses_a_translation_that_changes_facts(tmp_path: Path) -> None:
    root = tmp_path / "repository"
    repo = languages_site(root, up_to=3)
    repo.run("branch", "base")
    repo.run("checkout", "-q", "-b", "proposal")
    repo.write(
        "content/decisions/pilots.gd.md", GAELIC.replace("---\n\n", "status: rejected\n---\n\n", 1)
    )
    repo.commit_on("2026-03-21", "Say in the translation that it was rejected")
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--changes", "base"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "content/decisions/pilots.gd.md:4: 'status' is a fact, not words: a translation takes "
        "it from its record, content/decisions/pilots.md; remove this line (a translation "
        "gives only title, summary, draft)"
    )


def test_languages_must_include_the_source_language(tmp_path: Path) -> None:
    from generator.config import load_config
    from generator.errors import ConfigError

    path = write(
        tmp_path, "mkdocs.yml", "site_name: X\nextra:\n  openrecord:\n    languages: [gd]\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "languages lists gd but not the source language 'en' (lang)" in str(raised.value)


def test_every_catalog_string_has_an_english_one_with_the_same_placeholders() -> None:
    formatter = string.Formatter()

    def fields(text: str) -> set[str]:
        return {name for _text, name, _spec, _conv in formatter.parse(text) if name}

    for lang, messages in CATALOGS.items():
        for key, message in messages.items():
            assert key in ENGLISH, f"{lang}: '{key}' is not an English key"
            assert fields(message.text) <= fields(ENGLISH[key]), f"{lang}: '{key}'"


def test_no_gaelic_string_is_claimed_checked_and_the_pages_say_so(built: Path) -> None:
    """None has been read by a fluent speaker: a page in Gàidhlig says its text is unchecked."""
    assert not any(message.checked for message in CATALOGS["gd"].values())
    assert 'class="or-unchecked"' in page(built, TRANSLATION)
    assert 'class="or-unchecked"' not in page(built, RECORD)


def test_the_themes_gaelic_strings_are_keys_the_theme_knows() -> None:
    import material

    english = (Path(material.__file__).parent / "templates/partials/languages/en.html").read_text()
    ours = (ROOT / "theme/partials/languages/gd.html").read_text(encoding="utf-8")
    keys = re.findall(r'^\s*"([a-z.]+)":', ours, re.M)
    assert keys and "language" in keys
    own = (ROOT / "theme/partials/languages/openrecord-en.html").read_text(encoding="utf-8")
    assert all(f'"{key}":' in english or f'"{key}":' in own for key in keys)
    assert "openrecord.report" in keys


def test_pool_and_one_process_build_the_same_two_language_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The translations' pages poured by a pool into their own shells: the same bytes."""
    from generator import parallel
    from tests.scan import site_files

    languages_site(tmp_path / "repository")
    monkeypatch.setattr(parallel, "POOL_FROM", 10**9)
    alone = build(tmp_path / "repository", tmp_path / "alone").site_dir
    monkeypatch.setattr(parallel, "POOL_FROM", 0)
    shared = build(tmp_path / "repository", tmp_path / "shared").site_dir
    assert site_files(alone) == site_files(shared)
    assert f"{TRANSLATION}index.html" in site_files(shared)
    assert not any(name.startswith("openrecord-shell") for name in site_files(shared))


def test_the_page_not_found_says_so_in_each_language(built: Path) -> None:
    text = (built / "404.html").read_text(encoding="utf-8")
    assert '<h1 id="title">Page not found</h1>' in text
    assert '<section lang="gd" aria-labelledby="title-gd">' in text
    assert '<h2 id="title-gd">Cha deach an duilleag a lorg</h2>' in text
    assert '<a href="/gd/">Rach dhan duilleag-dhachaigh</a>' in text
