"""Bring an existing decision log, with its whole history, into openrecord's layout.

``openrecord import FORMAT SOURCE`` reads the first-parent line of the source repository,
keeps each commit that changed the log's folder, converts every version of every record
to openrecord's front matter (each format's mapping is declared once, in ``formats.py``)
and writes a new repository with ``git fast-import``:
the original authors, dates and messages, merges as merges with the merged branch's own
commits (so pull request numbers and notes survive), renames as renames. A last commit
adds the site's settings with ``rules_from`` set to the import's last commit, so past
maintenance is published as it was and not judged by openrecord's rules.

The same source gives the same repository, byte for byte: nothing depends on the clock,
the machine or the order of a dictionary. The source is only read.
"""

from __future__ import annotations

import bisect
import hashlib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.build import check
from generator.commands.import_formats import (
    DEFINITION,
    LINK,
    Format,
    Parsed,
    local_name,
    parse_record,
    render_record,
    slug_of,
)
from generator.commands.import_git import (
    ImportRefused,
    Objects,
    Stream,
    git,
    read_commit,
    tree_entries,
)
from generator.commands.import_site import add_site
from generator.content.assets import is_asset
from generator.errors import ContentError, OpenRecordError, Problem
from generator.history.merges import merged_pull_request

FOLDER = "content/decisions"


# --- reading the source ----------------------------------------------------------------


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
    findings: list[Problem] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # what `openrecord check` says
    theme: bool = True  # openrecord's theme/ was copied into the new repository

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
        if self.refusals:
            lines.append(
                f"openrecord check refuses {len(self.refusals)} thing(s) in the new repository; "
                "fix them there and commit:"
            )
            lines += [f"  {refusal}" for refusal in self.refusals]
        else:
            lines.append("openrecord check passes on the new repository")
        if not self.theme:
            lines.append(
                "openrecord's theme/ was not found beside the package: copy theme/ from "
                "openrecord's repository into the new one before building"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Folder:
    """The log's folder at one commit: its records, the files beside them, and the rest."""

    records: dict[str, str]  # file name -> blob
    assets: dict[str, str]  # path inside the folder -> blob: images and attachments
    others: tuple[str, ...] = field(default=(), compare=False)  # not imported, not compared


_EMPTY = Folder({}, {})
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Converter:
    """Convert the log's folder at any commit to openrecord's files, caching each version."""

    def __init__(self, objects: Objects, fmt: Format, folder: str, stream: Stream) -> None:
        self.objects, self.fmt, self.folder, self.stream = objects, fmt, folder, stream
        self.parsed: dict[str, Parsed] = {}
        self.trees: dict[str, dict[str, int]] = {}
        self.listed: dict[str, Folder] = {}
        self.copied: dict[str, int] = {}

    def files(self, commit: str) -> Folder:
        """Return the records and the files beside them in the folder at a commit."""
        found = self.objects.read(
            f"{commit}:{self.folder}" if self.folder else f"{commit}^{{tree}}"
        )
        if found is None or found[0] != "tree":
            return _EMPTY
        key = hashlib.sha1(found[1]).hexdigest()
        if key not in self.listed:
            records: dict[str, str] = {}
            assets: dict[str, str] = {}
            others: list[str] = []
            for path, blob in self._walk(found[1], ""):
                name = path.rsplit("/", 1)[-1]
                if "/" not in path and name.lower().endswith(".md"):
                    if name.lower() not in self.fmt.skipped:
                        records[name] = blob
                        continue
                elif is_asset(name) and all(_SAFE_PART.match(p) for p in path.split("/")):
                    assets[path] = blob
                    continue
                others.append(path)
            self.listed[key] = Folder(records, assets, tuple(others))
        return self.listed[key]

    def _walk(self, tree: bytes, prefix: str) -> Iterator[tuple[str, str]]:
        """Yield (path, blob) of every file in a tree, subfolders included."""
        for mode, name, sha in tree_entries(tree):
            if mode == "40000":
                found = self.objects.read(sha)
                if found is not None:
                    yield from self._walk(found[1], f"{prefix}{name}/")
            elif mode in ("100644", "100755"):
                yield f"{prefix}{name}", sha

    def tree(self, commit: str) -> dict[str, int]:
        """Return openrecord's files (path -> blob mark) for the folder at a commit."""
        files = self.files(commit)
        key = repr((sorted(files.records.items()), sorted(files.assets.items())))
        if key not in self.trees:
            self.trees[key] = {**self._convert(files.records), **self._copy(files.assets)}
        return self.trees[key]

    def _copy(self, assets: dict[str, str]) -> dict[str, int]:
        """Return the images and attachments beside the records, as they were."""
        for blob in assets.values():
            if blob not in self.copied:
                found = self.objects.read(blob)
                self.copied[blob] = self.stream.blob(found[1] if found else b"")
        return {f"{FOLDER}/{path}": self.copied[blob] for path, blob in assets.items()}

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
        numbered = _numbers(files)
        found: dict[str, list[str]] = {name: [] for name in files}
        for name, version in sorted(parsed.items()):
            claims = [(name, numbered.get(old, old)) for old in version.supersedes]
            claims += [(numbered.get(new, new), name) for new in version.superseded_by]
            for new, old in claims:
                known = new in parsed and old in parsed and new != old
                if known and old not in found[new] and parsed[old].status == "superseded":
                    found[new].append(old)
        return found

    def unreplaced(self, files: dict[str, str]) -> list[str]:
        """Return the records that say they are superseded and that no accepted one replaces."""
        replaced = {
            old
            for new, olds in self.supersessions(files).items()
            if self.read(files[new]).status == "accepted"
            for old in olds
        }
        return [
            name
            for name in sorted(files)
            if self.read(files[name]).status == "superseded" and name not in replaced
        ]

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

    def findings(self, folder: Folder) -> list[Problem]:
        """Return what could not be mapped in one version of the folder, by file and line."""
        files = folder.records
        names = self.names(files)
        supersedes = self.supersessions(files)
        numbered = _numbers(files)
        inside = f"{self.folder}/" if self.folder else ""
        found = [
            Problem(f"{inside}{path}", 1, "not a record, image or attachment: not imported")
            for path in folder.others
        ]
        found += [
            Problem(
                f"{inside}{name}",
                1,
                "says it is superseded, but no accepted record of the log says it supersedes "
                "this one, so check refuses it: add 'supersedes:' to the one that replaces it",
            )
            for name in self.unreplaced(files)
        ]
        for name in sorted(files):
            path = f"{self.folder}/{name}" if self.folder else name
            if name not in names:
                new = f"{slug_of(name)}.md"
                kept = next(old for old, taken in names.items() if taken == new)
                message = f"{kept} also becomes {new}, and keeps it: this file is not imported"
                found.append(Problem(path, 1, message))
                continue
            version = self.read(files[name])
            found += [Problem(path, line, message) for line, message in version.findings]
            claimed = {numbered.get(old, old) for old in version.supersedes} | {
                n
                for n in files
                if name in {numbered.get(new, new) for new in self.read(files[n]).superseded_by}
            }
            for old in sorted(claimed - set(supersedes[name]) - {name}):
                found.append(
                    Problem(
                        path,
                        1,
                        f"says it supersedes {old}, which is not there or not 'superseded': "
                        "left in the body only",
                    )
                )
            breaks = [at for at, char in enumerate(version.body) if char == "\n"]
            links = [*LINK.finditer(version.body), *DEFINITION.finditer(version.body)]
            for link in sorted(links, key=lambda found: found.start()):
                target = link.group(2).partition("#")[0]
                if (
                    target
                    and not re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target, re.I)
                    and local_name(target) not in files
                    and posixpath.normpath(target) not in folder.assets
                ):
                    line = version.body_line + bisect.bisect(breaks, link.start())
                    found.append(
                        Problem(path, line, f"links to {target}, which is not a record of the log")
                    )
        return found


def _numbers(files: dict[str, str]) -> dict[str, str]:
    """Return '#N' for each number that begins exactly one file name, with that name."""
    by_number: dict[str, list[str]] = {}
    for name in sorted(files):
        digits = re.match(r"\d{1,6}(?=\D)", name)
        if digits:
            by_number.setdefault(f"#{int(digits.group(0))}", []).append(name)
    return {number: names[0] for number, names in by_number.items() if len(names) == 1}


def import_log(fmt: Format, source: Path, folder: str | None, into: Path) -> Report:
    """Import the decision log at folder of source into a new repository at into."""
    folder = (folder if folder is not None else fmt.folder).strip("/")
    if re.search(r"[\x00-\x1f\x7f]", folder) or ".." in folder.split("/"):
        raise ImportRefused(f"--path {folder!r}: name a folder inside the source repository")
    _refuse_unsafe(source, into)
    head = git(source, "rev-parse", "--verify", "HEAD^{commit}").strip()
    line = git(source, "rev-list", "--first-parent", "--reverse", head).split()
    objects = Objects(source)
    try:
        stream = Stream()
        converter = _Converter(objects, fmt, folder, stream)
        report = Report(source=str(source), folder=folder or ".", into=into)
        _write_history(source, objects, converter, line, report)
        if not report.commits:
            raise ImportRefused(f"{folder}: no commit of {source} has records in this folder")
        final = converter.files(head)
        report.records = len(converter.names(final.records))
        report.names = converter.names(final.records)
        report.findings = converter.findings(final)
    finally:
        objects.close()
    into.mkdir(parents=True, exist_ok=True)
    git(into, "init", "-q", "-b", "main")
    git(into, "fast-import", "--quiet", "--done", data=b"".join(stream.chunks) + b"done\n")
    report.last_commit = git(into, "rev-parse", "refs/heads/main").strip()
    report.theme = add_site(
        into,
        report.last_commit,
        report.folder,
        _commit_time(git(into, "cat-file", "commit", "main")),
    )
    git(into, "reset", "-q", "--hard")
    changes = git(into, "log", "--first-parent", "-M", "--name-status", "--format=", "--", FOLDER)
    rows = changes.splitlines()  # a revision of a record on each line, a rename as one
    report.revisions = sum(1 for row in rows if row.endswith(".md"))
    report.renames = sum(1 for row in rows if row.startswith("R"))
    report.refusals = _check(into)
    return report


def _check(into: Path) -> list[str]:
    """Return what ``openrecord check`` refuses in the new repository (nothing, ideally)."""
    try:
        check(into)
    except ContentError as error:
        return [str(problem) for problem in error.problems]
    except OpenRecordError as error:
        return [str(error)]
    return []


def _refuse_unsafe(source: Path, into: Path) -> None:
    """Refuse a source that is not a whole repository, and a target that is not empty."""
    if not (source / ".git").exists() and not (source / "HEAD").exists():
        raise ImportRefused(f"{source}: not a git repository")
    if git(source, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise ImportRefused(
            f"{source} is a shallow clone, so its history is incomplete; clone the whole "
            "history (git fetch --unshallow) and import again"
        )
    if into.exists() and any(into.iterdir()):
        raise ImportRefused(f"{into}: not empty; import writes a new repository, name a new folder")


def _write_history(
    source: Path, objects: Objects, converter: _Converter, line: list[str], report: Report
) -> None:
    """Write each first-parent commit that changed the records, with its merged branch."""
    stream = converter.stream
    imported: dict[str, int] = {}
    trees: dict[int, dict[str, int]] = {}
    previous: int | None = None  # the newest imported commit of the first-parent line
    seen = _EMPTY  # the source folder at the previous commit of the line
    nearest: dict[str, int] = {}  # a line commit not imported -> the imported one before it
    for sha in line:
        files = converter.files(sha)
        if files == seen:
            if previous is not None:
                nearest[sha] = previous
            continue
        seen = files
        commit = read_commit(objects, sha)
        tree = converter.tree(sha)
        parents: list[int] = []
        if len(commit.parents) > 1:
            if previous is None:  # the log began in a merged pull request: keep its base
                base = read_commit(objects, commit.parents[0])
                previous = stream.commit(base, [], {}, {})
                imported[base.sha], trees[previous] = previous, {}
                report.commits += 1
            merged = [*commit.parents[1:], "--not", commit.parents[0]]
            side = git(source, "rev-list", "--reverse", "--topo-order", *merged).split()
            for branch_sha in side:
                branch = read_commit(objects, branch_sha)
                known = [imported.get(p) or nearest.get(p) for p in branch.parents]
                mapped = list(dict.fromkeys(m for m in known if m is not None)) or [previous]
                branch_tree = converter.tree(branch_sha)
                mark = stream.commit(branch, mapped, branch_tree, trees[mapped[0]])
                imported[branch_sha], trees[mark] = mark, branch_tree
                report.commits += 1
            parents = [previous, *(imported[p] for p in commit.parents[1:] if p in imported)]
            report.merges += 1
            subject = commit.message.split(b"\n", 1)[0].decode(errors="replace")
            if merged_pull_request(subject) is not None:
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
