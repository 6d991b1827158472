"""Convert a real decision log with its history into openrecord's layout, to build it.

    python bench/real.py --repo PATH --out DIR

PATH is a local clone of rust-lang/rfcs (https://github.com/rust-lang/rfcs), whose
accepted RFCs are the files ``text/NNNN-name.md``. Its first-parent history is replayed
into a new repository at DIR, through one ``git fast-import``: each commit that changed
an RFC becomes one commit changing ``content/decisions/NNNN-name.md``, with the same
author, date and change (a merged pull request's commit is named by its title and
number, as a squashed one is). Each record is the RFC's text under front matter read
from it: its title from its file name, its summary from its Summary section, accepted
on the day it was added (see _SCHEME for the one change to its text). A last commit
sets ``rules_from`` to the history's end, so the imported history is published as it
was. The same clone gives the same repository, commit for commit. The clone is never
committed here and CI does not need it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import disk
from fastimport import FastImport
from record import initial_files

ROOT = Path(__file__).resolve().parent.parent
_RFC = re.compile(r"^text/(\d{4})-([A-Za-z0-9_-]+)\.md$")
_MERGE = re.compile(r"^Merge pull request #(\d+) from \S+\n\n(.+?)(?:\n|$)", re.S)
_SUMMARY = re.compile(r"^#+\s*Summary\s*\n+(.+?)(?:\n\n|\n#|$)", re.M | re.S | re.I)
_FIELD, _RECORD = "\x1f", "\x1e"
#: A link to an address of a scheme the site does not publish (two RFCs link to ftp: and
#: to a mistyped hhttps:), which check would refuse: given https: in every version.
#: A link's target, inline or in a reference definition.
_TARGET = re.compile(r"(\]\(\s*<?|^\[[^\]\n]+\]:[ \t]*<?|(?:src|href)=\")([^)\s>\"]+)", re.M)
_SOURCE = "https://github.com/rust-lang/rfcs/blob/master/"
_SCHEME = re.compile(
    r"(\]\(|\]:[ \t]*)(?!https?:|mailto:)[a-z][a-z0-9+.-]*://|(?<![\w/])()ftp://", re.I
)


@dataclass(frozen=True)
class Change:
    """One first-parent commit of the log and the RFC files it changed."""

    commit: str
    author: str
    email: str
    when: int
    message: str
    files: tuple[tuple[str, str], ...]  # (status letter, path)


def read_log(repo: Path) -> list[Change]:
    """Return the first-parent commits that changed an RFC, oldest first."""
    output = subprocess.run(
        [
            "git", "-C", str(repo), "log", "--first-parent", "--reverse",
            "--diff-merges=first-parent", "--no-renames", "--name-status",
            f"--format={_RECORD}%H{_FIELD}%an{_FIELD}%ae{_FIELD}%at{_FIELD}%B{_FIELD}",
            "--", "text/",
        ],
        capture_output=True, text=True, check=True, encoding="utf-8", errors="replace",
    ).stdout  # fmt: skip
    changes = []
    for entry in output.split(_RECORD)[1:]:
        commit, author, email, when, message, names = entry.split(_FIELD)
        files = []
        for line in names.strip().splitlines():
            status, _, path = line.partition("\t")
            if _RFC.match(path):
                files.append((status[0], path))
        if files:
            changes.append(Change(commit, author, email, int(when), message, tuple(files)))
    return changes


class Blobs:
    """Read file versions from one ``git cat-file --batch``."""

    def __init__(self, repo: Path) -> None:
        self.process = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def read(self, commit: str, path: str) -> bytes:
        """Return a file's bytes at a commit."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{commit}:{path}\n".encode())
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        data = self.process.stdout.read(int(header[2]) + 1)[:-1]
        return data

    def close(self) -> None:
        """End git."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def message_of(change: Change) -> str:
    """Return the commit message a change is published with: a merge as its squash would be."""
    merge = _MERGE.match(change.message)
    if merge:
        return f"{merge[2].strip()} (#{merge[1]})\n"
    return change.message.strip() + "\n"


def record_text(path: str, text: str, added: str, final: set[str]) -> bytes:
    """Return an RFC as a decision record: front matter read from it, then its text."""
    match = _RFC.match(path)
    assert match is not None
    number, name = match[1], match[2].replace("-", " ").replace("_", " ")
    summary = _SUMMARY.search(text)
    first = " ".join(summary[1].split()) if summary else ""
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0][:280].strip() or "A Rust RFC."
    front = [
        "---",
        f"title: {json.dumps(f'RFC {number}: {name}')}",
        f"summary: {json.dumps(sentence, ensure_ascii=False)}",
        "status: accepted",
        f"date: {added}",
        "decided_by:",
        "  - The Rust teams",
        "---",
        "",
    ]
    text = _SCHEME.sub(lambda match: f"{match[1] or ''}https://", text)
    text = _TARGET.sub(lambda match: _relink(match, final), text)
    return ("\n".join(front) + "\n" + text).encode("utf-8")


def target_name(path: str) -> str:
    """Return the file an RFC's text/ path becomes in content/decisions/."""
    return path.removeprefix("text/").replace("_", "-").lower()


def _relink(match: re.Match[str], final: set[str]) -> str:
    """Return a link to another RFC pointed at its record, any other relative link at the
    file in the RFC repository (where GitHub resolves it), a bare domain given https://.

    final: the RFC files at the end of the history (a record links to what exists).
    """
    target = match[2]
    if re.match(r"[a-z][a-z0-9+.-]*:|#", target, re.I):
        return match[0]
    if re.match(r"[\w-]+(\.[\w-]+)+/", target) and not target.split("/")[0].endswith(".md"):
        return match[1] + "https://" + target
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join("text", path))
    if resolved in final:
        return match[1] + target_name(resolved) + (f"#{anchor}" if anchor else "")
    return match[1] + _SOURCE + resolved + (f"#{anchor}" if anchor else "")


def convert(repo: Path, out: Path) -> dict[str, int]:
    """Write the converted repository at out and return counts of what it holds."""
    if out.exists():  # the last conversion, moved aside rather than deleted (see disk.py)
        disk.set_aside(out, disk.trash_of(out))
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(out)], check=True)
    changes = read_log(repo)
    final: set[str] = set()
    for change in changes:
        for status, path in change.files:
            (final.discard if status == "D" else final.add)(path)
    stream = FastImport(out)
    blobs = Blobs(repo)
    files = {
        path: stream.blob(data)
        for path, data in initial_files(ROOT / "mkdocs.yml", ROOT / "theme").items()
    }
    start = changes[0].when - 86400 if changes else 0
    stream.commit("refs/heads/main", "Bench", "Bench", start, "Start the open record\n", files)
    added: dict[str, str] = {}
    revisions = 0
    for change in changes:
        changed: dict[str, int] = {}
        deleted: list[str] = []
        for status, path in change.files:
            target = "content/decisions/" + target_name(path)
            if status == "D":
                deleted.append(target)
                continue
            day = added.setdefault(target, _day(change.when))
            text = blobs.read(change.commit, path).decode("utf-8", errors="replace")
            changed[target] = stream.blob(record_text(path, text, day, final))
            revisions += 1
        person = f"{change.author}"
        stream.commit(
            "refs/heads/main",
            person,
            person,
            change.when,
            message_of(change),
            changed,
            deletes=deleted,
        )
    blobs.close()
    stream.close()
    subprocess.run(["git", "-C", str(out), "reset", "--quiet", "--hard"], check=True)
    _set_rules_from(out, changes[-1].when if changes else start)
    records = len(list((out / "content/decisions").glob("*.md")))
    return {"commits": len(changes), "revisions": revisions, "records": records}


def _set_rules_from(out: Path, when: int) -> None:
    """Commit rules_from: the imported history is published in full, judged by no rule."""
    head = subprocess.run(
        ["git", "-C", str(out), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    config = out / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  openrecord:\n", f"  openrecord:\n    rules_from: {head}\n", 1),
        encoding="utf-8",
    )
    date = f"{when + 60} +0000"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(
        ["git", "-C", str(out), "commit", "-qam", "Publish the imported history"],
        env=env,
        check=True,
    )


def _day(when: int) -> str:
    """Return a commit time's date as YYYY-MM-DD."""
    return datetime.datetime.fromtimestamp(when, datetime.UTC).date().isoformat()


def main(argv: list[str] | None = None) -> int:
    """Convert the clone named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a clone of rust-lang/rfcs")
    parser.add_argument("--out", type=Path, required=True, help="where to write the record")
    args = parser.parse_args(argv)
    if not (args.repo / "text").is_dir():
        print(
            f"error: {args.repo} has no text/ folder: is it a clone of rust-lang/rfcs?",
            file=sys.stderr,
        )
        return 2
    stats = convert(args.repo.resolve(), args.out.resolve())
    print(", ".join(f"{key}: {value}" for key, value in stats.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
