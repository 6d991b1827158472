"""Links between records, and images and attachments beside them, as GitHub shows them."""

from __future__ import annotations

import re
from pathlib import Path

from generator.build import build, check
from tests.conftest import Git, write
from tests.test_policy import PNG
from tests.test_validate import problems

HEAD = "---\ntitle: {title}\nsummary: Y.\nstatus: proposed\n{extra}---\n\n"


def record(title: str, body: str, extra: str = "") -> str:
    return HEAD.format(title=title, extra=extra) + body


def hrefs(page: str) -> list[str]:
    """Return the link and image targets of a page's content."""
    content = page[page.find("<article") :]
    return re.findall(r'(?:href|src)="([^"]*)"', content)


def test_links_to_records_lead_to_their_pages(git_site: Git, tmp_path: Path) -> None:
    git_site.write(
        "content/decisions/036-multi-cluster.md",
        record("Multi-cluster", "# Multi-cluster\n\n## Why it matters\n\nText.\n"),
    )
    git_site.write(
        "content/decisions/037-follow-up.md",
        record(
            "Follow-up",
            "See [036. Multi-cluster](036-multi-cluster.md), its\n"
            "[reasons](036-multi-cluster.md#why-it-matters), the\n"
            "[intention](../intentions/i.md) and [the old name](renamed-before.md).\n\n"
            "![Flow](flow.png) and [the data](data/figures.csv).\n",
        ),
    )
    git_site.write(
        "content/decisions/d.md", record("D", "Body.\n", "aliases: [decisions/renamed-before]\n")
    )
    (git_site.root / "content/decisions/flow.png").write_bytes(PNG)
    git_site.write("content/decisions/data/figures.csv", "year,count\n2024,3\n")
    git_site.commit("Add linked records")
    site = build(git_site.root, tmp_path / "site").site_dir
    page = (site / "decisions/037-follow-up/index.html").read_text(encoding="utf-8")
    targets = hrefs(page)
    for expected in (
        "../036-multi-cluster/",
        "../036-multi-cluster/#why-it-matters",
        "../../intentions/i/",
        "../d/",
        "../flow.png",
        "../data/figures.csv",
    ):
        assert expected in targets, (expected, targets)
    assert not any(t.endswith(".md") for t in targets if not t.startswith("https:"))
    # Every target is a published file, and every anchor a heading of that page.
    for target in ("../036-multi-cluster/", "../flow.png", "../data/figures.csv"):
        published = (site / "decisions/037-follow-up" / target).resolve()
        assert (published / "index.html" if target.endswith("/") else published).is_file()
    linked = (site / "decisions/036-multi-cluster/index.html").read_text(encoding="utf-8")
    assert 'id="why-it-matters"' in linked
    assert (site / "decisions/flow.png").read_bytes() == PNG
    # The title once: its body's "# Multi-cluster" is not shown again, nor in the contents.
    shown = linked.replace('data-pagefind-meta="title">Multi-cluster<', "")  # search's own
    shown = re.sub(r"data-md-component=\"?header-topic\"?>.*?</div>", "", shown)  # the header's
    assert shown.count(">Multi-cluster<") + shown.count(">Multi-cluster</h1>") <= 2
    assert 'href="#multi-cluster"' not in linked


def test_a_link_to_a_missing_file_or_heading_names_its_line(site_root: Path) -> None:
    write(site_root, "content/decisions/target.md", record("T", "## Why we chose\n\nText.\n"))
    write(
        site_root,
        "content/decisions/x.md",
        record(
            "X",
            "Intro.\n\nSee [t](targt.md) and\n[why](target.md#why-we-chose-it).\n\n"
            "[out](../../README.md) and ![img](missing.png)\n",
        ),
    )
    assert problems(site_root) == [
        "content/decisions/x.md:9: the link to targt.md leads nowhere: there is no "
        "content/decisions/targt.md (did you mean target.md?); correct the file name",
        "content/decisions/x.md:10: the link to target.md#why-we-chose-it leads to no heading: "
        "decisions/target.md has no heading whose address is #why-we-chose-it (did you mean "
        "#why-we-chose?); use one of its headings' addresses, as GitHub shows them when you "
        "point at a heading",
        "content/decisions/x.md:12: the link to ../../README.md leads outside content/, which "
        "is not published; link to its address on GitHub (https://...) instead",
        "content/decisions/x.md:12: the link to missing.png leads nowhere: there is no "
        "content/decisions/missing.png; correct the file name",
    ]


def test_a_link_to_a_draft_is_refused(site_root: Path) -> None:
    write(site_root, "content/decisions/draft.md", record("Draft", "Text.\n", "draft: true\n"))
    write(site_root, "content/decisions/x.md", record("X", "[d](draft.md)\n"))
    assert problems(site_root) == [
        "content/decisions/x.md:7: the link to draft.md leads to a draft, which is not "
        "published; publish it first or remove the link"
    ]


def test_files_beside_records_are_of_allowed_kinds_and_sizes(site_root: Path) -> None:
    (site_root / "content/decisions/notes.docx").write_bytes(b"PK")
    (site_root / "content/decisions/big.png").write_bytes(PNG + b"\0" * 3000)
    write(site_root, "content/decisions/evil.svg", "<svg><script>alert(1)</script></svg>")
    # A diagram editor's export: its labels are HTML in <foreignObject>, and no script.
    label = '<foreignObject width="90" height="20"><div style="color: red">Step 1</div>'
    write(
        site_root,
        "content/decisions/fine.svg",
        f"<svg><switch>{label}</foreignObject></switch></svg>",
    )
    write(
        site_root,
        "mkdocs.yml",
        (site_root / "mkdocs.yml").read_text() + "extra:\n  openrecord:\n    asset_max_kb: 2\n",
    )
    assert problems(site_root) == [
        "content/decisions/big.png:1: this file is 3 KB, more than the 2 KB a file beside a "
        "record may be (asset_max_kb under extra: openrecord: in mkdocs.yml); make it smaller "
        "or link to where it is published",
        "content/decisions/evil.svg:1: this SVG holds a script, an event handler, an embedded "
        "page or a javascript: link, which would run when a reader opens it; export the "
        "drawing again as a plain SVG (or as PNG)",
        "content/decisions/notes.docx:1: files of this kind are not published; beside records "
        "openrecord publishes Markdown records (.md) and images or attachments: .png .jpg "
        ".jpeg .gif .webp .svg .pdf .csv; convert it to one of those or remove it",
    ]


def test_an_svg_is_shown_as_an_image_never_written_into_the_page(
    git_site: Git, tmp_path: Path
) -> None:
    git_site.write("content/decisions/flow.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    git_site.write("content/decisions/x.md", record("X", "![Flow](flow.svg)\n"))
    git_site.commit("Add a diagram")
    site = build(git_site.root, tmp_path / "site").site_dir
    page = (site / "decisions/x/index.html").read_text(encoding="utf-8")
    assert '<img src="../flow.svg" alt="Flow"' in page
    assert (site / "decisions/flow.svg").is_file()


def test_the_bundled_records_link_to_each_other(bundled: Path, tmp_path: Path) -> None:
    check(bundled)
    site = build(bundled, tmp_path / "site").site_dir
    decision = (site / "decisions/start-with-pilot-areas/index.html").read_text(encoding="utf-8")
    assert "../../intentions/value-experimentation-and-learning/" in hrefs(decision)
    intention = site / "intentions/value-experimentation-and-learning/index.html"
    assert "../../decisions/start-with-pilot-areas/#what-is-proposed" in hrefs(
        intention.read_text(encoding="utf-8")
    )
    assert 'id="what-is-proposed"' in decision


def test_a_web_address_without_its_scheme_is_named_as_one(site_root: Path) -> None:
    write(site_root, "content/decisions/x.md", record("X", "See [Boost](www.boost.org/doc).\n"))
    assert problems(site_root) == [
        "content/decisions/x.md:7: the link to www.boost.org/doc leads nowhere: it reads as a "
        "file beside this one; if it is a web address, start it with https://"
    ]


def test_a_page_links_to_a_record(git_site: Git, tmp_path: Path) -> None:
    git_site.write(
        "content/pages/about.md",
        "---\ntitle: About\n---\n\nRead [the decision](../decisions/d.md).\n",
    )
    git_site.commit("Add a page")
    site = build(git_site.root, tmp_path / "site").site_dir
    page = (site / "about/index.html").read_text(encoding="utf-8")  # a page's address
    assert "../decisions/d/" in hrefs(page)
    assert "openrecord:links" not in page
