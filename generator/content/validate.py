"""Stage 2, validate: turn front matter nodes into typed records, or say exactly what is wrong.

Every scalar is read as text first (the YAML reader resolves nothing), then
converted to the type its field declares in ``generator.content.schema``. A plain value
that other YAML tools would read as a boolean, number, time or null is refused
where text is expected, with the fix (quote it); nothing is coerced silently.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from generator.content import schema
from generator.content.load import Loaded, Source, Unparsed
from generator.content.model import Page, Record, Topic, Translation
from generator.errors import Collector
from generator.markdown.limits import body_limits
from generator.markdown.policy import find_unsafe_markup

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"^(0|[1-9][0-9]*)$")
_YAML_READINGS = {
    "tag:yaml.org,2002:bool": "a boolean (true/false)",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value (null)",
    "tag:yaml.org,2002:timestamp": "a date or time",
}
_RESOLVER = yaml.SafeLoader("")


class _Invalid(Exception):
    """One value that cannot be converted; carries the message and its line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Unchecked:
    """What the link stage needs to know of the files that validation refused.

    Their own problems are reported already; the references and topics they name are
    still checked in the same run, and a reference to one of them is not "missing".
    """

    #: Per refused record: its path, its id, and what it names (field -> [(value, line)]).
    claims: tuple[tuple[str, str, dict[str, list[tuple[str, int]]]], ...] = ()
    #: Ids of records that exist but were refused or could not be read.
    ids: frozenset[str] = frozenset()
    #: Content paths of those records ('decisions/x.md'), for links from bodies.
    paths: frozenset[str] = frozenset()
    #: Bodies of refused files, whose links are checked too.
    bodies: tuple[Source | Unparsed, ...] = ()
    #: Topic ids that exist but were refused; None when topics.yml could not be read.
    topic_ids: frozenset[str] | None = frozenset()
    #: Files whose bodies are past the renderer's limits: never parsed again.
    bad_bodies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Validated:
    """Typed records, pages and topics, and what the link stage needs of the rest."""

    records: list[Record]
    pages: list[Page]
    topics: list[Topic]
    unchecked: Unchecked
    translations: list[Translation] = field(default_factory=list)


def validate_content(
    loaded: Loaded, problems: Collector | None = None, languages: tuple[str, ...] = ()
) -> Validated:
    """Validate every record, page and topic; collect every problem found.

    Given a collector, add the problems to it and return what is valid (and what the
    link stage needs of the rest); without one, raise them. languages are the site's other
    languages, whose folders (/gd/) no page may take.
    """
    own = problems is None
    problems = problems if problems is not None else Collector()
    records: list[Record] = []
    claims: list[tuple[str, str, dict[str, list[tuple[str, int]]]]] = []
    refused: list[Source | Unparsed] = []
    bad_bodies: set[str] = set()
    for source in loaded.records:
        record_type = schema.TYPES_BY_FOLDER[source.folder]
        if source.slug in schema.RESERVED_SLUGS:
            problems.add(
                source.path,
                1,
                f"'{source.slug}' is a reserved name under {source.folder}/; rename the file",
            )
            continue
        meta, values, lines = _validate_front(
            source, record_type.model, record_type.label.lower(), problems
        )
        if not _check_body(source, problems):
            bad_bodies.add(source.path)
        record_id = f"{source.folder}/{source.slug}"
        if meta is None:
            refused.append(source)
            named = {
                key: [
                    (value, lines.get(f"{key}[{index}]", lines[key]))
                    for index, value in enumerate(values[key])
                ]
                for key in ("topics", *schema.reference_fields(record_type.model))
                if isinstance(values.get(key), list)
            }
            claims.append((source.path, record_id, named))
            continue
        assert isinstance(meta, schema.Record)
        records.append(
            Record(
                id=record_id,
                type=record_type,
                slug=source.slug,
                path=source.path,
                meta=meta,
                body=source.body,
                body_line=source.body_line,
                lines=lines,
            )
        )
    pages: list[Page] = []
    for source in loaded.pages:
        if (
            source.slug in schema.RESERVED_PAGE_SLUGS
            or source.slug in languages
            or source.slug.startswith(schema.SHELL_PREFIX)  # each language's shells
        ):
            problems.add(
                source.path,
                1,
                f"/{source.slug}/ is an address the site itself uses; rename the file "
                f"(such as {source.slug}-page.md)",
            )
            continue
        page_meta, _values, _lines = _validate_front(source, schema.Page, "page", problems)
        if not _check_body(source, problems):
            bad_bodies.add(source.path)
        if page_meta is None:
            refused.append(source)
            continue
        assert isinstance(page_meta, schema.Page)
        pages.append(Page(source.slug, source.path, page_meta, source.body, source.body_line))
    for unparsed in loaded.unparsed:
        if unparsed.body is not None:
            refused.append(unparsed)
            if not _check_body(unparsed, problems):
                bad_bodies.add(unparsed.path)
    refused_ids = {f"{file.folder}/{file.slug}" for file in [*refused, *loaded.unparsed]}
    translations = [
        translation
        for source in loaded.translations
        if (translation := _validate_translation(source, records, refused_ids, problems))
    ]
    topics, topic_ids = _validate_topics(loaded, problems)
    if own:
        problems.raise_if_any()
    unread = [*refused, *loaded.unparsed]
    unchecked = Unchecked(
        claims=tuple(claims),
        ids=frozenset(
            f"{file.folder}/{file.slug}" for file in unread if file.folder in schema.TYPES_BY_FOLDER
        ),
        paths=frozenset(file.path.split("/", 1)[1] for file in unread),
        bodies=tuple(refused),
        topic_ids=None if loaded.topics_unread else frozenset(topic_ids),
        bad_bodies=frozenset(bad_bodies),
    )
    return Validated(records, pages, topics, unchecked, translations)


def _validate_translation(
    source: Source, records: list[Record], refused: set[str], problems: Collector
) -> Translation | None:
    """Validate a translation: its source exists, and it gives words, never facts."""
    record_id = f"{source.folder}/{source.slug}"
    record = next((record for record in records if record.id == record_id), None)
    if record is None:
        if record_id not in refused:  # a refused source has its own problems already
            problems.add(
                source.path,
                1,
                f"this is a translation of {source.folder}/{source.slug}.md, which does not "
                f"exist; a translation sits beside its record, with the same name and the "
                "language before .md",
            )
        return None
    record_type = record.type
    model = schema.translation_model(record_type.model)
    facts = {info.alias or name for name, info in record_type.model.model_fields.items()}
    words = schema.translatable_fields(record_type.model)
    kept: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in source.front.value:
        key = key_node.value
        if key in facts and key not in words:
            problems.add(
                source.path,
                _line(source, key_node),
                f"'{key}' is a fact, not words: a translation takes it from its record, "
                f"{record.path}; remove this line (a translation gives only "
                f"{', '.join(words)})",
            )
        else:
            kept.append((key_node, value_node))
    words_only = dataclasses.replace(
        source,
        front=yaml.MappingNode(source.front.tag, kept, source.front.start_mark),
    )
    meta, _values, _lines = _validate_front(words_only, model, "translation", problems)
    body_ok = _check_body(source, problems)
    if meta is None or not body_ok or len(kept) < len(source.front.value):
        return None
    assert source.lang is not None
    return Translation(record_id, source.lang, source.path, meta, source.body, source.body_line)


def _validate_front(
    source: Source, model: type[BaseModel], noun: str, problems: Collector
) -> tuple[BaseModel | None, dict[str, Any], dict[str, int]]:
    """Convert one file's front matter to its model, recording every problem.

    Returns the model (None when something is wrong), the values that could be
    converted, and the line of each key and of each list item (``serves[0]``).
    """
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    ok = True
    for key_node, value_node in source.front.value:
        key = key_node.value
        line = _line(source, key_node)
        lines[key] = line
        if isinstance(value_node, yaml.SequenceNode):
            for index, item in enumerate(value_node.value):
                lines[f"{key}[{index}]"] = _line(source, item)
        info = fields.get(key)
        if info is None:
            problems.add(source.path, line, _unknown_key_message(key, noun, list(fields)))
            ok = False
            continue
        try:
            values[key] = _convert(source, key, value_node, info.annotation)
        except _Invalid as invalid:
            problems.add(source.path, invalid.line, invalid.message)
            ok = False
    for name, info in fields.items():
        if info.is_required() and name not in lines:
            example = (info.json_schema_extra or {}).get("example", "...")  # type: ignore[union-attr]
            problems.add(
                source.path,
                _line(source, source.front) - 1,
                f"{name} is required for a {noun}: add a line "
                f"'{name}: {example}' to the front matter",
            )
            ok = False
    if not ok:
        return None, values, lines
    try:
        return model.model_validate(values), values, lines
    except ValidationError as error:
        for detail in error.errors():
            key = str(detail["loc"][0])
            where = lines.get(key, 1)
            if len(detail["loc"]) > 1 and isinstance(detail["loc"][1], int):
                where = lines.get(f"{key}[{detail['loc'][1]}]", where)
            problems.add(source.path, where, f"{key}: {_explain(detail)}")
            values.pop(key, None)  # what is wrong with it is said; nothing more is read
        return None, values, lines


def _line(source: Source, node: yaml.Node) -> int:
    """Return the file line of a front matter node."""
    return source.front_line + node.start_mark.line


def _unknown_key_message(key: str, noun: str, known: list[str]) -> str:
    """Explain an unknown front matter key, suggesting the closest known one."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown field '{key}': {hint}a {noun} has the fields {', '.join(known)}"


def _explain(detail: Any) -> str:
    """Return a plain explanation of one pydantic error."""
    kind = detail["type"]
    if kind == "string_pattern_mismatch" and detail["loc"][0] == "lang":
        return f"'{detail['input']}' is not a language tag; use a BCP 47 tag such as en or gd"
    if kind == "string_pattern_mismatch":
        return (
            f"'{detail['input']}' is not a valid id; use lowercase letters, digits and "
            "hyphens (a reference is type/slug, such as decisions/pilot-areas)"
        )
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return "is too long; keep it under 2,000 characters and move detail into the body"
    return str(detail["msg"])


def _convert(source: Source, key: str, node: yaml.Node, annotation: Any) -> Any:
    """Convert one YAML node to the Python value its field's annotation declares."""
    kind, inner = _kind(annotation)
    line = _line(source, node)
    if kind == "list":
        if not isinstance(node, yaml.SequenceNode):
            raise _Invalid(
                line,
                f"{key} must be a list: write each item on its own line "
                f"starting with '- ', or as [first, second]",
            )
        return [_convert(source, f"{key} item", item, inner) for item in node.value]
    if not isinstance(node, yaml.ScalarNode):
        raise _Invalid(line, f"{key} must be a single value, not a list or mapping")
    value, plain = node.value, not node.style  # libyaml gives "" for plain
    if plain and value.strip() in ("", "~", "null", "Null", "NULL"):
        raise _Invalid(line, f"{key} has no value: fill it in or remove the line")
    if kind == "bool":
        if plain and value in ("true", "false"):
            return value == "true"
        raise _Invalid(line, f"{key} must be true or false (without quotes), not '{value}'")
    if kind == "int":
        if plain and _WHOLE_NUMBER.match(value):
            return int(value)
        raise _Invalid(
            line, f"{key} must be a whole number such as 70 (without quotes), not '{value}'"
        )
    if kind == "date":
        return _convert_date(key, value, line)
    if kind == "choice":
        if value not in inner:
            close = difflib.get_close_matches(value.lower(), inner, n=1)
            hint = f": did you mean '{close[0]}'?" if close else ";"
            raise _Invalid(
                line, f"{key}: '{value}' is not allowed here{hint} use one of: {', '.join(inner)}"
            )
        return value
    if schema.PLACEHOLDER in value:
        raise _Invalid(line, _placeholder_message(key, value))
    if plain:
        tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        reading = _YAML_READINGS.get(tag)
        if reading is not None:
            raise _Invalid(
                line,
                f"{key}: {value} would be read by YAML tools as {reading}, not "
                f'text; if you mean the text, put it in quotes: "{value}"',
            )
    return value


def _placeholder_message(key: str, value: str) -> str:
    """Explain a value a template left in place."""
    shown = value if len(value) <= 80 else value[:77] + "..."
    return (
        f"{key}: replace the placeholder '{shown}' with what is true of this record, in your "
        "own words (a field that is not required can be deleted instead)"
    )


def _convert_date(key: str, value: str, line: int) -> datetime.date:
    """Convert YYYY-MM-DD text to a date, refusing impossible dates and times."""
    if not _ISO_DATE.match(value):
        raise _Invalid(
            line, f"{key} must be a date written YYYY-MM-DD (such as 2014-03-03), not '{value}'"
        )
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _Invalid(
            line, f"{key}: {value} is not a real date; check the day and month (YYYY-MM-DD)"
        ) from None


def _kind(annotation: Any) -> tuple[str, Any]:
    """Return the kind of value an annotation wants, and its item type or choices."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _kind(options[0])
    if origin is list:
        return "list", typing.get_args(annotation)[0]
    if origin is Literal:
        return "choice", typing.get_args(annotation)
    if annotation is bool:
        return "bool", None
    if annotation is int:
        return "int", None
    if annotation is datetime.date:
        return "date", None
    return "text", None


def check_body(source: Source) -> None:
    """Refuse raw HTML and unsafe links in one file's body; raise ContentError naming them."""
    problems = Collector()
    _check_body(source, problems)
    problems.raise_if_any()


def _check_body(source: Source | Unparsed, problems: Collector) -> bool:
    """Refuse raw HTML, unsafe links and texts past the renderer's limits, naming each line.

    Returns whether the body is within the limits (so that it can be read again safely).
    """
    body = source.body or ""
    limits = list(body_limits(body))
    for offset, message in [*find_unsafe_markup(body), *limits, *_placeholders(body)]:
        problems.add(source.path, source.body_line + offset, message)
    return not limits


def _placeholders(body: str) -> list[tuple[int, str]]:
    """Return (line offset, message) for each line of a body a template left in place."""
    if schema.PLACEHOLDER not in body:
        return []
    return [
        (offset, "replace the placeholder line with the text of the record, in your own words")
        for offset, line in enumerate(body.split("\n"))
        if schema.PLACEHOLDER in line
    ]


def _validate_topics(loaded: Loaded, problems: Collector) -> tuple[list[Topic], list[str]]:
    """Validate content/topics.yml: a mapping of topic id to label and description.

    Returns the valid topics and the ids of every topic the file names, valid or not.
    """
    node = loaded.topics
    if node is None:
        return [], []
    source = Source(loaded.topics_path, "", "", node, "", 1, front_line=1)
    topics: list[Topic] = []
    ids: list[str] = []
    for key_node, value_node in node.value:
        line = 1 + key_node.start_mark.line
        topic_id = key_node.value
        ids.append(topic_id)
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", topic_id):
            problems.add(
                source.path,
                line,
                f"topic id '{topic_id}' must be lowercase letters, digits and hyphens",
            )
            continue
        if not isinstance(value_node, yaml.MappingNode):
            problems.add(
                source.path,
                line,
                f"topic '{topic_id}' needs 'label:' and 'description:' lines indented under it",
            )
            continue
        inner = Source(source.path, "", "", value_node, "", 1, front_line=1)
        meta, _values, _lines = _validate_front(inner, schema.Topic, "topic", problems)
        if meta is not None:
            assert isinstance(meta, schema.Topic)
            topics.append(Topic(topic_id, meta.label, meta.description))
    return topics, ids
