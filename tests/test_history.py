"""History: revisions from real git repositories with fixed dates, and the pages made of them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.build import build, check, gather
from generator.errors import ContentError, HistoryError
from generator.history.history import read_history
from generator.history.merges import Person, Step, publish
from generator.pages.render import render_site
from tests.conftest import Git, decision, intention

PROPOSED = decision(title="Pilot areas", summary="Start with pilots.")
ACCEPTED = decision(title="Pilot areas", summary="Start with pilots.", status="accepted")


def pages(root: Path) -> dict[str, str]:
    """Return the docs tree the render stage makes for a site, by path."""
    site, history = gather(root)
    return render_site(site, history).pages


@pytest.fixture
def pilot(git_site: Git) -> Git:
    """Return a repository where a decision went proposed → accepted (#12) → minor fix."""
    git_site.write("content/decisions/pilot.md", PROPOSED + "We will start in two areas.\n")
    git_site.commit("Propose pilot areas", author="Bea Proposer")
    git_site.write("content/decisions/pilot.md", ACCEPTED + "We will start in two areas.\n")
    git_site.commit("Accept pilot areas (#12)\n\nThe board agreed on 12 April.", author="Cy Chair")
    git_site.write("content/decisions/pilot.md", ACCEPTED + "We will start in two areas.\n")
    git_site.write("content/decisions/pilot.md", ACCEPTED + "We will start in two areas!\n")
    git_site.commit("Fix punctuation\n\nChange-Type: minor", author="Dee Editor")
    return git_site


def described(message: str) -> tuple[int | None, str, str, bool]:
    """Return what a one-parent commit publishes: pull request, subject, note, minor."""
    published = publish(Step("0" * 40, Person("Ann", "ann@example.org"), message))
    return published.pull_request, published.subject, published.note, published.minor


def test_messages_give_pull_requests_trailers_and_notes() -> None:
    assert described(
        "Accept pilot areas (#12)\n\nAgreed.\n\nChange-Type: minor\nSigned-off-by: A"
    ) == (12, "Accept pilot areas", "Accept pilot areas\n\nAgreed.", True)
    assert described("Fix typo") == (None, "Fix typo", "Fix typo", False)
    assert described("RFC: Refactor the libs team") == (
        None,
        "RFC: Refactor the libs team",
        "RFC: Refactor the libs team",
        False,
    )
    # Only the last paragraph holds trailers, and only when every line of it is one.
    assert described("Fix typo\n\nChange-Type: minor\n\nMore words.")[3] is False
    assert described("Fix typo\n\nChange-Type: minor\nnot a trailer")[3] is False
    assert described("Fix typo\n\nRFC: yes\nChange-Type: minor")[2:] == (
        "Fix typo\n\nRFC: yes",
        True,
    )


def test_revisions_of_the_pilot_decision(pilot: Git) -> None:
    history = read_history(pilot.root)
    revisions = history.of("decisions/pilot")
    assert [
        (r.number, r.author, r.pull_request, r.subject, r.note, r.kind, r.date.isoformat())
        for r in revisions
    ] == [
        (
            1,
            "Bea Proposer",
            None,
            "Propose pilot areas",
            "Propose pilot areas",
            "major",
            "2024-01-02T12:00:00+00:00",
        ),
        (
            2,
            "Cy Chair",
            12,
            "Accept pilot areas",
            "Accept pilot areas\n\nThe board agreed on 12 April.",
            "major",
            "2024-01-03T12:00:00+00:00",
        ),
        (
            3,
            "Dee Editor",
            None,
            "Fix punctuation",
            "Fix punctuation",
            "minor",
            "2024-01-04T12:00:00+00:00",
        ),
    ]
    assert history.of("workshops/w")[0].subject == "Add the first records"


def test_pilot_pages_show_versions_timeline_and_diff(pilot: Git) -> None:
    docs = pages(pilot.root)
    record = docs["decisions/pilot/index.md"]
    assert "version 3 · " in record
    assert "See all 3 versions</a>" in record
    assert (
        'Status history:</span> <a href="v1/">proposed 2 Jan 2024</a> → '
        '<a href="v2/">accepted 3 Jan 2024</a></p>'
    ) in record
    assert '<a href="history/" class="md-button">View history</a>' in record
    history = docs["decisions/pilot/history/index.md"]
    assert history.index('id="v3"') < history.index('id="v2"') < history.index('id="v1"')
    assert (
        '· pull request <a href="https://github.com/example/records/pull/12">#12</a> · '
        '<span class="or-kind or-kind--major">major change</span>'
    ) in history
    assert "Status: <del>proposed</del> → <ins>accepted</ins>" in history
    assert '<span class="or-kind or-kind--minor">minor change</span>' in history
    # The diff of a text is on its version's page, where the history's entry links.
    assert "areas<del>" not in history
    assert '<a href="../v3/#changes">See what changed in the text</a>' in history
    v3 = docs["decisions/pilot/v3/index.md"]
    assert "areas<del>.</del>" in v3 and "areas<ins>!</ins>" in v3
    assert '<h2 id="changes">What changed in version 3</h2>' in v3
    for number in (1, 2, 3):
        version = docs[f"decisions/pilot/v{number}/index.md"]
        assert f"Version {number} of 3, " in version
        assert '"robots": "noindex"' in version and '"exclude": true' in version
    assert "This is not the current version." in docs["decisions/pilot/v1/index.md"]
    changes = docs["changes/index.md"]
    assert changes.index("Fix punctuation") < changes.index("Accept pilot areas (<a")


def test_the_newest_version_leads_to_the_record_until_a_newer_one_comes(pilot: Git) -> None:
    """The record's page shows its newest version: that version's permalink leads there
    (with what it changed) instead of holding the same text again; once a newer version
    is published, the same address holds the text in full."""
    docs = pages(pilot.root)
    newest = docs["decisions/pilot/v3/index.md"]
    assert "This is the current version." in newest
    assert '<a href="../">Read it on the record page</a>' in newest
    assert "We will start in two areas" not in newest.split('<h2 id="changes">')[0]
    assert "areas<ins>!</ins>" in newest  # what it changed stays on its own page
    assert "We will start in two areas!" in docs["decisions/pilot/index.md"]
    pilot.write("content/decisions/pilot.md", ACCEPTED + "We will start in three areas.\n")
    pilot.commit("Widen the pilot (#13)")
    docs = pages(pilot.root)
    assert "We will start in two areas!" in docs["decisions/pilot/v3/index.md"]
    assert "This is not the current version." in docs["decisions/pilot/v3/index.md"]
    assert "Read it on the record page" in docs["decisions/pilot/v4/index.md"]
    assert "three areas" not in docs["decisions/pilot/v4/index.md"].split('<h2 id="changes">')[0]


def test_a_version_that_changed_only_fields_leads_to_the_page_with_its_text(pilot: Git) -> None:
    """v2 accepted the decision without changing its words: its page says so and leads to
    v1's, which holds that text; v2 keeps its own status and what it changed."""
    docs = pages(pilot.root)
    v1, v2 = docs["decisions/pilot/v1/index.md"], docs["decisions/pilot/v2/index.md"]
    assert "We will start in two areas." in v1
    assert "We will start in two areas" not in v2
    assert (
        '<p class="or-same-text">Version 2 changed the details of the record, not its text: '
        'its text is word for word that of version 1. <a href="../v1/">Read the text of '
        "version 1</a>.</p>"
    ) in v2
    assert "or-status--accepted" in v2 and "Status: <del>proposed</del>" in v2
    # A third version with the same words leads to the first of them, not to the second.
    pilot.write("content/decisions/pilot.md", PROPOSED + "We will start in two areas!\n")
    pilot.commit("Reopen the decision (#14)")
    pilot.write("content/decisions/pilot.md", ACCEPTED + "We will start in two areas!\n")
    pilot.commit("Accept it again (#15)")
    docs = pages(pilot.root)
    assert "We will start in two areas!" in docs["decisions/pilot/v3/index.md"]
    assert '<a href="../v3/">Read the text of version 3</a>' in docs["decisions/pilot/v4/index.md"]
    assert "Read it on the record page" in docs["decisions/pilot/v5/index.md"]


def test_pilot_site_builds_with_the_engine(pilot: Git, tmp_path: Path) -> None:
    result = build(pilot.root, tmp_path / "out")
    for page in (
        "decisions/pilot/",
        "decisions/pilot/history/",
        "decisions/pilot/v1/",
        "decisions/pilot/v2/",
        "decisions/pilot/v3/",
        "changes/",
    ):
        assert (result.site_dir / page / "index.html").is_file(), page
    html = (result.site_dir / "decisions/pilot/v1/index.html").read_text()
    assert '<meta name="robots" content="noindex">' in html


def test_merged_pull_request_is_one_revision_by_its_author(git_site: Git) -> None:
    git_site.run("checkout", "-q", "-b", "feature")
    git_site.write("content/decisions/d.md", PROPOSED + "First draft.\n")
    git_site.commit("Draft", author="Fay Fork")
    git_site.write("content/decisions/d.md", PROPOSED + "Second draft.\n")
    git_site.commit("Redraft", author="Fay Fork")
    git_site.run("checkout", "-q", "main")
    git_site.merge("feature", "Merge pull request #3 from fay/feature\n\nRewrite the decision")
    revisions = read_history(git_site.root).of("decisions/d")
    assert [(r.number, r.pull_request, r.subject, r.author) for r in revisions] == [
        (1, None, "Add the first records", "Ada Author"),
        (2, 3, "Rewrite the decision", "Fay Fork"),
    ]


def test_rename_with_alias_keeps_history_and_redirects(git_site: Git) -> None:
    git_site.run("mv", "content/decisions/d.md", "content/decisions/renamed.md")
    text = (git_site.root / "content/decisions/renamed.md").read_text()
    git_site.write(
        "content/decisions/renamed.md",
        text.replace("status: proposed", "status: proposed\naliases: [decisions/d]"),
    )
    git_site.commit("Rename the decision (#4)")
    history = read_history(git_site.root)
    assert [r.path for r in history.of("decisions/renamed")] == [
        "decisions/d.md",
        "decisions/renamed.md",
    ]
    assert history.former_ids == {"decisions/d": "decisions/renamed"}
    redirect = pages(git_site.root)["decisions/d/index.md"]
    assert '"location": "../renamed/"' in redirect and '"template": "redirect.html"' in redirect
    # The page the engine makes of it: its words from the theme's language partial.
    site = build(git_site.root, git_site.root / "out").site_dir
    moved = (site / "decisions/d/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0;url=../renamed/">' in moved
    assert "<h1>This record has moved</h1>" in moved
    assert "</a> is now at a new address.</p>" in moved
    assert "<title>Moved: " in moved and "openrecord.redirect" not in moved


def test_deleted_record_keeps_a_withdrawn_page(git_site: Git) -> None:
    git_site.write("content/decisions/gone.md", PROPOSED)
    git_site.commit("Propose a decision that will go")
    (git_site.root / "content/decisions/gone.md").unlink()
    git_site.commit("Withdraw the decision (#9)")
    docs = pages(git_site.root)
    assert (
        'This record was withdrawn on <time datetime="2024-01-03">3 Jan 2024</time> by '
        'pull request <a href="https://github.com/example/records/pull/9">#9</a>: Withdraw '
        "the decision" in docs["decisions/gone/index.md"]
    )
    assert (
        "The record was withdrawn: its file was removed." in docs["decisions/gone/history/index.md"]
    )
    assert "decisions/gone/v1/index.md" in docs


def test_shallow_clone_is_refused(pilot: Git, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{pilot.root}", str(clone)], check=True
    )
    with pytest.raises(HistoryError, match="fetch-depth: 0"):
        read_history(clone)


def test_no_repository_builds_without_history(site_root: Path) -> None:
    _site, warnings = check(site_root)
    assert warnings == (
        f"{site_root.name} is not a git repository: pages say 'history not "
        "available'. Run `git init` and commit to publish a history.",
    )
    assert "Version history: history not available." in pages(site_root)["decisions/d/index.md"]


def test_uncommitted_edit_is_marked_and_not_a_revision(git_site: Git) -> None:
    git_site.write("content/decisions/d.md", PROPOSED + "Edited locally.\n")
    history = read_history(git_site.root)
    assert history.dirty == frozenset({"decisions/d"})
    assert len(history.of("decisions/d")) == 1
    assert "<strong>Unpublished changes:</strong>" in pages(git_site.root)["decisions/d/index.md"]


def test_rewriting_an_accepted_decision_warns_and_fails_strict(pilot: Git) -> None:
    pilot.write("content/decisions/pilot.md", ACCEPTED + "We will start everywhere.\n")
    pilot.commit("Change the plan (#13)")
    expected = (
        "content/decisions/pilot.md:6: version 4 (commit {sha}, pull request #13) changed the "
        "text of this decision after it was accepted; an accepted decision is not rewritten: "
        "write a new decision with 'supersedes: [decisions/pilot]' and set this one to 'status: "
        "superseded', or, for a correction that does not change its meaning, end the commit "
        "message with the line 'Change-Type: minor'"
    ).format(sha=pilot.run("rev-parse", "--short=7", "HEAD").strip())
    _site, warnings = check(pilot.root)
    assert warnings == (expected,)
    with pytest.raises(ContentError) as raised:
        check(pilot.root, strict=True)
    assert [str(problem) for problem in raised.value.problems] == [expected]


def test_long_history_read_in_two_parts_is_the_same(
    git_site: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long line is read by two git processes; files moved in and out of content/ too."""
    from generator.history import git_log
    from generator.history import history as histories

    git_site.run("checkout", "-q", "-b", "feature")
    git_site.write("content/intentions/i.md", intention() + "\nBranch edit.\n")
    git_site.commit("Edit on a branch", author="Bea Branch")
    git_site.write("content/intentions/i.md", intention() + "\nBranch edit, again.\n")
    git_site.commit("Edit it again", author="Bea Branch")  # the branch's commits: two halves
    git_site.run("checkout", "-q", "main")
    git_site.merge("feature", "Merge pull request #7 from someone/feature\n\nEdit the intention")
    (git_site.root / "notes").mkdir()
    git_site.run("mv", "content/workshops/w.md", "notes/w.md")
    git_site.commit("Move the workshop out")
    git_site.run("mv", "notes/w.md", "content/workshops/w2.md")
    git_site.commit("Move it back in under a new name")
    for number in range(4):
        git_site.write("content/decisions/d.md", PROPOSED + f"Edit {number}.\n")
        git_site.commit(f"Edit {number} (#{20 + number})")
    whole = histories.read_history(git_site.root)
    monkeypatch.setattr(git_log, "SPLIT_FROM", 2)
    asked: list[list[str]] = []
    authored_log = git_log._authored_log

    def spied(repo: object, revisions: list[str], shas: list[str]) -> str:
        asked.append(shas)
        return authored_log(repo, revisions, shas)  # type: ignore[arg-type]

    monkeypatch.setattr(git_log, "_authored_log", spied)
    parts = histories.read_history(git_site.root)
    assert parts == whole
    assert [len(shas) for shas in asked] == [1, 1]  # the branch's two commits, one a process
    assert [r.pull_request for r in whole.of("decisions/d")][-4:] == [20, 21, 22, 23]
    assert [r.author for r in whole.of("intentions/i")][-1] == "Bea Branch"
    assert "workshops/w" in whole.withdrawn and len(whole.of("workshops/w2")) == 1


def test_rules_apply_only_after_rules_from(pilot: Git) -> None:
    """An imported history's past rewrites are published as they are, and never refused."""
    pilot.write("content/decisions/pilot.md", ACCEPTED + "We will start everywhere.\n")
    imported = pilot.commit("Change the plan, long before openrecord (#13)")
    with pytest.raises(ContentError):
        check(pilot.root, strict=True)
    config = pilot.root / "mkdocs.yml"
    config.write_text(config.read_text() + f"extra:\n  openrecord:\n    rules_from: {imported}\n")
    pilot.commit("Apply the rules from now on")
    assert check(pilot.root, strict=True)[1] == ()
    assert [r.kind for r in read_history(pilot.root).of("decisions/pilot")][-1] == "major"
    pilot.write("content/decisions/pilot.md", ACCEPTED + "We will start nowhere.\n")
    pilot.commit("Change the plan again (#14)")
    with pytest.raises(ContentError) as raised:
        check(pilot.root, strict=True)
    assert [str(p).split(" (commit")[0] for p in raised.value.problems] == [
        "content/decisions/pilot.md:6: version 5"
    ]
    config.write_text(config.read_text().replace(imported, "f" * 40))
    with pytest.raises(HistoryError, match=r"rules_from names f{40}, which is not a commit"):
        gather(pilot.root)


def test_a_long_history_is_cut_into_pages_whose_anchors_stay(
    git_site: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.pages import versions

    monkeypatch.setattr(versions, "HISTORY_PER_PAGE", 2)
    for number in range(2, 6):  # versions 2 to 5 of decisions/d
        git_site.write("content/decisions/d.md", PROPOSED + f"Draft number {number}.\n")
        git_site.commit(f"Redraft {number}")
    docs = pages(git_site.root)
    newest = docs["decisions/d/history/index.md"]
    first, second = (docs[f"decisions/d/history/page/{n}/index.md"] for n in (1, 2))
    assert 'id="v5"' in newest and 'id="v4"' not in newest.split("Earlier versions")[0]
    assert "Versions 5 to 5 of 5" in newest
    assert 'id="v2"' in first and 'id="v1"' in first and 'id="v3"' not in first
    assert 'id="v4"' in second and 'id="v3"' in second
    # An earlier revision's anchor on the newest page leads to the page that shows it.
    assert '<a id="v1" href="page/1/#v1">1</a> <a id="v2" href="page/1/#v2">2</a>' in newest
    assert '<a id="v4" href="page/2/#v4">4</a>' in newest
    assert '<a href="page/2/" rel="next">Older versions</a>' in newest
    assert '<a href="../../" rel="prev">Newer versions</a>' in second
    assert '<a href="../2/" rel="prev">Newer versions</a>' in first
    assert "Older versions" not in first
    assert "decisions/d/history/page/3/index.md" not in docs
    # The change log links each revision where it is shown; each diff has its own page.
    assert 'href="../decisions/d/history/page/1/#v2"' in docs["changes/index.md"]
    assert 'href="../decisions/d/history/#v5"' in docs["changes/index.md"]
    version = docs["decisions/d/v3/index.md"]
    assert "What changed in version 3" in version
    assert "Draft number <del>2</del>." in version and "Draft number <ins>3</ins>." in version
    assert 'href="../history/page/2/#v3"' in version
    # A history page's entry leads to its version's diff, from however deep the page is.
    assert '<a href="../../../v3/#changes">See what changed in the text</a>' in second
    assert "<del>" not in second.replace("<del>proposed</del>", "")


def test_the_quick_safety_look_never_misses_what_the_full_scan_finds() -> None:
    from generator.markdown.policy import find_removals
    from generator.pages.versions import could_remove
    from tests.payloads import PAYLOADS

    bodies = [
        *PAYLOADS,
        "[x](javascript:alert(1))",
        "[x]( JavaScript:alert(1))",
        "[x][r]\n\n> [r]: vbscript:run",
        "![i](data:image/svg+xml,zz)",
        "[x](java&#115;cript:alert(1))",
        "[x](javascript\\:alert(1))",
        "> " * 250 + "deep",
        "- " * 250 + "deep",
    ]
    found = [body for body in bodies if find_removals(body)]
    assert len(found) > 10
    assert [body for body in found if not could_remove(body)] == []
    assert not could_remove("Plain [text](https://example.org) and [a](other.md#x).\n\n- a\n")
