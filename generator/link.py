"""Stage 3, link: resolve references between records and compute backlinks.

A reference must name a published record of the type its field declares.
Supersession must agree both ways: a decision replaced by an accepted
decision says ``status: superseded``, and a superseded decision names no
phantom successor.
"""

from __future__ import annotations

from collections import defaultdict

from generator.errors import Collector
from generator.model import Links, Record, Reference, Topic
from generator.schema import TYPES_BY_NAME, reference_fields


def link_records(records: list[Record], drafts: list[Record], topics: list[Topic]) -> Links:
    """Resolve every reference among published records; raise with every problem found."""
    problems = Collector()
    by_id = {record.id: record for record in records}
    draft_ids = {record.id for record in drafts}
    topic_ids = {topic.id for topic in topics}
    outgoing: dict[str, list[Reference]] = defaultdict(list)
    incoming: dict[str, list[Reference]] = defaultdict(list)
    _check_ids(records + drafts, problems)
    for record in records:
        for topic in record.meta.topics:
            if topic not in topic_ids:
                problems.add(
                    record.path,
                    record.line_of("topics"),
                    f"topic '{topic}' is not in "
                    "content/topics.yml; add it there or use one of: "
                    f"{', '.join(sorted(topic_ids)) or '(none yet)'}",
                )
        for key, target_type in reference_fields(type(record.meta)).items():
            targets = record.meta.model_dump(by_alias=True)[key]
            for target in targets:
                problem = _reference_problem(target, target_type, by_id, draft_ids)
                if problem:
                    problems.add(record.path, record.line_of(key), f"{key}: {problem}")
                    continue
                reference = Reference(record.id, key, target)
                outgoing[record.id].append(reference)
                incoming[target].append(reference)
    superseded_by = _check_supersession(records, by_id, problems)
    problems.raise_if_any()
    return Links(
        outgoing={key: tuple(value) for key, value in outgoing.items()},
        incoming={
            key: tuple(sorted(value, key=lambda r: (r.source, r.field)))
            for key, value in incoming.items()
        },
        superseded_by=superseded_by,
    )


def _check_ids(records: list[Record], problems: Collector) -> None:
    """Refuse an alias that names another record or is claimed twice."""
    claimed = {record.id: record.path for record in records}
    for record in records:
        for alias in record.meta.aliases:
            if alias in claimed and claimed[alias] != record.path:
                problems.add(
                    record.path,
                    record.line_of("aliases"),
                    f"aliases: '{alias}' is "
                    f"already the id of {claimed[alias]}; two records cannot share an "
                    "address",
                )
            else:
                claimed[alias] = record.path


def _reference_problem(
    target: str, target_type: str, by_id: dict[str, Record], draft_ids: set[str]
) -> str | None:
    """Return what is wrong with one reference, or None."""
    expected = TYPES_BY_NAME[target_type]
    record = by_id.get(target)
    if record is None:
        if target in draft_ids:
            return f"{target} is a draft and is not published; publish it first or remove this"
        return (
            f"{target} does not exist; check the spelling against the file name "
            f"({_article(expected.label)} id looks like {expected.folder}/<file name "
            "without .md>)"
        )
    if record.type.name != target_type:
        return (
            f"{target} is {_article(record.type.label)}, but this field takes "
            f"{expected.plural_label.lower()} ({expected.folder}/...)"
        )
    return None


def _check_supersession(
    records: list[Record], by_id: dict[str, Record], problems: Collector
) -> dict[str, str]:
    """Return which decision replaced which, checking statuses agree."""
    superseded_by: dict[str, str] = {}
    for record in records:
        for target in getattr(record.meta, "supersedes", []):
            old = by_id.get(target)
            if old is None or old.type.name != "decision":
                continue
            if target == record.id:
                problems.add(
                    record.path,
                    record.line_of("supersedes"),
                    "supersedes: a decision cannot supersede itself",
                )
                continue
            if target in superseded_by:
                problems.add(
                    record.path,
                    record.line_of("supersedes"),
                    f"supersedes: {target} is already superseded by {superseded_by[target]}",
                )
                continue
            if record.status == "accepted":
                superseded_by[target] = record.id
                if old.status != "superseded":
                    problems.add(
                        old.path,
                        old.line_of("status"),
                        f"status: {record.id} is "
                        f"accepted and supersedes this decision, so set status: "
                        f"superseded (it is '{old.status}')",
                    )
    for record in records:
        if (
            record.type.name == "decision"
            and record.status == "superseded"
            and record.id not in superseded_by
        ):
            problems.add(
                record.path,
                record.line_of("status"),
                "status: superseded, but no "
                "accepted decision supersedes it; add 'supersedes: "
                f"[{record.id}]' to the decision that replaces it",
            )
    return superseded_by


def _article(noun: str) -> str:
    """Return a noun with its indefinite article: an intention, a decision."""
    noun = noun.lower()
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
