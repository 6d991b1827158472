"""Reading git: one pass of ``git log`` over the content, and the blobs it names.

Git's output is read as bytes (git re-encodes each message to UTF-8) and decoded with
any invalid byte replaced; the fields of a commit are cut at random markers, so no
message can split them. What a stranger's commit may hold that a page cannot
(characters XML refuses, an impossible date, a zone that does not exist) is replaced,
with a warning naming the commit.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import git

from generator.history.merges import Authored, Person


@dataclass(frozen=True)
class Commit:
    """One commit on the first-parent line, with the content files it changed."""

    sha: str
    parents: tuple[str, ...]
    date: datetime.datetime
    author: Person
    message: str
    changes: tuple[tuple[str, str | None, str | None, str], ...]  # status, old, new, blob


#: Git's modes of a file; anything else (a submodule, a symbolic link) is not read.
_FILE_MODES = frozenset({"100644", "100755"})


_ABSENT = "000000"


_NOT_FILES = {"160000": "a submodule entry", "120000": "a symbolic link"}


#: Characters XML 1.0 cannot carry: feeds could not be written with them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


#: Commit times a published branch can hold: from 1970 to the end of year 9999.
_LATEST = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC).timestamp()


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


#: From this many commits on, the line is read by two git processes at once.
SPLIT_FROM = 2000


#: Marks between commits and between their fields in git's output. A message or a name can
#: hold any character but NUL, so the marks are random: no commit can contain them.
_COMMIT, _FIELD = f"<{secrets.token_hex(12)}>", f"<{secrets.token_hex(12)}>"
#: The id git gives a file that is not there (before it was added, after it was deleted).
_ZERO = "0" * 40


_LOG_FORMAT = (
    "--format=" + _COMMIT + _FIELD.join(["%H", "%P", "%ct", "%cI", "%an", "%ae", "%B", ""])
)


def read_log(
    repo: git.Repo, prefix: str, line: list[str], warnings: dict[str, None]
) -> list[Commit]:
    """Return the commits that changed content/, oldest first.

    git is not given content/ as a path limit: with one, it compares the trees of every
    commit twice (once to decide whether to show it). A long line is read in two parts
    at once, the newest commits (whose folders are largest) in one, the rest in the other.
    """
    parts = [["HEAD"]]
    if len(line) >= SPLIT_FROM and (os.cpu_count() or 1) >= 2:
        middle = line[len(line) * 3 // 10]
        parts = [[f"{middle}..HEAD"], [middle]]

    def log(revisions: list[str]) -> str:
        output = repo.git.log(
            "--first-parent",
            "--diff-merges=first-parent",
            "--raw",
            "-z",
            "-M",
            "--no-abbrev",
            _LOG_FORMAT,
            *revisions,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
        return bytes(output).decode("utf-8", errors="replace")

    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        outputs = list(pool.map(log, parts))
    commits = []
    for output in outputs:
        for chunk in output.split(_COMMIT)[1:]:
            commit = _parse_commit(chunk, prefix, warnings)
            if commit.changes:
                commits.append(commit)
    commits.reverse()
    return _dated(commits, warnings)


def _parse_commit(chunk: str, prefix: str, warnings: dict[str, None]) -> Commit:
    """Parse one commit of the log: header fields, then its changes under prefix."""
    sha, parents, unix, iso, name, email, message, raw = chunk.split(_FIELD, 7)
    tokens = iter(raw.lstrip("\0\n").split("\0"))
    changes: list[tuple[str, str | None, str | None, str]] = []
    for token in tokens:
        if not token.startswith(":"):
            continue
        old_mode, new_mode, _old_blob, new_blob, status = token[1:].split(" ")
        first = next(tokens)
        second = next(tokens) if status[0] in "RC" else None
        old_file, new_file = old_mode in _FILE_MODES, new_mode in _FILE_MODES
        if not (old_file or old_mode == _ABSENT) or not (new_file or new_mode == _ABSENT):
            _warn_not_a_file(sha, prefix, (first, second or first), (old_mode, new_mode), warnings)
            if old_file and first.startswith(prefix):  # a file replaced by a link: gone
                changes.append(("D", first, None, new_blob))
            elif new_file and (second or first).startswith(prefix):
                changes.append(("A", None, second or first, new_blob))
            continue
        if second is not None:
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
    author = Person(publishable(name, sha, warnings), publishable(email, sha, warnings))
    return Commit(
        sha,
        tuple(parents.split()),
        _read_date(unix, iso, sha, warnings) or _EPOCH,
        author,
        publishable(message.strip(), sha, warnings),
        tuple(changes),
    )


def _warn_not_a_file(
    sha: str,
    prefix: str,
    paths: tuple[str, str],
    modes: tuple[str, str],
    warnings: dict[str, None],
) -> None:
    """Warn that a git entry under content/ is a submodule or link, which is never published."""
    for path, mode in zip(paths, modes, strict=True):
        if path and path.startswith(prefix) and mode not in _FILE_MODES | {_ABSENT}:
            what = _NOT_FILES.get(mode, "not a file")
            warnings[
                f"{path}: in commit {sha[:7]} this is {what}, not a file, so it is not "
                f"published; replace it with a file or remove it (`git rm --cached {path}`)"
            ] = None


def publishable(text: str, sha: str, warnings: dict[str, None]) -> str:
    """Return text from a commit with the characters XML cannot carry shown as U+FFFD."""
    if not _NOT_XML.search(text):
        return text
    warnings[
        f"commit {sha[:7]}: its message or author holds control characters that cannot be "
        "published; they are shown as \ufffd (a commit cannot be edited once merged)"
    ] = None
    return _NOT_XML.sub("\ufffd", text)


def _read_date(
    unix: str, iso: str, sha: str, warnings: dict[str, None]
) -> datetime.datetime | None:
    """Return a commit's date, or None (with a warning) when git holds an impossible one."""
    seconds = int(unix) if unix.isdigit() and len(unix) <= 12 else None
    if seconds is None or seconds > _LATEST:
        warnings[
            f"commit {sha[:7]}: its date cannot be real (git says '{iso[:40] or unix[:40]}'); "
            "the date of the commit before it is shown instead"
        ] = None
        return None
    try:
        return datetime.datetime.fromisoformat(iso)
    except ValueError:
        warnings[
            f"commit {sha[:7]}: its time zone cannot be real (git says '{iso[:40]}'); "
            "its time is shown in UTC"
        ] = None
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def _dated(commits: list[Commit], warnings: dict[str, None]) -> list[Commit]:
    """Give a commit whose date was impossible the date of the commit before it."""
    dated: list[Commit] = []
    for commit in commits:
        if commit.date is _EPOCH and dated:
            commit = replace(commit, date=dated[-1].date)
        dated.append(commit)
    return dated


def read_blobs(repo: git.Repo, shas: Iterable[str]) -> dict[str, str]:
    """Return the text of many objects (shas or rev:path), from one git cat-file --batch.

    Asked for newest first (the order of git log), git finds each older version as a
    small change to one it has just read, which takes half the time of any other order.
    """
    return _cat_file(repo, [sha for sha in dict.fromkeys(shas) if sha != _ZERO])


def _cat_file(repo: git.Repo, wanted: list[str]) -> dict[str, str]:
    """Return the text of the objects named, from one git cat-file --batch.

    Its output is read an object at a time as git writes it: a large history's texts are
    then in memory once, as text, never also as the whole of git's output in bytes.
    """
    if not wanted:
        return {}
    blobs: dict[str, str] = {}
    with tempfile.TemporaryFile() as request:
        request.write("".join(f"{sha}\n" for sha in wanted).encode())
        request.seek(0)
        process = repo.git.execute(
            [repo.git.GIT_PYTHON_GIT_EXECUTABLE or "git", "cat-file", "--batch"],
            as_process=True,
            istream=request,
        )
        output = process.proc.stdout if process.proc is not None else None
        if output is None:
            raise git.GitCommandError(["git", "cat-file", "--batch"], "no output")
        try:
            for sha in wanted:
                header = output.readline().split(b" ")
                if header[-1].strip() == b"missing":
                    continue
                size = int(header[2]) if len(header) == 3 else 0
                body = output.read(size + 1)[:size]  # and the newline after it
                blobs[sha] = body.decode("utf-8", errors="replace").replace("\r\n", "\n")
        finally:
            process.wait()
    return blobs


_AUTHORED_FORMAT = "--format=" + _COMMIT + _FIELD.join(["%H", "%P", "%an", "%ae", "%B", ""])


def read_authored(
    repo: git.Repo, revisions: list[str], shas: list[str], warnings: dict[str, None]
) -> list[Authored]:
    """Return commits with their authors, messages and the files they changed (one git log).

    revisions are given to git log as they are; shas, when there are any, on its input.
    Many shas (the commits of a long history's merged branches) are read in two halves at
    once: each commit's files are found by comparing its folders with its parent's, entry
    by entry, which on a large site's flat folders is most of git's time.
    """
    found = []
    for commit, said in read_authored_apart(repo, revisions, shas):
        warnings.update(dict.fromkeys(said))
        found.append(commit)
    return found


def read_authored_apart(
    repo: git.Repo, revisions: list[str], shas: list[str]
) -> list[tuple[Authored, tuple[str, ...]]]:
    """Return what read_authored does, each commit with the warnings about it apart."""
    if not shas and "--stdin" in revisions:
        return []
    parts = [shas]
    if len(shas) >= SPLIT_FROM and (os.cpu_count() or 1) >= 2:
        parts = [shas[: len(shas) // 2], shas[len(shas) // 2 :]]
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        outputs = list(pool.map(lambda part: _authored_log(repo, revisions, part), parts))
    return [commit for output in outputs for commit in _parse_authored(output)]


def _authored_log(repo: git.Repo, revisions: list[str], shas: list[str]) -> str:
    """Return git log's output for read_authored, shas given on its input."""
    with tempfile.TemporaryFile() as request:
        request.write("".join(f"{sha}\n" for sha in shas).encode())
        request.seek(0)
        output = repo.git.log(
            "--name-only",
            "-z",
            _AUTHORED_FORMAT,
            *revisions,
            istream=request,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    return bytes(output).decode("utf-8", errors="replace")


def _parse_authored(output: str) -> list[tuple[Authored, tuple[str, ...]]]:
    """Return the commits of read_authored's git log output, in its order, with warnings."""
    found = []
    for chunk in output.split(_COMMIT)[1:]:
        sha, parents, name, email, message, names = chunk.split(_FIELD, 5)
        said: dict[str, None] = {}
        commit = Authored(
            sha,
            Person(publishable(name, sha, said), publishable(email, sha, said)),
            publishable(message.strip(), sha, said),
            frozenset(filter(None, (part.strip("\n") for part in names.split("\0")))),
            merge=len(parents.split()) > 1,
        )
        found.append((commit, tuple(said)))
    return found
