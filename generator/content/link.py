"""Stage 3, link: resolve references between records and compute backlinks.

A reference must name a published record of the type its field declares.
Supersession must agree both ways: a decision replaced by an accepted
decision says ``status: superseded``, and a superseded decision names no
phantom successor.
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from generator.content.assets import asset_url
from generator.content.load import Source, Unparsed
from generator.content.model import Links, Page, Record, Reference, Topic, Translation
from generator.content.schema import TYPES_BY_FOLDER, TYPES_BY_NAME, reference_fields
from generator.content.validate import Unchecked
from generator.errors import Collector
from generator.markdown.convert import heading_ids
from generator.markdown.policy import link_targets, read_tags

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
#: A link that starts like a web address without its https:// ('www.example.org/x').
_DOMAIN = re.compile(
    r"^(www\.|[a-z0-9-]+(\.[a-z0-9-]+)*\.(org|com|net|io|edu|gov|uk|dev)(/|#|$))", re.I
)


def link_records(
    records: list[Record],
    drafts: list[Record],
    topics: list[Topic],
    pages: Sequence[Page] = (),
    assets: Iterable[str] = (),
    problems: Collector | None = None,
    unchecked: Unchecked | None = None,
    translations: Sequence[Translation] = (),
) -> Links:
    """Resolve every reference among published records; collect every problem found.

    The references and topics of records that validation refused (``unchecked``) are
    checked too, so one run reports them with the files' other problems. Given a
    collector, add the problems to it; without one, raise them.
    """
    own = problems is None
    problems = problems if problems is not None else Collector()
    unchecked = unchecked or Unchecked()
    body = link_bodies(records, drafts, pages, assets, problems, unchecked, translations)
    by_id = {record.id: record for record in records}
    draft_ids = {record.id for record in drafts}
    topic_ids = {topic.id for topic in topics}
    known_topics = None if unchecked.topic_ids is None else topic_ids | unchecked.topic_ids
    outgoing: dict[str, list[Reference]] = defaultdict(list)
    incoming: dict[str, list[Reference]] = defaultdict(list)
    _check_ids(records + drafts, problems)
    named = [(record.path, record.id, _named(record)) for record in records]
    for path, record_id, fields in [*named, *unchecked.claims]:
        valid = record_id in by_id
        for topic, line in fields.get("topics", []):
            if known_topics is not None and topic not in known_topics:
                problems.add(path, line, _topic_problem(topic, sorted(known_topics)))
        model = TYPES_BY_FOLDER[record_id.split("/")[0]].model
        for key, target_type in reference_fields(model).items():
            for target, line in fields.get(key, []):
                problem = _reference_problem(target, target_type, by_id, draft_ids, unchecked.ids)
                if problem:
                    problems.add(path, line, f"{key}: {problem}")
                elif valid and target in by_id:
                    reference = Reference(record_id, key, target)
                    outgoing[record_id].append(reference)
                    incoming[target].append(reference)
    superseded_by = _check_supersession(records, by_id, problems)
    if own:
        problems.raise_if_any()
    return Links(
        outgoing={key: tuple(value) for key, value in outgoing.items()},
        incoming={
            key: tuple(sorted(value, key=lambda r: (r.source, r.field)))
            for key, value in incoming.items()
        },
        superseded_by=superseded_by,
        body=body,
    )


def _named(record: Record) -> dict[str, list[tuple[str, int]]]:
    """Return the topics and references a record names, each with the line of its item."""
    values = record.meta.model_dump(by_alias=True)
    keys = ("topics", *reference_fields(type(record.meta)))
    return {
        key: [
            (value, record.lines.get(f"{key}[{index}]", record.line_of(key)))
            for index, value in enumerate(values[key])
        ]
        for key in keys
    }


def _topic_problem(topic: str, known: list[str]) -> str:
    """Explain a topic that content/topics.yml does not have, suggesting the closest."""
    close = difflib.get_close_matches(topic, known, n=1)
    hint = f": did you mean '{close[0]}'?" if close else ";"
    return (
        f"topic '{topic}' is not in content/topics.yml{hint} add it there or use one of: "
        f"{', '.join(known) or '(none yet)'}"
    )


def link_bodies(
    records: Sequence[Record],
    drafts: Sequence[Record],
    pages: Sequence[Page],
    assets: Iterable[str],
    problems: Collector,
    unchecked: Unchecked | None = None,
    translations: Sequence[Translation] = (),
) -> dict[str, dict[str, str]]:
    """Return where each body's relative links lead on the site, by its file; refuse dead ones.

    A link to another record's or page's file (``other.md``, ``../intentions/x.md#why``,
    an old name its aliases keep) leads to that page, and its anchor must be one of that
    page's headings; a link to an image or attachment beside the records leads to where
    it is published. Links with a scheme, to this page's own headings, or to the site's
    own addresses (``/...``) are left as written. The bodies of refused files are checked
    too, and a link to one of them is not dead; a body past the limits is never read.
    """
    unchecked = unchecked or Unchecked()
    files: dict[str, tuple[str, str | None]] = {}
    for record in records:
        files[_content_path(record.path)] = (record.url, _readable(record, unchecked))
        for alias in record.meta.aliases:
            files.setdefault(f"{alias}.md", (record.url, _readable(record, unchecked)))
    for page in pages:
        files[_content_path(page.path)] = (page.url, _readable(page, unchecked))
    for path in unchecked.paths:
        files.setdefault(path, ("", None))
    unpublished = {_content_path(record.path) for record in drafts}
    published = {_content_path(rel) for rel in assets}
    found: dict[str, dict[str, str]] = {}
    sources: list[Record | Page | Source | Unparsed | Translation] = [
        *records,
        *pages,
        *unchecked.bodies,
        *translations,  # a translation's links lead where its record's lead
    ]
    for source in sources:
        body = _readable(source, unchecked)
        if body is None:
            continue
        targets = link_targets(body)
        if targets is not None and not any(map(_is_relative, targets)):
            continue  # nothing it links to is a file beside it: no need to read it in full
        here = _content_path(source.path)
        links: dict[str, str] = {}
        for tag in read_tags(body)[0]:
            attribute = {"a": "href", "img": "src"}.get(tag.name)
            href = dict(tag.attributes).get(attribute or "")
            if not attribute or href is None or not _is_relative(href):
                continue
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), unquote(path)))
            problem, address = _resolve(href, target, anchor, files, unpublished, published, here)
            if problem:
                problems.add(source.path, source.body_line + tag.offset, problem)
            elif address is not None:
                links[href] = address
        if links:
            found[source.path] = links
    return found


def _readable(
    source: Record | Page | Source | Unparsed | Translation, unchecked: Unchecked
) -> str | None:
    """Return a body to read for links, or None when it is past the limits (or absent)."""
    return None if source.path in unchecked.bad_bodies else source.body


def _content_path(path: str) -> str:
    """Return a file's path inside content/ ('content/decisions/x.md' -> 'decisions/x.md')."""
    return path.split("/", 1)[1]


def _is_relative(href: str) -> bool:
    """Tell whether a link leads to a file beside this one (no scheme, no '/', not '#...')."""
    path = href.partition("#")[0].partition("?")[0]
    return bool(path) and not path.startswith("/") and not _SCHEME.match(path)


def _resolve(
    href: str,
    target: str,
    anchor: str,
    files: dict[str, tuple[str, str | None]],
    unpublished: set[str],
    published: set[str],
    here: str,
) -> tuple[str | None, str | None]:
    """Return (problem, None) or (None, where a relative link leads on the site, or None)."""
    shown = href if len(href) <= 80 else href[:77] + "..."
    if target == ".." or target.startswith("../"):
        return (
            f"the link to {shown} leads outside content/, which is not published; link to "
            "its address on GitHub (https://...) instead",
            None,
        )
    if target in files:
        url, body = files[target]
        if not anchor or body is None:
            return None, url
        ids = _heading_ids(body)
        matched = next((id_ for id_ in ids if id_ == anchor.lower()), None)
        if matched is None:
            close = difflib.get_close_matches(anchor.lower(), ids, n=1)
            hint = f" (did you mean #{close[0]}?)" if close else ""
            return (
                f"the link to {shown} leads to no heading: {target} has no heading whose "
                f"address is #{anchor}{hint}; use one of its headings' addresses, as GitHub "
                "shows them when you point at a heading",
                None,
            )
        return None, f"{url}#{matched}"
    if target in unpublished:
        return (
            f"the link to {shown} leads to a draft, which is not published; publish it first "
            "or remove the link",
            None,
        )
    if target in published:
        return None, asset_url(f"content/{target}") + (f"#{anchor}" if anchor else "")
    if _DOMAIN.match(href):
        return (
            f"the link to {shown} leads nowhere: it reads as a file beside this one; if it "
            "is a web address, start it with https://",
            None,
        )
    if not posixpath.splitext(target)[1]:
        return None, None  # a folder, or an address of the site written as a path
    folder = posixpath.dirname(here)
    kind = files if target.endswith(".md") else published
    names = [posixpath.relpath(path, folder) for path in kind]
    close = difflib.get_close_matches(posixpath.relpath(target, folder), names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return (
        f"the link to {shown} leads nowhere: there is no content/{target}{hint}; "
        "correct the file name",
        None,
    )


@functools.lru_cache(maxsize=4096)
def _heading_ids(body: str) -> list[str]:
    """Return the addresses of a body's headings (shared by every link to it)."""
    return heading_ids(body)


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
    target: str,
    target_type: str,
    by_id: dict[str, Record],
    draft_ids: set[str],
    refused: frozenset[str],
) -> str | None:
    """Return what is wrong with one reference, or None.

    Refused records exist, but their own problems are reported at their files: a
    reference to one is wrong only when it is of the wrong type.
    """
    expected = TYPES_BY_NAME[target_type]
    record = by_id.get(target)
    found = record.type if record else TYPES_BY_FOLDER.get(target.split("/")[0])
    if record is None and target in draft_ids:
        return f"{target} is a draft and is not published; publish it first or remove this"
    if record is None and target not in refused:
        known = (*by_id, *draft_ids, *refused)
        prefix = f"{expected.folder}/"
        slugs = sorted(id_.removeprefix(prefix) for id_ in known if id_.startswith(prefix))
        slug = target.rpartition("/")[2]
        close = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
        hint = f": did you mean {prefix}{close[0]}?" if close else ";"
        return (
            f"{target} does not exist{hint} check the spelling against the file name "
            f"({_article(expected.label)} id looks like {expected.folder}/<file name "
            "without .md>)"
        )
    if found is not None and found.name != target_type:
        return (
            f"{target} is {_article(found.label)}, but this field takes "
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
