"""GitHub's three merge buttons, each reproduced in a real repository with the messages GitHub
writes: what `check --changes` says of a pull request before it is merged is what the history
page, /changes/, the record's feed and its open data publish after it is merged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from generator.build import gather
from generator.cli import cli
from generator.history.merges import Authored, Person, Step, publish
from generator.outputs.data import write_data
from generator.outputs.feed_files import write_feeds
from generator.outputs.feeds import plan_feeds
from generator.pages.render import render_site
from tests.conftest import Git
from tests.test_history import ACCEPTED, PROPOSED

BOT = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
PR = 41


@dataclass(frozen=True)
class Scenario:
    """A pull request: the record it changes, its title, its commits, what it publishes."""

    record: str
    title: str
    commits: tuple[tuple[str, str, str], ...]  # author, message, body of the record after it
    kind: str  # what a merge or a squash publishes
    passes: bool
    note: str  # a line the published note holds


PLAN = PROPOSED.replace("Pilot areas", "The plan")

SCENARIOS = {
    "major change": Scenario(
        "plan",
        "Plan the pilots in three areas",
        (("Fay Fork", "Plan the pilots in three areas", "Three areas.\n"),),
        "major",
        True,
        "Plan the pilots in three areas",
    ),
    "minor fix": Scenario(
        "plan",
        "Fix a typo in the plan",
        (("Fay Fork", "Fix a typo in the plan\n\nChange-Type: minor", "Two areas!\n"),),
        "minor",
        True,
        "Fix a typo in the plan",
    ),
    "generic note then a clear one": Scenario(
        "plan",
        "Update plan.md",
        (
            ("Fay Fork", "Update plan.md", "Four areas.\n"),
            (
                "Gus Helper",
                "Explain why the pilot areas changed\n\nThe council asked for four.",
                "Four areas, as the council asked.\n",
            ),
        ),
        "major",
        True,
        "Explain why the pilot areas changed",
    ),
    "accepted decision rewritten": Scenario(
        "pilot",
        "Widen the pilot to ten areas",
        (("Fay Fork", "Widen the pilot to ten areas", "Ten areas.\n"),),
        "major",
        False,
        "Widen the pilot to ten areas",
    ),
    "accepted decision fixed minor": Scenario(
        "pilot",
        "RFC: Correct the punctuation of the pilot decision",
        (
            (
                "Fay Fork",
                "RFC: Correct the punctuation of the pilot decision\n\nChange-Type: minor",
                "Two areas!\n",
            ),
        ),
        "minor",
        True,
        "RFC: Correct the punctuation of the pilot decision",
    ),
    "CRLF re-save": Scenario(
        "pilot",
        "Save the pilot decision again from Windows",
        (("Fay Fork", "Save the pilot decision again from Windows", "crlf"),),
        "unchanged",
        True,
        "Save the pilot decision again from Windows",
    ),
}


@pytest.fixture
def repo(git_site: Git) -> Git:
    """Return main with an accepted decision (pilot) and a proposed one (plan)."""
    git_site.write("content/decisions/pilot.md", ACCEPTED + "Two areas.\n")
    git_site.write("content/decisions/plan.md", PLAN + "Two areas.\n")
    git_site.commit("Accept the pilot decision and propose the plan")
    return git_site


def allow_only(repo: Git, method: str) -> None:
    """Allow one merge button, as the repository's GitHub settings would."""
    config = repo.root / "mkdocs.yml"
    config.write_text(
        config.read_text() + f"extra:\n  openrecord:\n    merge_buttons: [{method}]\n"
    )
    repo.commit(f"Allow only the {method} button")


def open_pull_request(repo: Git, scenario: Scenario, method: str) -> None:
    """Commit the pull request's changes on patch-1, as its authors would."""
    repo.run("checkout", "-q", "-b", "patch-1")
    path = repo.root / f"content/decisions/{scenario.record}.md"
    head = (ACCEPTED if scenario.record == "pilot" else PLAN).encode()
    for author, message, body in scenario.commits:
        if body == "crlf":
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        else:
            path.write_bytes(head + body.encode())
        repo.commit(message, author=author)
    if method == "merge":  # a workflow's bot pushes last, to a file that is no record
        repo.write("notes/formatting.txt", "checked\n")
        repo.run("add", "-A")
        repo.tick += 1
        repo.run("commit", "-q", "-m", "Check the formatting", author=BOT)
        repo.run("commit", "-q", "--amend", "--no-edit", f"--author={BOT} <{BOT_EMAIL}>")


def check_changes_as_ci(repo: Git) -> tuple[int, str]:
    """Run `check --strict --changes main` on GitHub's refs/pull/N/merge and on the branch."""
    repo.run("checkout", "-q", "--detach", "main")
    repo.run("merge", "-q", "--no-ff", "patch-1", "-m", "Merge abc1234 into def5678")
    on_merge_ref = invoke(repo, "check", "--strict", "--changes", "main")
    repo.run("checkout", "-q", "patch-1")
    on_branch = invoke(repo, "check", "--strict", "--changes", "main")
    assert on_merge_ref[0] == on_branch[0], (on_merge_ref, on_branch)
    return on_merge_ref


def merge_as_github(repo: Git, scenario: Scenario, method: str) -> None:
    """Merge patch-1 into main with one of GitHub's buttons and the message it writes."""
    repo.run("checkout", "-q", "main")
    repo.tick += 1
    if method == "merge":
        message = f"Merge pull request #{PR} from fay/patch-1\n\n{scenario.title}"
        repo.run("merge", "-q", "--no-ff", "patch-1", "-m", message, author="Max Maintainer")
    elif method == "squash":
        repo.run("merge", "-q", "--squash", "patch-1")
        repo.run("commit", "-q", "-m", squash_message(scenario), author="Fay Fork")
    else:
        repo.run("merge", "-q", "--ff-only", "patch-1")


def squash_message(scenario: Scenario) -> str:
    """Return GitHub's default squash message: title (#N), then each commit's message."""
    if len(scenario.commits) == 1:
        subject, _, body = scenario.commits[0][1].partition("\n")
        return f"{subject} (#{PR})\n{body}"
    commits = "\n\n".join(f"* {message}" for _author, message, _body in scenario.commits)
    others = sorted({author for author, _m, _b in scenario.commits} - {"Fay Fork"})
    trailers = "\n".join(
        f"Co-authored-by: {o} <{o.split()[0].lower()}@example.org>" for o in others
    )
    return f"{scenario.title} (#{PR})\n\n{commits}" + (
        f"\n\n---------\n\n{trailers}" if trailers else ""
    )


def invoke(repo: Git, *args: str) -> tuple[int, str]:
    """Run an openrecord command on the repository; return its exit code and output."""
    result = CliRunner().invoke(cli, [args[0], "--root", str(repo.root), *args[1:]])
    return result.exit_code, result.output


@pytest.mark.parametrize("method", ["merge", "squash", "rebase"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_check_says_what_is_published(repo: Git, tmp_path: Path, method: str, name: str) -> None:
    scenario = SCENARIOS[name]
    allow_only(repo, method)
    open_pull_request(repo, scenario, method)
    before = check_changes_as_ci(repo)
    merge_as_github(repo, scenario, method)
    after = invoke(repo, "check", "--strict")
    assert (before[0] == 0, after[0] == 0) == (scenario.passes, scenario.passes), (before, after)
    if not scenario.passes:
        assert "this decision was accepted, and this change rewrites its text" in before[1] or (
            "changed the text of this decision after it was accepted" in before[1]
        )
        assert "changed the text of this decision after it was accepted" in after[1]

    site, history = gather(repo.root)
    record_id = f"decisions/{scenario.record}"
    revisions = history.of(record_id)
    added = revisions[1:]  # revision 1 came with main's first commit of the record
    if method == "rebase":
        assert [r.author for r in added] == [author for author, _m, _b in scenario.commits]
        assert all(r.pull_request is None for r in added)
    else:
        assert len(added) == 1
        assert added[0].pull_request == PR
        assert added[0].author == "Fay Fork"
        helpers = ("Gus Helper",) if len(scenario.commits) > 1 else ()
        assert added[0].coauthors == helpers
        assert added[0].kind == scenario.kind
    last = added[-1]
    assert scenario.note in last.note
    assert BOT not in {r.author for r in revisions} | {c for r in revisions for c in r.coauthors}
    if method != "rebase" and name == "generic note then a clear one":
        assert last.subject == "Explain why the pilot areas changed"
        assert "Update plan.md" not in last.note

    feeds = plan_feeds(site, history)
    docs = render_site(site, history, feeds).pages
    out = tmp_path / "out"
    write_feeds(site, feeds, out)
    write_data(site, history, out)
    words = {"major": "major change", "minor": "minor change", "unchanged": "no visible change"}
    page = docs[f"{record_id}/history/index.md"]
    section = page[page.index(f'id="v{last.number}"') :]
    assert f'<span class="or-kind or-kind--{last.kind}">{words[last.kind]}' in section
    assert f"· {last.authors} ·" in section
    assert last.note.split("\n")[0] in section
    if last.pull_request:
        assert f'/pull/{PR}">#{PR}</a>' in section
    changes = docs["changes/index.md"]
    listed = words[last.kind].removesuffix(" change")
    assert f"<h2>{last.subject}" in changes and f"version {last.number}, {listed}" in changes

    feed = feedparser.parse((out / f"feeds/records/{record_id}/atom.xml").read_bytes())
    fed = [entry for entry in feed.entries if entry.id.endswith(f"/v{last.number}")]
    if last.kind == "major":
        assert [author.name for author in fed[0].authors] == [last.author, *last.coauthors]
        assert scenario.note in fed[0].content[0].value
    else:
        assert fed == []
    data = json.loads((out / f"data/records/{record_id}.json").read_text())
    published = data["revisions"][-1]
    assert (published["note"], published["kind"], published["author"]) == (
        last.note,
        last.kind,
        last.author,
    )
    assert published["pull_request"] == last.pull_request
    assert "@" not in json.dumps(data["revisions"])


def test_every_button_is_judged_unless_the_repository_allows_fewer(repo: Git) -> None:
    """A minor fix with a bot's commit passes as a merge commit, not as a squash."""
    open_pull_request(repo, SCENARIOS["accepted decision fixed minor"], "merge")
    code, output = check_changes_as_ci(repo)
    assert code == 1
    assert "with 'Squash and merge' the squashed change is minor only if every commit" in output
    repo.run("checkout", "-q", "main")
    repo.run("branch", "-D", "patch-1")
    allow_only(repo, "merge")
    open_pull_request(repo, SCENARIOS["accepted decision fixed minor"], "merge")
    assert check_changes_as_ci(repo)[0] == 0


def test_everything_merged_builds_with_the_engine(repo: Git, tmp_path: Path) -> None:
    """One repository merged with each button in turn: `build --strict` publishes it all."""
    for method, name in [
        ("merge", "generic note then a clear one"),
        ("squash", "accepted decision fixed minor"),
        ("rebase", "CRLF re-save"),
    ]:
        open_pull_request(repo, SCENARIOS[name], method)
        assert check_changes_as_ci(repo)[0] == 0
        merge_as_github(repo, SCENARIOS[name], method)
        repo.run("branch", "-D", "patch-1")
    code, output = invoke(repo, "build", "--strict", "--site-dir", str(tmp_path / "site"))
    assert code == 0, output
    history = (tmp_path / "site/decisions/pilot/history/index.html").read_text()
    assert "no visible change" in history and "minor change" in history


def authored(author: str, message: str, *paths: str, email: str = "") -> Authored:
    """Return a pull request commit by author that changed paths."""
    person = Person(author, email or f"{author.split()[0].lower()}@example.org")
    return Authored("0" * 40, person, message, frozenset(paths))


def test_a_merge_reads_title_notes_authors_and_kind_from_the_branch() -> None:
    path = "content/decisions/plan.md"
    published = publish(
        Step(
            "1" * 40,
            Person("Max Maintainer", "max@example.org"),
            "Merge pull request #3984 from someone/patch-4\n\nRFC: Refactor the libs team",
            (
                authored("Fay Fork", "Update plan.md", path),
                authored("Gus Helper", "Say why\n\nCo-authored-by: Hal <hal@example.org>", path),
                authored(BOT, "Format", "notes/x.txt", email=BOT_EMAIL),
            ),
        )
    )
    assert (published.pull_request, published.subject, published.note) == (
        3984,
        "RFC: Refactor the libs team",
        "RFC: Refactor the libs team\n\nSay why",
    )
    assert (published.author, published.coauthors) == ("Fay Fork", ("Gus Helper", "Hal"))
    assert published.kind(path, "a", "b") == "major"
    assert published.kind("content/decisions/other.md", "a", "b") == "major"


def test_a_merge_is_minor_for_a_record_only_minor_commits_changed() -> None:
    plan, pilot = "content/decisions/plan.md", "content/decisions/pilot.md"
    step = Step(
        "1" * 40,
        Person("Max", "max@example.org"),
        "Merge pull request #5 from fay/fix\n\nFix typos",
        (
            authored("Fay Fork", "Fix a typo\n\nChange-Type: minor", plan),
            authored("Fay Fork", "Rewrite the pilot", pilot),
        ),
    )
    published = publish(step)
    assert (published.kind(plan, "a", "b"), published.kind(pilot, "a", "b")) == ("minor", "major")
    assert published.kind(plan, "---\nt: 1\n---\nx\n", "---\nt: 1\n---\nx  \n\n") == "minor"
    assert published.kind(plan, "---\nt: 1\n---\nx \n", "---\nt: 1\n---\nx\n\n") == "unchanged"


def test_a_squash_reads_its_sections_trailers_and_co_authors() -> None:
    message = (
        "Explain the pilot areas (#12)\n\n* Update plan.md\n\n* Explain the pilot areas\n\n"
        "Because the council asked.\n\nChange-Type: minor\n\n---------\n\n"
        f"Co-authored-by: {BOT} <{BOT_EMAIL}>\nCo-authored-by: jane.doe@example.org <j@x.org>"
    )
    published = publish(Step("1" * 40, Person(BOT, BOT_EMAIL), message))
    assert (published.pull_request, published.subject) == (12, "Explain the pilot areas")
    assert published.note == "Explain the pilot areas\n\nBecause the council asked."
    assert (published.author, published.coauthors, published.minor) == ("jane.doe", (), False)


@pytest.mark.parametrize(
    ("message", "number"),
    [("Fix (#" + "9" * 5000 + ")", None), ("Fix (#1000000001)", None), ("Fix (#0)", None)],
)
def test_impossible_pull_request_numbers_are_not_read(message: str, number: int | None) -> None:
    assert publish(Step("1" * 40, Person("A", "a@example.org"), message)).pull_request == number


def test_a_branch_that_merged_main_midway_brings_only_its_own_commits(repo: Git) -> None:
    repo.run("checkout", "-q", "-b", "patch-1")
    repo.write("content/decisions/plan.md", PLAN + "Three areas.\n")
    repo.commit("Plan three areas", author="Fay Fork")
    repo.run("checkout", "-q", "main")
    repo.write("content/workshops/w.md", (repo.root / "content/workshops/w.md").read_text() + "x\n")
    repo.commit("Note what the workshop heard (#40)", author="Ivy Other")
    repo.run("checkout", "-q", "patch-1")
    repo.merge("main", "Merge branch 'main' into patch-1")
    repo.write("content/decisions/plan.md", PLAN + "Three areas, named.\n")
    repo.commit("Name the three areas", author="Fay Fork")
    assert check_changes_as_ci(repo)[0] == 0
    merge_as_github(repo, SCENARIOS["major change"], "merge")
    _site, history = gather(repo.root)
    last = history.of("decisions/plan")[-1]
    assert (last.pull_request, last.author, last.coauthors) == (PR, "Fay Fork", ())
    assert last.note == "Plan the pilots in three areas\n\nPlan three areas\n\nName the three areas"
    assert [r.pull_request for r in history.of("workshops/w")] == [None, 40]


def test_a_rename_says_where_the_record_was(repo: Git) -> None:
    text = (repo.root / "content/decisions/plan.md").read_text()
    (repo.root / "content/decisions/plan.md").unlink()
    repo.write(
        "content/decisions/pilot-plan.md",
        text.replace("status: proposed", "status: proposed\naliases: [decisions/plan]"),
    )
    repo.commit("Name the plan after the pilots (#7)")
    docs = render_site(*gather(repo.root)).pages
    page = docs["decisions/pilot-plan/history/index.md"]
    assert (
        '<p class="or-renamed">Renamed from <a href="../../plan/"><code>decisions/plan</code>'
        "</a>; the old address redirects here.</p>"
    ) in page
    assert '"template": "redirect.html"' in docs["decisions/plan/index.md"]
