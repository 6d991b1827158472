"""The domain: records, pages, topics, revisions and the site they make."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

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
class Translation:
    """A record's text in another language: its own title, summary and body, no facts.

    Its facts (status, dates, references, topics, people) are its record's.
    """

    record_id: str
    lang: str
    path: str
    meta: BaseModel  # schema.translation_model(the record's model): title, summary, draft
    body: str
    body_line: int

    @property
    def url(self) -> str:
        """Return the translation's address, such as 'gd/decisions/x/'."""
        return f"{self.lang}/{self.record_id}/"

    @property
    def title(self) -> str:
        """Return the translated title."""
        return str(getattr(self.meta, "title"))  # noqa: B009 - every translation has one

    @property
    def summary(self) -> str:
        """Return the translated summary."""
        return str(getattr(self.meta, "summary"))  # noqa: B009 - every translation has one


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
    #: The source's version a translation's change says it follows (trailer Translation-Of).
    translation_of: int | None = None

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
    #: Each record's published translations, by record id, in the order of the languages.
    translations: Mapping[str, tuple[Translation, ...]] = field(default_factory=dict)

    def translation(self, record_id: str, lang: str) -> Translation | None:
        """Return a record's translation into a language, if it has one."""
        found = (t for t in self.translations.get(record_id, ()) if t.lang == lang)
        return next(found, None)
