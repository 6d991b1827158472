"""Read old versions of a record and say what changed between two of them.

Old versions are read leniently: they were valid when they were published,
but the schema may have moved on since, so nothing here refuses a version.
Changes are given as field changes (``status: proposed → accepted``) and as a
line diff of the body with the changed words marked.

Every comparison is an alignment computed in compiled code (rapidfuzz's bit-parallel
longest common subsequence, after the common start and end are set aside), so a diff
costs the length of the texts plus the changed region, never the quadratic-or-worse
search of difflib. As GitHub does, words are marked only inside a pair of lines (or,
in a long line, of sentences) that are similar enough to be read side by side; a
rewritten line or sentence is shown removed whole and added whole.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from rapidfuzz.distance import Indel

from generator.content.front_matter import TEXT_LOADER
from generator.content.load import front_matter_end
from generator.fragments import e, label_of

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")
#: A sentence ends at . ! or ? (and any closing quote or bracket), before a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)\]]*\s+")
#: Two lines or sentences are shown word by word when at least this share of their
#: words (punctuation counts, spacing does not) is common to both, in order.
SIMILAR = 0.5
#: How many lines (or sentences) ahead a changed one looks for its counterpart.
_LOOK_AHEAD = 8
#: A line of more words than this is compared sentence by sentence first.
_LONG_LINE = 40

Opcode = tuple[str, int, int, int, int]


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


@functools.lru_cache(maxsize=4096)
def parse_version(text: str) -> Version:
    """Split a record's old text into front matter (all values kept as text) and body.

    Cached: the feeds, rules and pages ask about the same revisions, a record at a time.
    The cache holds the versions of a few records, not of the whole history: each holds a
    copy of its body, and a site of 50,000 revisions would keep them all (the front
    matter's values, which are costly to read, are cached apart).
    """
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:
        return Version({}, text)
    return Version(_front_matter("\n".join(lines[1:end])), "\n".join(lines[end + 1 :]))


@functools.lru_cache(maxsize=65_536)
def _front_matter(text: str) -> dict[str, Any]:
    """Return front matter values as text; a text's edits often leave its front matter alone."""
    simple = _simple_front(text)
    if simple is not None:
        return simple
    try:
        front = yaml.load(text, Loader=TEXT_LOADER)
    except yaml.YAMLError:
        front = None
    return front if isinstance(front, dict) else {}


#: A line of the front matter most records write: 'key: value', 'key: [value, value]' or
#: 'key:', or '- value' in the list below a 'key:'; a value of the plainest YAML: it starts
#: with a letter, a digit or '(', and holds no ':', '#', control character or line break,
#: nor spaces at its end.
_NOT_PLAIN = "\\x00-\\x1f\\x7f-\\x9f#:\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"
_PLAIN = rf"[A-Za-z0-9(](?:[^{_NOT_PLAIN}]*[^\s{_NOT_PLAIN}])?"
#: In a list written on one line ('[a, b]'), each item is as plain, and holds no bracket,
#: brace or comma either.
_ITEM = rf"[A-Za-z0-9(](?:[^{_NOT_PLAIN},\[\]{{}}]*[^\s{_NOT_PLAIN},\[\]{{}}])?"
_SIMPLE_LINE = re.compile(
    rf"([A-Za-z_][A-Za-z0-9_]*):(?: ({_PLAIN})|( \[((?:{_ITEM})(?:, {_ITEM})*)?\]))?"
    rf"|( *)- ({_PLAIN})"
)


def _simple_front(text: str) -> dict[str, Any] | None:
    """Return the values of a front matter written in the plainest YAML, or None if it is not.

    Reading YAML costs a tenth of a millisecond a text in Python's constructor, and a
    history of 50,000 revisions asks for thousands; these lines read the same to any YAML
    loader that keeps values as text, so they are read here (tests compare the two).
    """
    values: dict[str, Any] = {}
    key: str | None = None  # the key whose list the next '- value' belongs to
    indent: str | None = None
    for line in text.split("\n") if text else ():
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        if match[3] is not None:  # 'key: [a, b]'
            values[match[1]] = match[4].split(", ") if match[4] else []
            key, indent = None, None
        elif match[1] is not None:
            values[match[1]] = match[2] or ""
            key, indent = (match[1], None) if match[2] is None else (None, None)
        elif key is not None and indent in (None, match[5]):
            if indent is None:
                values[key], indent = [], match[5]
            values[key].append(match[6])
        else:
            return None
    return values


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


#: Characters that spacing never changes, counted to tell two bodies apart quickly.
_COUNTED = "etaoins.,"
#: What str.split and str.rstrip take for spacing in a text of ASCII alone.
_ASCII_SPACING = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _same_but_for_spacing(old: str, new: str) -> bool:
    """Tell, in C, whether two bodies could differ in spacing alone (a reading needs it).

    Bodies that read the same differ in spacing alone: in ASCII, the same characters once
    spacing is dropped; in any text, as many of every letter and the same words in the
    same order. Most edits fail the first test that applies, and no line is compared.
    """
    if old.isascii() and new.isascii():
        return old.encode().translate(None, _ASCII_SPACING) == new.encode().translate(
            None, _ASCII_SPACING
        )
    return all(old.count(char) == new.count(char) for char in _COUNTED) and (
        old.split() == new.split()
    )


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
    if old_body != new_body and (
        not _same_but_for_spacing(old_body, new_body) or _visible(old_body) != _visible(new_body)
    ):
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
    rows: list[str] = []
    for group in grouped_opcodes(opcodes(before, after), context):
        if rows:
            rows.append('<tr class="or-diff__gap"><td colspan="2">…</td></tr>')
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [_row(" ", e(line)) for line in before[i1:i2]]
                continue
            for was, now in pair_similar(before[i1:i2], after[j1:j2], _similar_lines):
                if was is not None and now is not None:
                    old_html, new_html = _line_diff(was, now)
                    rows += [_row("-", old_html), _row("+", new_html)]
                elif was is not None:
                    rows.append(_row("-", f"<del>{e(was)}</del>" if was else ""))
                elif now is not None:
                    rows.append(_row("+", f"<ins>{e(now)}</ins>" if now else ""))
    if not rows:
        return ""
    return (
        '<table class="or-diff"><caption>Changes to the text (removed lines marked −, added '
        "lines marked +)</caption><tbody>" + "".join(rows) + "</tbody></table>"
    )


def opcodes(before: Sequence[str], after: Sequence[str]) -> list[Opcode]:
    """Return how to turn one sequence into another: equal runs and changed blocks between.

    The alignment is rapidfuzz's (a longest common subsequence, bit-parallel, in compiled
    code, after the common start and end are set aside). Each changed block is one
    ``replace``, ``delete`` or ``insert``, as difflib names them.
    """
    merged: list[Opcode] = []
    for op in Indel.opcodes(before, after):
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag != "equal" and merged and merged[-1][0] != "equal":
            _, i1, _, j1, _ = merged.pop()
        if tag != "equal":
            tag = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        merged.append((tag, i1, i2, j1, j2))
    return merged


def grouped_opcodes(codes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """Yield the changed blocks with up to context equal lines around them, as difflib does."""
    if not codes or all(code[0] == "equal" for code in codes):
        return
    codes = list(codes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, i1 + context, j1, j1 + context))
            yield group
            group = []
            i1, j1 = i2 - context, j2 - context
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def pair_similar(
    olds: Sequence[str], news: Sequence[str], similar: Callable[[str, str], bool]
) -> Iterator[tuple[str | None, str | None]]:
    """Yield a changed block's pieces in order: (old, new) pairs worth comparing word by word,
    and (old, None) or (None, new) for those removed or added whole.

    Each old piece looks a few pieces ahead for the first similar new one, so the work is
    bounded by the block's length, and a pair never crosses another.
    """
    at = 0
    for was in olds:
        match = next(
            (
                index
                for index in range(at, min(len(news), at + _LOOK_AHEAD))
                if similar(was, news[index])
            ),
            None,
        )
        if match is None:
            yield was, None
            continue
        for now in news[at:match]:
            yield None, now
        yield was, news[match]
        at = match + 1
    for now in news[at:]:
        yield None, now


def _similar_lines(was: str, now: str) -> bool:
    """Return whether two lines share enough words to be compared word by word."""
    if not was.strip() or not now.strip():
        return was.strip() == now.strip()
    return _similar(was, now)


def _similar(was: str, now: str) -> bool:
    """Return whether two texts have at least SIMILAR of their words in common, in order."""
    old_words, new_words = _words(was), _words(now)
    return bool(old_words and new_words) and (
        Indel.normalized_similarity(old_words, new_words) >= SIMILAR
    )


@functools.lru_cache(maxsize=1024)
def _words(text: str) -> list[str]:
    """Return a text's words and punctuation marks, without the spacing between them."""
    return [token for token in _WORDS.findall(text) if not token.isspace()]


def _line_diff(was: str, now: str) -> tuple[str, str]:
    """Return two versions of a line with what differs marked; a long line, by sentence."""
    if len(_words(was)) <= _LONG_LINE and len(_words(now)) <= _LONG_LINE:
        return _word_diff(was, now)
    olds, news = sentences(was), sentences(now)
    old_html: list[str] = []
    new_html: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(olds, news):
        if tag == "equal":
            text = e("".join(olds[i1:i2]))
            old_html.append(text)
            new_html.append(text)
            continue
        for old, new in pair_similar(olds[i1:i2], news[j1:j2], _similar):
            if old is not None and new is not None:
                old_part, new_part = _word_diff(old, new)
                old_html.append(old_part)
                new_html.append(new_part)
            elif old is not None:
                old_html.append(_marked("del", old))
            elif new is not None:
                new_html.append(_marked("ins", new))
    return "".join(old_html), "".join(new_html)


def _marked(tag: str, sentence: str) -> str:
    """Return a sentence marked removed or added whole, the spacing after it left unmarked."""
    text = sentence.rstrip()
    return f"<{tag}>{e(text)}</{tag}>{sentence[len(text) :]}"


def sentences(line: str) -> list[str]:
    """Return a line cut into sentences, each with the spacing that follows it."""
    pieces, start = [], 0
    for end in _SENTENCE_END.finditer(line):
        pieces.append(line[start : end.end()])
        start = end.end()
    if start < len(line):
        pieces.append(line[start:])
    return pieces


def _row(sign: str, html: str) -> str:
    """Return one diff line as a table row.

    Its sign (−, + or none) is drawn by the stylesheet from the row's class, and spelled
    out for screen readers ("removed", "added"): a diff has tens of thousands of rows on
    a large site, and the markup of a sign spelled out in each was half a diff's bytes. For
    the same reason an unchanged line has no class, and the stylesheet sets the text in
    the code font without a <code> element in every row.
    """
    kind = _ROW_KINDS[sign]
    return f"<tr{kind}><td></td><td>{html}</td></tr>"


_ROW_KINDS = {"-": ' class="or-diff__removed"', "+": ' class="or-diff__added"', " ": ""}


def _word_diff(was: str, now: str) -> tuple[str, str]:
    """Return two versions of a text with the words that differ wrapped in <del> and <ins>.

    A reworded phrase is marked as one phrase (see _absorb_small_equalities).
    """
    old_words, new_words = _WORDS.findall(was), _WORDS.findall(now)
    old_html, new_html = [], []
    for tag, i1, i2, j1, j2 in _absorb_small_equalities(
        opcodes(old_words, new_words), old_words, new_words
    ):
        old_part, new_part = e("".join(old_words[i1:i2])), e("".join(new_words[j1:j2]))
        if tag == "equal":
            old_html.append(old_part)
            new_html.append(new_part)
        else:
            old_html.append(f"<del>{old_part}</del>" if old_part else "")
            new_html.append(f"<ins>{new_part}</ins>" if new_part else "")
    return "".join(old_html), "".join(new_html)


def _absorb_small_equalities(
    codes: list[Opcode], old_words: list[str], new_words: list[str]
) -> list[Opcode]:
    """Return the opcodes with each short equal run between two changes merged into them.

    As diff-match-patch's semantic clean-up: a run no longer than the change on either side
    of it (a space, or a word such as "the") is taken into the change, so "fund the pilot"
    → "review the whole plan" is marked as one phrase, not word by word around "the".
    """

    def size(words: list[str], start: int, end: int) -> int:
        return sum(map(len, words[start:end]))

    merged: list[Opcode] = []
    for index, code in enumerate(codes):
        tag, i1, i2, j1, j2 = code
        if tag == "equal" and merged and index + 1 < len(codes):
            _, left_i1, left_i2, left_j1, left_j2 = merged[-1]
            _, right_i1, right_i2, right_j1, right_j2 = codes[index + 1]
            run = size(old_words, i1, i2)
            left = max(size(old_words, left_i1, left_i2), size(new_words, left_j1, left_j2))
            right = max(size(old_words, right_i1, right_i2), size(new_words, right_j1, right_j2))
            if run <= left and run <= right:
                tag = "replace"
        if tag != "equal" and merged and merged[-1][0] != "equal":
            _, i1, _, j1, _ = merged.pop()
            tag = "replace"
        merged.append((tag, i1, i2, j1, j2))
    return merged
