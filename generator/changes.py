"""Change rules for a pull request: compare the base branch with HEAD through git.

``openrecord check --changes BASE`` refuses what would damage the public record:
a published record that disappears without an alias or a withdrawal status, an
accepted decision rewritten in a major change, and a change with no change note
(GitHub's web editor writes "Update file.md", which tells a reader nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import git

from generator.diff import body_changed, parse_version
from generator.errors import HistoryError, Problem
from generator.history import describe, read_blobs
from generator.model import Site
from generator.rules import RELEASING_STATUSES

#: Messages that name a file or an action but say nothing of what changed or why.
_GENERIC_NOTE = re.compile(
    r"^((update|create|add|delete|remove|rename|edit|change|fix|wip|changes|updates)"
    r"( [\w./-]+\.(md|yml|yaml))?|add files via upload|update files|initial commit)\.?$",
    re.IGNORECASE,
)
_RECORD = re.compile(r"^(?P<id>(workshops|intentions|decisions)/[a-z0-9][a-z0-9-]*)\.md$")


def check_changes(root: Path, site: Site, base: str, content_dir: str = "content") -> list[Problem]:
    """Return every change rule broken between base and HEAD."""
    repo = git.Repo(root, search_parent_directories=True)
    try:
        base_sha = repo.git.rev_parse("--verify", "--quiet", f"{base}^{{commit}}").strip()
    except git.GitCommandError:
        raise HistoryError(
            f"cannot find {base} in this repository; fetch it first (in GitHub "
            "Actions: actions/checkout with fetch-depth: 0)"
        ) from None
    top = Path(repo.working_tree_dir or root).resolve()
    prefix = (root.resolve() / content_dir).relative_to(top).as_posix() + "/"
    before = _record_paths(repo.git.ls_tree("-r", "--name-only", base_sha, "--", prefix), prefix)
    current = {record.id: record for record in site.records}
    claimed = set(current) | {alias for r in site.records for alias in r.meta.aliases}
    problems = [
        Problem(f"{content_dir}/{path}", 1, _removed(record_id))
        for record_id, path in sorted(before.items())
        if record_id not in claimed
    ]
    notes = _notes_by_path(repo, base_sha, prefix)
    wanted = {_spec(base_sha, prefix, before[r.id]) for r in site.records if r.id in before}
    old_texts = read_blobs(repo, wanted)
    for record in site.records:
        touched = notes.get(record.path.removeprefix(f"{content_dir}/"))
        if touched is None:
            continue
        if not any(note for note, _minor in touched):
            problems.append(Problem(record.path, 1, _NO_NOTE))
        minor = all(is_minor for _note, is_minor in touched)
        old_text = old_texts.get(_spec(base_sha, prefix, before.get(record.id, "")))
        if old_text and not minor and record.type.name == "decision":
            old = parse_version(old_text)
            new = parse_version(Path(root, record.path).read_text(encoding="utf-8"))
            rewritten = old.status == "accepted" and body_changed(old, new)
            if rewritten and new.status not in RELEASING_STATUSES:
                problems.append(Problem(record.path, record.body_line, _rewritten(record.id)))
    return problems


_NO_NOTE = (
    "the change to this record has no change note: its commit messages say only what file "
    "changed (such as 'Update file.md'); reword the commit to say what changed and why in a "
    "sentence (in GitHub's editor, write it under 'Commit changes'), for example: 'Record "
    "that the board accepted the pilot areas'"
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
    """Return content-relative paths of the records in a tree listing, by id."""
    found = {}
    for line in listing.splitlines():
        match = _RECORD.match(line.removeprefix(prefix))
        if match:
            found[match.group("id")] = line.removeprefix(prefix)
    return found


def _notes_by_path(repo: git.Repo, base: str, prefix: str) -> dict[str, list[tuple[str, bool]]]:
    """Return, for each content file changed since base, its commits' notes and minor flags."""
    output = repo.git.log(
        "--no-merges", "-z", "--name-only", "--format=%x1e%B%x1f", f"{base}..HEAD", "--", prefix
    )
    notes: dict[str, list[tuple[str, bool]]] = {}
    for chunk in output.split("\x1e")[1:]:
        message, _, names = chunk.partition("\x1f")
        _pull, subject, note, minor = describe(message)
        meaningful = "" if _GENERIC_NOTE.match(subject.strip()) and note == subject else note
        for name in filter(None, (part.strip("\n") for part in names.split("\0"))):
            notes.setdefault(name.removeprefix(prefix), []).append((meaningful, minor))
    return notes
