"""The domain: records, pages, topics, revisions and the site they make."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.config import SiteConfig
from generator.content import schema


@dataclass(frozen=True)
class Record:
    """One validated record: its id, type, front matter and body."""

    id: str
    type: schema.RecordType
    slug: str
    path: str
    meta: schema.Record
    body: str
    body_line: int
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Return the record's address relative to the site root, such as 'decisions/x/'."""
        return f"{self.id}/"

    @property
    def status(self) -> str:
        """Return the record's current status."""
        return str(getattr(self.meta, "status"))  # noqa: B009 - every record type declares it

    def line_of(self, key: str) -> int:
        """Return the line a front matter key is on, or the first line of the file."""
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Page:
    """One plain page from content/pages/, published at /<slug>/."""

    slug: str
    path: str
    meta: schema.Page
    body: str
    body_line: int

    @property
    def url(self) -> str:
        """Return the page's address relative to the site root."""
        return f"{self.slug}/"


@dataclass(frozen=True)
class Topic:
    """One topic from content/topics.yml."""

    id: str
    label: str
    description: str


@dataclass(frozen=True)
class Reference:
    """One link from a record to another, through a named front matter field."""

    source: str
    field: str
    target: str


@dataclass(frozen=True)
class Links:
    """References between records, both ways."""

    outgoing: Mapping[str, tuple[Reference, ...]]
    incoming: Mapping[str, tuple[Reference, ...]]
    superseded_by: Mapping[str, str]
    #: Where each body's relative links lead on the site: file path -> {href: address}.
    body: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Revision:
    """One published change of one record, read from the first-parent history."""

    number: int
    commit: str
    date: datetime.datetime
    author: str
    pull_request: int | None
    subject: str
    note: str
    kind: str  # major, minor, or unchanged (no visible change: a re-save)
    path: str
    text: str
    deleted: bool = False
    coauthors: tuple[str, ...] = ()
    renamed_from: str | None = None  # the record's id before this revision, when it moved
    ruled: bool = True  # False before extra.openrecord.rules_from: no rule applies to it

    @property
    def fed(self) -> bool:
        """Return whether subscribers are told of it: major changes only."""
        return self.kind == "major"

    @property
    def authors(self) -> str:
        """Return the author and co-authors as one line: "Ann, with Bo and Cy"."""
        if not self.coauthors:
            return self.author
        others = self.coauthors
        rest = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
        return f"{self.author}, with {rest}"


@dataclass(frozen=True)
class Site:
    """Everything a build writes from: configuration, content, links and history."""

    config: SiteConfig
    records: tuple[Record, ...]
    pages: tuple[Page, ...]
    topics: tuple[Topic, ...]
    links: Links
    build_date: datetime.date
    by_id: Mapping[str, Record] = field(default_factory=dict)
    #: Images and attachments beside records ('content/decisions/flow.svg'), see assets.py.
    assets: tuple[str, ...] = ()
