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

from generator.assets import asset_url
from generator.convert import heading_ids
from generator.errors import Collector
from generator.model import Links, Page, Record, Reference, Topic
from generator.policy import read_tags
from generator.schema import TYPES_BY_NAME, reference_fields

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
) -> Links:
    """Resolve every reference among published records; raise with every problem found."""
    problems = Collector()
    body = link_bodies(records, drafts, pages, assets, problems)
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
        body=body,
    )


def link_bodies(
    records: Sequence[Record],
    drafts: Sequence[Record],
    pages: Sequence[Page],
    assets: Iterable[str],
    problems: Collector,
) -> dict[str, dict[str, str]]:
    """Return where each body's relative links lead on the site, by its file; refuse dead ones.

    A link to another record's or page's file (``other.md``, ``../intentions/x.md#why``,
    an old name its aliases keep) leads to that page, and its anchor must be one of that
    page's headings; a link to an image or attachment beside the records leads to where
    it is published. Links with a scheme, to this page's own headings, or to the site's
    own addresses (``/...``) are left as written.
    """
    files: dict[str, tuple[str, str]] = {}
    for record in records:
        files[_content_path(record.path)] = (record.url, record.body)
        for alias in record.meta.aliases:
            files.setdefault(f"{alias}.md", (record.url, record.body))
    for page in pages:
        files[_content_path(page.path)] = (page.url, page.body)
    unpublished = {_content_path(record.path) for record in drafts}
    published = {_content_path(rel) for rel in assets}
    found: dict[str, dict[str, str]] = {}
    sources: list[Record | Page] = [*records, *pages]
    for source in sources:
        here = _content_path(source.path)
        links: dict[str, str] = {}
        for tag in read_tags(source.body)[0]:
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
    files: dict[str, tuple[str, str]],
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
        if not anchor:
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
