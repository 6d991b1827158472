"""The record types, each declared once.

Validation, the JSON Schema of the open data, the templates written by
``openrecord new`` and the field table in the docs all come from these
classes. A field's ``description`` says what it means; ``json_schema_extra``
carries ``example`` (for templates) and ``references`` (the record type a
reference field must point at).
"""

from __future__ import annotations

import datetime
import functools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]

#: Ends every placeholder a template holds ("One sentence saying what this decision is
#: (replace this)"): ``check`` refuses a text that still holds one, so that a template
#: saved unchanged is never published.
PLACEHOLDER = "(replace this)"
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]
RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9][a-z0-9-]*$", max_length=150)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


def _field(
    description: str,
    example: Any = None,
    references: str | None = None,
    translatable: bool = False,
    **kw: Any,
) -> Any:
    """Declare one front matter field with its meaning, template example and reference target.

    A translatable field is words, which a translation gives in its own language; every
    other field of a record is a fact, which a translation takes from its source record.
    """
    extra: dict[str, Any] = {}
    if example is not None:
        extra["example"] = example
    if references is not None:
        extra["references"] = references
    if translatable:
        extra["translatable"] = True
    return Field(description=description, json_schema_extra=extra or None, **kw)


class Record(BaseModel):
    """Front matter every record has."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    title: Text = _field(
        "The record's title, as people would say it.", "Title of the record", translatable=True
    )
    summary: Text = _field(
        "One sentence saying what this record is; shown in lists, feeds and search results.",
        "One sentence saying what this is.",
        translatable=True,
    )
    date: datetime.date | None = _field(
        "When it was held, adopted or decided (YYYY-MM-DD). Leave it out when the date is not "
        "known: the page then says 'date not recorded'.",
        None,
        default=None,
    )
    topics: list[Slug] = _field(
        "Topic ids from content/topics.yml, such as [sharing-power].", default_factory=list
    )
    draft: bool = _field(
        "true keeps the record off the site and out of every feed.",
        default=False,
        translatable=True,  # a translation may be a draft of its own
    )
    lang: LanguageTag | None = _field(
        "Language of the record (BCP 47, such as en or gd); the site's language when absent.",
        default=None,
    )
    aliases: list[RecordId] = _field(
        "Old ids of this record (type/slug) after a rename, so old addresses redirect here.",
        default_factory=list,
    )


class Workshop(Record):
    """A workshop: what was heard when people met."""

    status: Literal["planned", "held", "reported"] = _field(
        "planned, held, or reported (a report of what was heard is published).", "held"
    )
    organisers: list[Text] = _field(
        "Organisations that ran the workshop.", None, default_factory=list
    )
    participants: int | None = _field(
        "How many people took part.", None, default=None, ge=0, le=10_000_000
    )
    participants_approximate: bool = _field(
        "true when the number of participants is approximate ('about 70').", default=False
    )
    location: Text | None = _field("Where it was held.", None, default=None)
    format: Text | None = _field(
        "How it was run, such as 'facilitated conversation'.", None, default=None
    )
    facilitators: list[Text] = _field("People who facilitated it.", None, default_factory=list)
    themes: list[Text] = _field(
        "What was heard: one short line per theme.", None, default_factory=list
    )
    produced: list[RecordId] = _field(
        "Intentions that came out of the workshop (intentions/<slug>).",
        None,
        references="intention",
        default_factory=list,
    )


class Intention(Record):
    """An intention: a direction of travel people agreed to pursue."""

    status: Literal["proposed", "adopted", "in-progress", "achieved", "retired"] = _field(
        "proposed, adopted, in-progress, achieved or retired.", "proposed"
    )
    from_: list[RecordId] = _field(
        "Workshops this intention came from (workshops/<slug>).",
        None,
        references="workshop",
        default_factory=list,
        alias="from",
    )
    owner: Text | None = _field("Who is responsible for pursuing it.", None, default=None)
    review_date: datetime.date | None = _field(
        "When progress will next be reviewed (YYYY-MM-DD).", None, default=None
    )
    progress: Literal["not-started", "limited", "substantial", "complete"] | None = _field(
        "How far it has got, on the Open Government Partnership's completion scale: "
        "not-started, limited, substantial or complete.",
        None,
        default=None,
    )


class Decision(Record):
    """A decision: what was decided, by whom, for which intentions, on what evidence."""

    status: Literal["proposed", "accepted", "rejected", "superseded", "withdrawn"] = _field(
        "proposed, accepted, rejected, superseded (another decision replaced it) or withdrawn.",
        "proposed",
    )
    decided_by: list[Text] = _field(
        "Who took (or will take) the decision.", None, default_factory=list
    )
    consulted: list[Text] = _field("Who was consulted before deciding.", None, default_factory=list)
    informed: list[Text] = _field("Who was told of the decision.", None, default_factory=list)
    serves: list[RecordId] = _field(
        "Intentions this decision serves (intentions/<slug>).",
        None,
        references="intention",
        default_factory=list,
    )
    evidence: list[RecordId] = _field(
        "Workshops whose findings this decision draws on (workshops/<slug>).",
        None,
        references="workshop",
        default_factory=list,
    )
    supersedes: list[RecordId] = _field(
        "Decisions this one replaces (decisions/<slug>); they must say status: superseded.",
        None,
        references="decision",
        default_factory=list,
    )
    review_date: datetime.date | None = _field(
        "When the decision will be reviewed (YYYY-MM-DD).", None, default=None
    )


def translatable_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Return the front matter keys a translation gives itself: its words, not facts."""
    return tuple(
        info.alias or name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("translatable")
    )


@functools.cache
def translation_model(model: type[Record]) -> type[BaseModel]:
    """Return the front matter model of a translation: the record's translatable fields."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if (info.alias or name) in translatable_fields(model)
    }
    return create_model(
        f"{model.__name__}Translation",
        __config__=ConfigDict(extra="forbid", frozen=True, strict=True),
        __doc__=f"Front matter of a translation of a {model.__name__.lower()}.",
        **fields,
    )


class RecordType(BaseModel):
    """One kind of record: its name, the folder it lives in and its schema."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    folder: str
    label: str
    plural_label: str
    model: type[Record]

    @property
    def statuses(self) -> tuple[str, ...]:
        """Return the statuses this type allows, in their natural order."""
        annotation = self.model.model_fields["status"].annotation
        return tuple(getattr(annotation, "__args__", ()))


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        name="workshop",
        folder="workshops",
        label="Workshop",
        plural_label="Workshops",
        model=Workshop,
    ),
    RecordType(
        name="intention",
        folder="intentions",
        label="Intention",
        plural_label="Intentions",
        model=Intention,
    ),
    RecordType(
        name="decision",
        folder="decisions",
        label="Decision",
        plural_label="Decisions",
        model=Decision,
    ),
)
TYPES_BY_FOLDER = {record_type.folder: record_type for record_type in RECORD_TYPES}
TYPES_BY_NAME = {record_type.name: record_type for record_type in RECORD_TYPES}

#: Slugs a record may not take, because the site uses them under each type's folder.
RESERVED_SLUGS = frozenset({"index", "page", "status", "history", "feeds", "data"})
#: Names a plain page cannot take: the site's own top-level addresses (/feeds/, /map/, the
#: engine's /assets/ and /search/, the shells pages are poured into, ...).
RESERVED_PAGE_SLUGS = frozenset(
    {
        *RESERVED_SLUGS,
        *(record_type.folder for record_type in RECORD_TYPES),
        "404",
        "assets",
        "changes",
        "map",
        "openrecord-shell",
        "openrecord-shell-toc",
        "pagefind",
        "records",
        "search",
        "sitemap",
        "topics",
    }
)


#: The start of the folders the pages of each language are poured from (see shells.py).
SHELL_PREFIX = "openrecord-shell"


def reference_fields(model: type[Record]) -> dict[str, str]:
    """Return the reference fields of a model, by front matter key, with their target type."""
    found = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "references" in extra:
            found[info.alias or name] = str(extra["references"])
    return found


class Page(BaseModel):
    """Front matter of a plain page in content/pages/ (about, how to contribute, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    title: Text = _field("The page's title.", "Title of the page")
    summary: Text | None = _field("One sentence saying what the page is for.", None, default=None)
    lang: LanguageTag | None = _field("Language of the page (BCP 47).", default=None)
    draft: bool = _field("true keeps the page off the site.", default=False)


class Topic(BaseModel):
    """One topic in content/topics.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    label: Text = _field("The topic's name as shown to readers.", "Collaborative government")
    description: Text = _field(
        "One or two sentences saying what the topic covers.", "What it covers."
    )
