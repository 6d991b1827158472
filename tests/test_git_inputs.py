"""Hostile input from git itself: commit messages, author names, dates, pull request numbers,
objects that are not files and addresses taken from other records. None crashes a check or a
build, each is shown as something a reader can trust, and each is named in a warning or refused.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from generator.build import check, gather
from generator.cli import cli
from generator.history.history import read_history
from generator.outputs.data import write_data
from generator.outputs.feed_files import write_feeds
from generator.outputs.feeds import plan_feeds
from generator.pages.render import render_site
from tests.conftest import Git
from tests.test_history import ACCEPTED, PROPOSED


def raw_commit(
    repo: Git,
    message: bytes,
    author: bytes = b"Ada Author <ada@example.org>",
    when: bytes = b"1704369600 +0000",
    encoding: bytes | None = None,
) -> str:
    """Commit the staged tree with a commit object written byte for byte, as anyone can."""
    repo.run("add", "-A")
    tree = repo.run("write-tree").strip()
    parent = repo.run("rev-parse", "HEAD").strip()
    header = (
        f"tree {tree}\nparent {parent}\n".encode()
        + b"author "
        + author
        + b" "
        + when
        + b"\n"
        + b"committer Maintainer <maint@example.org> "
        + when
        + b"\n"
        + (b"encoding " + encoding + b"\n" if encoding else b"")
    )
    sha = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"],
            cwd=repo.root,
            input=header + b"\n" + message,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    repo.run("update-ref", "HEAD", sha)
    return sha


def published(repo: Git, out: Path) -> tuple[str, str, str, tuple[str, ...]]:
    """Build pages, feeds and data in-process; return the history page, feed, data, warnings."""
    site, history = gather(repo.root)
    feeds = plan_feeds(site, history)
    docs = render_site(site, history, feeds).pages
    write_feeds(site, feeds, out)
    write_data(site, history, out)
    feed = (out / "feeds/records/decisions/d/atom.xml").read_text(encoding="utf-8")
    data = (out / "data/records/decisions/d.json").read_text(encoding="utf-8")
    assert feedparser.parse(feed.encode()).bozo == 0
    return (
        docs["decisions/d/history/index.md"] + docs["changes/index.md"],
        feed,
        data,
        (check(repo.root)[1]),
    )


def test_characters_xml_cannot_carry_are_replaced_and_named(git_site: Git, tmp_path: Path) -> None:
    git_site.write("content/decisions/d.md", PROPOSED + "Edited.\n")
    sha = raw_commit(
        git_site,
        "Say \x01 why \x1e\x1f \x1b[31m in red \x0b\x0c \ufffe\n".encode(),
        author=b"Eve \x01 Evil <eve@example.org>",
    )
    pages, feed, data, warnings = published(git_site, tmp_path / "out")
    assert "Say \ufffd why \ufffd\ufffd \ufffd[31m in red \ufffd\ufffd \ufffd" in pages
    assert "Eve \ufffd Evil" in feed and "\x01" not in feed + data
    assert warnings == (
        f"commit {sha[:7]}: its message or author holds control characters that cannot be "
        "published; they are shown as \ufffd (a commit cannot be edited once merged)",
    )


@pytest.mark.parametrize(
    ("encoding", "shown"), [(None, "Caf\ufffd for Ren\ufffd"), (b"ISO-8859-1", "Café for René")]
)
def test_latin_1_messages_are_read_as_git_reads_them(
    git_site: Git, tmp_path: Path, encoding: bytes | None, shown: str
) -> None:
    git_site.write("content/decisions/d.md", PROPOSED + "Edited.\n")
    raw_commit(git_site, b"Caf\xe9 for Ren\xe9\n", b"Ren\xe9 <r@example.org>", encoding=encoding)
    pages, feed, _data, _warnings = published(git_site, tmp_path / "out")
    assert shown in pages and shown in feed
    assert shown.split()[-1] in feed  # the author


@pytest.mark.parametrize(
    ("when", "said", "shown"),
    [
        (b"999999999999 +0000", "its date cannot be real", "2024-01-01"),
        (b"-5 +0000", "its date cannot be real", "2024-01-01"),
        (b"1704369600 +9999", "its time zone cannot be real", "2024-01-04"),
    ],
)
def test_impossible_dates_are_replaced_and_named(
    git_site: Git, tmp_path: Path, when: bytes, said: str, shown: str
) -> None:
    git_site.write("content/decisions/d.md", PROPOSED + "Edited.\n")
    sha = raw_commit(git_site, b"Say why the decision changed\n", when=when)
    history = read_history(git_site.root)
    assert history.of("decisions/d")[-1].date.date().isoformat() == shown
    assert len(history.warnings) == 1
    assert history.warnings[0].startswith(f"commit {sha[:7]}: {said} (git says '")
    published(git_site, tmp_path / "out")


def test_a_huge_pull_request_number_is_not_read(git_site: Git) -> None:
    git_site.run("checkout", "-q", "-b", "base")
    git_site.run("checkout", "-q", "-b", "patch")
    git_site.write("content/decisions/d.md", PROPOSED + "Edited.\n")
    git_site.commit("Say why the decision changed (#" + "9" * 5000 + ")")
    result = CliRunner().invoke(cli, ["check", "--root", str(git_site.root), "--changes", "base"])
    assert result.exit_code == 0, result.output
    assert read_history(git_site.root).of("decisions/d")[-1].pull_request is None


def test_email_addresses_are_never_published(git_site: Git, tmp_path: Path) -> None:
    git_site.write("content/decisions/d.md", PROPOSED + "Edited.\n")
    raw_commit(
        git_site,
        b"Say why, asked by bo@example.org\n\nCo-authored-by: cy@example.org <cy@example.org>\n",
        author=b"jane.doe@example.org <jane.doe@example.org>",
    )
    pages, feed, data, _warnings = published(git_site, tmp_path / "out")
    revision = json.loads(data)["revisions"][-1]
    assert (revision["author"], revision["coauthors"]) == ("jane.doe", ["cy"])
    assert revision["note"] == "Say why, asked by bo"
    assert "@example.org" not in pages + feed + data


def test_a_submodule_named_like_a_record_is_ignored_and_named(git_site: Git) -> None:
    head = git_site.run("rev-parse", "HEAD").strip()
    git_site.run("update-index", "--add", "--cacheinfo", f"160000,{head},content/decisions/sub.md")
    git_site.tick += 1
    git_site.run("commit", "-q", "-m", "Add a submodule")
    _site, warnings = check(git_site.root)
    assert warnings == (
        "content/decisions/sub.md: in commit "
        f"{git_site.run('rev-parse', '--short=7', 'HEAD').strip()} this is a submodule entry, "
        "not a file, so it is not published; replace it with a file or remove it "
        "(`git rm --cached content/decisions/sub.md`)",
    )
    docs = render_site(*gather(git_site.root)).pages
    assert "decisions/sub" not in docs["changes/index.md"]
    assert not any(url.startswith("decisions/sub") for url in docs)


def changes(repo: Git) -> tuple[int, str]:
    """Run `check --changes base` and return its exit code and output."""
    result = CliRunner().invoke(cli, ["check", "--root", str(repo.root), "--changes", "base"])
    return result.exit_code, result.output


def test_an_alias_cannot_take_a_withdrawn_records_address(git_site: Git) -> None:
    git_site.write("content/decisions/old.md", PROPOSED)
    git_site.commit("Propose a decision that will be withdrawn")
    (git_site.root / "content/decisions/old.md").unlink()
    git_site.commit("Withdraw the old decision (#2)")
    git_site.run("branch", "base")
    git_site.run("checkout", "-q", "-b", "patch")
    git_site.write(
        "content/decisions/new.md",
        PROPOSED.replace("status: proposed", "status: proposed\naliases: [decisions/old]"),
    )
    sha = git_site.commit("Propose a decision at the old address")
    code, output = changes(git_site)
    assert code == 1
    assert output.splitlines()[0] == (
        f"content/decisions/new.md:1: in commit {sha[:7]}, decisions/old was published as "
        "the address of decisions/old, and a published address stays with its record (its "
        "history, versions and feeds are there); choose another name for this record, or "
        "remove the alias"
    )


def test_a_renamed_records_old_address_stays_its_own(git_site: Git, tmp_path: Path) -> None:
    """Rename a → c with an alias, drop the alias, then create a new decisions/a."""
    git_site.write("content/decisions/a.md", ACCEPTED + "A.\n")
    git_site.commit("Accept decision a")
    (git_site.root / "content/decisions/a.md").unlink()
    git_site.write(
        "content/decisions/c.md",
        ACCEPTED.replace("status: accepted", "status: accepted\naliases: [decisions/a]") + "A.\n",
    )
    git_site.commit("Rename a to c (#3)\n\nChange-Type: minor")
    git_site.write("content/decisions/c.md", ACCEPTED + "A.\n")
    git_site.commit("Drop the alias of c (#4)\n\nChange-Type: minor")
    assert changes_since(git_site, "HEAD~1")[0] == 0  # the old address still redirects to c
    git_site.run("branch", "-f", "base")
    git_site.run("checkout", "-q", "-b", "patch")
    git_site.write("content/decisions/a.md", PROPOSED + "A newcomer.\n")
    git_site.commit("Propose a new decision a")
    code, output = changes(git_site)
    assert code == 1
    assert output.startswith(
        "content/decisions/a.md:1: in commit "
        f"{git_site.run('rev-parse', '--short=7', 'HEAD').strip()}, decisions/a was published "
        "as the address of decisions/c"
    )
    # Merged anyway (before the rule existed): every feed id is still unique.
    git_site.run("checkout", "-q", "main")
    git_site.run("merge", "-q", "--ff-only", "patch")
    site, history = gather(git_site.root)
    ids = [item.id for item in plan_feeds(site, history)[0].items]
    assert len(ids) == len(set(ids))


def changes_since(repo: Git, base: str) -> tuple[int, str]:
    """Run `check --changes base` against any revision."""
    result = CliRunner().invoke(cli, ["check", "--root", str(repo.root), "--changes", base])
    return result.exit_code, result.output


def test_a_branch_commit_is_warned_of_only_when_its_merge_changed_content(
    git_site: Git,
) -> None:
    """Every merge's branch is read while git reads the line; only content's are published."""
    git_site.write("content/decisions/d.md", PROPOSED + "Before.\n")
    git_site.commit("Add the decision")
    for branch, path, text in (
        ("docs", "notes.txt", "Not a record.\n"),
        ("edit", "content/decisions/d.md", PROPOSED + "After.\n"),
    ):
        git_site.run("checkout", "-q", "-b", branch)
        git_site.write(path, text)
        sha = raw_commit(git_site, f"Edit {branch} \x01\n".encode())
        git_site.run("checkout", "-q", "main")
        git_site.merge(branch, f"Merge pull request #{len(branch)} from someone/{branch}")
    warnings = read_history(git_site.root).warnings
    assert warnings == (
        f"commit {sha[:7]}: its message or author holds control characters that cannot be "
        "published; they are shown as \ufffd (a commit cannot be edited once merged)",
    )
