"""What one step of the published branch publishes, read as GitHub's merge buttons wrote it.

GitHub merges a pull request in one of three ways, and each leaves its own trace on the
first-parent line of the published branch:

- **merge commit**: ``Merge pull request #N from OWNER/BRANCH``, a blank line, the pull
  request's title. The pull request's own commits are those reachable from the second
  parent and not from the first; they carry the notes, the authors and ``Change-Type``.
- **squash**: ``Title (#N)``, a blank line, then ``* subject`` of each commit (GitHub's
  default, "pull request title and commit details") or the pull request's description.
- **rebase**: each commit lands on the branch as it was: a revision of its own, with no
  pull request number (GitHub records none, and none is guessed).

``publish`` reads one step and returns what it publishes. The history calls it for every
step of the published branch and ``openrecord check --changes`` for the merge a pull
request would make, so what the check says about a pull request is what is published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.history.diff import looks_the_same

#: No pull request number above this is real; a longer one is not read as a number.
MAX_PULL_REQUEST = 10**9
_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from \S+")
_SQUASH_PR = re.compile(r"\s*\(#(\d+)\)$")
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$")
_CONTINUATION = re.compile(r"^[ \t]+\S")
#: The trailers openrecord reads; only these are taken out of a published note.
OWN_TRAILERS = frozenset({"change-type", "co-authored-by", "signed-off-by", "translation-of"})
#: A translation's change may name the source version it follows: ``Translation-Of: 3``.
_VERSION = re.compile(r"^[vV]?([1-9][0-9]{0,8})$")
_SECTION = re.compile(r"^\* (?=\S)")
_SEPARATOR = re.compile(r"^-{3,}$")
_PERSON = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")
_EMAIL = re.compile(r"[^\s<>()@,;:\"]+@[^\s<>()@,;:\"]+\.[^\s<>()@,;:\"]+")
_BOT_EMAILS = frozenset({"action@github.com", "noreply@github.com", "github-actions@github.com"})

#: Messages that name a file or an action but say nothing of what changed or why.
_GENERIC_NOTE = re.compile(
    r"^((update|create|add|delete|remove|rename|edit|change|fix|wip|changes|updates)"
    r"( [\w./-]+\.(md|yml|yaml))?|add files via upload|update files|initial commit|"
    r"merge branch .*|merge remote-tracking branch .*|merge [0-9a-f]{7,40} into [0-9a-f]{7,40})"
    r"\.?$",
    re.IGNORECASE,
)

MAJOR, MINOR, UNCHANGED = "major", "minor", "unchanged"


@dataclass(frozen=True)
class Person:
    """Who wrote a commit, as git recorded it (the email only tells bots from people)."""

    name: str
    email: str

    @property
    def is_bot(self) -> bool:
        """Return whether this is an automation account, such as github-actions[bot]."""
        email = self.email.lower()
        return (
            self.name.lower().endswith("[bot]")
            or "[bot]@" in email
            or email in _BOT_EMAILS
            or self.name.lower() == "github-actions"
        )


@dataclass(frozen=True)
class Authored:
    """One commit of a pull request's branch: who wrote it, what it says, what it changed."""

    sha: str
    author: Person
    message: str
    paths: frozenset[str]
    merge: bool = False  # a merge inside the branch (of main, say): never a note or an author


@dataclass(frozen=True)
class Step:
    """One commit on the first-parent line, with the pull request commits it brought in.

    branch is None for a commit with one parent (a squash, a rebased commit, a direct
    push) and the merged branch's own commits, oldest first, for a merge.
    """

    sha: str
    author: Person
    message: str
    branch: tuple[Authored, ...] | None = None


@dataclass(frozen=True)
class Published:
    """What one step publishes: pull request, who, the change note and how to read its kind."""

    pull_request: int | None
    author: str
    coauthors: tuple[str, ...]
    subject: str
    note: str
    minor: bool  # the step's own message says Change-Type: minor
    touched: frozenset[str] = frozenset()  # paths the branch's commits changed
    minor_paths: frozenset[str] = frozenset()  # of those, paths only minor commits changed
    translation_of: int | None = None  # the source version a translation follows (trailer)

    def kind(self, path: str, before: str | None, after: str | None) -> str:
        """Return the kind of this step's change to one file: major, minor or unchanged.

        A change that leaves the front matter values and the body as they were (line
        endings, trailing spaces, a re-save) is unchanged, whatever the message says.
        """
        if before is not None and after is not None and looks_the_same(before, after):
            return UNCHANGED
        if self.minor or (path in self.minor_paths):
            return MINOR
        return MAJOR


def publish(step: Step) -> Published:
    """Return the revision one first-parent step publishes, whichever button made it."""
    if step.branch is not None:
        return _merge_commit(step, step.branch)
    subject, _, rest = step.message.strip().partition("\n")
    squash = _SQUASH_PR.search(subject.strip())
    if squash:
        return _squash(step, subject.strip()[: squash.start()], rest, _number(squash.group(1)))
    body, trailers = split_trailers(step.message)
    title = body.partition("\n")[0]
    author, coauthors = _choose_author([step.author, *_coauthors(trailers)])
    return Published(
        pull_request=None,
        author=author,
        coauthors=coauthors,
        subject=public_text(title),
        note=public_text(body),
        minor=_is_minor(trailers),
        translation_of=translation_of(trailers),
    )


def _merge_commit(step: Step, branch: Sequence[Authored]) -> Published:
    """Read a merge: the number and title from its message, the rest from the branch."""
    body, trailers = split_trailers(step.message)
    subject, _, rest = body.partition("\n")
    merge = _MERGE_PR.match(subject.strip())
    title = rest.strip().partition("\n")[0].strip() if merge else None
    commits = [commit for commit in branch if not commit.merge]
    # A bot's commits (a formatter a workflow ran) say nothing a reader needs, when people wrote.
    written = [commit for commit in commits if not commit.author.is_bot] or commits
    messages = [commit.message for commit in written]
    coauthors = [
        *(commit.author for commit in commits),
        *_coauthors(trailers),
        *(p for commit in commits for p in _coauthors(split_trailers(commit.message)[1])),
    ]
    author, others = _choose_author(coauthors or [step.author])
    subject, note = compose_note(title, messages)
    touched: set[str] = set()
    major: set[str] = set()
    for commit in commits:
        touched |= commit.paths
        if not _is_minor(split_trailers(commit.message)[1]):
            major |= commit.paths
    return Published(
        pull_request=_number(merge.group(1)) if merge else None,
        author=author,
        coauthors=others,
        subject=subject or public_text(body.partition("\n")[0]),
        note=note or public_text(body.partition("\n")[0]),
        minor=_is_minor(trailers),
        touched=frozenset(touched),
        minor_paths=frozenset(touched - major),
        translation_of=translation_of(
            [*(t for commit in commits for t in split_trailers(commit.message)[1]), *trailers]
        ),
    )


def _squash(step: Step, title: str, body: str, number: int | None) -> Published:
    """Read a squash: the title, then the description or each commit's ``* subject``."""
    body, trailers = split_trailers(f"{title}\n\n{body.strip()}")
    lines = body.split("\n")[1:]
    while lines and (not lines[-1].strip() or _SEPARATOR.match(lines[-1].strip())):
        lines.pop()
    description: list[str] = []
    sections: list[list[str]] = []
    for line in lines:
        if _SECTION.match(line):
            sections.append([line[2:]])
        elif sections:
            sections[-1].append(line)
        else:
            description.append(line)
    messages = ["\n".join(description).strip(), *("\n".join(s).strip() for s in sections)]
    coauthors = _coauthors(trailers) + [
        p for message in messages for p in _coauthors(split_trailers(message)[1])
    ]
    author, others = _choose_author([step.author, *coauthors])
    subject, note = compose_note(title, [m for m in messages if m])
    every_commit_minor = bool(sections) and all(
        _is_minor(split_trailers("\n".join(s))[1]) for s in sections
    )
    return Published(
        pull_request=number,
        author=author,
        coauthors=others,
        subject=subject or public_text(title),
        note=note or public_text(title),
        minor=_is_minor(trailers) or every_commit_minor,
        translation_of=translation_of(
            [*(t for m in messages for t in split_trailers(m)[1]), *trailers]
        ),
    )


def compose_note(title: str | None, messages: Iterable[str]) -> tuple[str, str]:
    """Return the subject and note of a pull request: its title, then its commits' notes.

    A message that names only a file or an action ("Update x.md") is left out; so is a
    commit's subject when it repeats the title. Without a clear title, the first clear
    commit subject is the subject.
    """
    parts: list[str] = []
    subject = title.strip() if title and not is_generic(title) else ""
    if subject:
        parts.append(subject)
    for message in messages:
        body = split_trailers(message)[0]
        first, _, rest = body.partition("\n")
        if is_generic(first) and not rest.strip():
            continue
        if not subject:
            subject = first.strip()
        text = rest.strip() if first.strip() == subject and parts else body
        if text and text not in parts:
            parts.append(text)
    return public_text(subject), public_text("\n\n".join(parts))


def is_generic(subject: str) -> bool:
    """Return whether a message's subject says only which file changed ("Update x.md")."""
    return not subject.strip() or bool(_GENERIC_NOTE.match(subject.strip()))


def split_trailers(message: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a message into its text and its trailers, as ``git interpret-trailers`` reads them.

    Trailers are the last paragraph, when that paragraph is not the subject and every line
    of it is ``Key: value`` (or continues the line above). Only openrecord's own trailers
    (Change-Type, Co-authored-by, Signed-off-by) are taken out of the text: a paragraph such
    as ``RFC: Refactor the libs team`` stays in the note.
    """
    lines = message.strip().split("\n")
    start = len(lines)
    while start and lines[start - 1].strip():
        start -= 1
    block = lines[start:]
    if start == 0 or not block or not _TRAILER.match(block[0]):
        return "\n".join(lines).strip(), []
    trailers: list[tuple[str, str]] = []
    for line in block:
        if _CONTINUATION.match(line) and trailers:
            key, value = trailers[-1]
            trailers[-1] = (key, f"{value} {line.strip()}")
            continue
        found = _TRAILER.match(line)
        if found is None:
            return "\n".join(lines).strip(), []
        trailers.append((found.group(1), found.group(2).strip()))
    kept = [line for line in block if not _own(line)]
    text = "\n".join(lines[:start] + kept) if kept else "\n".join(lines[:start])
    return text.strip(), trailers


def _own(line: str) -> bool:
    """Return whether a trailer line is one openrecord reads (or continues one)."""
    found = _TRAILER.match(line)
    return found is not None and found.group(1).lower() in OWN_TRAILERS


def _is_minor(trailers: Iterable[tuple[str, str]]) -> bool:
    """Return whether trailers mark a change minor (``Change-Type: minor``)."""
    return any(k.lower() == "change-type" and v.lower() == "minor" for k, v in trailers)


def translation_of(trailers: Iterable[tuple[str, str]]) -> int | None:
    """Return the source version the last ``Translation-Of: <version>`` trailer names."""
    found = None
    for key, value in trailers:
        version = _VERSION.match(value.strip()) if key.lower() == "translation-of" else None
        if version:
            found = int(version.group(1))
    return found


def _coauthors(trailers: Iterable[tuple[str, str]]) -> list[Person]:
    """Return the people named by ``Co-authored-by: Name <email>`` trailers."""
    people = []
    for key, value in trailers:
        if key.lower() == "co-authored-by":
            found = _PERSON.match(value)
            people.append(Person(found["name"], found["email"]) if found else Person(value, ""))
    return people


def _choose_author(people: Sequence[Person]) -> tuple[str, tuple[str, ...]]:
    """Return the author (the first person, never a bot when a person wrote) and the others."""
    humans = [person for person in people if not person.is_bot]
    chosen = humans or list(people[:1])
    names = list(dict.fromkeys(public_name(person.name) for person in chosen))
    return (names[0] if names else "unknown"), tuple(names[1:])


def merged_pull_request(subject: str) -> int | None:
    """Return the number of the pull request a merge commit's subject names, if real."""
    merge = _MERGE_PR.match(subject.strip())
    return _number(merge.group(1)) if merge else None


def _number(digits: str) -> int | None:
    """Return a pull request number, or None when it is too large to be real."""
    if len(digits) > len(str(MAX_PULL_REQUEST)):  # int() of 5,000 digits raises
        return None
    number = int(digits)
    return number if 0 < number <= MAX_PULL_REQUEST else None


def public_name(name: str) -> str:
    """Return a name fit to publish: an email address becomes its local part."""
    shown = _EMAIL.sub(lambda found: found.group(0).split("@", 1)[0], name)
    shown = re.sub(r"\s*<[^<>]*>\s*", " ", shown).strip()
    return shown or "unknown"


def public_text(text: str) -> str:
    """Return a note fit to publish: every email address in it becomes its local part."""
    return _EMAIL.sub(lambda found: found.group(0).split("@", 1)[0], text.strip())
