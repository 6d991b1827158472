"""The decision log formats openrecord imports: how each writes a record, declared once.

``parse_record`` reads one version of one source file into openrecord's fields and says
what it could not map, at its line; ``render_record`` writes that version as an openrecord
record: its front matter, then the body as it was, without the title heading. Nothing here
guesses: a value that is not there, or not in a spelling the tables know, is reported.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from generator.content.schema import RESERVED_SLUGS


@dataclass(frozen=True)
class Format:
    """How one kind of decision log is written, declared once."""

    name: str
    folder: str  # where the format's tools put the log
    reads: str  # what is read from each record, as the README says it
    context: tuple[str, ...] = ("context",)  # headings whose first sentence is the summary
    skipped: frozenset[str] = frozenset()  # files in the folder that are not records


#: Keys, in front matter or in ``Key: value`` lines under the title, and the field each fills.
FIELDS = {
    "status": "status",
    "date": "date",
    "decision-makers": "decided_by",
    "deciders": "decided_by",
    "decided-by": "decided_by",
    "consulted": "consulted",
    "informed": "informed",
}
_PEOPLE = ("decided_by", "consulted", "informed")
_INDEXES = frozenset({"readme.md", "index.md", "toc.md", "summary.md"})
_TEMPLATES = frozenset({"template.md", "adr-template.md", "0000-template.md", "_template.md"})

_MADR_CONTEXT = ("context and problem statement", "context")

FORMATS = {
    "nygard": Format(
        "nygard",
        "docs/adr",
        "`# Title`, a `Date:` line, `## Status`, `## Context`",
        skipped=_INDEXES | _TEMPLATES,
    ),
    "adr-tools": Format(
        "adr-tools",
        "doc/adr",
        "Nygard's shape, and 'Supersedes [1. …](0001-….md)' / 'Superseded by …' links",
        skipped=_INDEXES | _TEMPLATES,
    ),
    "madr": Format(
        "madr",
        "docs/decisions",
        "front matter (status, date, decision-makers or deciders, consulted, informed) or "
        "`* Status:` lines; `## Context and Problem Statement`",
        _MADR_CONTEXT,
        _INDEXES | _TEMPLATES | {"adr-template-minimal.md", "adr-template-bare.md"},
    ),
    "log4brains": Format(
        "log4brains",
        "docs/adr",
        "`- Status:`, `- Deciders:`, `- Date:` lines under the title; "
        "`## Context and Problem Statement`",
        _MADR_CONTEXT,
        _INDEXES | _TEMPLATES,
    ),
}

#: How each log spells a status (lower case, emphasis and emoji removed) -> openrecord's.
# fmt: off
STATUSES = {
    **dict.fromkeys(["accepted", "approved", "agreed", "adopted", "decided", "done",
                     "implemented", "active"], "accepted"),
    **dict.fromkeys(["proposed", "proposal", "draft", "open", "pending", "incomplete",
                     "in progress", "in review", "under review", "under discussion", "wip",
                     "rfc", "suggested"], "proposed"),
    **dict.fromkeys(["rejected", "declined", "refused", "not accepted"], "rejected"),
    **dict.fromkeys(["superseded", "replaced"], "superseded"),
    **dict.fromkeys(["deprecated", "withdrawn", "retired", "obsolete", "abandoned",
                     "cancelled", "canceled"], "withdrawn"),
}
# fmt: on
#: A status written only as an emoji.
EMOJI = {
    "✅": "accepted",
    "✔": "accepted",
    "☑": "accepted",
    "👍": "accepted",
    "❌": "rejected",
    "⛔": "rejected",
    "🚫": "rejected",
    "👎": "rejected",
    "🤔": "proposed",
    "🚧": "proposed",
    "📝": "proposed",
    "💡": "proposed",
    "⏳": "proposed",
    "⌛": "superseded",
    "♻": "superseded",
    "🔄": "superseded",
    "⚠": "withdrawn",
    "🗑": "withdrawn",
    "🪦": "withdrawn",
}  # fmt: skip
#: The summary a record gets when its source has no context to take one from.
NO_SUMMARY = "The imported record has no context section to take a summary from."

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Every pattern runs in linear time on any line (text comes from strangers): no two
# neighbouring repeats can match the same characters, and repeats are bounded.
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
_KEY_LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?\**([A-Za-z][A-Za-z-]{0,30}(?: [A-Za-z-]{1,30}){0,3})\**:(.*)$"
)
LINK = re.compile(r"\[([^\]]{0,1000})\]\([ \t]*<?([^)\s>]{1,2000})>?( \"[^\"]{0,1000}\")?[ \t]*\)")
_SUPERSESSION = re.compile(r"(superseded[ -]by|supersedes)\s*:?\s*(.*)", re.IGNORECASE)
#: A link reference definition, ``[2]: 0002-use-x.md``.
DEFINITION = re.compile(r"^( {0,3}\[[^\]]{1,999}\]:[ \t]*<?)([^\s>]{1,2000})", re.MULTILINE)
_NUMBERED = re.compile(r"\b(?:adr|decision)[ \t#-]{0,3}(\d{1,6})\b", re.IGNORECASE)
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")
_PLACEHOLDER = re.compile(r"^[{\[<].*[}\]>]$")


@dataclass(frozen=True)
class Parsed:
    """One version of one source record, read."""

    front: dict[str, object]  # openrecord's fields, except supersedes
    status: str | None
    supersedes: tuple[str, ...]  # file names in the folder this version says it replaces
    superseded_by: tuple[str, ...]
    body: str
    body_line: int  # the line of the source file the body starts at
    findings: tuple[tuple[int, str], ...]


def slug_of(name: str) -> str:
    """Return the openrecord slug of a source file name: lowercase letters, digits, hyphens."""
    stem = name[:-3] if name.lower().endswith(".md") else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:100].strip("-")
    slug = slug or "record"
    return f"{slug}-decision" if slug in RESERVED_SLUGS else slug


def parse_record(text: str, fmt: Format) -> Parsed:
    """Read one version of a source record into openrecord's fields; never invent a value."""
    findings: list[tuple[int, str]] = []
    lines = text.split("\n")
    front: dict[str, object] = {}
    raw: dict[str, tuple[int, object]] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            raw = _read_front(lines[1:end], findings)
            start = end + 1
    title_at = next(
        (i for i in range(start, len(lines)) if _HEADING.match(lines[i].rstrip("\r"))), None
    )
    if title_at is not None and not all(_is_blank(line) for line in lines[start:title_at]):
        title_at = None  # text before the first heading: that heading is not the title
    if title_at is None:
        findings.append((start + 1, "no heading to take the title from: the file name is used"))
        body_lines, preamble_at = lines[start:], start
        title = None
    else:
        found = _HEADING.match(lines[title_at].rstrip("\r"))
        title = _heading_text(found.group(2)) if found else None
        after = title_at + 1
        if after < len(lines) and not lines[after].strip():
            after += 1
        body_lines, preamble_at = lines[after:], after
    sections = _sections(body_lines, preamble_at)
    for number, line in sections.get("", []):
        key_line = _KEY_LINE.match(line)
        if key_line and key_line.group(1).lower() in FIELDS:
            value = key_line.group(2).strip().removeprefix("**").removeprefix("*").strip()
            raw.setdefault(key_line.group(1).lower(), (number, value))
    if "status" not in raw:
        status_lines = [(n, s) for n, s in sections.get("status", []) if s.strip()]
        if status_lines:
            raw["status"] = status_lines[0]
    if title:
        front["title"] = title
    status, supersedes, superseded_by = _map_status(raw, sections, findings)
    for key, (number, value) in sorted(raw.items()):
        target = FIELDS[key]
        if target == "date":
            date = _map_date(value)
            if date:
                front["date"] = date
            else:
                findings.append((number, f"date {_shown(value)!r} is not YYYY-MM-DD: left out"))
        elif target in _PEOPLE:
            people = _map_people(value)
            if people:
                front[target] = sorted({*people, *front.get(target, [])})  # type: ignore[misc]
            elif _text(value):
                findings.append((number, f"{key} {_shown(value)!r} names no one: left out"))
    summary = _summary(sections, fmt)
    if summary is None:
        findings.append((1, f"no summary: the record says '{NO_SUMMARY}'"))
    front["summary"] = summary or NO_SUMMARY
    return Parsed(
        front,
        status,
        supersedes,
        superseded_by,
        "\n".join(body_lines),
        preamble_at + 1,
        tuple(findings),
    )


def _is_blank(line: str) -> bool:
    """Tell whether a line shows nothing: empty, or an HTML comment alone on its line."""
    text = line.strip()
    return not text or (text.startswith("<!--") and text.endswith("-->"))


def _heading_text(text: str) -> str:
    """Return a heading's text without its closing #s, as CommonMark reads it."""
    text = text.strip()
    bare = text.rstrip("#")
    return bare.strip() if bare != text and (not bare or bare[-1] in " \t") else text


def _read_front(lines: list[str], findings: list[tuple[int, str]]) -> dict[str, tuple[int, object]]:
    """Return the source front matter's mapped keys with their lines; report the others."""
    text = "\n".join(lines)
    try:
        kinds = (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)
        if any(isinstance(token, kinds) for token in yaml.scan(text)):
            findings.append((1, "front matter with anchors, aliases or tags is not read: left out"))
            return {}
        loaded = yaml.load(text, Loader=yaml.BaseLoader)  # every value stays text
    except yaml.YAMLError:
        findings.append((1, "front matter is not valid YAML: left out"))
        return {}
    if not isinstance(loaded, dict):
        return {}
    found: dict[str, tuple[int, object]] = {}
    for key, value in loaded.items():
        number = next(
            (i + 2 for i, line in enumerate(lines) if line.split(":", 1)[0].strip() == key), 1
        )
        if str(key).lower() in FIELDS:
            found[str(key).lower()] = (number, value)
        else:
            findings.append((number, f"front matter '{key}' has no openrecord field: left out"))
    return found


def _sections(lines: list[str], first: int) -> dict[str, list[tuple[int, str]]]:
    """Return the lines under each second-level heading (lower case), by heading; '' for the top."""
    sections: dict[str, list[tuple[int, str]]] = {"": []}
    current = ""
    fenced = False
    for offset, line in enumerate(lines):
        line = line.rstrip("\r")
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading and len(heading.group(1)) <= 3:
            current = _heading_text(heading.group(2)).lower()
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append((first + offset + 1, line))
    return sections


def _map_status(
    raw: dict[str, tuple[int, object]],
    sections: dict[str, list[tuple[int, str]]],
    findings: list[tuple[int, str]],
) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """Return the status, and the files this version says it supersedes or is superseded by."""
    supersedes: list[str] = []
    superseded_by: list[str] = []
    texts = [line for _, line in sections.get("status", [])]
    if "status" in raw:
        texts.append(_text(raw["status"][1]))
    for text in texts:
        for found in _SUPERSESSION.finditer(text):
            targets = [local_name(link.group(2)) for link in LINK.finditer(found.group(2))]
            named = [target for target in targets if target] or [
                f"#{int(number)}" for number in _NUMBERED.findall(found.group(2))
            ]  # "Superseded by ADR 2": the record numbered 2
            (supersedes if found.group(1).lower() == "supersedes" else superseded_by).extend(named)
    if "status" not in raw:
        findings.append((1, "no status: set to proposed"))
        return None, tuple(supersedes), tuple(superseded_by)
    number, value = raw["status"]
    status = map_status(_text(value))
    if status is None:
        findings.append((number, f"status {_shown(value)!r} has no openrecord status: proposed"))
    return status, tuple(dict.fromkeys(supersedes)), tuple(dict.fromkeys(superseded_by))


def map_status(text: str) -> str | None:
    """Return openrecord's status for a log's spelling of one, emoji included, or None."""
    plain = LINK.sub(r"\1", text)
    words = re.sub(r"[^\w\s-]", " ", plain.lower()).split()
    for length in (3, 2, 1):
        if len(words) >= length and " ".join(words[:length]) in STATUSES:
            return STATUSES[" ".join(words[:length])]
    for char in plain.strip():
        if char in EMOJI:
            return EMOJI[char]
        if not unicodedata.category(char).startswith(("S", "M", "Z", "C")):
            break
    return None


def _map_date(value: object) -> str | None:
    """Return a date written as YYYY-MM-DD (a real date), or None: no other spelling is guessed."""
    text = _text(value)
    if not _ISO_DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _map_people(value: object) -> list[str]:
    """Return the people a field names: a YAML list, or names separated by commas."""
    items = value if isinstance(value, list) else re.split(r"[,;]", _text(value))
    names = [LINK.sub(r"\1", str(item)).strip().strip("*_`") for item in items]
    return [name[:2000] for name in names if name and not _PLACEHOLDER.match(name)]


def _summary(sections: dict[str, list[tuple[int, str]]], fmt: Format) -> str | None:
    """Return the first sentence of the context, or None when there is none."""
    for heading in fmt.context:
        paragraph: list[str] = []
        for _, line in sections.get(heading, []):
            stripped = line.strip()
            if not stripped or stripped.startswith("<!--"):
                if paragraph:
                    break
                continue
            paragraph.append(re.sub(r"^([-*+>]|\d+\.)\s+", "", stripped))
        text = " ".join(LINK.sub(r"\1", " ".join(paragraph)).split())
        if not text or _PLACEHOLDER.match(text):
            continue
        found = _SENTENCE.match(text)
        sentence = found.group(1) if found else text
        if len(sentence) <= 2000:
            return sentence
    return None


def local_name(target: str) -> str | None:
    """Return the file name a link names in the log's own folder, or None."""
    path = target.partition("#")[0]
    normal = posixpath.normpath(path) if path else ""
    return normal if normal.endswith(".md") and "/" not in normal else None


def _text(value: object) -> str:
    """Return a value as one line of text."""
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return " ".join(str(value).split())


def _shown(value: object) -> str:
    """Return a value shortened for the report."""
    text = _text(value)
    return text if len(text) <= 60 else text[:57] + "..."


def render_record(
    name: str, parsed: Parsed, supersedes: Iterable[str], names: dict[str, str]
) -> str:
    """Return the openrecord file for one version: its front matter, then the body unchanged.

    Only links to other records of the log whose file names changed are rewritten. A record
    without a heading is titled with its file name.
    """
    front = {"title": name.removesuffix(".md"), **parsed.front}
    lines = ["---"]
    for key in ("title", "summary"):
        if key in front:
            lines.append(f"{key}: {_quoted(str(front[key]))}")
    lines.append(f"status: {parsed.status or 'proposed'}")
    if "date" in front:
        lines.append(f"date: {front['date']}")
    for key in _PEOPLE:
        if key in front:
            people = front[key]
            assert isinstance(people, list)
            lines.append(f"{key}: [{', '.join(_quoted(str(p)) for p in people)}]")
    targets = [f"decisions/{slug_of(name)}" for name in supersedes]
    if targets:
        lines.append(f"supersedes: [{', '.join(targets)}]")
    lines += ["---", ""]
    body = LINK.sub(lambda found: _relink(found, names), parsed.body)
    body = DEFINITION.sub(lambda found: _relink(found, names), body)
    return "\n".join(lines) + "\n" + body


def _relink(found: re.Match[str], names: dict[str, str]) -> str:
    """Return one link or link definition, leading to the new name of the record it names."""
    target = found.group(2)
    path, hash_, anchor = target.partition("#")
    local = local_name(path)
    if local is None or local not in names or names[local] == local:
        return found.group(0)
    start, end = found.span(2)
    whole = found.group(0)
    at = found.start()
    return f"{whole[: start - at]}{names[local]}{hash_}{anchor}{whole[end - at :]}"


def _quoted(text: str) -> str:
    """Return text as a YAML double-quoted scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda c: f"\\x{ord(c.group(0)):02x}", escaped)
    return f'"{escaped}"'
