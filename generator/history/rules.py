"""Rules the history of the record must keep.

An accepted decision is not rewritten, and an address, once published, stays with its
record. The history applies them to every published revision (``openrecord check
--strict`` fails on a break) and ``openrecord check --changes`` to the revisions a pull
request would publish, with the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.content.model import Revision, Site
from generator.errors import Problem
from generator.history.diff import body_changed, parse_version
from generator.history.history import History
from generator.history.merges import MAJOR

#: Statuses a change may set while rewriting an accepted decision's text.
RELEASING_STATUSES = frozenset({"superseded", "withdrawn"})


def rewrites(revisions: Sequence[Revision]) -> list[int]:
    """Return the index of each revision that rewrites the text of an accepted decision.

    A rewrite is a major change to the body after some version said ``status: accepted``,
    unless it releases the decision (superseded, withdrawn). Minor changes, changes with
    no visible effect and changes before ``rules_from`` are never rewrites.
    """
    found = []
    accepted = False
    previous = None
    for index, revision in enumerate(revisions):
        if revision.deleted:
            continue
        version = parse_version(revision.text)
        if (
            accepted
            and revision.ruled
            and revision.kind == MAJOR
            and previous is not None
            and body_changed(previous, version)
            and version.status not in RELEASING_STATUSES
        ):
            found.append(index)
        accepted = accepted or version.status == "accepted"
        previous = version
    return found


def accepted_decision_rewrites(site: Site, history: History) -> list[Problem]:
    """Return a problem for each major change to an accepted decision's text."""
    problems = []
    for record in site.records:
        if record.type.name != "decision":
            continue
        revisions = history.of(record.id)
        for index in rewrites(revisions):
            revision = revisions[index]
            pull = f", pull request #{revision.pull_request}" if revision.pull_request else ""
            message = (
                f"version {revision.number} (commit {revision.commit[:7]}{pull}) changed "
                "the text of this decision after it was accepted; an accepted decision is "
                f"not rewritten: write a new decision with 'supersedes: [{record.id}]' and "
                "set this one to 'status: superseded', or, for a correction that does not "
                "change its meaning, end the commit message with the line "
                "'Change-Type: minor'"
            )
            problems.append(Problem(record.path, record.body_line, message))
    return problems


@dataclass(frozen=True)
class Claim:
    """An address a record took: its id or an alias, at one revision (or in the working tree)."""

    address: str
    owner: str  # the record's id now (its lineage, which renames do not change)
    commit: str | None  # None: the content as it is now
    path: str


def claims(history: History) -> list[Claim]:
    """Return every address every record ever held, oldest claim first."""
    found = []
    lineages = [*history.revisions.items(), *history.withdrawn.items()]
    for owner, revisions in lineages:
        first: set[str] = set()  # a record's first claim of an address is the one that counts
        for order, revision in enumerate(revisions):
            if revision.deleted:
                continue
            held = [revision.path.removesuffix(".md")]
            if "aliases" in revision.text:
                aliases = parse_version(revision.text).front.get("aliases")
                held += (
                    [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
                )
            for address in held:
                if address not in first:
                    first.add(address)
                    claim = Claim(address, owner, revision.commit, revision.path)
                    found.append((revision.date, order, owner, claim))
    found.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in found]


def address_takeovers(
    site: Site, history: History, since: Iterable[str] | None = None
) -> list[Problem]:
    """Return a problem for each published address a record takes from another, or drops.

    Every id and alias ever published stays bound to the record that first held it, even
    when that record was withdrawn or renamed. since, when given, names the commits a pull
    request adds: only what they (or the content as it is now) do is judged.
    """
    new = None if since is None else set(since)
    owners: dict[str, Claim] = {}
    problems = []
    ruled = {r.commit for revs in history.revisions.values() for r in revs if r.ruled}
    ruled |= {r.commit for revs in history.withdrawn.values() for r in revs if r.ruled}
    current = [
        Claim(address, record.id, None, record.path)
        for record in site.records
        for address in (record.id, *record.meta.aliases)
    ]
    past = claims(history)
    held = {(claim.address, claim.owner) for claim in past}
    for claim in [*past, *(c for c in current if (c.address, c.owner) not in held)]:
        first = owners.setdefault(claim.address, claim)
        if first.owner == claim.owner:
            continue
        if claim.commit is None:
            problems.append(Problem(claim.path, 1, _taken(claim.address, first.owner)))
        elif claim.commit in ruled and (new is None or claim.commit in new):
            problems.append(
                Problem(
                    f"content/{claim.path}",
                    1,
                    f"in commit {claim.commit[:7]}, {_taken(claim.address, first.owner)}",
                )
            )
    held_by: dict[str, list[str]] = {}
    for address, claim in owners.items():
        held_by.setdefault(claim.owner, []).append(address)
    for record in site.records:
        kept = {record.id, *record.meta.aliases}
        for address in held_by.get(record.id, []):
            redirected = history.former_ids.get(address) == record.id
            if address not in kept and not redirected:
                problems.append(Problem(record.path, 1, _dropped(address, record.id)))
    return sorted(set(problems))


def _taken(address: str, owner: str) -> str:
    """Explain that an address belongs to another record for good."""
    return (
        f"{address} was published as the address of {owner}, and a published address stays "
        "with its record (its history, versions and feeds are there); choose another name "
        "for this record, or remove the alias"
    )


def _dropped(address: str, record_id: str) -> str:
    """Explain that a record cannot give up an address it published."""
    return (
        f"{address} was published as an address of this record, so it must keep "
        f"redirecting here: add it back to 'aliases:' (aliases: [{address}]) in "
        f"the file of {record_id}"
    )
