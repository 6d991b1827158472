"""One HTML policy, decided from what GitHub's parser makes of a body.

A body is read as cmark-gfm reads it (see convert.py), so code spans and fences are text,
never markup, and HTML that Markdown would publish is seen wherever it stands. Every tag
of the result is then judged by the sanitiser's own allowlist (sanitize.py): what the
sanitiser keeps is accepted, what it would remove for being dangerous (scripts, event
handlers, ``javascript:`` and ``data:`` addresses, frames, styles, forms, tags of no
allowed kind) is refused at its line, saying what would be removed and why. What it drops
harmlessly (comments, a presentational attribute) is accepted and dropped.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from operator import itemgetter

from cmarkgfm import cmark

from generator.fragments import SOURCE, block, bullet_list, e
from generator.markdown.gfm import MAX_NESTING, to_html
from generator.markdown.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, strict_tags, unsafe_scheme

#: Comments a body may not write: openrecord's own markers.
RESERVED_COMMENT = "openrecord:"
_TOO_DEEP = f"{RESERVED_COMMENT}too-deep"
_POSITION = re.compile(r"(\d+):\d+-(\d+):\d+")
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})
#: Why the sanitiser removes a tag, for the kinds a contributor may have meant.
_WHY = {
    "script": "scripts would run in readers' browsers",
    "style": "styles could hide or disguise the page",
    "link": "it would load files from elsewhere",
    "meta": "it would change how browsers treat the page",
    "base": "it would redirect every link of the page",
    "iframe": "it would show another site inside this page",
    "frame": "it would show another site inside this page",
    "object": "it would run content from elsewhere",
    "embed": "it would run content from elsewhere",
    "form": "forms could send readers' data elsewhere",
    "input": "forms could send readers' data elsewhere (only a task list's box is kept)",
    "button": "forms could send readers' data elsewhere",
    "select": "forms could send readers' data elsewhere",
    "textarea": "forms could send readers' data elsewhere",
    "svg": "an SVG written into the page could run scripts; add it as an image file instead",
    "math": "it is not one of the tags a record may use",
}
_FIX = "remove it, or put it in `backticks` to show it as text"


@dataclass(frozen=True)
class Tag:
    """One start tag of a body's HTML, as GitHub's parser made it, and its line."""

    offset: int  # lines after the body's first
    name: str
    attributes: tuple[tuple[str, str], ...]
    text: str  # as written


class _Reader(HTMLParser):
    """Collect the start tags and comments of cmark-gfm's HTML, each at its source line."""

    def __init__(self, source_lines: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source_lines
        self.tags: list[Tag] = []
        self.comments: list[tuple[int, str]] = []
        self.base = (1, 1)  # (source line, HTML line): where the last known position stands
        self.open: list[tuple[str, int | None]] = []
        self.holding: dict[str, list[int]] = {}
        self.too_deep: int | None = None  # the line offset where nesting passed the limit

    def _line(self, written: str) -> int:
        """Return the source line of what stands at the parser's position (1 based).

        The estimate (from the last position cmark-gfm gave) is never past the line; raw
        HTML is found as written on it or the next lines that hold it.
        """
        html_line = self.getpos()[0]
        estimate = max(self.base[0] + html_line - self.base[1], 1)
        first = written.split("\n", 1)[0]
        if first:
            lines = self._holding(first)
            found = bisect.bisect_left(lines, estimate)
            if found < len(lines) and lines[found] < estimate + 200:
                return lines[found]
        return min(estimate, max(len(self.source), 1))

    def _holding(self, text: str) -> list[int]:
        """Return the numbers of the source lines that hold a text (each text looked up once)."""
        if text not in self.holding:
            self.holding[text] = [
                number for number, line in enumerate(self.source, 1) if text in line
            ]
        return self.holding[text]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # cmark-gfm gives its blocks their source position; raw HTML is found in the source.
        # (A position raw HTML writes itself only moves the line; the tag is judged alike.)
        position = _POSITION.fullmatch(dict(attrs).get("data-sourcepos") or "")
        end: int | None = None
        if position:
            self.base = (int(position[1]), self.getpos()[0])
            end, line = int(position[2]), int(position[1])
        else:
            line = self._line(self.get_starttag_text() or "")
        pairs = tuple((key, value or "") for key, value in attrs if key != "data-sourcepos")
        self.tags.append(
            Tag(line - 1, tag, pairs, "" if position else self.get_starttag_text() or "")
        )
        if tag not in _VOID:
            self.open.append((tag, end))
            if len(self.open) > MAX_NESTING and self.too_deep is None:
                self.too_deep = line - 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1][0] == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                end = self.open[index][1]
                del self.open[index:]
                if end is not None:
                    self.base = (end, self.getpos()[0])
                return

    def handle_comment(self, data: str) -> None:
        self.comments.append((self._line(f"<!--{data}".split("\n", 1)[0]) - 1, data))


@functools.lru_cache(maxsize=8192)
def read_tags(body: str) -> tuple[tuple[Tag, ...], tuple[tuple[int, str], ...]]:
    """Return the tags and comments of a body's HTML as GitHub's parser makes it.

    A body nested past the limit is read as one comment saying so (see find_removals).
    """
    reader = _Reader(body.split("\n"))
    reader.feed(to_html(body, cmark.Options.CMARK_OPT_SOURCEPOS))
    reader.close()
    if reader.too_deep is not None:  # its tags past the limit are never read by the sanitiser
        return (), ((reader.too_deep, _TOO_DEEP),)
    return tuple(reader.tags), tuple(reader.comments)


_SOURCEPOS = re.compile(r' data-sourcepos="[0-9]+:[0-9]+-[0-9]+:[0-9]+"')
_STRICT_ATTRIBUTE = re.compile(r'[ \t\n]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"<>]*)")?')


@dataclass(frozen=True)
class _Glance:
    """What a body's HTML shows at a glance, when every tag of it is written strictly."""

    clean: bool  # no tag the sanitiser removes anything dangerous from, nesting in the limit
    targets: tuple[str, ...]  # the href of every <a> and the src of every <img>, once each


@functools.lru_cache(maxsize=1 << 16)
def _glance(body: str) -> _Glance | None:
    """Return what a body's HTML shows without the full reading, or None when it cannot tell.

    The full reading (read_tags) parses every tag with Python's HTML parser, to give each
    one its line: most of a build's time on long texts. When every '<' of the HTML starts
    a strictly written tag, that parser would read exactly these tags, so each different
    tag is judged once, by the same judge, and the nesting is followed by name alone; only
    a body with something to report (or written loosely) is read in full. Small, and kept
    for a site's bodies: check and the links between records ask.
    """
    converted = to_html(body, cmark.Options.CMARK_OPT_SOURCEPOS)
    tags = strict_tags(converted)
    return None if tags is None else _glance_at(converted, tags)


def _glance_at(converted: str, tags: list[tuple[str, str, str, str, str]]) -> _Glance:
    """Return what some HTML shows, from the strictly written tags that are all of its tags."""
    if not tags:
        return _Glance(True, ())
    clean, targets = True, set[str]()
    # Each different tag judged once: cmark-gfm's own positions, which the judge never
    # reads, set apart (only whole attributes match, in what was written strictly).
    positions = _SOURCEPOS.sub("", "<".join(map(itemgetter(2), tags))).split("<")
    for name, attributes in set(zip(map(itemgetter(1), tags), positions, strict=True)):
        if name:  # a start tag
            harmless, found = _judge_strict(name, attributes)
            clean = clean and harmless
            targets.update(found)
    if "<!--" in converted:
        clean = clean and not any(
            comment.strip().startswith(RESERVED_COMMENT) for *_, comment in tags if comment
        )
    if clean and len(tags) > MAX_NESTING:  # (fewer tags cannot nest deeper)
        clean = not _too_deep(tags)
    return _Glance(clean, tuple(sorted(targets)))


@functools.lru_cache(maxsize=4096)
def _judge_strict(name: str, attributes: str) -> tuple[bool, tuple[str, ...]]:
    """Return whether the judge removes nothing from a strict tag, and its link targets."""
    pairs = tuple(
        (key.lower(), html.unescape(value) if value else "")
        for key, value in _STRICT_ATTRIBUTE.findall(attributes)
        if key.lower() != "data-sourcepos"
    )
    tag = Tag(0, name.lower(), pairs, "")
    wanted = {"a": "href", "img": "src"}.get(tag.name)
    return not _judge(tag), tuple(value for key, value in pairs if key == wanted)


def _too_deep(tags: list[tuple[str, str, str, str, str]]) -> bool:
    """Tell whether strict tags nest past the limit, as _Reader follows their nesting."""
    open_: list[str] = []
    for end, start, _attributes, closed, _comment in tags:
        if not start and not end:
            continue  # a comment
        if end:
            end = end.lower()
            for index in range(len(open_) - 1, -1, -1):
                if open_[index] == end:
                    del open_[index:]
                    break
            continue
        name = start.lower()
        if name in _VOID:
            continue
        open_.append(name)
        if len(open_) > MAX_NESTING:
            return True
        if closed and open_[-1] == name:
            open_.pop()
    return False


def link_targets(body: str) -> tuple[str, ...] | None:
    """Return the href of every <a> and src of every <img> of a body, or None (read it in full)."""
    glance = _glance(body)
    return None if glance is None else glance.targets


@dataclass(frozen=True)
class Removal:
    """One dangerous part of a body the sanitiser removes: what, why, and how to fix it."""

    offset: int  # lines after the body's first
    what: str
    why: str
    fix: str

    @property
    def message(self) -> str:
        """Return the check's message for it."""
        return f"{self.what} is removed when the page is published: {self.why}; {self.fix}"


def find_removals(body: str) -> list[Removal]:
    """Return every part of a body the sanitiser would remove for being dangerous, in order."""
    glance = _glance(body)
    if glance is not None and glance.clean:
        return []  # proven at a glance: the full reading would find nothing either
    return read_removals(body)


def removals_in(
    body: str, converted: str, tags: list[tuple[str, str, str, str, str]] | None
) -> list[Removal]:
    """Return what find_removals does, from the HTML of a body already converted to publish.

    tags: every tag of that HTML, strictly written (STRICT_TAG), or None when it is not.
    A page's own conversion is read instead of converting the body once more to check it:
    its additions (heading ids and permalinks, task boxes as the theme draws them) are
    harmless to the judge, and only nest one level deeper where they are.
    """
    if tags is not None and _glance_at(converted, tags).clean:
        return []
    return read_removals(body)


def removal_note(removals: list[Removal]) -> str:
    """Return the note on a past version whose dangerous parts the sanitiser removed, or ''.

    Today's check would refuse such a version; it is published all the same, as every
    version is, through the same sanitiser, and the reader is told what went.
    """
    if not removals:
        return ""
    items = [f"{e(removal.what)}: {e(removal.why)}" for removal in removals]
    return block(
        '<div class="admonition note or-removed" role="note">',
        f'<p class="admonition-title">{SOURCE.h("version.removed")}</p>',
        bullet_list(
            items[:20]
            + ([SOURCE.h("version.removed.more", count=len(items) - 20)] if len(items) > 20 else [])
        ),
        "</div>",
    )


def read_removals(body: str) -> list[Removal]:
    """Return what find_removals does, from the full reading of every tag and comment."""
    tags, comments = read_tags(body)
    found = [removal for tag in tags for removal in _judge(tag)]
    found += [
        Removal(
            offset,
            f"the comment <!--{RESERVED_COMMENT}...-->",
            "comments starting so are openrecord's own markers",
            "write the comment another way",
        )
        for offset, data in comments
        if data.strip().startswith(RESERVED_COMMENT) and data != _TOO_DEEP
    ]
    found += [
        Removal(
            offset,
            "all of it",
            f"its lists, quotes or HTML are nested more than {MAX_NESTING} deep here, "
            "deeper than any page can be shown",
            "nest less deeply",
        )
        for offset, data in comments
        if data == _TOO_DEEP
    ]
    return sorted(found, key=lambda removal: removal.offset)


def find_unsafe_markup(body: str) -> list[tuple[int, str]]:
    """Return (line offset, message) for each piece of markup the sanitiser would remove."""
    return [(removal.offset, removal.message) for removal in find_removals(body)]


@functools.lru_cache(maxsize=1024)
def is_safe(body: str) -> bool:
    """Tell whether a body has nothing the sanitiser would remove (versions share texts)."""
    return not find_removals(body)


def _judge(tag: Tag) -> list[Removal]:
    """Return what the sanitiser would remove from one tag for being dangerous, and why."""
    shown = tag.text or f"<{tag.name}>"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if tag.name not in ALLOWED_TAGS:
        why = _WHY.get(tag.name, "it is not one of the tags a record may use")
        return [Removal(tag.offset, shown, why, _FIX)]
    if tag.name == "input" and not _is_task_box(tag):
        return [Removal(tag.offset, shown, _WHY["input"], _FIX)]
    found = []
    allowed = ALLOWED_ATTRIBUTES.get(tag.name, set()) | ALLOWED_ATTRIBUTES["*"]
    for name, value in tag.attributes:
        what = f"the {name} attribute of {shown}"
        if name.startswith("on"):
            why, fix = "event handlers run scripts in readers' browsers", "remove it"
        elif name == "style":
            why, fix = "styles could hide or disguise the page", "remove it"
        elif name in {"href", "src"} and name in allowed and unsafe_scheme(value) is not None:
            what = f"the '{unsafe_scheme(value)}:' address of {shown}"
            why = "only https://, http:// and mailto: addresses, or files of this site, are kept"
            fix = "link to an https:// address, or to another record's file such as other.md"
        else:
            continue
        found.append(Removal(tag.offset, what, why, fix))
    return found


def _is_task_box(tag: Tag) -> bool:
    """Tell whether an <input> is what a task list shows: a disabled checkbox."""
    values = dict(tag.attributes)
    return values.get("type") == "checkbox" and "disabled" in values
