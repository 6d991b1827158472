"""Stage 2, validate: turn front matter nodes into typed records, or say exactly what is wrong.

Every scalar is read as text first (the YAML reader resolves nothing), then
converted to the type its field declares in ``generator.schema``. A plain value
that other YAML tools would read as a boolean, number, time or null is refused
where text is expected, with the fix (quote it); nothing is coerced silently.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
import typing
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from generator import schema
from generator.errors import Collector
from generator.limits import body_limits
from generator.load import Loaded, Source
from generator.model import Page, Record, Topic
from generator.policy import find_unsafe_markup

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


def validate_content(loaded: Loaded) -> tuple[list[Record], list[Page], list[Topic]]:
    """Validate every record, page and topic; raise once with every problem found."""
    problems = Collector()
    records: list[Record] = []
    for source in loaded.records:
        record_type = schema.TYPES_BY_FOLDER[source.folder]
        if source.slug in schema.RESERVED_SLUGS:
            problems.add(
                source.path,
                1,
                f"'{source.slug}' is a reserved name under {source.folder}/; rename the file",
            )
            continue
        converted = _validate_front(source, record_type.model, record_type.label.lower(), problems)
        _check_body(source, problems)
        if converted is not None:
            meta, lines = converted
            assert isinstance(meta, schema.Record)
            records.append(
                Record(
                    id=f"{source.folder}/{source.slug}",
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
        if source.slug in schema.RESERVED_PAGE_SLUGS:
            problems.add(
                source.path,
                1,
                f"/{source.slug}/ is an address the site itself uses; rename the file "
                f"(such as {source.slug}-page.md)",
            )
            continue
        converted = _validate_front(source, schema.Page, "page", problems)
        _check_body(source, problems)
        if converted is not None:
            page_meta, _lines = converted
            assert isinstance(page_meta, schema.Page)
            pages.append(Page(source.slug, source.path, page_meta, source.body, source.body_line))
    topics = _validate_topics(loaded, problems)
    problems.raise_if_any()
    return records, pages, topics


def _validate_front(
    source: Source, model: type[BaseModel], noun: str, problems: Collector
) -> tuple[BaseModel, dict[str, int]] | None:
    """Convert one file's front matter to its model, recording every problem."""
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    ok = True
    for key_node, value_node in source.front.value:
        key = key_node.value
        line = _line(source, key_node)
        lines[key] = line
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
        return None
    try:
        return model.model_validate(values), lines
    except ValidationError as error:
        for detail in error.errors():
            key = str(detail["loc"][0])
            problems.add(source.path, lines.get(key, 1), f"{key}: {_explain(detail)}")
        return None


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
            raise _Invalid(
                line, f"{key}: '{value}' is not allowed here; use one of: {', '.join(inner)}"
            )
        return value
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


def _check_body(source: Source, problems: Collector) -> None:
    """Refuse raw HTML, unsafe links and texts past the renderer's limits, naming each line."""
    for offset, message in [*find_unsafe_markup(source.body), *body_limits(source.body)]:
        problems.add(source.path, source.body_line + offset, message)


def _validate_topics(loaded: Loaded, problems: Collector) -> list[Topic]:
    """Validate content/topics.yml: a mapping of topic id to label and description."""
    node = loaded.topics
    if node is None:
        return []
    source = Source(loaded.topics_path, "", "", node, "", 1, front_line=1)
    topics: list[Topic] = []
    for key_node, value_node in node.value:
        line = 1 + key_node.start_mark.line
        topic_id = key_node.value
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
        converted = _validate_front(inner, schema.Topic, "topic", problems)
        if converted is not None:
            meta, _lines = converted
            assert isinstance(meta, schema.Topic)
            topics.append(Topic(topic_id, meta.label, meta.description))
    return topics
