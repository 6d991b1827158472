"""Read old versions of a record and say what changed between two of them.

Old versions are read leniently: they were valid when they were published,
but the schema may have moved on since, so nothing here refuses a version.
Changes are given as field changes (``status: proposed → accepted``) and as a
line diff of the body with the changed words marked.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.fragments import e, label_of
from generator.load import TEXT_LOADER, front_matter_end

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Version:
    """A record's text at one revision, split into front matter values and body."""

    front: dict[str, Any]
    body: str

    @property
    def status(self) -> str | None:
        """Return the status at this version, if it had one."""
        value = self.front.get("status")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        """Return the title at this version."""
        value = self.front.get("title")
        return value if isinstance(value, str) else ""


@functools.lru_cache(maxsize=65_536)
def parse_version(text: str) -> Version:
    """Split a record's old text into front matter (all values kept as text) and body.

    Cached: the history, feeds, rules and pages all ask about the same revisions.
    """
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:
        return Version({}, text)
    return Version(_front_matter("\n".join(lines[1:end])), "\n".join(lines[end + 1 :]))


@functools.lru_cache(maxsize=65_536)
def _front_matter(text: str) -> dict[str, Any]:
    """Return front matter values as text; a text's edits often leave its front matter alone."""
    try:
        front = yaml.load(text, Loader=TEXT_LOADER)
    except yaml.YAMLError:
        front = None
    return front if isinstance(front, dict) else {}


def show_value(value: Any) -> str:
    """Return a front matter value as one line of text."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(show_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {show_value(item)}" for key, item in value.items())
    return str(value)


def field_changes(old: Version | None, new: Version) -> list[tuple[str, str | None, str | None]]:
    """Return (field, old value, new value) for each front matter field that changed."""
    before = old.front if old else {}
    changes = []
    for key in [*before, *(key for key in new.front if key not in before)]:
        was, now = before.get(key), new.front.get(key)
        if was != now:
            changes.append(
                (
                    key,
                    None if was is None else show_value(was),
                    None if now is None else show_value(now),
                )
            )
    return changes


def body_changed(old: Version | None, new: Version) -> bool:
    """Return whether the body text differs, ignoring trailing whitespace."""
    return (old.body if old else "").strip() != new.body.strip()


def looks_the_same(old: str, new: str) -> bool:
    """Return whether two texts of a record read the same: equal values, bodies but for spacing.

    Line endings, spaces at the end of a line and blank lines at either end change nothing
    a reader sees; two spaces that end a line break it, so they count. The front matter is
    parsed only when the bodies read the same (most changes change the body).
    """
    if old == new:
        return True
    old_front, old_body = _split_text(old)
    new_front, new_body = _split_text(new)
    if old_body != new_body and _visible(old_body) != _visible(new_body):
        return False
    return (
        old_front == new_front
        or _visible(old_front) == _visible(new_front)
        or (parse_version(old).front == parse_version(new).front)
    )


def _split_text(text: str) -> tuple[str, str]:
    """Return the front matter and the body of a record's text, neither parsed."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:
        return "", text
    return "\n".join(lines[1:end]), "\n".join(lines[end + 1 :])


def _visible(body: str) -> list[str]:
    """Return a body's lines as a reader sees them: trailing spaces gone, hard breaks kept."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return [line.rstrip() + ("  " if line.endswith("  ") else "") for line in lines]


def render_field_changes(changes: list[tuple[str, str | None, str | None]]) -> str:
    """Return field changes as an HTML list, as people read them: `Status: proposed → accepted`.

    Fields are named as the page names them (decided_by: "Decided by") and dates are
    written out ("12 January 2026").
    """
    if not changes:
        return ""
    items = []
    for key, was, now in changes:
        name = e(label_of(key))
        if was is None:
            items.append(f"{name}: added <ins>{e(_readable(now))}</ins>")
        elif now is None:
            items.append(f"{name}: removed <del>{e(_readable(was))}</del>")
        else:
            items.append(f"{name}: <del>{e(_readable(was))}</del> → <ins>{e(_readable(now))}</ins>")
    return '<ul class="or-field-changes">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _readable(value: str | None) -> str:
    """Return a field's value as people read it: an ISO date as '12 January 2026'."""
    text = value or ""
    if _ISO_DATE.match(text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%B %Y}"
    return text


def render_body_diff(old: Version | None, new: Version, context: int = 2) -> str:
    """Return a line diff of two bodies as HTML, with changed words marked inside lines."""
    before = (old.body if old else "").strip().split("\n") if old and old.body.strip() else []
    after = new.body.strip().split("\n") if new.body.strip() else []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    rows: list[str] = []
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append('<tr class="or-diff__gap"><td colspan="2">…</td></tr>')
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [_row(" ", e(line)) for line in before[i1:i2]]
            elif tag == "replace" and i2 - i1 == j2 - j1:
                for was, now in zip(before[i1:i2], after[j1:j2], strict=True):
                    old_html, new_html = _word_diff(was, now)
                    rows += [_row("-", old_html), _row("+", new_html)]
            else:
                rows += [
                    _row("-", f"<del>{e(line)}</del>" if line else "") for line in before[i1:i2]
                ]
                rows += [
                    _row("+", f"<ins>{e(line)}</ins>" if line else "") for line in after[j1:j2]
                ]
    if not rows:
        return ""
    return (
        '<table class="or-diff"><caption>Changes to the text (removed lines marked −, added '
        "lines marked +)</caption><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _row(sign: str, html: str) -> str:
    """Return one diff line as a table row, its sign spelled out for screen readers."""
    names = {"-": ("removed", "−"), "+": ("added", "+"), " ": ("unchanged", "")}
    kind, mark = names[sign]
    return (
        f'<tr class="or-diff__{kind}"><td class="or-diff__sign">'
        f'<span class="or-visually-hidden">{kind}</span><span aria-hidden="true">{mark}</span>'
        f"</td><td><code>{html}</code></td></tr>"
    )


def _word_diff(was: str, now: str) -> tuple[str, str]:
    """Return two versions of a line with the words that differ wrapped in <del> and <ins>."""
    old_words, new_words = _WORDS.findall(was), _WORDS.findall(now)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part, new_part = e("".join(old_words[i1:i2])), e("".join(new_words[j1:j2]))
        if tag == "equal":
            old_html.append(old_part)
            new_html.append(new_part)
        else:
            old_html.append(f"<del>{old_part}</del>" if old_part else "")
            new_html.append(f"<ins>{new_part}</ins>" if new_part else "")
    return "".join(old_html), "".join(new_html)
