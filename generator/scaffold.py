"""Write new record files from the schema: ``openrecord new decision "Title"``.

The template is derived from the type's declaration in ``generator.schema``:
every field appears with its description as a comment; required fields and
fields with an example are filled in, the rest are commented out.
"""

from __future__ import annotations

import json
import re
import typing
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from generator.errors import OpenRecordError
from generator.schema import RESERVED_SLUGS, RecordType

_LEADING_FIELDS = ("title", "summary", "status")


def slugify(title: str) -> str:
    """Return a file name stem for a title: lowercase ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-")


def template(record_type: RecordType, title: str) -> str:
    """Return the text of a new, valid record of a type, fully commented."""
    fields = record_type.model.model_fields
    order = [*_LEADING_FIELDS, *(name for name in fields if name not in _LEADING_FIELDS)]
    lines = ["---"]
    for name in order:
        info = fields[name]
        key = info.alias or name
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        lines.append(f"# {info.description}")
        if name == "title":
            lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")
        elif "example" in extra:
            lines.append(f"{key}: {_yaml_value(extra['example'])}")
        else:
            is_list = typing.get_origin(info.annotation) is list
            lines.append(f"# {key}: {_placeholder(key, extra, is_list)}")
    lines += ["---", "", "Write what happened, why, and what it means, in plain Markdown.", ""]
    return "\n".join(lines)


def _yaml_value(value: object) -> str:
    """Return a template value as flow YAML with every string quoted."""
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _placeholder(key: str, extra: Mapping[str, object], is_list: bool) -> str:
    """Return an example value for an optional field left commented out."""
    if "references" in extra:
        return f"[{extra['references']}s/example-slug]"
    if is_list:
        return "[]"
    if key in ("date", "review_date"):
        return "2026-01-31"
    if key in ("draft", "participants_approximate"):
        return "false"
    if key == "participants":
        return "70"
    return '""'


def new_record(root: Path, record_type: RecordType, title: str) -> Path:
    """Write a new record file for a title and return its path; never overwrite."""
    slug = slugify(title)
    if not slug:
        raise OpenRecordError(
            "the title has no letters or digits to name the file after; "
            'give a title such as "Pilot areas"'
        )
    if slug in RESERVED_SLUGS:
        raise OpenRecordError(f"'{slug}' is a reserved name; choose another title")
    path = root / "content" / record_type.folder / f"{slug}.md"
    if path.exists():
        raise OpenRecordError(
            f"{path.relative_to(root)} already exists; edit it, or choose another title"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template(record_type, title), encoding="utf-8")
    return path
