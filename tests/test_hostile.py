"""Hostile input: 45 injection payloads in every front matter field, bodies and file names.

No payload may reach any output as live markup. Output is parsed with an HTML parser
(pages, search index entries, feed content); data files must carry the text verbatim.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import build, check
from generator.errors import ContentError
from tests.conftest import Git, write
from tests.payloads import PAYLOADS
from tests.scan import live_markup, scan_site, search_pages


def q(text: str) -> str:
    """Return text as a double-quoted YAML scalar."""
    return json.dumps(text)


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 40
    assert all("xss" in payload for payload in PAYLOADS)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Build a site whose every text field, topic and page carries a payload."""
    import shutil

    from tests.conftest import MKDOCS_YML, ROOT

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "theme", root / "theme")
    write(root, "mkdocs.yml", MKDOCS_YML)
    topics = "".join(
        f"t{i}:\n  label: {q(p)}\n  description: {q(p)}\n" for i, p in enumerate(PAYLOADS)
    )
    write(root, "content/topics.yml", topics)
    for i, p in enumerate(PAYLOADS):
        list_of = f"[{q(p)}]"
        write(
            root,
            f"content/workshops/w{i}.md",
            f"---\ntitle: {q(p)}\nsummary: {q(p)}\nstatus: held\ntopics: [t{i}]\n"
            f"organisers: {list_of}\nlocation: {q(p)}\nformat: {q(p)}\n"
            f"facilitators: {list_of}\nthemes: {list_of}\n---\n\nSafe body.\n",
        )
        write(
            root,
            f"content/intentions/i{i}.md",
            f"---\ntitle: {q(p)}\nsummary: {q(p)}\nstatus: proposed\nowner: {q(p)}\n"
            f"from: [workshops/w{i}]\ntopics: [t{i}]\n---\n\nSafe body.\n",
        )
        write(
            root,
            f"content/decisions/d{i}.md",
            f"---\ntitle: {q(p)}\nsummary: {q(p)}\nstatus: proposed\ndecided_by: {list_of}\n"
            f"consulted: {list_of}\ninformed: {list_of}\nserves: [intentions/i{i}]\n"
            f"evidence: [workshops/w{i}]\n---\n\nSafe body.\n",
        )
    write(
        root,
        "content/pages/about.md",
        f"---\ntitle: {q(PAYLOADS[0])}\nsummary: {q(PAYLOADS[2])}\n---\n\nAbout.\n",
    )
    Git(root).commit("Add hostile records: " + " ".join(PAYLOADS[:5]))
    return root, build(root, root / "site").site_dir


def test_front_matter_payloads_never_become_live_markup(hostile_site: tuple[Path, Path]) -> None:
    _root, site = hostile_site
    assert scan_site(site) == {}
    page = (site / "decisions/d0/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page  # shown as text
    assert (
        "<title>&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt; - Test record</title>" in page
    )


def test_payloads_stay_verbatim_in_the_data(hostile_site: tuple[Path, Path]) -> None:
    _root, site = hostile_site
    records = json.loads((site / "data/records.json").read_text())["records"]
    titles = {record["id"]: record["title"] for record in records}
    for i, payload in enumerate(PAYLOADS):
        assert titles[f"decisions/d{i}"] == payload
    document = json.loads((site / "data/records/workshops/w3.json").read_text())
    assert document["record"]["fields"]["themes"] == [PAYLOADS[3]]


def test_search_index_holds_the_payloads_as_text(hostile_site: tuple[Path, Path]) -> None:
    """Pagefind keeps a page's words as text: a title reaches its index verbatim, as data."""
    _root, site = hostile_site
    titles = {page["url"]: page["meta"]["title"] for page in search_pages(site)}
    for i, payload in enumerate(PAYLOADS):
        assert titles[f"/decisions/d{i}/"] == payload
    assert (site / "feeds/records/decisions/d0/atom.xml").is_file()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_body_payload_is_refused_or_neutralised(site_root: Path, payload: str) -> None:
    write(
        site_root,
        "content/decisions/x.md",
        f"---\ntitle: X\nsummary: Y.\nstatus: proposed\n---\n\nIntro.\n\n{payload}\n",
    )
    try:
        check(site_root)
    except ContentError as error:
        assert {problem.path for problem in error.problems} == {"content/decisions/x.md"}
        assert all(problem.line >= 8 for problem in error.problems)
        return
    from markdown import Markdown

    from generator.markdown.sanitize import clean_html

    rendered = clean_html(Markdown(extensions=["toc", "admonition"]).convert(payload))
    assert live_markup(rendered) == [], payload


@pytest.mark.parametrize(
    "name",
    ["<script>.md", "x onerror=y.md", "Caps.md", "-dash.md", ".hidden.md", "ünïcode.md"],
)
def test_hostile_file_names_are_refused(site_root: Path, name: str) -> None:
    write(
        site_root,
        f"content/decisions/{name}",
        "---\ntitle: X\nsummary: Y.\nstatus: proposed\n---\n",
    )
    with pytest.raises(ContentError) as raised:
        check(site_root)
    [problem] = raised.value.problems
    assert problem.path == f"content/decisions/{name}"


@pytest.mark.parametrize("field", ["aliases", "topics"])
def test_payloads_in_id_fields_are_refused(site_root: Path, field: str) -> None:
    write(
        site_root,
        "content/decisions/x.md",
        f"---\ntitle: X\nsummary: Y.\nstatus: proposed\n{field}: [{q(PAYLOADS[0])}]\n---\n",
    )
    with pytest.raises(ContentError) as raised:
        check(site_root)
    assert [str(p) for p in raised.value.problems] == [
        f"content/decisions/x.md:5: {field}: '{PAYLOADS[0]}' is not a valid id; use lowercase "
        "letters, digits and hyphens (a reference is type/slug, such as decisions/pilot-areas)"
    ]


def test_sanitiser_keeps_what_the_site_needs() -> None:
    from generator.markdown.convert import render_markdown

    source = (
        '## Heading\n\n<div class="admonition note">\n\nAdmonition.\n\n</div>\n\n'
        "```python\nx = 1\n```\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n"
    )
    cleaned, _tokens = render_markdown(source)
    assert '<h2 id="heading">Heading<a class="headerlink" href="#heading"' in cleaned
    assert '<div class="admonition note">' in cleaned
    assert '<span class="n">x</span>' in cleaned
    assert '<td align="left">1</td>' in cleaned
