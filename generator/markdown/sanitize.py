"""Keep strangers' markup out of the published site: one allowlist, two walls.

The first wall is ``openrecord check`` (see policy.py): it reads a body as GitHub's
parser does and refuses, at its line, whatever this allowlist would remove for being
dangerous, so a contributor learns at once. The second wall runs on every page: each
page's HTML (see convert.py) passes through nh3 with this allowlist, which keeps what the
site itself uses (headings with ids, highlighted code, tables, task lists, diagrams, the
record header) and what a record may use (``<br>``, ``<sup>``, ``<details>``, ...), and
drops everything else.
"""

from __future__ import annotations

import html
import re

import nh3

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


#: A tag exactly as cmark-gfm writes one: a name, attributes in double quotes (no '<' or '>'
#: in them), an optional '/'; or a comment holding no '<', '>' or '--'. Where every '<' of
#: some HTML starts one, the sanitiser's parser reads exactly these tags, and text between
#: them as text (policy.py judges a body by them; convert.py sanitises its code apart).
STRICT_TAG = re.compile(
    r"<(?:/([a-zA-Z][a-zA-Z0-9]*)[ \t\n]*"
    r"|([a-zA-Z][a-zA-Z0-9]*)((?:[ \t\n]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=\"[^\"<>]*\")?)*)"
    r"[ \t\n]*(/?)"
    r"|!--((?:(?!--)[^<>])*)--)>"
)


def strict_tags(fragment: str) -> list[tuple[str, str, str, str, str]] | None:
    """Return every tag of some HTML (STRICT_TAG's groups), or None when one is written loosely."""
    tags = STRICT_TAG.findall(fragment)
    return tags if len(tags) == fragment.count("<") else None


def unsafe_scheme(url: str) -> str | None:
    """Return the scheme of a URL when it is not http, https, mailto or relative."""
    decoded = html.unescape(url)
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", decoded).lower()
    match = _SCHEME.match(squeezed)
    if match and match.group(1) not in SAFE_SCHEMES:
        return match.group(1)
    return None


ALLOWED_TAGS = {
    "a",
    "abbr",
    "aside",
    "b",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
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
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
}
ALLOWED_ATTRIBUTES = {
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
        "align",
        "aria-current",
        "hidden",
    },
    "a": {"href", "hreflang", "type"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "details": {"open"},
}
#: A task list's box, and nothing else an <input> could be: a ticked or empty, disabled box.
_INPUT_VALUES = {"input": {"type": {"checkbox"}, "checked": {""}, "disabled": {""}}}
_INPUT_FORCED = {"input": {"type": "checkbox", "disabled": ""}}
#: The provenance diagrams' SVG, as generator/pages/drawing.py writes it (no ids, no scripts, no
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
_PAGE_TAGS = ALLOWED_TAGS | _SVG_TAGS
_PAGE_ATTRIBUTES = {
    tag: ALLOWED_ATTRIBUTES.get(tag, set()) | _SVG_ATTRIBUTES.get(tag, set())
    for tag in ALLOWED_ATTRIBUTES.keys() | _SVG_ATTRIBUTES.keys()
}


#: What the sanitiser could change: without any of these, a fragment is plain text already.
_MARKUP = re.compile("[<>&\u00a0\x00\r]")


#: Built once: nh3.clean() builds its allowlists anew on every call, which cost more than
#: cleaning a short fragment (a heading, a table of contents) itself. Two walls: one for
#: what a record's Markdown makes, one for openrecord's own HTML, which adds the drawings.
def _cleaner(tags: set[str], attributes: dict[str, set[str]]) -> nh3.Cleaner:
    """Return a cleaner keeping these tags and attributes, and only safe addresses."""
    return nh3.Cleaner(
        tags=tags,
        attributes=attributes,
        url_schemes=set(SAFE_SCHEMES),
        tag_attribute_values=_INPUT_VALUES,
        set_tag_attribute_values=_INPUT_FORCED,
        link_rel=None,  # no link opens a new window (target is not kept): rel would be noise
        strip_comments=True,
    )


_BODY_CLEANER = _cleaner(ALLOWED_TAGS, ALLOWED_ATTRIBUTES)
_PAGE_CLEANER = _cleaner(_PAGE_TAGS, _PAGE_ATTRIBUTES)


def clean_html(fragment: str, own: bool = False) -> str:
    """Return HTML with only allowlisted tags, attributes and URL schemes left in it.

    own: the fragment is openrecord's own HTML, which may also hold the provenance drawings.
    """
    if not _MARKUP.search(fragment):
        return fragment
    return (_PAGE_CLEANER if own else _BODY_CLEANER).clean(fragment)


#: Around HTML that openrecord wrote itself (every value escaped): passed through as one
#: block instead of being re-parsed tag by tag. Record bodies cannot contain these markers
#: (the validator refuses HTML comments), and the sanitiser still runs on everything after.
RAW_START = "<!--openrecord:html-->"
RAW_END = "<!--/openrecord:html-->"


def raw_html(html: str) -> str:
    """Return openrecord's own HTML marked to pass through Markdown as one block."""
    return f"\n{RAW_START}\n{html.strip()}\n{RAW_END}\n"
