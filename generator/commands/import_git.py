"""The git plumbing of ``openrecord import``: reading the source's objects, writing the new
repository's history as a ``git fast-import`` stream.

The source repository is only read: every object through one ``git cat-file --batch``,
with the caller's ``GIT_*`` variables dropped, replacement objects ignored and no lock
taken; the new history is written in one stream.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import OpenRecordError


class ImportRefused(OpenRecordError):
    """The source cannot be imported as it is (shallow, missing, or the target not empty)."""


class Objects:
    """One ``git cat-file --batch`` of the source: every object read through one process."""

    def __init__(self, source: Path) -> None:
        self.process = subprocess.Popen(
            ["git", "-C", str(source), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_GIT_ENV,
        )

    def read(self, name: str) -> tuple[str, bytes] | None:
        """Return an object's type and content, or None when it does not exist."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(name.encode() + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3:
            return None
        content = self.process.stdout.read(int(header[2]) + 1)[:-1]
        return header[1].decode(), content

    def close(self) -> None:
        """End the process."""
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait()


#: Git reads the source as it is: no replacement objects, no lock files, no outside repository.
_GIT_ENV = {
    **{key: value for key, value in os.environ.items() if not key.startswith("GIT_")},
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_OPTIONAL_LOCKS": "0",
}


def git(cwd: Path, *args: str, data: bytes | None = None) -> str:
    """Run git and return its output; raise ImportRefused with git's words when it fails."""
    result = subprocess.run(
        ["git", "-C", str(cwd), *args], input=data, capture_output=True, env=_GIT_ENV
    )
    if result.returncode != 0:
        raise ImportRefused(f"git {args[0]} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode(errors="replace")


@dataclass(frozen=True)
class SourceCommit:
    """A source commit as git stored it: parents, author and committer lines, message."""

    sha: str
    parents: tuple[str, ...]
    tree: str
    author: bytes
    committer: bytes
    encoding: bytes | None
    message: bytes


def read_commit(objects: Objects, sha: str) -> SourceCommit:
    """Read one commit object."""
    found = objects.read(sha)
    assert found is not None and found[0] == "commit"
    head, _, message = found[1].partition(b"\n\n")
    parents: list[str] = []
    values: dict[bytes, bytes] = {}
    for line in head.split(b"\n"):
        key, _, value = line.partition(b" ")
        if key == b"parent":
            parents.append(value.decode())
        elif key in (b"tree", b"author", b"committer", b"encoding"):
            values[key] = value
    return SourceCommit(
        sha,
        tuple(parents),
        values[b"tree"].decode(),
        values[b"author"],
        values[b"committer"],
        values.get(b"encoding"),
        message,
    )


def tree_entries(content: bytes) -> Iterator[tuple[str, str, str]]:
    """Yield (mode, name, sha) of each entry of a raw tree object."""
    at = 0
    while at < len(content):
        space = content.index(b" ", at)
        nul = content.index(b"\0", space)
        mode = content[at:space].decode()
        name = content[space + 1 : nul].decode("utf-8", errors="replace")
        yield mode, name, content[nul + 1 : nul + 21].hex()
        at = nul + 21


@dataclass
class Stream:
    """The fast-import stream being written, with one mark per blob and commit."""

    chunks: list[bytes] = field(default_factory=list)
    marks: int = 0
    blobs: dict[bytes, int] = field(default_factory=dict)

    def blob(self, content: bytes) -> int:
        """Return the mark of a blob with this content, writing it the first time."""
        digest = hashlib.sha256(content).digest()
        if digest not in self.blobs:
            self.marks += 1
            self.blobs[digest] = self.marks
            self.chunks.append(
                b"blob\nmark :%d\ndata %d\n%s\n" % (self.marks, len(content), content)
            )
        return self.blobs[digest]

    def commit(
        self,
        source: SourceCommit,
        parents: list[int],
        tree: dict[str, int],
        before: dict[str, int],
    ) -> int:
        """Write one commit whose files are tree, as a change from its first parent's before."""
        self.marks += 1
        out = [b"commit refs/heads/main\nmark :%d\n" % self.marks]
        out.append(b"author %s\ncommitter %s\n" % (source.author, source.committer))
        if source.encoding:
            out.append(b"encoding %s\n" % source.encoding)
        out.append(b"data %d\n%s\n" % (len(source.message), source.message))
        if parents:
            out.append(b"from :%d\n" % parents[0])
        out += [b"merge :%d\n" % parent for parent in parents[1:]]
        if not parents:
            before = {}
        for path in sorted(set(before) - set(tree)):
            out.append(b"D %s\n" % path.encode())
        for path in sorted(tree):
            if before.get(path) != tree[path]:
                out.append(b"M 100644 :%d %s\n" % (tree[path], path.encode()))
        self.chunks.append(b"".join(out) + b"\n")
        return self.marks
