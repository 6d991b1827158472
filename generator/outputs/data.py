"""Open data: every record as JSON and CSV, one file per record with its history, and the
JSON Schema of each record type, at stable addresses under /data/.

The shapes of the data files are declared here once, as pydantic models; their JSON
Schemas are generated from these models, and the record types' schemas from
``generator.content.schema``, so no schema is ever written by hand.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.content.model import Record, Revision, Site, Translation
from generator.content.schema import RECORD_TYPES, RecordType
from generator.errors import OpenRecordError, Problem
from generator.history.diff import parse_version
from generator.history.history import History
from generator.history.lag import changes_since_url, lag_of
from generator.outputs.feeds import Subject, taken_ids, withdrawn_subjects

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataUrls(_Data):
    """Where a record can be read and followed."""

    page: str = Field(description="The record's page.")
    history: str = Field(description="Its history page: every version and what changed.")
    data: str = Field(description="This record alone, with its full revision list, as JSON.")
    atom: str = Field(description="Its Atom feed.")
    rss: str = Field(description="Its RSS feed.")
    json_feed: str = Field(description="Its JSON Feed.")


class DataRevision(_Data):
    """One published version of a record."""

    number: int = Field(description="1 is the first published version.")
    date: str = Field(description="When it was published on the main branch (RFC 3339).")
    author: str = Field(description="Who made the change (name only).")
    pull_request: int | None = Field(description="The pull request that made it, if any.")
    pull_request_url: str | None = Field(description="Address of that pull request.")
    note: str = Field(description="The change note: what changed and why.")
    coauthors: list[str] = Field(description="Others who wrote the change (names only).")
    kind: Literal["major", "minor", "unchanged"] = Field(
        description="major: fed to subscribers; minor: a correction, never fed; unchanged: "
        "no visible change (line endings, a re-save), never fed."
    )
    renamed_from: str | None = Field(description="The record's id before this version moved it.")
    status: str | None = Field(description="The record's status at this version.")
    commit: str = Field(description="The git commit on the published branch.")
    url: str = Field(description="The record as it was at this version.")


class DataTranslation(_Data):
    """One translation of a record, and how far it is behind the record."""

    lang: str = Field(description="Its language (BCP 47).")
    title: str
    summary: str
    url: str = Field(description="The translation's page.")
    follows_version: int | None = Field(
        description="The version of the record the translation follows (read from git: the "
        "record's latest major version when the translation last changed, or the version "
        "its change named with a Translation-Of trailer); null when the history is not "
        "available."
    )
    record_version: int | None = Field(
        description="The record's latest major version (minor corrections never count)."
    )
    behind: bool = Field(
        description="true when the record has had a major change the translation has not "
        "taken in yet."
    )
    changes_url: str | None = Field(
        description="When behind: the page of what changed in the record since the version "
        "the translation follows."
    )


class DataRecord(_Data):
    """One published record."""

    id: str = Field(description="type/slug; stable: renames keep old ids as aliases.")
    type: str = Field(description="workshop, intention or decision.")
    title: str
    summary: str
    status: str
    date: str | None = Field(description="When it was held, adopted or decided (YYYY-MM-DD).")
    topics: list[str]
    fields: dict[str, Any] = Field(
        description="Every front matter field, valid against /data/schema/<type>.schema.json."
    )
    references: dict[str, list[str]] = Field(description="Records it names, by field.")
    referenced_by: dict[str, list[str]] = Field(description="Records naming it, by their field.")
    urls: DataUrls
    first_published: str | None = Field(description="Date of version 1 (RFC 3339).")
    last_updated: str | None = Field(description="Date of the newest version (RFC 3339).")
    versions: int = Field(description="How many versions have been published.")
    lang: str = Field(description="The language the record is written in (BCP 47).")
    translations: list[DataTranslation] = Field(
        description="Its translations into the site's other languages, with their lag."
    )


class RecordsFile(_Data):
    """/data/records.json: every published record."""

    licence: str
    licence_url: str
    records: list[DataRecord]


class RecordFile(_Data):
    """/data/records/<type>/<slug>.json: one record with its full revision list."""

    licence: str
    licence_url: str
    record: DataRecord
    revisions: list[DataRevision]


def data_record(site: Site, history: History, record: Record) -> DataRecord:
    """Return one record as open data."""
    revisions = history.of(record.id)
    references: dict[str, list[str]] = {}
    for ref in site.links.outgoing.get(record.id, ()):
        references.setdefault(ref.field, []).append(ref.target)
    referenced_by: dict[str, list[str]] = {}
    for ref in site.links.incoming.get(record.id, ()):
        referenced_by.setdefault(ref.field, []).append(ref.source)
    return DataRecord(
        id=record.id,
        type=record.type.name,
        title=record.meta.title,
        summary=record.meta.summary,
        status=record.status,
        date=record.meta.date.isoformat() if record.meta.date else None,
        topics=list(record.meta.topics),
        fields=record.meta.model_dump(mode="json", by_alias=True, exclude_defaults=True),
        references=references,
        referenced_by=referenced_by,
        urls=_urls(site, record.id),
        first_published=revisions[0].date.isoformat() if revisions else None,
        last_updated=revisions[-1].date.isoformat() if revisions else None,
        versions=len(revisions),
        lang=record.meta.lang or site.config.openrecord.lang,
        translations=[
            _data_translation(site, history, translation)
            for translation in site.translations.get(record.id, ())
        ],
    )


def _data_translation(site: Site, history: History, translation: Translation) -> DataTranslation:
    """Return one translation as open data, with the versions its lag is read from."""
    lag = lag_of(history, translation)
    followed = lag.followed.number if lag.followed else None
    latest = lag.latest.number if lag.latest else None
    changes = (
        site.config.absolute(changes_since_url(translation.record_id, followed, latest))
        if lag.behind and followed is not None and latest is not None
        else None
    )
    return DataTranslation(
        lang=translation.lang,
        title=translation.title,
        summary=translation.summary,
        url=site.config.absolute(translation.url),
        follows_version=followed,
        record_version=latest,
        behind=lag.behind,
        changes_url=changes,
    )


def _urls(site: Site, record_id: str) -> DataUrls:
    """Return where a record can be read and followed, as absolute addresses."""
    absolute = site.config.absolute
    feeds = f"feeds/records/{record_id}/"
    return DataUrls(
        page=absolute(f"{record_id}/"),
        history=absolute(f"{record_id}/history/"),
        data=absolute(f"data/records/{record_id}.json"),
        atom=absolute(feeds + "atom.xml"),
        rss=absolute(feeds + "rss.xml"),
        json_feed=absolute(feeds + "feed.json"),
    )


def _withdrawn_record(site: Site, subject: Subject, revisions: list[Revision]) -> DataRecord:
    """Return a record deleted from content/ as open data: its last version, withdrawn."""
    last = parse_version(revisions[-2].text)
    return DataRecord(
        id=subject.id,
        type=subject.type.name,
        title=subject.title,
        summary=subject.summary,
        status="withdrawn",
        date=None,
        topics=list(subject.topics),
        fields=last.front,
        references={},
        referenced_by={},
        urls=_urls(site, subject.id),
        first_published=revisions[0].date.isoformat(),
        last_updated=revisions[-1].date.isoformat(),
        versions=len(revisions),
        lang=site.config.openrecord.lang,
        translations=[],
    )


def data_revisions(site: Site, history: History, record_id: str) -> list[DataRevision]:
    """Return a record's revisions as open data, oldest first."""
    repo = site.config.repo_url
    return [
        DataRevision(
            number=revision.number,
            date=revision.date.isoformat(),
            author=revision.author,
            pull_request=revision.pull_request,
            pull_request_url=f"{repo}/pull/{revision.pull_request}"
            if repo and revision.pull_request
            else None,
            note=revision.note,
            kind=revision.kind,
            coauthors=list(revision.coauthors),
            renamed_from=revision.renamed_from,
            status=parse_version(revision.text).status,
            commit=revision.commit,
            url=site.config.absolute(f"{record_id}/v{revision.number}/"),
        )
        for revision in history.of(record_id) or history.withdrawn.get(record_id, [])
    ]


def type_schema(site: Site, record_type: RecordType) -> dict[str, Any]:
    """Return the JSON Schema of a record type's front matter, from its one declaration."""
    schema = record_type.model.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site.config.absolute(f"data/schema/{record_type.name}.schema.json"),
        **schema,
    }


def file_schema(site: Site, model: type[BaseModel], name: str) -> dict[str, Any]:
    """Return the JSON Schema of one of the data files."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site.config.absolute(f"data/schema/{name}.schema.json"),
        **model.model_json_schema(mode="serialization"),
    }


def csv_text(records: list[DataRecord]) -> str:
    """Return records as CSV: one row each, lists joined with '; ', formulas neutralised."""
    people = sorted({key for r in records for key in r.fields} - set(DataRecord.model_fields))
    header = [
        "id",
        "type",
        "title",
        "summary",
        "status",
        "date",
        "topics",
        *people,
        "references",
        "referenced_by",
        "page",
        "history",
        "first_published",
        "last_updated",
        "versions",
        "lang",
        "translations",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        row = [
            record.id,
            record.type,
            record.title,
            record.summary,
            record.status,
            record.date or "",
            "; ".join(record.topics),
            *(_cell(record.fields.get(key)) for key in people),
            _links(record.references),
            _links(record.referenced_by),
            record.urls.page,
            record.urls.history,
            record.first_published or "",
            record.last_updated or "",
            str(record.versions),
            record.lang,
            "; ".join(
                f"{t.lang} (follows version {t.follows_version}"
                + (f", behind version {t.record_version})" if t.behind else ")")
                for t in record.translations
            ),
        ]
        writer.writerow([_neutralise(cell) for cell in row])
    return out.getvalue()


def _cell(value: Any) -> str:
    """Return a front matter value as one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _links(groups: dict[str, list[str]]) -> str:
    """Return references as 'field: id; field: id'."""
    return "; ".join(f"{field}: {target}" for field, ids in groups.items() for target in ids)


def _neutralise(cell: str) -> str:
    """Stop a spreadsheet reading a cell as a formula: prefix it with an apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def dump_json(value: Any, pretty: bool = False) -> str:
    """Return JSON with sorted keys, so the same record gives the same bytes.

    Data files are compact (a program reads them, and indenting tens of thousands of
    them would take longer than writing them); schemas are indented, for people.
    """
    if pretty:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_data(site: Site, history: History, out: Path) -> list[str]:
    """Write every data file under out/data/; return their site-relative paths."""
    licence = site.config.openrecord
    records = [data_record(site, history, record) for record in site.records]
    files: dict[str, str] = {
        "data/records.json": dump_json(
            RecordsFile(
                licence=licence.licence_name, licence_url=licence.licence_url, records=records
            ).model_dump(mode="json")
        ),
        "data/records.csv": csv_text(records),
        "data/schema/records.schema.json": dump_json(
            file_schema(site, RecordsFile, "records"), pretty=True
        ),
        "data/schema/record.schema.json": dump_json(
            file_schema(site, RecordFile, "record"), pretty=True
        ),
    }
    for record_type in RECORD_TYPES:
        schema = type_schema(site, record_type)
        files[f"data/schema/{record_type.name}.schema.json"] = dump_json(schema, pretty=True)
    for record, data in zip(site.records, records, strict=True):
        document = RecordFile(
            licence=licence.licence_name,
            licence_url=licence.licence_url,
            record=data,
            revisions=data_revisions(site, history, record.id),
        )
        files[f"data/records/{record.id}.json"] = dump_json(document.model_dump(mode="json"))
    for subject, revisions in withdrawn_subjects(history, taken_ids(site)):
        document = RecordFile(
            licence=licence.licence_name,
            licence_url=licence.licence_url,
            record=_withdrawn_record(site, subject, revisions),
            revisions=data_revisions(site, history, subject.id),
        )
        files[f"data/records/{subject.id}.json"] = dump_json(document.model_dump(mode="json"))
    for path, text in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
    return sorted(files)


def write_manifest(out: Path, urls: list[str]) -> None:
    """Write /data/manifest.json: every address the build published, sorted.

    Indented, one address a line, so that `check --against` can name the line of each.
    """
    target = out / "data" / "manifest.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dump_json({"urls": sorted(set(urls))}, pretty=True), encoding="utf-8")


def vanished_urls(manifest: Path, urls: list[str]) -> list[Problem]:
    """Return a problem for each address in a published manifest that a build would drop."""
    try:
        lines = manifest.read_text(encoding="utf-8").split("\n")
        published = json.loads("\n".join(lines))["urls"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise OpenRecordError(
            f"{manifest}: not a manifest written by openrecord ({error})"
        ) from None
    now = set(urls)
    line_of = {line.strip().strip('",'): number for number, line in enumerate(lines, start=1)}
    return [
        Problem(
            str(manifest),
            line_of.get(url, 1),
            (
                f"{url} was published and this build would remove it; keep the record (set its "
                "status to withdrawn or retired), or add its old id to 'aliases:' of the record "
                "that replaces it so the address redirects"
            ),
        )
        for url in published
        if url not in now
    ]


def data_paths(site: Site, history: History) -> list[str]:
    """Return the site-relative paths of every data file a build writes."""
    names = [
        "data/records.json",
        "data/records.csv",
        "data/schema/records.schema.json",
        "data/schema/record.schema.json",
    ]
    names += [f"data/schema/{t.name}.schema.json" for t in RECORD_TYPES]
    names += [f"data/records/{record.id}.json" for record in site.records]
    names += [
        f"data/records/{subject.id}.json"
        for subject, _revisions in withdrawn_subjects(history, taken_ids(site))
    ]
    return sorted([*names, "data/manifest.json"])
