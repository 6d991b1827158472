"""Stream blobs and commits to one ``git fast-import`` process, naming them by marks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: git fast-import allocates and frees a buffer per tree it writes; glibc's defaults return
#: that memory to the kernel each time, which costs more than the import itself in a VM.
MALLOC_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 28),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 28),
    "MALLOC_TOP_PAD_": str(1 << 26),
}
_NULL_REF = "0" * 40


def ident(name: str) -> str:
    """Return a git identity at example.org."""
    return f"{name} <{name.lower().replace(' ', '.')}@example.org>"


class FastImport:
    """Stream blobs and commits to one git fast-import process, numbering them with marks."""

    def __init__(self, repo: Path) -> None:
        command = ["git", "fast-import", "--quiet", "--done"]
        env = {**os.environ, **MALLOC_ENV}
        self.process = subprocess.Popen(command, cwd=repo, stdin=subprocess.PIPE, env=env)
        self.marks = 0
        self.chunks: list[bytes] = []
        self.size = 0

    def _write(self, *chunks: bytes) -> None:
        """Buffer chunks, flushing to fast-import in large writes."""
        self.chunks += chunks
        self.size += sum(len(chunk) for chunk in chunks)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        """Send the buffered chunks."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"".join(self.chunks))
        self.chunks, self.size = [], 0

    def blob(self, data: bytes) -> int:
        """Write one blob and return its mark."""
        self.marks += 1
        self._write(b"blob\nmark :%d\ndata %d\n" % (self.marks, len(data)), data, b"\n")
        return self.marks

    def commit(
        self,
        ref: str,
        author: str,
        committer: str,
        when: int,
        message: str,
        files: dict[str, int],
        parent: str | None = None,
        merge: int | None = None,
        deletes: list[str] | None = None,
    ) -> int:
        """Write one commit of files (path: blob mark) and deletions onto ref; return its mark."""
        self.marks += 1
        data = message.encode()
        head = [
            f"commit {ref}\nmark :{self.marks}\n",
            f"author {ident(author)} {when} +0000\n",
            f"committer {ident(committer)} {when} +0000\n",
            f"data {len(data)}\n",
        ]
        tail = [f"from {parent}\n"] if parent else []
        tail += [f"merge :{merge}\n"] if merge else []
        tail += [f"D {path}\n" for path in sorted(deletes or [])]
        tail += [f"M 100644 :{mark} {path}\n" for path, mark in sorted(files.items())]
        self._write("".join(head).encode(), data, ("\n" + "".join(tail) + "\n").encode())
        return self.marks

    def close(self) -> None:
        """Finish the stream, drop the scratch branch and wait for git."""
        self._write(f"reset refs/heads/contrib\nfrom {_NULL_REF}\n\ndone\n".encode())
        self.flush()
        assert self.process.stdin is not None
        self.process.stdin.close()
        if self.process.wait() != 0:
            raise RuntimeError(f"git fast-import failed with exit {self.process.returncode}")
