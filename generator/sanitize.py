"""Keep strangers' markup out of the published site: two walls.

The first wall refuses raw HTML and links with unsafe schemes in record
bodies, naming the line, so a contributor learns at once. The second wall
runs on every page the engine renders: a Python-Markdown postprocessor (an
ordinary Markdown extension, listed in mkdocs.yml, so every engine runs it)
passes the page's HTML through nh3 with an allowlist that keeps what the site
itself uses (headings with ids, admonitions, highlighted code, tables,
diagrams, the record header) and drops everything else.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

import nh3
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$)|<!--|<!\[CDATA\[|<\?")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)>\s]*)")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^>\s]*)>")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


@functools.lru_cache(maxsize=1024)
def is_safe(body: str) -> bool:
    """Tell whether a Markdown body has no raw HTML and no unsafe link (versions share texts)."""
    return not find_unsafe_markup(body)


def find_unsafe_markup(body: str) -> list[tuple[int, str]]:
    """Return (line offset, message) for each raw HTML tag or unsafe link in a Markdown body."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        opener = _FENCE_OPEN.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        if line.startswith(("    ", "\t")) and not line.strip().startswith(("-", "*", "[")):
            continue  # an indented code block shows its text as text
        text = _CODE_SPAN.sub("", line)
        tag = _TAG.search(text)
        if tag:
            found.append(
                (
                    offset,
                    f"raw HTML ({tag.group(0).strip()}...) is not allowed in a "
                    "record; use Markdown instead (for example **bold**, [link](https://...)), "
                    "or put the text in `backticks` to show it as code",
                )
            )
        for url in _link_targets(text):
            scheme = unsafe_scheme(url)
            if scheme is not None:
                found.append(
                    (
                        offset,
                        f"links to '{scheme}:' addresses are not allowed; link "
                        "to an https:// address or to another page of this site",
                    )
                )
    return found


def _link_targets(text: str) -> list[str]:
    """Return the destinations of the Markdown links and images on one line."""
    targets = [match.group(1) for match in _INLINE_LINK.finditer(text)]
    targets += [match.group(1) for match in _AUTOLINK.finditer(text)]
    definition = _REFERENCE_DEFINITION.match(text)
    if definition:
        targets.append(definition.group(1))
    return targets


def unsafe_scheme(url: str) -> str | None:
    """Return the scheme of a URL when it is not http, https, mailto or relative."""
    decoded = html.unescape(url)
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", decoded).lower()
    match = _SCHEME.match(squeezed)
    if match and match.group(1) not in SAFE_SCHEMES:
        return match.group(1)
    return None


_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "aside",
    "header",
    "footer",
}
_ATTRIBUTES = {
    "*": {
        "class",
        "id",
        "title",
        "lang",
        "dir",
        "role",
        "aria-label",
        "aria-labelledby",
        "aria-describedby",
        "aria-hidden",
        "aria-current",
        "hidden",
    },
    "a": {"href", "hreflang", "type"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "details": {"open"},
}
_STYLES = {"text-align"}
#: The provenance diagrams' SVG, as generator/drawing.py writes it (no ids, no scripts, no
#: styles, no foreign content; links keep to the safe schemes like every other link).
_SVG_TAGS = {"svg", "g", "title", "desc", "rect", "path", "polygon", "text", "tspan"}
_SVG_ATTRIBUTES = {
    "svg": {"xmlns", "viewBox", "width", "height"},
    "a": {"tabindex"},
    "rect": {"x", "y", "width", "height", "rx", "fill", "stroke"},
    "path": {"d", "fill", "stroke"},
    "polygon": {"points", "fill"},
    "text": {"x", "y", "text-anchor", "font-size", "fill"},
    "tspan": {"x", "dy", "font-size", "font-weight"},
}
#: What the second wall keeps on a page: what a record may use, and the drawings (which a
#: record's own body may not hold: GitHub's preview does not show inline SVG).
_PAGE_TAGS = _TAGS | _SVG_TAGS
_PAGE_ATTRIBUTES = {
    tag: _ATTRIBUTES.get(tag, set()) | _SVG_ATTRIBUTES.get(tag, set())
    for tag in _ATTRIBUTES.keys() | _SVG_ATTRIBUTES.keys()
}


#: What the sanitiser could change: without any of these, a fragment is plain text already.
_MARKUP = re.compile("[<>&\u00a0\x00\r]")


#: Built once: nh3.clean() builds its allowlists anew on every call, which cost more than
#: cleaning a short fragment (a heading, a table of contents) itself.
_CLEANER = nh3.Cleaner(
    tags=_PAGE_TAGS,
    attributes=_PAGE_ATTRIBUTES,
    url_schemes=set(SAFE_SCHEMES),
    filter_style_properties=_STYLES,
    link_rel="noopener",
    strip_comments=True,
)


def clean_html(fragment: str) -> str:
    """Return HTML with only allowlisted tags, attributes and URL schemes left in it."""
    if not _MARKUP.search(fragment):
        return fragment
    return _CLEANER.clean(fragment)


#: Around HTML that openrecord wrote itself (every value escaped): passed through as one
#: block instead of being re-parsed tag by tag. Record bodies cannot contain these markers
#: (the validator refuses HTML comments), and the sanitiser still runs on everything after.
RAW_START = "<!--openrecord:html-->"
RAW_END = "<!--/openrecord:html-->"


def raw_html(html: str) -> str:
    """Return openrecord's own HTML marked to pass through Markdown as one block."""
    return f"\n{RAW_START}\n{html.strip()}\n{RAW_END}\n"


class _StashGeneratedHtml(Preprocessor):
    """Stash each marked block of openrecord's HTML whole, before Markdown parses HTML."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None and line == RAW_START:
                block = []
            elif block is not None and line == RAW_END:
                out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            elif block is not None:
                block.append(line)
            else:
                out.append(line)
        return out + (block or [])


class _SanitizePostprocessor(Postprocessor):
    """Run the page's HTML through nh3 after every other step of Python-Markdown."""

    def run(self, text: str) -> str:
        return clean_html(text)


class SanitizeExtension(Extension):
    """Python-Markdown extension: sanitise each page's rendered HTML with nh3."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_StashGeneratedHtml(md), "openrecord_html", 25)
        md.postprocessors.register(_SanitizePostprocessor(md), "openrecord_sanitize", 1)


def makeExtension(**kwargs: Any) -> SanitizeExtension:
    """Return the extension, as Python-Markdown expects of a module named in mkdocs.yml."""
    return SanitizeExtension(**kwargs)
