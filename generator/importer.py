"""Bring an existing decision log, with its whole history, into openrecord's layout.

``openrecord import FORMAT SOURCE`` reads the first-parent line of the source repository,
keeps each commit that changed the log's folder, converts every version of every record
to openrecord's front matter (the mapping of each format is declared once, in ``FORMATS``,
``STATUSES`` and ``EMOJI`` below) and writes a new repository with ``git fast-import``:
the original authors, dates and messages, merges as merges with the merged branch's own
commits (so pull request numbers and notes survive), renames as renames. A last commit
adds the site's settings with ``rules_from`` set to the import's last commit, so past
maintenance is published as it was and not judged by openrecord's rules.

The same source gives the same repository, byte for byte: nothing depends on the clock,
the machine or the order of a dictionary. The source is only read.
"""

from __future__ import annotations

import datetime
import hashlib
import posixpath
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.errors import OpenRecordError
from generator.merges import MAX_PULL_REQUEST
from generator.schema import RESERVED_SLUGS

FOLDER = "content/decisions"
#: Where openrecord's own theme overrides live, beside the package in its repository.
_THEME = Path(__file__).resolve().parent.parent / "theme"


class ImportRefused(OpenRecordError):
    """The source cannot be imported as it is (shallow, missing, or the target not empty)."""


@dataclass(frozen=True)
class Format:
    """How one kind of decision log is written, declared once."""

    name: str
    folder: str  # where the format's tools put the log
    front_matter: bool  # records may open with YAML front matter (MADR 3+)
    context: tuple[str, ...]  # headings whose first sentence is the summary
    skipped: frozenset[str]  # files in the folder that are not records


#: Keys, in front matter or in ``Key: value`` lines under the title, and the field each fills.
FIELDS = {
    "status": "status",
    "date": "date",
    "decision-makers": "decided_by",
    "deciders": "decided_by",
    "decided-by": "decided_by",
    "consulted": "consulted",
    "informed": "informed",
}
_PEOPLE = ("decided_by", "consulted", "informed")
_INDEXES = frozenset({"readme.md", "index.md", "toc.md", "summary.md"})
_TEMPLATES = frozenset({"template.md", "adr-template.md", "0000-template.md", "_template.md"})

FORMATS = {
    "nygard": Format(
        "nygard", "docs/adr", False, ("context",), _INDEXES | _TEMPLATES
    ),  # `## Status`, `## Context`, `## Decision`, `## Consequences`; `Date:` under the title
    "adr-tools": Format(
        "adr-tools", "doc/adr", False, ("context",), _INDEXES | _TEMPLATES
    ),  # Nygard's shape, with "Supersedes [1. …](0001-….md)" links in the Status section
    "madr": Format(
        "madr",
        "docs/decisions",
        True,
        ("context and problem statement", "context"),
        _INDEXES | _TEMPLATES | {"adr-template-minimal.md", "adr-template-bare.md"},
    ),  # front matter (status, date, decision-makers, consulted, informed) or `* Status:` lines
    "log4brains": Format(
        "log4brains",
        "docs/adr",
        True,
        ("context and problem statement", "context"),
        _INDEXES | _TEMPLATES,
    ),  # MADR's shape with `- Status:`, `- Deciders:`, `- Date:` lines; yyyymmdd- file names
}

#: How each log spells a status (lower case, emphasis and emoji removed) -> openrecord's.
# fmt: off
STATUSES = {
    **dict.fromkeys(["accepted", "approved", "agreed", "adopted", "decided", "done",
                     "implemented", "active"], "accepted"),
    **dict.fromkeys(["proposed", "proposal", "draft", "open", "pending", "incomplete",
                     "in progress", "in review", "under review", "under discussion", "wip",
                     "rfc", "suggested"], "proposed"),
    **dict.fromkeys(["rejected", "declined", "refused", "not accepted"], "rejected"),
    **dict.fromkeys(["superseded", "replaced"], "superseded"),
    **dict.fromkeys(["deprecated", "withdrawn", "retired", "obsolete", "abandoned",
                     "cancelled", "canceled"], "withdrawn"),
}
# fmt: on
#: A status written only as an emoji.
EMOJI = {
    "✅": "accepted",
    "✔": "accepted",
    "☑": "accepted",
    "👍": "accepted",
    "❌": "rejected",
    "⛔": "rejected",
    "🚫": "rejected",
    "👎": "rejected",
    "🤔": "proposed",
    "🚧": "proposed",
    "📝": "proposed",
    "💡": "proposed",
    "⏳": "proposed",
    "⌛": "superseded",
    "♻": "superseded",
    "🔄": "superseded",
    "⚠": "withdrawn",
    "🗑": "withdrawn",
    "🪦": "withdrawn",
}  # fmt: skip
#: The summary a record gets when its source has no context to take one from.
NO_SUMMARY = "The imported record has no context section to take a summary from."

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_KEY_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\**([A-Za-z][A-Za-z -]*?)\**\s*:\**\s*(.*?)\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
_SUPERSESSION = re.compile(r"(superseded[ -]by|supersedes)\s*:?\s*(.*)", re.IGNORECASE)
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")
_PLACEHOLDER = re.compile(r"^[{\[<].*[}\]>]$")


@dataclass(frozen=True)
class Finding:
    """A value that could not be mapped, at its place in the source."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Parsed:
    """One version of one source record, read."""

    front: dict[str, object]  # openrecord's fields, except supersedes
    status: str | None
    supersedes: tuple[str, ...]  # file names in the folder this version says it replaces
    superseded_by: tuple[str, ...]
    body: str
    findings: tuple[tuple[int, str], ...]


def slug_of(name: str) -> str:
    """Return the openrecord slug of a source file name: lowercase letters, digits, hyphens."""
    stem = name[:-3] if name.lower().endswith(".md") else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:100].strip("-")
    slug = slug or "record"
    return f"{slug}-decision" if slug in RESERVED_SLUGS else slug


def parse_record(text: str, fmt: Format) -> Parsed:
    """Read one version of a source record into openrecord's fields; never invent a value."""
    findings: list[tuple[int, str]] = []
    lines = text.split("\n")
    front: dict[str, object] = {}
    raw: dict[str, tuple[int, object]] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            raw = _read_front(lines[1:end], findings)
            start = end + 1
    title_at = next(
        (i for i in range(start, len(lines)) if _HEADING.match(lines[i].rstrip("\r"))), None
    )
    if (
        title_at is not None
        and lines[start:title_at]
        and any(line.strip() for line in lines[start:title_at])
    ):
        title_at = None  # text before the first heading: that heading is not the title
    if title_at is None:
        findings.append((start + 1, "no heading to take the title from: the file name is used"))
        body_lines, preamble_at = lines[start:], start
        title = None
    else:
        found = _HEADING.match(lines[title_at].rstrip("\r"))
        title = found.group(2).strip() if found else None
        after = title_at + 1
        if after < len(lines) and not lines[after].strip():
            after += 1
        body_lines, preamble_at = lines[after:], after
    sections = _sections(body_lines, preamble_at)
    for number, line in sections.get("", []):
        key_line = _KEY_LINE.match(line)
        if key_line and key_line.group(1).lower().strip() in FIELDS:
            raw.setdefault(key_line.group(1).lower().strip(), (number, key_line.group(2)))
    if "status" not in raw:
        status_lines = [(n, s) for n, s in sections.get("status", []) if s.strip()]
        if status_lines:
            raw["status"] = status_lines[0]
    if title:
        front["title"] = title
    status, supersedes, superseded_by = _map_status(raw, sections, findings)
    for key, (number, value) in sorted(raw.items()):
        target = FIELDS[key]
        if target == "date":
            date = _map_date(value)
            if date:
                front["date"] = date
            else:
                findings.append((number, f"date {_shown(value)!r} is not YYYY-MM-DD: left out"))
        elif target in _PEOPLE:
            people = _map_people(value)
            if people:
                front[target] = sorted({*people, *front.get(target, [])})  # type: ignore[misc]
            elif _text(value):
                findings.append((number, f"{key} {_shown(value)!r} names no one: left out"))
    summary = _summary(sections, fmt)
    if summary is None:
        findings.append((1, f"no summary: the record says '{NO_SUMMARY}'"))
    front["summary"] = summary or NO_SUMMARY
    return Parsed(front, status, supersedes, superseded_by, "\n".join(body_lines), tuple(findings))


def _read_front(lines: list[str], findings: list[tuple[int, str]]) -> dict[str, tuple[int, object]]:
    """Return the source front matter's mapped keys with their lines; report the others."""
    try:
        loaded = yaml.load("\n".join(lines), Loader=yaml.BaseLoader)  # every value stays text
    except yaml.YAMLError:
        findings.append((1, "front matter is not valid YAML: left out"))
        return {}
    if not isinstance(loaded, dict):
        return {}
    found: dict[str, tuple[int, object]] = {}
    for key, value in loaded.items():
        number = next(
            (i + 2 for i, line in enumerate(lines) if line.split(":", 1)[0].strip() == key), 1
        )
        if str(key).lower() in FIELDS:
            found[str(key).lower()] = (number, value)
        else:
            findings.append((number, f"front matter '{key}' has no openrecord field: left out"))
    return found


def _sections(lines: list[str], first: int) -> dict[str, list[tuple[int, str]]]:
    """Return the lines under each second-level heading (lower case), by heading; '' for the top."""
    sections: dict[str, list[tuple[int, str]]] = {"": []}
    current = ""
    fenced = False
    for offset, line in enumerate(lines):
        line = line.rstrip("\r")
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading and len(heading.group(1)) <= 3:
            current = heading.group(2).strip().lower()
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append((first + offset + 1, line))
    return sections


def _map_status(
    raw: dict[str, tuple[int, object]],
    sections: dict[str, list[tuple[int, str]]],
    findings: list[tuple[int, str]],
) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """Return the status, and the files this version says it supersedes or is superseded by."""
    supersedes: list[str] = []
    superseded_by: list[str] = []
    texts = [line for _, line in sections.get("status", [])]
    if "status" in raw:
        texts.append(_text(raw["status"][1]))
    for text in texts:
        for found in _SUPERSESSION.finditer(text):
            targets = [_local(link.group(2)) for link in _LINK.finditer(found.group(2))]
            named = [target for target in targets if target]
            (supersedes if found.group(1).lower() == "supersedes" else superseded_by).extend(named)
    if "status" not in raw:
        findings.append((1, "no status: set to proposed"))
        return None, tuple(supersedes), tuple(superseded_by)
    number, value = raw["status"]
    status = map_status(_text(value))
    if status is None:
        findings.append((number, f"status {_shown(value)!r} has no openrecord status: proposed"))
    return status, tuple(dict.fromkeys(supersedes)), tuple(dict.fromkeys(superseded_by))


def map_status(text: str) -> str | None:
    """Return openrecord's status for a log's spelling of one, emoji included, or None."""
    plain = _LINK.sub(r"\1", text)
    words = re.sub(r"[^\w\s-]", " ", plain.lower()).split()
    for length in (3, 2, 1):
        if len(words) >= length and " ".join(words[:length]) in STATUSES:
            return STATUSES[" ".join(words[:length])]
    for char in plain.strip():
        if char in EMOJI:
            return EMOJI[char]
        if not unicodedata.category(char).startswith(("S", "M", "Z", "C")):
            break
    return None


def _map_date(value: object) -> str | None:
    """Return a date written as YYYY-MM-DD (a real date), or None: no other spelling is guessed."""
    text = _text(value)
    if not _ISO_DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _map_people(value: object) -> list[str]:
    """Return the people a field names: a YAML list, or names separated by commas."""
    items = value if isinstance(value, list) else re.split(r"[,;]", _text(value))
    names = [_LINK.sub(r"\1", str(item)).strip().strip("*_`") for item in items]
    return [name[:2000] for name in names if name and not _PLACEHOLDER.match(name)]


def _summary(sections: dict[str, list[tuple[int, str]]], fmt: Format) -> str | None:
    """Return the first sentence of the context, or None when there is none."""
    for heading in fmt.context:
        paragraph: list[str] = []
        for _, line in sections.get(heading, []):
            stripped = line.strip()
            if not stripped or stripped.startswith("<!--"):
                if paragraph:
                    break
                continue
            paragraph.append(re.sub(r"^([-*+>]|\d+\.)\s+", "", stripped))
        text = " ".join(_LINK.sub(r"\1", " ".join(paragraph)).split())
        if not text or _PLACEHOLDER.match(text):
            continue
        found = _SENTENCE.match(text)
        sentence = found.group(1) if found else text
        if len(sentence) <= 2000:
            return sentence
    return None


def _local(target: str) -> str | None:
    """Return the file name a link names in the log's own folder, or None."""
    path = target.partition("#")[0]
    normal = posixpath.normpath(path) if path else ""
    return normal if normal.endswith(".md") and "/" not in normal else None


def _text(value: object) -> str:
    """Return a value as one line of text."""
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return " ".join(str(value).split())


def _shown(value: object) -> str:
    """Return a value shortened for the report."""
    text = _text(value)
    return text if len(text) <= 60 else text[:57] + "..."


def render_record(
    name: str, parsed: Parsed, supersedes: Iterable[str], names: dict[str, str]
) -> str:
    """Return the openrecord file for one version: its front matter, then the body unchanged.

    Only links to other records of the log whose file names changed are rewritten. A record
    without a heading is titled with its file name.
    """
    front = {"title": name.removesuffix(".md"), **parsed.front}
    lines = ["---"]
    for key in ("title", "summary"):
        if key in front:
            lines.append(f"{key}: {_quoted(str(front[key]))}")
    lines.append(f"status: {parsed.status or 'proposed'}")
    if "date" in front:
        lines.append(f"date: {front['date']}")
    for key in _PEOPLE:
        if key in front:
            people = front[key]
            assert isinstance(people, list)
            lines.append(f"{key}: [{', '.join(_quoted(str(p)) for p in people)}]")
    targets = [f"decisions/{slug_of(name)}" for name in supersedes]
    if targets:
        lines.append(f"supersedes: [{', '.join(targets)}]")
    lines += ["---", ""]
    body = _LINK.sub(lambda found: _relink(found, names), parsed.body)
    return "\n".join(lines) + "\n" + body


def _relink(found: re.Match[str], names: dict[str, str]) -> str:
    """Return one link, leading to the new file name of the record it names."""
    target = found.group(2)
    path, hash_, anchor = target.partition("#")
    local = _local(path)
    if local is None or local not in names or names[local] == local:
        return found.group(0)
    title = found.group(3) or ""
    return f"[{found.group(1)}]({names[local]}{hash_}{anchor}{title})"


def _quoted(text: str) -> str:
    """Return text as a YAML double-quoted scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda c: f"\\x{ord(c.group(0)):02x}", escaped)
    return f'"{escaped}"'


# --- reading the source ----------------------------------------------------------------


class _Objects:
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


_GIT_ENV = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_OPTIONAL_LOCKS": "0", "PATH": "/usr/bin:/bin"}


def _git(cwd: Path, *args: str, data: bytes | None = None) -> str:
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


def _commit(objects: _Objects, sha: str) -> SourceCommit:
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


def _tree_entries(content: bytes) -> Iterator[tuple[str, str, str]]:
    """Yield (mode, name, sha) of each entry of a raw tree object."""
    at = 0
    while at < len(content):
        space = content.index(b" ", at)
        nul = content.index(b"\0", space)
        mode = content[at:space].decode()
        name = content[space + 1 : nul].decode("utf-8", errors="replace")
        yield mode, name, content[nul + 1 : nul + 21].hex()
        at = nul + 21


# --- writing the new repository --------------------------------------------------------


@dataclass
class Report:
    """What an import brought, and every value it could not map."""

    source: str
    folder: str
    into: Path
    records: int = 0
    revisions: int = 0
    commits: int = 0
    renames: int = 0
    merges: int = 0
    pull_requests: int = 0
    last_commit: str = ""
    names: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def text(self) -> str:
        """Return the report as lines a person reads."""
        lines = [
            f"imported {self.records} records from {self.folder} into {self.into}",
            f"  {self.revisions} revisions in {self.commits} commits, {self.renames} renames, "
            f"{self.merges} merges ({self.pull_requests} pull requests)",
            f"  rules_from: {self.last_commit} (set in mkdocs.yml: the history up to it is "
            "published as it was)",
        ]
        renamed = {old: new for old, new in self.names.items() if old != new}
        if renamed:
            lines.append(f"file names changed to openrecord's ({len(renamed)}):")
            lines += [f"  {self.folder}/{old} -> {FOLDER}/{new}" for old, new in renamed.items()]
        if self.findings:
            lines.append(f"values not mapped ({len(self.findings)}), in the newest version:")
            lines += [f"  {finding}" for finding in self.findings]
        return "\n".join(lines)


@dataclass
class _Stream:
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


class _Converter:
    """Convert the log's folder at any commit to openrecord's files, caching each version."""

    def __init__(self, objects: _Objects, fmt: Format, folder: str, stream: _Stream) -> None:
        self.objects, self.fmt, self.folder, self.stream = objects, fmt, folder, stream
        self.parsed: dict[str, Parsed] = {}
        self.trees: dict[str, dict[str, int]] = {}
        self.listed: dict[str, dict[str, str]] = {}

    def files(self, commit: str) -> dict[str, str]:
        """Return the records' file names in the folder at a commit, with their blobs."""
        found = self.objects.read(
            f"{commit}:{self.folder}" if self.folder else f"{commit}^{{tree}}"
        )
        if found is None or found[0] != "tree":
            return {}
        key = hashlib.sha1(found[1]).hexdigest()
        if key not in self.listed:
            self.listed[key] = {
                name: sha
                for mode, name, sha in _tree_entries(found[1])
                if mode in ("100644", "100755")
                and name.lower().endswith(".md")
                and name.lower() not in self.fmt.skipped
            }
        return self.listed[key]

    def tree(self, commit: str) -> dict[str, int]:
        """Return openrecord's files (path -> blob mark) for the folder at a commit."""
        files = self.files(commit)
        key = repr(sorted(files.items()))
        if key not in self.trees:
            self.trees[key] = self._convert(files)
        return self.trees[key]

    def read(self, blob: str) -> Parsed:
        """Return one version of a record, read."""
        if blob not in self.parsed:
            found = self.objects.read(blob)
            text = found[1].decode("utf-8", errors="replace") if found else ""
            self.parsed[blob] = parse_record(text.replace("\r\n", "\n"), self.fmt)
        return self.parsed[blob]

    def names(self, files: dict[str, str]) -> dict[str, str]:
        """Return each file's new name; of two names with one slug, the first sorted keeps it."""
        names: dict[str, str] = {}
        taken: set[str] = set()
        for name in sorted(files):
            new = f"{slug_of(name)}.md"
            if new not in taken:
                names[name] = new
                taken.add(new)
        return names

    def supersessions(self, files: dict[str, str]) -> dict[str, list[str]]:
        """Return the files each record supersedes, from either side's lines, when consistent."""
        parsed = {name: self.read(blob) for name, blob in files.items()}
        found: dict[str, list[str]] = {name: [] for name in files}
        for name, version in sorted(parsed.items()):
            claims = [(name, old) for old in version.supersedes]
            claims += [(new, name) for new in version.superseded_by]
            for new, old in claims:
                known = new in parsed and old in parsed and new != old
                if known and old not in found[new] and parsed[old].status == "superseded":
                    found[new].append(old)
        return found

    def _convert(self, files: dict[str, str]) -> dict[str, int]:
        """Return the converted files of one version of the folder."""
        names = self.names(files)
        supersedes = self.supersessions(files)
        return {
            f"{FOLDER}/{new}": self.stream.blob(
                render_record(name, self.read(files[name]), supersedes[name], names).encode()
            )
            for name, new in names.items()
        }

    def findings(self, files: dict[str, str]) -> list[Finding]:
        """Return what could not be mapped in one version of the folder, by file and line."""
        names = self.names(files)
        supersedes = self.supersessions(files)
        found: list[Finding] = []
        for name in sorted(files):
            path = f"{self.folder}/{name}" if self.folder else name
            if name not in names:
                found.append(Finding(path, 1, "same slug as another file: not imported"))
                continue
            version = self.read(files[name])
            found += [Finding(path, line, message) for line, message in version.findings]
            claimed = {*version.supersedes} | {
                n for n in files if name in self.read(files[n]).superseded_by
            }
            for old in sorted(claimed - set(supersedes[name]) - {name}):
                found.append(
                    Finding(
                        path,
                        1,
                        f"says it supersedes {old}, which is not there or not 'superseded': "
                        "left in the body only",
                    )
                )
            for link in _LINK.finditer(version.body):
                target = link.group(2).partition("#")[0]
                if (
                    target
                    and not re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target, re.I)
                    and (_local(target) is None or _local(target) not in files)
                ):
                    line = 1 + version.body[: link.start()].count("\n")
                    found.append(
                        Finding(path, line, f"links to {target}, which is not a record of the log")
                    )
        return found


def import_log(fmt: Format, source: Path, folder: str | None, into: Path) -> Report:
    """Import the decision log at folder of source into a new repository at into."""
    folder = (folder if folder is not None else fmt.folder).strip("/")
    if re.search(r"[\x00-\x1f\x7f]", folder) or ".." in folder.split("/"):
        raise ImportRefused(f"--path {folder!r}: name a folder inside the source repository")
    _refuse_unsafe(source, into)
    head = _git(source, "rev-parse", "--verify", "HEAD^{commit}").strip()
    line = _git(source, "rev-list", "--first-parent", "--reverse", head).split()
    objects = _Objects(source)
    try:
        stream = _Stream()
        converter = _Converter(objects, fmt, folder, stream)
        report = Report(source=str(source), folder=folder or ".", into=into)
        _write_history(source, objects, converter, line, report)
        if not report.commits:
            raise ImportRefused(f"{folder}: no commit of {source} has records in this folder")
        final = converter.files(head)
        report.records = len(converter.names(final))
        report.names = converter.names(final)
        report.findings = converter.findings(final)
    finally:
        objects.close()
    into.mkdir(parents=True, exist_ok=True)
    _git(into, "init", "-q", "-b", "main")
    _git(into, "fast-import", "--quiet", "--done", data=b"".join(stream.chunks) + b"done\n")
    report.last_commit = _git(into, "rev-parse", "refs/heads/main").strip()
    _add_site(into, report, _commit_time(_git(into, "cat-file", "commit", "main")))
    _git(into, "reset", "-q", "--hard")
    changes = _git(into, "log", "--first-parent", "-M", "--name-status", "--format=", "--", FOLDER)
    rows = changes.splitlines()  # a revision of a record on each line, a rename as one
    report.revisions = sum(1 for row in rows if row.strip())
    report.renames = sum(1 for row in rows if row.startswith("R"))
    return report


def _refuse_unsafe(source: Path, into: Path) -> None:
    """Refuse a source that is not a whole repository, and a target that is not empty."""
    if not (source / ".git").exists() and not (source / "HEAD").exists():
        raise ImportRefused(f"{source}: not a git repository")
    if _git(source, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise ImportRefused(
            f"{source} is a shallow clone, so its history is incomplete; clone the whole "
            "history (git fetch --unshallow) and import again"
        )
    if into.exists() and any(into.iterdir()):
        raise ImportRefused(f"{into}: not empty; import writes a new repository, name a new folder")


def _write_history(
    source: Path, objects: _Objects, converter: _Converter, line: list[str], report: Report
) -> None:
    """Write each first-parent commit that changed the records, with its merged branch."""
    stream = converter.stream
    imported: dict[str, int] = {}
    trees: dict[int, dict[str, int]] = {}
    previous: int | None = None  # the newest imported commit of the first-parent line
    seen: dict[str, str] = {}  # the source folder's files at the previous line commit
    for sha in line:
        files = converter.files(sha)
        if files == seen:
            continue
        seen = files
        commit = _commit(objects, sha)
        tree = converter.tree(sha)
        parents: list[int] = []
        if len(commit.parents) > 1:
            if previous is None:  # the log began in a merged pull request: keep its base
                base = _commit(objects, commit.parents[0])
                previous = stream.commit(base, [], {}, {})
                trees[previous] = {}
                report.commits += 1
            merged = [*commit.parents[1:], "--not", commit.parents[0]]
            side = _git(source, "rev-list", "--reverse", "--topo-order", *merged).split()
            for branch_sha in side:
                branch = _commit(objects, branch_sha)
                mapped = [imported[p] for p in branch.parents if p in imported] or [previous]
                branch_tree = converter.tree(branch_sha)
                mark = stream.commit(branch, mapped, branch_tree, trees[mapped[0]])
                imported[branch_sha], trees[mark] = mark, branch_tree
                report.commits += 1
            parents = [previous, *(imported[p] for p in commit.parents[1:] if p in imported)]
            report.merges += 1
            subject = commit.message.split(b"\n", 1)[0].decode(errors="replace")
            number = re.match(r"Merge pull request #(\d{1,10}) from \S+", subject)
            if number and 0 < int(number.group(1)) <= MAX_PULL_REQUEST:
                report.pull_requests += 1
        elif previous is not None:
            parents = [previous]
        last = trees[previous] if previous is not None else {}
        mark = stream.commit(commit, parents, tree, last)
        imported[sha], trees[mark], previous = mark, tree, mark
        report.commits += 1


def _commit_time(raw: str) -> str:
    """Return the committer's time and zone of a raw commit object ('1700000000 +0000')."""
    found = re.search(r"^committer .*> (\d+ [+-]\d{4})$", raw, re.MULTILINE)
    return found.group(1) if found else "0 +0000"


def _add_site(into: Path, report: Report, when: str) -> None:
    """Commit the site's settings, topics and theme after the import, with rules_from set."""
    files = {
        "mkdocs.yml": MKDOCS_YML.format(rules_from=report.last_commit).encode(),
        "content/topics.yml": TOPICS_YML.encode(),
    }
    if _THEME.is_dir():
        for found in sorted(_THEME.rglob("*")):
            if found.is_file():
                files[f"theme/{found.relative_to(_THEME).as_posix()}"] = found.read_bytes()
    message = (
        "Publish the imported decision log with openrecord\n\n"
        f"The history up to {report.last_commit} was imported from {report.folder}/ by "
        "`openrecord import`; the rules apply to changes after it.\n"
    ).encode()
    out = [b"commit refs/heads/main\n"]
    identity = b"openrecord import <import@openrecord.invalid> " + when.encode()
    out.append(b"author %s\ncommitter %s\n" % (identity, identity))
    out.append(b"data %d\n%s\nfrom refs/heads/main^0\n" % (len(message), message))
    for path, content in files.items():
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))
    _git(into, "fast-import", "--quiet", "--done", data=b"".join(out) + b"\ndone\n")


MKDOCS_YML = """\
# Site settings written by `openrecord import`: change site_name, site_url and repo_url to
# your own, then run `openrecord check` and `openrecord build`.
site_name: Decision log
site_url: https://example.org/
repo_url: https://github.com/example/decisions
edit_uri: edit/main/
theme:
  name: material
  font: false
extra_css:
  - assets/openrecord.css
plugins:
  - search
extra:
  openrecord:
    branch: main
    # The imported history, up to this commit, is published as it was: openrecord's
    # history rules apply to the changes after it.
    rules_from: {rules_from}
"""

TOPICS_YML = """\
# Topics: an id (used in records' `topics:` lists) with a label and a description.
decisions:
  label: Decisions
  description: The decisions of this log.
"""
