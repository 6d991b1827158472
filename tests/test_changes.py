"""Pull-request rules, each broken once in a real repository, and a clean change that passes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import Git
from tests.test_history import ACCEPTED, PROPOSED


@pytest.fixture
def base(git_site: Git) -> Git:
    """Return a repository whose main has an accepted decision, on a pull-request branch."""
    git_site.write("content/decisions/pilot.md", ACCEPTED + "Two areas.\n")
    git_site.commit("Accept the pilot decision")
    git_site.run("branch", "base")
    git_site.run("checkout", "-q", "-b", "proposal")
    return git_site


def changes(repo: Git) -> tuple[int, list[str]]:
    """Run `openrecord check --changes base` and return its exit code and output lines."""
    result = CliRunner().invoke(cli, ["check", "--root", str(repo.root), "--changes", "base"])
    return result.exit_code, result.output.splitlines()


def test_clean_change_passes(base: Git) -> None:
    base.write("content/decisions/next.md", PROPOSED + "Next steps.\n")
    base.commit("Propose the next steps after the pilots")
    assert changes(base) == (0, ["ok: 5 records, 0 pages, 1 topics"])


def test_removed_record_is_refused(base: Git) -> None:
    (base.root / "content/decisions/pilot.md").unlink()
    base.commit("Remove the pilot decision because it is obsolete")
    code, lines = changes(base)
    assert code == 1
    assert lines[0] == (
        "content/decisions/pilot.md:1: decisions/pilot was published and is no longer here; "
        "published records are not deleted: set its status to withdrawn (decisions) or "
        "retired (intentions) instead, or, if you renamed the file, add 'aliases: "
        "[decisions/pilot]' to the renamed file so the old address redirects"
    )


def test_rename_without_alias_is_refused_and_with_alias_passes(base: Git) -> None:
    base.run("mv", "content/decisions/pilot.md", "content/decisions/pilots.md")
    base.commit("Rename the pilot decision to its plural name")
    code, lines = changes(base)
    assert code == 1 and lines[0].startswith("content/decisions/pilot.md:1: decisions/pilot was")
    path = base.root / "content/decisions/pilots.md"
    path.write_text(
        path.read_text().replace("status: accepted", "status: accepted\naliases: [decisions/pilot]")
    )
    base.commit("Keep the old address of the pilot decision\n\nChange-Type: minor")
    assert changes(base)[0] == 0


def test_rewriting_an_accepted_decision_is_refused(base: Git) -> None:
    base.write("content/decisions/pilot.md", ACCEPTED + "Ten areas.\n")
    base.commit("Widen the pilot to ten areas")
    code, lines = changes(base)
    assert code == 1
    assert lines[0] == (
        "content/decisions/pilot.md:6: this decision was accepted, and this change rewrites its "
        "text; an accepted decision is not rewritten: write a new decision with 'supersedes: "
        "[decisions/pilot]' (run `openrecord new decision \"...\"`) and set this one to 'status: "
        "superseded', or, for a correction that does not change its meaning, end the commit "
        "message with the line 'Change-Type: minor'"
    )


def test_minor_fix_or_supersession_of_an_accepted_decision_passes(base: Git) -> None:
    base.write("content/decisions/pilot.md", ACCEPTED + "Two areas!\n")
    base.commit("Fix punctuation\n\nChange-Type: minor")
    assert changes(base)[0] == 0
    base.write(
        "content/decisions/pilot.md",
        ACCEPTED.replace("accepted", "superseded") + "Two areas, now replaced.\n",
    )
    base.write(
        "content/decisions/wider.md",
        ACCEPTED.replace("status: accepted", "status: accepted\nsupersedes: [decisions/pilot]"),
    )
    base.commit("Replace the pilot decision with a wider one")
    assert changes(base)[0] == 0


@pytest.mark.parametrize("message", ["Update pilot.md", "Create next.md", "update", ""])
def test_change_without_a_note_is_refused(base: Git, message: str) -> None:
    base.write("content/decisions/next.md", PROPOSED + "Next.\n")
    base.run("add", "-A")
    base.tick += 1
    base.run("commit", "-q", "--allow-empty-message", "-m", message)
    code, lines = changes(base)
    assert code == 1
    assert lines[0] == (
        "content/decisions/next.md:1: the change to this record has no change note: its commit "
        "messages say only what file changed (such as 'Update file.md'); say what changed and "
        "why in a sentence, such as 'Record that the board accepted the pilot areas': in "
        "GitHub's editor, edit the file again in this pull request and write that sentence as "
        "the commit message; on the command line, run `git commit --amend`, write that "
        "sentence, then `git push --force-with-lease`"
    )


def test_two_records_claiming_one_id_are_refused(base: Git) -> None:
    base.write(
        "content/decisions/other.md",
        PROPOSED.replace("status: proposed", "status: proposed\naliases: [decisions/pilot]"),
    )
    base.commit("Add another decision that claims the pilot address")
    code, lines = changes(base)
    assert code == 1
    assert lines[0] == (
        "content/decisions/other.md:5: aliases: 'decisions/pilot' is already the id of "
        "content/decisions/pilot.md; two records cannot share an address"
    )


def test_unknown_base_is_a_clear_error(base: Git) -> None:
    result = CliRunner().invoke(cli, ["check", "--root", str(base.root), "--changes", "nope"])
    assert result.exit_code == 1
    assert result.output == (
        "error: cannot find nope in this repository; fetch it first (in "
        "GitHub Actions: actions/checkout with fetch-depth: 0)\n"
    )
