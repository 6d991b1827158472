"""Stage 4, history: every record's revisions, from one pass over git.

One ``git log`` along the first-parent line of HEAD (the published branch),
with rename detection and merges diffed against their first parent, lists
every change under content/; one ``git cat-file --batch`` reads every old
version of every file. A merged pull request is therefore one revision,
however many commits it had. Nothing here calls git once per file.
"""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

import git

from generator.errors import HistoryError
from generator.model import Revision
from generator.schema import TYPES_BY_FOLDER

_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from ")
_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
_TRAILER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$")
_RECORD_PATH = re.compile(r"^(?P<folder>[a-z]+)/(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")
_ZERO = "0" * 40
_AUTHOR = re.compile(r"^author (.*) <[^>]*> \d+ [+-]\d{4}$", re.M)


@dataclass(frozen=True)
class Commit:
    """One commit on the first-parent line, with the content files it changed."""

    sha: str
    parents: tuple[str, ...]
    date: datetime.datetime
    author: str
    message: str
    changes: tuple[tuple[str, str | None, str | None, str], ...]  # status, old, new, blob


@dataclass
class Lineage:
    """The revisions of one file, followed across renames, oldest first."""

    path: str
    revisions: list[Revision] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    deleted: bool = False


@dataclass(frozen=True)
class History:
    """What git says about every record: revisions, renames, withdrawals and local edits."""

    available: bool
    revisions: dict[str, list[Revision]]
    withdrawn: dict[str, list[Revision]]
    former_ids: dict[str, str]
    dirty: frozenset[str]
    warnings: tuple[str, ...] = ()

    def of(self, record_id: str) -> list[Revision]:
        """Return the revisions of one record, oldest first (empty when unknown)."""
        return self.revisions.get(record_id, [])


def no_history(reason: str) -> History:
    """Return an empty history, with the reason as a warning."""
    return History(False, {}, {}, {}, frozenset(), (reason,))


def read_history(root: Path, content_dir: str = "content") -> History:
    """Read the revisions of every record under content/ from the repository around root."""
    repo = _repository(root)
    if repo is None:
        return no_history(
            f"{root.name} is not a git repository: pages say 'history not "
            "available'. Run `git init` and commit to publish a history."
        )
    if repo.git.rev_parse("--is-shallow-repository").strip() == "true":
        raise HistoryError(
            "this is a shallow clone, so the history of the record is incomplete; "
            "clone the whole history (in GitHub Actions: actions/checkout with "
            "fetch-depth: 0) and build again"
        )
    prefix = _content_prefix(repo, root, content_dir)
    if not repo.head.is_valid():
        return History(True, {}, {}, {}, _dirty(repo, prefix), ())
    commits = _read_log(repo, prefix)
    newest_first = commits[::-1]
    blobs = read_blobs(
        repo,
        chain(
            (change[3] for commit in newest_first for change in commit.changes),
            (commit.parents[1] for commit in newest_first if len(commit.parents) > 1),
        ),
    )
    authors = _merged_authors(commits, blobs)
    lineages = _follow(commits, blobs, authors, prefix)
    revisions: dict[str, list[Revision]] = {}
    withdrawn: dict[str, list[Revision]] = {}
    former: dict[str, str] = {}
    for lineage in lineages:
        record_id = _record_id(lineage.path)
        if record_id is None:
            continue
        (withdrawn if lineage.deleted else revisions)[record_id] = lineage.revisions
        for old in lineage.paths[:-1]:
            old_id = _record_id(old)
            if old_id and old_id != record_id:
                former[old_id] = record_id
    return History(True, revisions, withdrawn, former, _dirty(repo, prefix))


#: From this many commits on, the line is read by two git processes at once.
SPLIT_FROM = 2000
_LOG_FORMAT = "--format=%x1e%H%x1f%P%x1f%cI%x1f%an%x1f%B%x1f"


def _read_log(repo: git.Repo, prefix: str) -> list[Commit]:
    """Return the commits that changed content/, oldest first.

    git is not given content/ as a path limit: with one, it compares the trees of every
    commit twice (once to decide whether to show it). A long line is read in two parts
    at once, the newest commits (whose folders are largest) in one, the rest in the other.
    """
    line = repo.git.rev_list("--first-parent", "HEAD").split()
    parts = [["HEAD"]]
    if len(line) >= SPLIT_FROM and (os.cpu_count() or 1) >= 2:
        middle = line[len(line) * 3 // 10]
        parts = [[f"{middle}..HEAD"], [middle]]

    def log(revisions: list[str]) -> str:
        return str(
            repo.git.log(
                "--first-parent",
                "--diff-merges=first-parent",
                "--raw",
                "-z",
                "-M",
                "--no-abbrev",
                _LOG_FORMAT,
                *revisions,
                strip_newline_in_stdout=False,
            )
        )

    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        outputs = list(pool.map(log, parts))
    commits = [
        commit
        for output in outputs
        for commit in map(_parse_commit, output.split("\x1e")[1:], repeat(prefix))
        if commit.changes
    ]
    commits.reverse()
    return commits


def _parse_commit(chunk: str, prefix: str) -> Commit:
    """Parse one commit of the log: header fields, then its changes under prefix."""
    sha, parents, date, author, message, raw = chunk.split("\x1f", 5)
    tokens = iter(raw.lstrip("\0\n").split("\0"))
    changes: list[tuple[str, str | None, str | None, str]] = []
    for token in tokens:
        if not token.startswith(":"):
            continue
        _old_mode, _new_mode, _old_blob, new_blob, status = token[1:].split(" ")
        first = next(tokens)
        if status[0] in "RC":
            second = next(tokens)
            inside = first.startswith(prefix), second.startswith(prefix)
            if inside == (True, True):
                changes.append((status[0], first, second, new_blob))
            elif inside[0] and status[0] == "R":  # moved out of content/: gone from it
                changes.append(("D", first, None, new_blob))
            elif inside[1]:  # copied or moved in from elsewhere: new to content/
                changes.append(("A", None, second, new_blob))
        elif not first.startswith(prefix):
            continue
        elif status[0] == "D":
            changes.append(("D", first, None, new_blob))
        else:
            changes.append((status[0], None, first, new_blob))
    return Commit(
        sha,
        tuple(parents.split()),
        datetime.datetime.fromisoformat(date),
        author,
        message.strip(),
        tuple(changes),
    )


def read_blobs(repo: git.Repo, shas: Iterable[str]) -> dict[str, str]:
    """Return the text of many objects (shas or rev:path), from one git cat-file --batch.

    Asked for newest first (the order of git log), git finds each older version as a
    small change to one it has just read, which takes half the time of any other order.
    """
    return _cat_file(repo, [sha for sha in dict.fromkeys(shas) if sha != _ZERO])


def _cat_file(repo: git.Repo, wanted: list[str]) -> dict[str, str]:
    """Return the text of the objects named, from one git cat-file --batch."""
    if not wanted:
        return {}
    with tempfile.TemporaryFile() as request:
        request.write("".join(f"{sha}\n" for sha in wanted).encode())
        request.seek(0)
        data = repo.git.cat_file(
            "--batch", istream=request, stdout_as_string=False, strip_newline_in_stdout=False
        )
    blobs: dict[str, str] = {}
    position = 0
    for sha in wanted:
        end = data.index(b"\n", position)
        header = data[position:end].split(b" ")
        if header[-1] == b"missing":
            position = end + 1
            continue
        size = int(header[2]) if len(header) == 3 else 0
        body = data[end + 1 : end + 1 + size]
        blobs[sha] = body.decode("utf-8", errors="replace").replace("\r\n", "\n")
        position = end + 1 + size + 1
    return blobs


def _merged_authors(commits: list[Commit], objects: dict[str, str]) -> dict[str, str]:
    """Return, for each merge on the line, the author of the branch it merged.

    objects holds the text of every merged branch's tip commit, read with the blobs.
    """
    authors = {}
    for commit in commits:
        if len(commit.parents) > 1:
            found = _AUTHOR.search(objects.get(commit.parents[1], ""))
            authors[commit.sha] = found.group(1) if found else commit.author
    return authors


def _follow(
    commits: list[Commit], blobs: dict[str, str], authors: dict[str, str], prefix: str
) -> list[Lineage]:
    """Follow every file through adds, edits, renames and deletions, oldest commit first."""
    by_path: dict[str, Lineage] = {}
    every: list[Lineage] = []
    seen: set[int] = set()
    for commit in commits:
        pull_request, subject, note, minor = describe(commit.message)
        for status, old, new, blob in commit.changes:
            if status == "R" and old is not None and old in by_path:
                lineage = by_path.pop(old)
            elif status == "D" and old is not None:
                lineage = by_path.get(old) or Lineage(old)
            else:
                path = new or old or ""
                lineage = by_path.get(path) or Lineage(path)
            if id(lineage) not in seen:
                seen.add(id(lineage))
                every.append(lineage)
            path = new if new is not None else (old or "")
            lineage.path = path
            lineage.deleted = status == "D"
            if not lineage.paths or lineage.paths[-1] != path:
                lineage.paths.append(path)
            by_path[path] = lineage
            lineage.revisions.append(
                Revision(
                    number=len(lineage.revisions) + 1,
                    commit=commit.sha,
                    date=commit.date,
                    author=authors.get(commit.sha, commit.author),
                    pull_request=pull_request,
                    subject=subject,
                    note=note,
                    minor=minor,
                    path=path.removeprefix(prefix),
                    text="" if status == "D" else blobs.get(blob, ""),
                    deleted=status == "D",
                )
            )
    for lineage in every:
        lineage.path = lineage.path.removeprefix(prefix)
        lineage.paths = [path.removeprefix(prefix) for path in lineage.paths]
    return every


def describe(message: str) -> tuple[int | None, str, str, bool]:
    """Return a commit message's pull request number, subject, change note and minor flag."""
    lines = message.strip().split("\n")
    body, trailers = _split_trailers(lines[1:])
    minor = any(
        key.lower() == "change-type" and value.strip().lower() == "minor" for key, value in trailers
    )
    subject = lines[0].strip()
    merge = _MERGE_PR.match(subject)
    squash = _SQUASH_PR.search(subject)
    pull_request = int(merge.group(1)) if merge else int(squash.group(1)) if squash else None
    paragraphs = "\n".join(body).strip()
    if merge:
        # GitHub writes the pull request's title (and description) after the merge line.
        first, _, rest = paragraphs.partition("\n")
        subject, paragraphs = (first.strip() or subject), rest.strip()
    elif squash:
        subject = subject[: squash.start()].rstrip()
    note = subject + ("\n\n" + paragraphs if paragraphs else "")
    return pull_request, subject, note, minor


def _split_trailers(lines: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Split git trailers (the last paragraph of 'Key: value' lines) from a message body."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end
    while start and lines[start - 1].strip() and _TRAILER.match(lines[start - 1]):
        start -= 1
    if start == end or (start and lines[start - 1].strip()):
        return lines, []
    trailers = [(m.group(1), m.group(2)) for m in map(_TRAILER.match, lines[start:end]) if m]
    return lines[:start], trailers


def _record_id(path: str) -> str | None:
    """Return the record id of a content path, or None for pages and other files."""
    match = _RECORD_PATH.match(path)
    if not match or match.group("folder") not in TYPES_BY_FOLDER:
        return None
    return f"{match.group('folder')}/{match.group('slug')}"


def uncommitted(root: Path, content_dir: str = "content") -> frozenset[str]:
    """Return the ids of records with uncommitted changes in the repository around root."""
    repo = _repository(root)
    return frozenset() if repo is None else _dirty(repo, _content_prefix(repo, root, content_dir))


def _repository(root: Path) -> git.Repo | None:
    """Return the git repository around root, or None when root is in none."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _content_prefix(repo: git.Repo, root: Path, content_dir: str) -> str:
    """Return the content folder's path in the repository, as git names it ('content/')."""
    top = Path(repo.working_tree_dir or root).resolve()
    return (root.resolve() / content_dir).relative_to(top).as_posix() + "/"


def _dirty(repo: git.Repo, prefix: str) -> frozenset[str]:
    """Return the ids of records with uncommitted changes (one git status)."""
    output = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", prefix)
    ids = set()
    for entry in _porcelain_paths(output):
        record_id = _record_id(entry.removeprefix(prefix))
        if record_id:
            ids.add(record_id)
    return frozenset(ids)


def _porcelain_paths(output: str) -> Iterator[str]:
    """Yield the paths named by `git status --porcelain -z`."""
    tokens = iter(output.split("\0"))
    for token in tokens:
        if len(token) > 3:
            yield token[3:]
            if token[0] in "RC":
                next(tokens, None)
