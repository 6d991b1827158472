"""Change rules for a pull request: what merging HEAD into BASE would publish, judged.

``openrecord check --changes BASE`` reads the pull request's commits (those in
``BASE..HEAD``: in GitHub Actions, HEAD is the merge GitHub checks out, ``refs/pull/N/merge``)
as the published history will: through ``merges.publish``, the function the history
calls for every step of the published branch. It refuses what would damage the public
record: a published record that disappears without an alias or a withdrawal status, an
address taken from another record, an accepted decision rewritten in a major change
(merged with a merge commit or a squash, or commit by commit with a rebase), and a change
with no change note (GitHub's web editor writes "Update file.md", which tells a reader
nothing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import git

from generator.content.model import Record, Revision, Site
from generator.errors import Problem
from generator.history.git_log import read_authored, read_blobs
from generator.history.history import (
    History,
    before_rules,
    content_prefix,
    record_id,
    resolve_commit,
)
from generator.history.merges import (
    Authored,
    Person,
    Published,
    Step,
    is_generic,
    publish,
    split_trailers,
)
from generator.history.rules import address_takeovers, rewrites

_NOW = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def check_changes(
    root: Path,
    site: Site,
    history: History,
    base: str,
    content_dir: str = "content",
) -> list[Problem]:
    """Return every change rule broken between base and HEAD."""
    repo = git.Repo(root, search_parent_directories=True)
    base_sha = resolve_commit(
        repo,
        base,
        f"cannot find {base} in this repository; fetch it first (in GitHub "
        "Actions: actions/checkout with fetch-depth: 0)",
    )
    prefix = content_prefix(repo, root, content_dir)
    before = _record_paths(repo.git.ls_tree("-r", base_sha, "--", prefix), prefix)
    current = {record.id: record for record in site.records}
    claimed = set(current) | {alias for r in site.records for alias in r.meta.aliases}
    problems = [
        Problem(f"{content_dir}/{path}", 1, _removed(record_id))
        for record_id, path in sorted(before.items())
        if record_id not in claimed
    ]
    exempt = before_rules(repo, site.config.openrecord.rules_from)
    branch = [
        commit
        for commit in read_authored(
            repo, ["--topo-order", "--reverse", f"{base_sha}..HEAD"], [], {}
        )
        if commit.sha not in exempt
    ]
    problems += address_takeovers(site, history, since=[commit.sha for commit in branch])
    touching = {
        record.id: [
            commit
            for commit in branch
            if not commit.merge and _path(record, prefix) in commit.paths
        ]
        for record in site.records
    }
    texts = read_blobs(
        repo,
        [
            *(_spec(base_sha, prefix, _base_path(record, before)) for record in site.records),
            *(f"{c.sha}:{_path(r, prefix)}" for r in site.records for c in touching[r.id]),
        ],
    )
    pull_request = PullRequest(
        publish(Step("HEAD", Person("", ""), "", tuple(branch))),
        publish(Step("HEAD", Person("", ""), squash_message(branch))),
        set(repo.git.rev_list(base_sha).split()),
        texts,
        site.config.openrecord.merge_buttons,
    )
    for record in site.records:
        if not touching[record.id]:
            continue
        if all(_says_nothing(commit.message) for commit in touching[record.id]):
            problems.append(Problem(record.path, 1, _NO_NOTE))
        if record.type.name == "decision":
            old_text = texts.get(_spec(base_sha, prefix, _base_path(record, before)))
            new_text = Path(root, record.path).read_text(encoding="utf-8")
            rewrite = pull_request.rewrite(
                record, history, _path(record, prefix), touching[record.id], old_text, new_text
            )
            if rewrite is not None:
                problems.append(rewrite)
    return problems


@dataclass(frozen=True)
class PullRequest:
    """What a pull request would publish with each merge button, and the base it merges into."""

    merged: Published
    squashed: Published
    base_commits: set[str]
    texts: dict[str, str]
    buttons: tuple[str, ...]

    def rewrite(
        self,
        record: Record,
        history: History,
        path: str,
        touching: list[Authored],
        old_text: str | None,
        new_text: str,
    ) -> Problem | None:
        """Return the problem if a button allowed would publish a rewrite of an accepted decision.

        The base's revisions come first, so the rule knows whether it was ever accepted.
        """
        new_text = new_text.replace("\r\n", "\n")
        prior = [r for r in history.of(record.id) if r.commit in self.base_commits]
        if old_text is not None and (not prior or prior[-1].text != old_text):
            prior.append(_revision("base", path, old_text, "major"))
        published = {
            "merge": [
                _revision("HEAD", path, new_text, self.merged.kind(path, old_text, new_text))
            ],
            "squash": [
                _revision("HEAD", path, new_text, self.squashed.kind(path, old_text, new_text))
            ],
            "rebase": _rebased(path, touching, self.texts, old_text),
        }
        for button in self.buttons:
            revisions = published[button]
            broken = [i - len(prior) for i in rewrites([*prior, *revisions]) if i >= len(prior)]
            if broken:
                how = _BUTTONS[button].format(sha=revisions[broken[0]].commit[:7])
                return Problem(record.path, record.body_line, _rewritten(record.id) + how)
        return None


#: What each merge button publishes differently, said after the rule a pull request breaks.
_BUTTONS = {
    "merge": "",
    "squash": (
        " (with 'Squash and merge' the squashed change is minor only if every commit of the "
        "pull request ends with 'Change-Type: minor'; a maintainer can merge it with 'Create "
        "a merge commit' instead, where only the commits that change this record count)"
    ),
    "rebase": (
        " (with 'Rebase and merge' each commit is published on its own, and commit {sha} "
        "rewrites it)"
    ),
}


def squash_message(branch: list[Authored]) -> str:
    """Return the message GitHub's "Squash and merge" writes by default for a branch."""
    commits = [commit for commit in branch if not commit.merge]
    if len(commits) == 1:
        subject, _, rest = commits[0].message.partition("\n")
        return f"{subject} (#1)\n{rest}"
    return "Squash (#1)\n\n" + "\n\n".join(f"* {commit.message}" for commit in commits)


def _path(record: Record, prefix: str) -> str:
    """Return a record's path in the repository, as git names it."""
    return prefix + record.path.split("/", 1)[1]


def _base_path(record: Record, before: dict[str, str]) -> str:
    """Return where a record was at the base: under its id, or an alias when it moved."""
    for address in (record.id, *record.meta.aliases):
        if address in before:
            return before[address]
    return ""


def _rebased(
    path: str,
    touching: list[Authored],
    texts: dict[str, str],
    old_text: str | None,
) -> list[Revision]:
    """Return the revisions a rebase would publish: one per commit that changed the record."""
    revisions: list[Revision] = []
    previous = old_text
    for commit in touching:
        text = texts.get(f"{commit.sha}:{path}")
        if text is None:
            continue
        kind = publish(Step(commit.sha, commit.author, commit.message)).kind(path, previous, text)
        revisions.append(_revision(commit.sha, path, text, kind))
        previous = text
    return revisions


def _revision(commit: str, path: str, text: str, kind: str) -> Revision:
    """Return a revision a pull request would publish, for the rules to judge."""
    return Revision(0, commit, _NOW, "", None, "", "", kind, path, text)


def _says_nothing(message: str) -> bool:
    """Return whether a commit message only names a file or an action ("Update x.md")."""
    body = split_trailers(message)[0]
    first, _, rest = body.partition("\n")
    return is_generic(first) and not rest.strip()


_NO_NOTE = (
    "the change to this record has no change note: its commit messages say only what file "
    "changed (such as 'Update file.md'); say what changed and why in a sentence, such as "
    "'Record that the board accepted the pilot areas': in GitHub's editor, edit the file "
    "again in this pull request and write that sentence as the commit message; on the "
    "command line, run `git commit --amend`, write that sentence, then "
    "`git push --force-with-lease`"
)


def _removed(record_id: str) -> str:
    """Explain how to retire a record instead of deleting it."""
    return (
        f"{record_id} was published and is no longer here; published records are not deleted: "
        "set its status to withdrawn (decisions) or retired (intentions) instead, or, if you "
        f"renamed the file, add 'aliases: [{record_id}]' to the renamed file so the old "
        "address redirects"
    )


def _rewritten(record_id: str) -> str:
    """Explain how to change an accepted decision without rewriting it."""
    return (
        "this decision was accepted, and this change rewrites its text; an accepted decision is "
        f"not rewritten: write a new decision with 'supersedes: [{record_id}]' (run `openrecord "
        "new decision \"...\"`) and set this one to 'status: superseded', or, for a correction "
        "that does not change its meaning, end the commit message with the line "
        "'Change-Type: minor'"
    )


def _spec(commit: str, prefix: str, path: str) -> str:
    """Return the git object name of a file at a commit."""
    return f"{commit}:{prefix}{path}"


def _record_paths(listing: str, prefix: str) -> dict[str, str]:
    """Return content-relative paths of the records (files only) in a tree listing, by id."""
    found = {}
    for line in listing.splitlines():
        info, _, name = line.partition("\t")
        mode, kind = info.split(" ")[:2]
        relative = name.removeprefix(prefix)
        found_id = record_id(relative)
        if kind == "blob" and mode in ("100644", "100755") and found_id:
            found[found_id] = relative
    return found
