"""Stage 4, history: every record's revisions, from one pass over git.

One ``git log`` along the first-parent line of HEAD (the published branch),
with rename detection and merges diffed against their first parent, lists
every change under content/; one ``git cat-file --batch`` reads every old
version of every file. A merged pull request is therefore one revision,
however many commits it had. Nothing here calls git once per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import git

from generator.content.model import Revision
from generator.content.schema import TYPES_BY_FOLDER
from generator.errors import HistoryError
from generator.history.diff import parse_version
from generator.history.git_log import Commit, read_authored_apart, read_blobs, read_log
from generator.history.merges import Authored, Step, publish

_RECORD_PATH = re.compile(r"^(?P<folder>[a-z]+)/(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")
_TRANSLATION_PATH = re.compile(
    r"^(?P<folder>[a-z]+)/(?P<slug>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2,3}(-[a-z0-9]{2,8})*)\.md$"
)


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
    #: The revisions of each translation now in content/, by (record id, language).
    translated: dict[tuple[str, str], list[Revision]] = field(default_factory=dict)
    #: Where each commit that changed content/ stands on the published line (0 is oldest).
    order: dict[str, int] = field(default_factory=dict)

    def of(self, record_id: str) -> list[Revision]:
        """Return the revisions of one record, oldest first (empty when unknown)."""
        return self.revisions.get(record_id, [])

    def of_translation(self, record_id: str, lang: str) -> list[Revision]:
        """Return the revisions of one translation, oldest first (empty when unknown)."""
        return self.translated.get((record_id, lang), [])

    def without_drafts(self, drafts: Iterable[str]) -> History:
        """Return the history as published: nothing of a draft, nor of a deleted draft.

        A draft appears nowhere on the site, so neither its revisions, its redirects, nor
        a record whose file was deleted while it was still a draft.
        """
        hidden = frozenset(drafts)
        withdrawn = {
            record_id: revisions
            for record_id, revisions in self.withdrawn.items()
            if not _was_draft(revisions)
        }
        return replace(
            self,
            revisions={k: v for k, v in self.revisions.items() if k not in hidden},
            withdrawn=withdrawn,
            former_ids={k: v for k, v in self.former_ids.items() if v not in hidden},
        )


def _was_draft(revisions: list[Revision]) -> bool:
    """Tell whether a deleted record's last version was a draft."""
    last = next((revision for revision in reversed(revisions) if not revision.deleted), None)
    if last is None:
        return False
    return str(parse_version(last.text).front.get("draft", "")).strip().lower() == "true"


def no_history(reason: str) -> History:
    """Return an empty history, with the reason as a warning."""
    return History(False, {}, {}, {}, frozenset(), (reason,))


def read_history(
    root: Path, content_dir: str = "content", rules_from: str | None = None
) -> History:
    """Read the revisions of every record under content/ from the repository around root.

    rules_from (``extra.openrecord.rules_from``) names the commit up to which the history
    is published as it is, with no rule applied: an imported history's past maintenance.
    """
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
    prefix = content_prefix(repo, root, content_dir)
    if not repo.head.is_valid():
        return History(True, {}, {}, {}, _dirty(repo, prefix), ())
    warnings: dict[str, None] = {}
    entries = repo.git.rev_list("--first-parent", "--parents", "HEAD").split("\n")
    line = [entry.split(" ", 1)[0] for entry in entries]
    on_line_merges = {entry.split(" ", 1)[0] for entry in entries if entry.count(" ") > 1}
    # The merged branches' commits are read while git reads the line and the old versions:
    # every merge's, then those of the merges that changed content/ are kept.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(_branches, repo, line, on_line_merges)
        commits = read_log(repo, prefix, line, warnings)
        newest_first = commits[::-1]
        blobs = read_blobs(repo, (change[3] for c in newest_first for change in c.changes))
        every = reading.result()
    branches: dict[str, tuple[Authored, ...]] = {}
    for commit in commits:
        if len(commit.parents) > 1 and commit.sha in every:
            branches[commit.sha] = tuple(authored for authored, _said in every[commit.sha])
            for _authored, said in every[commit.sha]:
                warnings.update(dict.fromkeys(said))
    exempt = before_rules(repo, rules_from)
    lineages = _follow(commits, blobs, branches, prefix, exempt)
    revisions: dict[str, list[Revision]] = {}
    withdrawn: dict[str, list[Revision]] = {}
    former: dict[str, str] = {}
    translated: dict[tuple[str, str], list[Revision]] = {}
    for lineage in lineages:
        found = record_id(lineage.path)
        if found is None:
            key = translation_key(lineage.path)
            if key is not None and not lineage.deleted:
                translated[key] = lineage.revisions
            continue
        (withdrawn if lineage.deleted else revisions)[found] = lineage.revisions
        for old in lineage.paths[:-1]:
            old_id = record_id(old)
            if old_id and old_id != found:
                former[old_id] = found
    order = {commit.sha: index for index, commit in enumerate(commits)}
    dirty = _dirty(repo, prefix)
    return History(True, revisions, withdrawn, former, dirty, tuple(warnings), translated, order)


def before_rules(repo: git.Repo, rules_from: str | None) -> frozenset[str]:
    """Return the commits the rules do not apply to: rules_from and everything before it."""
    if not rules_from:
        return frozenset()
    sha = resolve_commit(
        repo,
        rules_from,
        f"mkdocs.yml: extra.openrecord.rules_from names {rules_from}, which is not a commit "
        "of this repository; give the full id of the last commit before the rules apply "
        "(`git log --first-parent` lists them)",
    )
    return frozenset(repo.git.rev_list(sha).split())


def resolve_commit(repo: git.Repo, name: str, unknown: str) -> str:
    """Return the full id of the commit a name gives, or raise HistoryError saying unknown."""
    try:
        return str(repo.git.rev_parse("--verify", "--quiet", f"{name}^{{commit}}")).strip()
    except git.GitCommandError:
        raise HistoryError(unknown) from None


def _branches(
    repo: git.Repo, line: list[str], merges: set[str]
) -> dict[str, list[tuple[Authored, tuple[str, ...]]]]:
    """Return, for each merge on the line, the commits of the branch it merged, oldest first.

    Each commit comes with the warnings about it, which are the build's only when its
    merge is kept. A branch's commits are those reachable from the merge's second parent
    and not from its first: walking the line oldest first, everything met before a merge
    is reachable from its first parent, so a branch that merged main into itself midway
    brings only its own. One ``git rev-list`` gives the graph and one ``git log`` the
    commits themselves.
    """
    if not merges:
        return {}
    graph: dict[str, list[str]] = {}
    order: dict[str, int] = {}
    for position, entry in enumerate(
        repo.git.rev_list("--parents", "--topo-order", "HEAD").split("\n")
    ):
        sha, *parents = entry.split()
        graph[sha] = parents
        order[sha] = -position
    seen: set[str] = set()
    found: dict[str, list[str]] = {}
    for sha in reversed(line):
        brought: list[str] = []
        stack = [parent for parent in graph.get(sha, [])[1:] if parent not in seen]
        while stack:
            commit = stack.pop()
            if commit in seen:
                continue
            seen.add(commit)
            brought.append(commit)
            stack += [parent for parent in graph.get(commit, []) if parent not in seen]
        seen.add(sha)
        if sha in merges:
            found[sha] = sorted(brought, key=order.__getitem__)
    shas = [commit for shas in found.values() for commit in shas]
    authored = {
        commit.sha: (commit, said)
        for commit, said in read_authored_apart(repo, ["--no-walk=unsorted", "--stdin"], shas)
    }
    return {
        merge: [authored[sha] for sha in shas if sha in authored] for merge, shas in found.items()
    }


def _follow(
    commits: list[Commit],
    blobs: dict[str, str],
    branches: dict[str, tuple[Authored, ...]],
    prefix: str,
    exempt: frozenset[str],
) -> list[Lineage]:
    """Follow every file through adds, edits, renames and deletions, oldest commit first."""
    by_path: dict[str, Lineage] = {}
    every: list[Lineage] = []
    seen: set[int] = set()
    for commit in commits:
        step = Step(
            commit.sha,
            commit.author,
            commit.message,
            branches.get(commit.sha, ()) if len(commit.parents) > 1 else None,
        )
        published = publish(step)
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
            moved_from = lineage.paths[-1] if lineage.paths and lineage.paths[-1] != path else None
            lineage.path = path
            lineage.deleted = status == "D"
            if moved_from is not None or not lineage.paths:
                lineage.paths.append(path)
            by_path[path] = lineage
            text = "" if status == "D" else blobs.get(blob, "")
            before = lineage.revisions[-1] if lineage.revisions else None
            kind = published.kind(
                path,
                None if before is None or before.deleted or moved_from else before.text,
                None if status == "D" else text,
            )
            lineage.revisions.append(
                Revision(
                    number=len(lineage.revisions) + 1,
                    commit=commit.sha,
                    date=commit.date,
                    author=published.author,
                    pull_request=published.pull_request,
                    subject=published.subject,
                    note=published.note,
                    kind=kind,
                    path=path.removeprefix(prefix),
                    text=text,
                    deleted=status == "D",
                    coauthors=published.coauthors,
                    renamed_from=record_id(moved_from.removeprefix(prefix)) if moved_from else None,
                    ruled=commit.sha not in exempt,
                    translation_of=published.translation_of,
                )
            )
    for lineage in every:
        lineage.path = lineage.path.removeprefix(prefix)
        lineage.paths = [path.removeprefix(prefix) for path in lineage.paths]
    return every


def record_id(path: str) -> str | None:
    """Return the record id of a content path, or None for pages and other files."""
    match = _RECORD_PATH.match(path)
    if not match or match.group("folder") not in TYPES_BY_FOLDER:
        return None
    return f"{match.group('folder')}/{match.group('slug')}"


def translation_key(path: str) -> tuple[str, str] | None:
    """Return the record id and language of a translation's content path, or None."""
    match = _TRANSLATION_PATH.match(path)
    if not match or match.group("folder") not in TYPES_BY_FOLDER:
        return None
    return f"{match.group('folder')}/{match.group('slug')}", match.group("lang")


def uncommitted(root: Path, content_dir: str = "content") -> frozenset[str]:
    """Return the ids of records with uncommitted changes in the repository around root."""
    repo = _repository(root)
    return frozenset() if repo is None else _dirty(repo, content_prefix(repo, root, content_dir))


def _repository(root: Path) -> git.Repo | None:
    """Return the git repository around root, or None when root is in none."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def content_prefix(repo: git.Repo, root: Path, content_dir: str) -> str:
    """Return the content folder's path in the repository, as git names it ('content/')."""
    top = Path(repo.working_tree_dir or root).resolve()
    return (root.resolve() / content_dir).relative_to(top).as_posix() + "/"


def _dirty(repo: git.Repo, prefix: str) -> frozenset[str]:
    """Return the ids of records with uncommitted changes (one git status)."""
    output = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", prefix)
    ids = set()
    for entry in _porcelain_paths(output):
        found = record_id(entry.removeprefix(prefix))
        if found:
            ids.add(found)
    return frozenset(ids)


def _porcelain_paths(output: str) -> Iterator[str]:
    """Yield the paths named by `git status --porcelain -z`."""
    tokens = iter(output.split("\0"))
    for token in tokens:
        if len(token) > 3:
            yield token[3:]
            if token[0] in "RC":
                next(tokens, None)
