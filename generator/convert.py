"""Convert the Markdown of the pages poured into shells, as the engine would.

The same extensions and settings as the engine's configuration, one converter a
process. A record's versions mostly differ in one section (a sentence reworded
under one heading, an update added at the end), and Python-Markdown's cost grows
with the text, so a text is cut into sections at its headings, each distinct
section is converted once, and the parts are joined. That gives exactly what
converting the whole text gives (property-tested), because a section starts with
a heading after a blank line, which no Markdown block before it can claim, and
because a text is converted whole instead whenever anything in it can reach
across sections: reference links and footnotes, fences, raw HTML, attribute
lists, abbreviations, a [TOC] marker, an extension not known to keep to its
block, or headings whose ids the whole text would number differently.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any, cast

from markdown import Markdown
from markdown.extensions.toc import nest_toc_tokens

from generator.sanitize import RAW_END, RAW_START, clean_html

#: Extensions whose output for a section does not depend on the rest of the text (given
#: what _sections refuses): with any other, every text is converted whole.
LOCAL_EXTENSIONS = frozenset(
    {
        "toc",
        "admonition",
        "tables",
        "footnotes",
        "def_list",
        "sane_lists",
        "attr_list",
        "abbr",
        "md_in_html",
        "pymdownx.highlight",
        "pymdownx.superfences",
        "pymdownx.details",
        "generator.sanitize",
    }
)

#: What makes a text convert whole: a fence, raw HTML or an autolink, a footnote, an
#: attribute list, an abbreviation, a [TOC] marker, a reference definition, a carriage return.
_WHOLE = re.compile(r"```|~~~|<|\[\^|\{|^ {0,3}\*\[|\[TOC\]|^ {0,3}\[[^\]]*\]:|\r", re.M)
#: A line that is a heading wherever it stands (Python-Markdown needs no space after #).
_HEADING = re.compile(r"^#", re.M)
#: A heading id the toc extension numbered ('why_1'): the whole text might number it otherwise.
_NUMBERED = re.compile(r"_[0-9]+$")

#: What every conversion of one build shares, set once per process by start().
_SHARED: dict[str, Any] = {}


def markdown_settings(raw: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Return the Markdown extensions and their settings from an engine configuration."""
    names: list[str] = []
    settings: dict[str, Any] = {}
    for entry in raw.get("markdown_extensions") or []:
        if isinstance(entry, dict):
            for name, options in entry.items():
                names.append(name)
                settings[name] = options or {}
        else:
            names.append(str(entry))
    return names, settings


def start(names: list[str], settings: dict[str, Any]) -> None:
    """Prepare this process's converter (and forget what an earlier build converted)."""
    _convert.cache_clear()
    _SHARED.update(
        markdown=Markdown(extensions=names, extension_configs=settings),
        sections=set(names) <= LOCAL_EXTENSIONS,
    )


def render_content(body: str) -> tuple[str, list[dict[str, Any]]]:
    """Return a page's HTML and the headings of its table of contents.

    openrecord's own HTML (every value escaped) only passes the sanitiser; the record's
    Markdown is converted like any page, and its conversion is shared by every page
    showing the same text (the record, its latest version, versions that left it alone).
    """
    parts: list[str] = []
    tokens: list[dict[str, Any]] = []
    for generated, text in _segments(body):
        if generated:
            parts.append(clean_html(text.strip("\n")))
        else:
            html, headings = convert(text.strip("\n"))
            parts.append(html)
            tokens += headings
    return "\n".join(parts), tokens


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


def convert(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return a Markdown text's HTML and nested headings, as converting it whole gives them.

    The result may be shared: callers never change its tokens.
    """
    sections = _sections(text) if _SHARED["sections"] else None
    if sections is None or len(sections) < 2:
        return _convert(text)
    parts = [_convert(section) for section in sections]
    flat = [token for _html, tokens in parts for token in _flatten(tokens)]
    ids = [token["id"] for token in flat]
    if len(set(ids)) < len(ids) or any(_NUMBERED.search(id_) for id_ in ids):
        return _convert(text)
    nested = nest_toc_tokens(cast(Any, flat))
    return "\n".join(html for html, _tokens in parts), cast(list[dict[str, Any]], nested)


def _sections(text: str) -> list[str] | None:
    """Return a text cut before each heading that follows a blank line; None when unsafe."""
    if _WHOLE.search(text):
        return None
    cuts = [
        match.start()
        for match in _HEADING.finditer(text)
        if match.start() > 0 and not _line_before(text, match.start()).strip(" \t")
    ]
    edges = [0, *cuts, len(text)]
    sections = [text[start:end].strip("\n") for start, end in pairwise(edges)]
    return [section for section in sections if section.strip()]


def _line_before(text: str, position: int) -> str:
    """Return the line before the one starting at position."""
    return text[text.rfind("\n", 0, position - 1) + 1 : position - 1]


def _flatten(tokens: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Yield copies of nested toc tokens in document order, without their children."""
    for token in tokens:
        yield {key: value for key, value in token.items() if key != "children"}
        yield from _flatten(token["children"])


@functools.lru_cache(maxsize=4096)
def _convert(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Convert a text (or a section of one) with Python-Markdown."""
    markdown = _SHARED["markdown"].reset()
    html = str(markdown.convert(text))
    return html, list(getattr(markdown, "toc_tokens", []))
