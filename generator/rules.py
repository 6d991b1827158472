"""Rules the history of the record must keep: an accepted decision is not rewritten."""

from __future__ import annotations

from generator.diff import body_changed, parse_version
from generator.errors import Problem
from generator.history import History
from generator.model import Site

#: Statuses a change may set while rewriting an accepted decision's text.
RELEASING_STATUSES = frozenset({"superseded", "withdrawn"})


def accepted_decision_rewrites(site: Site, history: History) -> list[Problem]:
    """Return a problem for each major change to an accepted decision's text."""
    problems = []
    for record in site.records:
        if record.type.name != "decision":
            continue
        revisions = history.of(record.id)
        versions = [parse_version(revision.text) for revision in revisions]
        accepted = False
        for index, (revision, version) in enumerate(zip(revisions, versions, strict=True)):
            previous = versions[index - 1] if index else None
            rewritten = previous is not None and body_changed(previous, version)
            if (
                accepted
                and rewritten
                and not revision.minor
                and version.status not in RELEASING_STATUSES
            ):
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
            accepted = accepted or version.status == "accepted"
    return problems
