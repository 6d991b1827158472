"""Convert the Markdown of every page the way GitHub does: one dialect, cmark-gfm's.

A record is written and previewed on GitHub, so its body is converted by GitHub's own
parser (cmark-gfm, through cmarkgfm) with GitHub's extensions: tables, task lists,
strikethrough, autolinks and footnotes. What GitHub adds after parsing, and what the
theme styles, is added to its HTML here: heading ids as GitHub makes them, with the
permalink the theme shows; code highlighted by Pygments in the classes the theme colours;
links to other records' files pointed at their pages. Then the sanitiser runs.

The engine renders the pages in its navigation through this same conversion (the
Python-Markdown extension at the end of this module hands it the whole page), and
openrecord renders every other page itself (see shells.py): both read alike.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate
from typing import Any

from cmarkgfm import cmark
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from generator.markdown.gfm import MAX_NESTING, to_html
from generator.markdown.policy import Removal, removal_note, removals_in
from generator.markdown.sanitize import RAW_END, RAW_START, clean_html, strict_tags

#: Before a page's Markdown: where its relative links lead on the site (see link.py).
LINKS_MARK = "<!--openrecord:links "
#: Before a past version's Markdown (and its links' mark): read it for what is removed.
SCAN_MARK = "<!--openrecord:scan-->"

# What cmark-gfm writes itself carries the source position it was parsed from (raw HTML,
# passed through, never does): only its headings, fences and tasks are changed.
_HEADING = re.compile(r'<h([1-6]) data-sourcepos="[^"]*">(.*?)</h\1>', re.S)
#: A fence as cmark-gfm writes one: its code escaped, so no '<' in it (raw HTML written to
#: look like one, with markup inside, is left to the sanitiser in its place).
_FENCE = re.compile(
    r'<pre data-sourcepos="\d+:\d+-\d+:\d+">'
    r'<code(?: class="language-([^"]+)")?>([^<]*)</code></pre>'
)
_TASK = re.compile(
    r'<li data-sourcepos="[^"]*"><input type="checkbox"( checked="")? disabled="" />'
)
_POSITION = re.compile(r' data-sourcepos="[0-9:-]*"')
_TARGET = re.compile(r'(<(?:a|img)\s[^>]*?\b(?:href|src)=")([^"]*)(")')
_TAG = re.compile(r"<[^>]*>")
_FORMATTER = HtmlFormatter(nowrap=True)


def render_markdown(
    text: str, links: Mapping[str, str] | None = None, checked: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Return a Markdown text's sanitised HTML and the nested headings of its contents.

    checked says the text passed the check's reading of its HTML (policy.py), which
    follows the nesting as the sanitiser's parser does and refuses it past MAX_NESTING:
    a record's body. Only a text nobody checked has its nesting counted here.
    """
    published, flat, _removals = _render(text, _mapped(links), checked, scan=False)
    return published, nest(flat)


def _mapped(links: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """Return a page's links as a key of the caches."""
    return tuple(sorted(links.items())) if links else ()


def _render(
    text: str, links: tuple[tuple[str, str], ...], checked: bool, scan: bool
) -> tuple[str, tuple[dict[str, Any], ...], list[Removal]]:
    """Return a text's sanitised HTML, its headings, and (scan) what the sanitiser removes.

    A scanned text (a past version, which no check may have read) is judged from the
    page's own conversion, as check judges a body (policy.removals_in): found to have
    nothing to remove, it is checked, and its nesting is not counted again.
    """
    converted, blocks, flat = _convert(text)
    tags = _strict_tags(text) if blocks or scan else None
    removals = removals_in(text, converted, tags) if scan else []
    # Only in what no check accepted: on long texts, counting is a tenth of a page's
    # conversion. A block's stand-in nests two less than the block: counted as deep.
    checked = checked or (scan and not removals)
    if not checked and _deeper_than(converted, MAX_NESTING - (2 if blocks else 0)):
        return f"<pre><code>{html.escape(text)}</code></pre>", (), removals
    return _published(text, links, bool(blocks) and tags is not None), flat, removals


@functools.lru_cache(maxsize=64)
def _published(text: str, links: tuple[tuple[str, str], ...], strict: bool) -> str:
    """Return a text's sanitised HTML, once for the pages that show it alike.

    A record's page and the version page that holds its current text (an earlier version
    with the same words: the newest version's page leads to the record's instead) show
    the same text with the same links: sanitised once. Its highlighted blocks stand
    apart only where its HTML is strictly written (see _sanitised).
    """
    converted, blocks, _flat = _convert(text)
    if blocks and not strict:
        converted, blocks = _put_back(converted, blocks), ()
    if links:
        targets = dict(links)
        converted = _TARGET.sub(lambda match: _retarget(match, targets), converted)
    return _sanitised(converted, blocks).strip("\n")


@functools.lru_cache(maxsize=16)  # asked for by a record's page and its version's, in turn
def _strict_tags(text: str) -> list[tuple[str, str, str, str, str]] | None:
    """Return every tag of a text's converted HTML, or None when some is written loosely."""
    return strict_tags(_convert(text)[0])


#: Stands for a highlighted block in a text's HTML while the rest of it is sanitised: its
#: number between two characters of Unicode's private use, in cmark-gfm's own elements for
#: a fence. Numbered, each block goes back to its own place whatever the sanitiser moved.
_BLOCK = "\ue000"
_STAND_IN = "<pre><code>" + _BLOCK + "{}" + _BLOCK + "</code></pre>"
_STOOD_IN = re.compile("<pre><code>" + _BLOCK + "([0-9]+)" + _BLOCK + "</code></pre>")
#: What could write the stand-in's character into a text's HTML: itself, or a reference.
_FORGED = re.compile(r"\ue000|&#0*57344(?![0-9])|&#[xX]0*[eE]000(?![0-9a-fA-F])")


def _sanitised(converted: str, blocks: tuple[str, ...]) -> str:
    """Return a text's HTML sanitised, its highlighted blocks (sanitised once each) put back.

    Highlighted code is most of a technical text's HTML (a tag every token) and a record's
    versions repeat most of their blocks: each block is sanitised once, by itself, and the
    rest of the text around stand-ins. A stand-in comes out of the sanitiser as it went in
    when the text's HTML is strictly written (_published sees to it): a text node, never an
    attribute. Should any come out otherwise (dropped with a script's content, escaped as
    a textarea's text), the whole text is sanitised with its blocks in place, as before.
    """
    cleaned = clean_html(converted)
    if not blocks:
        return cleaned
    numbers = sorted(int(number) for number in _STOOD_IN.findall(cleaned))
    if numbers == list(range(len(blocks))) and cleaned.count(_BLOCK) == 2 * len(blocks):
        return _put_back(cleaned, blocks)
    return clean_html(_put_back(converted, blocks))


def _put_back(stood_in: str, blocks: tuple[str, ...]) -> str:
    """Return HTML with each stand-in replaced by the highlighted block it stands for."""
    return _STOOD_IN.sub(lambda match: blocks[int(match[1])], stood_in)


@functools.lru_cache(maxsize=256)
def _convert(text: str) -> tuple[str, tuple[str, ...], tuple[dict[str, Any], ...]]:
    """Convert a text once for all the pages that show it (a record, its latest version).

    Returns its HTML, with a stand-in for each highlighted block unless the text could
    write one itself, the blocks (each sanitised already), and its headings. Cached
    results are shared: callers never change them. A record's pages are converted
    together (one task of the pool), so the cache needs to hold a few records' texts.
    """
    converted = to_html(text, cmark.Options.CMARK_OPT_SOURCEPOS)
    blocks: list[str] = []
    if _FORGED.search(converted):  # the stand-in's character is the text's own
        converted = _FENCE.sub(_highlight, converted)
    else:
        converted = _FENCE.sub(lambda match: _stand_in(match, blocks), converted)
    converted = _TASK.sub(_task, converted)
    converted, flat = _anchor_headings(converted)
    return _POSITION.sub("", converted), tuple(blocks), tuple(flat)


def _stand_in(match: re.Match[str], blocks: list[str]) -> str:
    """Return a fenced block's stand-in, keeping the block, highlighted and sanitised."""
    blocks.append(_highlight(match))
    return _STAND_IN.format(len(blocks) - 1)


def render_content(body: str, checked: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Return a page's HTML and the headings of its table of contents.

    openrecord's own HTML (every value escaped) only passes the sanitiser; the Markdown
    between (a record's body, a page's text) is converted as GitHub converts it. checked
    says the page's Markdown passed the check's reading (see render_markdown). Markdown
    after SCAN_MARK is read for what the sanitiser removes, and the note saying so (if
    anything is) comes before it.
    """
    parts: list[str] = []
    tokens: list[dict[str, Any]] = []
    for generated, text in _segments(body):
        if generated:
            parts.append(clean_html(text.strip("\n"), own=True))
            continue
        text = text.strip("\n")
        scan = text.startswith(SCAN_MARK)
        links, text = _split_links(text.removeprefix(SCAN_MARK).lstrip("\n"))
        converted, flat, removals = _render(text, _mapped(links), checked, scan)
        if removals:
            parts.append(clean_html(removal_note(removals).strip("\n"), own=True))
        parts.append(converted)
        tokens += nest(flat)
    return "\n".join(parts).strip("\n"), tokens


def links_mark(links: Mapping[str, str]) -> str:
    """Return the line put before a page's Markdown to say where its links lead ('' if none)."""
    if not links:
        return ""
    data = json.dumps(dict(sorted(links.items())), ensure_ascii=False).replace(">", "\\u003e")
    return f"{LINKS_MARK}{data}-->\n"


def _split_links(text: str) -> tuple[dict[str, str], str]:
    """Return the links a Markdown segment's mark line maps, and the segment without it."""
    start = 0 if text.startswith(LINKS_MARK) else text.find("\n" + LINKS_MARK) + 1
    if start == 0 and not text.startswith(LINKS_MARK):
        return {}, text
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    rest = text[:start] + text[end + 1 :]
    try:
        links = json.loads(text[start + len(LINKS_MARK) : end].removesuffix("-->"))
    except ValueError:
        return {}, rest
    if not isinstance(links, dict):
        return {}, rest
    return {str(key): str(value) for key, value in links.items()}, rest


def _segments(body: str) -> Iterator[tuple[bool, str]]:
    """Split a page body into openrecord's own HTML blocks (True) and Markdown (False)."""
    rest = body
    while RAW_START in rest:
        before, _, after = rest.partition(RAW_START)
        generated, _, rest = after.partition(RAW_END)
        if before.strip():
            yield False, before
        yield True, generated
    if rest.strip():
        yield False, rest


_OPEN_OR_CLOSE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})


def _deeper_than(converted: str, limit: int) -> bool:
    """Tell whether some element of some HTML is nested more than limit deep."""
    if converted.count("<") <= limit:
        return False
    steps = map(_step, _OPEN_OR_CLOSE.findall(converted))
    return max(accumulate(steps), default=0) > limit


@functools.lru_cache(maxsize=4096)
def _step(tag: tuple[str, str, str]) -> int:
    """Return how a tag changes the depth: 1 for an opening tag, -1 for a closing one, or 0."""
    closing, name, closed = tag
    if name.lower() in _VOID or closed:
        return 0
    return -1 if closing else 1


def _retarget(match: re.Match[str], links: Mapping[str, str]) -> str:
    """Return a link or image whose target a page maps, pointed where the map says."""
    target = links.get(html.unescape(match[2]))
    return match[0] if target is None else f"{match[1]}{html.escape(target)}{match[3]}"


def _highlight(match: re.Match[str]) -> str:
    """Return a fenced block as the theme styles it: Pygments' classes, in its wrapper."""
    return _highlighted(match[1], match[2])


@functools.lru_cache(maxsize=1024)
def _highlighted(language: str, code: str) -> str:
    """Return one fenced block highlighted and sanitised, once for every version showing it.

    Pygments is pure Python, the slowest part of converting a text with code; a record's
    versions mostly repeat its blocks, and its pages are converted by one process in turn.
    """
    lexer = _lexer(html.unescape(language)) if language else None
    if lexer is not None:
        code = highlight(html.unescape(code), lexer, _FORMATTER)
    return clean_html(f'<div class="highlight"><pre><span></span><code>{code}</code></pre></div>')


@functools.lru_cache(maxsize=256)
def _lexer(language: str) -> Lexer | None:
    """Return Pygments' lexer for a fence's language, or None (looked up once a language)."""
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


#: A fence's opening line, in a list or a quote too, and the first word of its info string.
_FENCE_INFO = re.compile(
    r"^[ \t>*+\-0-9.)]*(?:`{3,}|~{3,})[ \t]*([A-Za-z0-9_+#.,=-]{1,40})(?!\S)", re.M
)
#: Where a build names its fences' languages for the pool's server (see lexers.py).
LANGUAGES_VARIABLE = "OPENRECORD_FENCE_LANGUAGES"


def fence_languages(texts: Iterable[str], most: int = 64) -> list[str]:
    """Return the languages that fences of some texts name, the most used first."""
    counts: dict[str, int] = {}
    for text in texts:
        if "```" in text or "~~~" in text:
            for language in _FENCE_INFO.findall(text):
                counts[language] = counts.get(language, 0) + 1
    return sorted(counts, key=lambda language: (-counts[language], language))[:most]


def prepare_lexers(languages: Iterable[str]) -> None:
    """Look up and build the lexers of some languages now, once for every later page.

    Building a lexer compiles its patterns (tens of milliseconds each, seconds for a site
    whose fences name many languages): the pool's server does it once for all its processes.
    """
    for language in languages:
        _lexer(language)


def _task(match: re.Match[str]) -> str:
    """Return a task list item as the theme styles one: a ticked or empty disabled box."""
    checked = " checked" if match[1] else ""
    return (
        '<li class="task-list-item"><label class="task-list-control">'
        f'<input type="checkbox" disabled{checked}><span class="task-list-indicator"></span>'
        "</label>"
    )


@functools.lru_cache(maxsize=4096)  # a record's versions repeat its headings
def slug(text: str) -> str:
    """Return a heading's id as GitHub makes it: lower case, punctuation dropped, - for spaces."""
    kept = "".join(
        char
        for char in unicodedata.normalize("NFC", text.strip().lower())
        if char in " -_" or unicodedata.category(char)[0] in "LNM"
    )
    return kept.replace(" ", "-")


def heading_ids(text: str) -> list[str]:
    """Return the ids of a Markdown text's headings, in order (what #anchors may name)."""
    positioned = to_html(text, cmark.Options.CMARK_OPT_SOURCEPOS)
    return [token["id"] for token in _anchor_headings(positioned)[1]]


def _anchor_headings(converted: str) -> tuple[str, list[dict[str, Any]]]:
    """Give each heading GitHub's id and the theme's permalink; return them flat, in order."""
    used: set[str] = set()
    flat: list[dict[str, Any]] = []

    def anchor(match: re.Match[str]) -> str:
        level, inner = match[1], match[2]
        text = html.unescape(_TAG.sub("", inner))
        base = slug(text) or "section"
        id_, number = base, 0
        while id_ in used:  # GitHub numbers a repeated heading: why, why-1, why-2
            number += 1
            id_ = f"{base}-{number}"
        used.add(id_)
        name = html.escape(text, quote=False)
        flat.append(
            {"level": int(level), "id": id_, "name": name, "html": inner, "data-toc-label": ""}
        )
        permalink = f'<a class="headerlink" href="#{id_}" title="Permanent link">&para;</a>'
        return f'<h{level} id="{id_}">{inner}{permalink}</h{level}>'

    return _HEADING.sub(anchor, converted), flat


def nest(flat: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return headings nested as a table of contents: each under the last one above it."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for token in flat:
        token = {**token, "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


class _ConvertPage(Preprocessor):
    """Convert the whole page here, before Python-Markdown reads any of it."""

    def run(self, lines: list[str]) -> list[str]:
        self.md.openrecord_page = render_content("\n".join(lines))  # type: ignore[attr-defined]
        return ["openrecord"]  # all Python-Markdown is left to convert: replaced below


class _KeepPage(Postprocessor):
    """Hand the engine the converted page, and its headings as its table of contents."""

    def run(self, text: str) -> str:
        converted, tokens = getattr(self.md, "openrecord_page", ("", []))
        self.md.toc_tokens = tokens  # type: ignore[attr-defined]
        return str(converted)


class ConvertExtension(Extension):
    """Python-Markdown extension: have the engine convert each page as openrecord does."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_ConvertPage(md), "openrecord_convert", 1000)
        md.postprocessors.register(_KeepPage(md), "openrecord_page", -1000)


def makeExtension(**kwargs: Any) -> ConvertExtension:
    """Return the extension, as Python-Markdown expects of a module named in mkdocs.yml."""
    return ConvertExtension(**kwargs)


_FIRST_BLOCK = re.compile(
    r'\s*<(h[1-6]|[a-z]+)[^>]* data-sourcepos="(\d+):\d+-(\d+):\d+">(.*?)</\1>', re.S
)
_NUMBERING = re.compile(r"^\d+[.:)]?\s+")


def without_title(text: str, title: str) -> str:
    """Return a body without its first heading when that heading repeats the title.

    Most decision records start with '# Their title', which the page already shows.
    """
    return _strip_title(text, title) if _may_open_with_heading(text) else text


def _strip_title(text: str, title: str) -> str:
    """Return a text without its first block when that block is a heading naming the title."""
    first = _FIRST_BLOCK.match(to_html(text, cmark.Options.CMARK_OPT_SOURCEPOS))
    if first is None or not first[1].startswith("h"):
        return text
    heading = html.unescape(_TAG.sub("", first[4])).strip()
    if _plain(title) not in {_plain(heading), _plain(_NUMBERING.sub("", heading))}:
        return text
    lines = text.split("\n")
    return "\n".join(lines[: int(first[2]) - 1] + lines[int(first[3]) :]).strip("\n")


def _plain(text: str) -> str:
    """Return a title reduced to its words, for comparing: case, spaces and end stops aside."""
    return " ".join(text.casefold().split()).rstrip(".:")


_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$", re.M)
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n|$)")


def _may_open_with_heading(text: str) -> bool:
    """Tell whether a text's first block could be a heading, without converting it.

    Its first block is a heading only when its first line opens one ('#'), when the lines
    before the first blank one end with a setext underline, or when it opens with what
    converts to nothing or to raw HTML ('[' of a link definition or footnote, '<'): for
    any such text, and any with a carriage return there, the caller converts it to tell.
    """
    rest = _BLANK_LINES.sub("", text, count=1)
    paragraph = _BLANK_LINE.split(rest, maxsplit=1)[0]
    if "\r" in paragraph or _UNDERLINE.search(paragraph):
        return True
    return rest.lstrip(" \t\ufeff")[:1] in {"#", "[", "<", ""}
