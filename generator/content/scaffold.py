"""Write new record files from the schema: ``openrecord new decision "Title"``.

The template is derived from the type's declaration in ``generator.content.schema``:
every field appears with its description as a comment; the title, summary and
status are filled in (the first two with placeholders ``check`` refuses), the
rest are commented out. The site's "Propose a new ..." links use the same template.
"""

from __future__ import annotations

import json
import re
import typing
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from generator.content.schema import PLACEHOLDER, RESERVED_SLUGS, RecordType
from generator.errors import OpenRecordError

_LEADING_FIELDS = ("title", "summary", "status")


def slugify(title: str) -> str:
    """Return a file name stem for a title: lowercase ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-")


def template(record_type: RecordType, title: str | None = None) -> str:
    """Return the text of a new record of a type, every field explained in a comment.

    The title (a placeholder without one), the summary and the text are placeholders that
    ``check`` refuses until they are replaced; the status starts as the type's first step;
    every other field, and every field that names people or bodies, is commented out, so
    that a template never publishes an invented fact.
    """
    noun = record_type.label.lower()
    fields = record_type.model.model_fields
    order = [*_LEADING_FIELDS, *(name for name in fields if name not in _LEADING_FIELDS)]
    lines = ["---"]
    for name in order:
        info = fields[name]
        key = info.alias or name
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        lines.append(f"# {info.description}")
        if name == "title":
            shown = title if title is not None else f"Title of the new {noun} {PLACEHOLDER}"
            lines.append(f"title: {json.dumps(shown, ensure_ascii=False)}")
        elif name == "summary":
            lines.append(f'summary: "One sentence saying what this {noun} is {PLACEHOLDER}"')
        elif name == "status":
            lines.append(f"status: {extra.get('example', record_type.statuses[0])}")
        else:
            is_list = typing.get_origin(info.annotation) is list
            lines.append(f"# {key}: {_placeholder(key, extra, is_list)}")
    body = f"Write the {noun} here: what happened, why, and what it means {PLACEHOLDER}"
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def _placeholder(key: str, extra: Mapping[str, object], is_list: bool) -> str:
    """Return the value shown in an optional field's commented-out line."""
    if "references" in extra:
        return f"[{extra['references']}s/file-name-without-md]"
    if key in ("date", "review_date"):
        return "YYYY-MM-DD"
    if key in ("draft", "participants_approximate"):
        return "false"
    if key == "participants":
        return "NUMBER"
    if key == "lang":
        return "en"
    if key == "topics":
        return "[topic-id]"
    if key == "aliases":
        return "[type/old-file-name]"
    what = json.dumps(f"{key.replace('_', ' ').capitalize()} {PLACEHOLDER}")
    return f"[{what}]" if is_list else what


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
