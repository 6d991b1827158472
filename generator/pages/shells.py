"""Render what needs no engine: every page outside the navigation, poured into a shell.

A site has a handful of pages in its navigation and thousands outside it: records,
their history and past versions, topics, further pages of long lists. Those pages
share everything but their content, title, table of contents and a few links, so
running the engine on each of them would spend most of a build on near-identical
pages. Instead the engine renders, at each depth of the site, two exemplar pages
with placeholders (one with a table of contents, one without); openrecord renders
each page's Markdown itself (the same conversion, the same sanitiser) in a pool of
processes and fills the placeholders. The pages read exactly as if the engine had
made them, and join its sitemap (see sitemap.py) and the search index (search.py).
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html import escape as html_escape
from pathlib import Path
from typing import Any

from generator.errors import EngineError
from generator.markdown import convert
from generator.outputs.sitemap import write_atomically
from generator.pages.slim import shared_files, slim

ShellPage = tuple[str, dict[str, Any], str]  # url, front matter, body Markdown

#: The folders the exemplars are rendered in (and removed from once poured).
SHELL_ROOTS = ("openrecord-shell", "openrecord-shell-toc")
_PLAIN_ROOT, _TOC_ROOT = (f"{root}/" for root in SHELL_ROOTS)
_TITLE = "ORSHELLTITLE"
_REPORT = "ORSHELLREPORT"  # the title of an issue about the page, percent-encoded
_DESCRIPTION = "ORSHELLDESCRIPTION"
_ROBOTS = "ORSHELLROBOTS"
_START = '<div id="or-shell">'
_END = '<div id="or-shell-end"></div>'
_CONTENT = "ORSHELLCONTENT"
_TOC_ITEMS = "ORSHELLTOCITEMS"
_TOC_CHILDREN = "ORSHELLTOCCHILDREN"
_ROBOTS_TAG = f'<meta name="robots" content="{_ROBOTS}">'
_DESCRIPTION_TAG = f'<meta name="description" content="{_DESCRIPTION}">'
_MARKS = "ORSHELLMARKS"
#: What the theme draws around a page to be found by search, and its search marks.
_SEARCH_BODY = '<div id="main-content" tabindex="-1" data-pagefind-body>'
_SEARCH_MARKS = f"<div hidden>{_MARKS}</div>"
_FOUND = " data-pagefind-body"


def exemplar_url(depth: int, toc: bool, lang: str = "") -> str:
    """Return where the exemplar for pages depth folders deep is rendered.

    A page in one of the site's other languages has shells of its own (the theme's
    strings and ``<html lang>`` in that language), in folders named after it.
    """
    root = (_TOC_ROOT if toc else _PLAIN_ROOT).rstrip("/") + (f"-{lang}/" if lang else "/")
    return root + "x/" * (depth - 1)


def shell_roots(languages: Iterable[str] = ()) -> list[str]:
    """Return the folders of every exemplar: the source language's, then each other's."""
    return [*SHELL_ROOTS, *(f"{root}-{lang}" for lang in languages for root in SHELL_ROOTS)]


def depth(url: str) -> int:
    """Return how many folders deep a page's address is ('a/b/' is 2)."""
    return url.count("/")


#: The deepest address a page can have ('type/slug/v3/' is 3 deep).
MAX_DEPTH = 5


def exemplars(depths: Iterable[int], languages: Iterable[str] = ()) -> dict[str, str]:
    """Return the docs pages of the exemplars the engine renders: path to Markdown text.

    languages are the site's other languages, each of which has exemplars of its own.
    """
    pages = {}
    for lang in ("", *languages):
        front = {
            "title": _TITLE,
            "report": _REPORT,
            "description": _DESCRIPTION,
            "robots": _ROBOTS,
            "pagefind": _MARKS,
        }
        if lang:
            front["lang"] = lang  # the theme's strings in that language (partials/language.html)
        header = f"---\n{json.dumps(front)}\n---\n\n{_START}<h1>{_CONTENT}</h1></div>\n\n"
        for level in sorted(depths):
            pages[f"{exemplar_url(level, False, lang)}index.md"] = f"{header}{_END}\n"
            # Two nested headings make the engine show how it draws a table of contents.
            toc = f"{header}## ORTOCA\n\n### ORTOCB\n\n{_END}\n"
            pages[f"{exemplar_url(level, True, lang)}index.md"] = toc
    return pages


@dataclass(frozen=True)
class Shell:
    """One engine-made page cut around its content (and table of contents) placeholders."""

    url: str
    html: str
    leaf: str = ""  # one entry of the table of contents, without sub-entries
    parent: str = ""  # one entry with its sub-entries in place of _TOC_CHILDREN
    light: bool = False  # the lighter page of past versions (see light_shell)


def read_shell(site_dir: Path, depth_: int, toc: bool, lang: str = "") -> Shell:
    """Read an exemplar the engine rendered and cut it into a shell."""
    url = exemplar_url(depth_, toc, lang)
    html = (site_dir / url / "index.html").read_text(encoding="utf-8")
    start, end = html.find(_START), html.find(_END)
    if start < 0 or end < 0:
        raise EngineError(f"the engine's page for /{url} lost its content markers")
    html = collapse_spacing(html[:start]) + _CONTENT + collapse_spacing(html[end + len(_END) :])
    if not toc:
        return Shell(url, html)
    child = html.find('href="#ortocb"')
    leaf_start, leaf_end = html.rfind("<li", 0, child), html.find("</li>", child) + 5
    parent_start = html.rfind("<li", 0, html.rfind('href="#ortoca"', 0, leaf_start))
    parent_end = html.find("</li>", leaf_end) + 5
    if min(child, leaf_start, parent_start) < 0 or parent_end < leaf_end:
        raise EngineError(f"the engine's page for /{url} has no table of contents to copy")
    leaf = html[leaf_start:leaf_end].replace("ORTOCB", "ORTOCA").replace("#ortocb", "#ortoca")
    parent = html[parent_start:leaf_start] + _TOC_CHILDREN + html[leaf_end:parent_end]
    html = html[:parent_start] + _TOC_ITEMS + html[parent_end:]
    if "ORTOC" in html:
        raise EngineError(f"the engine's page for /{url} names its table of contents elsewhere")
    return Shell(url, html, leaf, parent)


#: Spacing that spans lines, which a browser reads as one space (the engine's templates are
#: indented for their authors: a fifth of a page).
_SPACING = re.compile(r"[ \t\r]*\n\s*")


def collapse_spacing(html: str) -> str:
    """Return a shell's HTML with each run of spacing that spans lines cut to one newline.

    The page reads and behaves the same (a shell has no <pre> or <textarea>; the content,
    which may, is poured in afterwards). The shells are then slimmed whole (see slim.py).
    """
    return _SPACING.sub("\n", html)


def light_shell(shell: Shell, home: str, site_name: str) -> Shell:
    """Return the lighter page of past versions, cut from the plain shell of the same depth.

    A past version is a permalink, out of search and the sitemap (a history page, out of
    search, has the same lighter page): it keeps the shell's
    head (stylesheets, title, feeds), the reader's palette, its content and footer, and
    drops the navigation, the search (and its stylesheets), the header's icons and the
    scripts, about two thirds of a page. Its one script, after <body>, is the theme's scope
    and the palette's: the head's others serve the engine's script, which it has not. Its
    footer keeps the licence and leaves the engine's credit to the site's other pages.
    """
    html = _SEARCH_STYLES.sub("", shell.html)
    head_end = html.index("</head>")
    body = html.index("<body")
    body_end = html.index(">", body) + 1
    article = html.rindex("<article", 0, html.index(_CONTENT))
    article_end = html.index("</article>", article) + len("</article>")
    footer = html.find("<footer")
    footer_end = html.find("</footer>", footer) + len("</footer>")
    # The reader's chosen palette (stored by the engine's pages) applies here too.
    scope = re.search(r"<script>(__md_scope=.*?)</script>", html[:head_end], re.S)
    palette = re.search(r"<script>(var palette=.*?)</script>", html, re.S)
    code = ";".join(found[1] for found in (scope, palette) if found)
    header = (
        '<header class="or-light-header md-grid md-typeset"><p>'
        f'<a href="{home}">{html_escape(site_name)}</a></p></header>'
    )
    light = (
        _SCRIPT.sub("", html[:head_end])
        + "</head>"
        + html[body:body_end]
        + (f"<script>{code}</script>" if palette else "")
        + header
        + '<main class="md-main"><div class="md-main__inner md-grid"><div class="md-content">'
        + html[article:article_end]
        + "</div></div></main>"
        + _light_footer(html[footer:footer_end] if footer >= 0 else "")
        + "</body></html>"
    )
    return Shell(shell.url, light, light=True)


def _light_footer(footer: str) -> str:
    """Return the footer of a lighter page: the engine's without its credit, if any is left."""
    footer = _CREDIT.sub("", footer)
    return footer if _TAG.sub("", footer).strip() else ""


#: A script written in the page (the head's: the theme's scope, the feeds' links held back).
_SCRIPT = re.compile(r"<script>.*?</script>\n?", re.S)
#: The engine's credit in the footer ("Made with" and a link to its site).
_CREDIT = re.compile(r"Made with\s*<a [^>]*>[^<]*</a>\s*")


#: The stylesheets of the search, which a lighter page has no use for.
_SEARCH_STYLES = re.compile(r'<link rel="stylesheet" href="[^"]*(?:pagefind|search)[^"]*\.css">\n?')


def toc_html(shell: Shell, tokens: list[dict[str, Any]]) -> str:
    """Return the entries of a table of contents, drawn like the engine draws them."""
    items = []
    for token in tokens:
        children = token["children"]
        values = {
            '"ORTOCA"': f'"{_label(token["name"])}"',
            "#ortoca": f"#{token['id']}",
            "ORTOCA": token["name"],
            _TOC_CHILDREN: toc_html(shell, children) if children else "",
        }
        items.append(substitute(shell.parent if children else shell.leaf, values))
    return "".join(items)


def _label(name: str) -> str:
    """Return a heading's name as the theme writes it in an attribute (striptags, then e).

    The name is the heading's HTML, its text escaped but its quotes not: written into an
    attribute as it was, a heading's words could have closed the attribute and added one.
    """
    text = html.unescape(" ".join(_STRIP.sub("", name).split()))
    return html.escape(text, quote=True)


_STRIP = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def substitute(template: str, values: dict[str, str]) -> str:
    """Replace each placeholder of a template in one pass, so no value is scanned again."""
    return _pattern(tuple(values)).sub(lambda match: values[match[0]], template)


@functools.lru_cache(maxsize=16)
def _pattern(placeholders: tuple[str, ...]) -> re.Pattern[str]:
    """Return a regular expression matching any of the placeholders, longest first."""
    return re.compile("|".join(map(re.escape, sorted(placeholders, key=len, reverse=True))))


_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Poured:
    """What pouring one page gave the sitemap."""

    in_sitemap: bool


#: The key of a depth's lighter shell, beside 0 (no table of contents) and 1 (one).
LIGHT = 2


#: Shells by depth, kind (0: no table of contents, 1: one, LIGHT) and language ('' for the
#: source language).
Shells = dict[tuple[int, int, str], Shell]


def read_shells(site_dir: Path, site_name: str = "", languages: Iterable[str] = ()) -> Shells:
    """Read the shells: by depth, kind, and language ('' for the source language).

    Past versions (the light shells) are in the source language only. Each is slimmed
    (see slim.py), and the files they now share are written into the site.
    """
    shells = {
        (level, toc, lang): read_shell(site_dir, level, bool(toc), lang)
        for lang in ("", *languages)
        for level in range(1, MAX_DEPTH + 1)
        for toc in (0, 1)
    }
    for level in range(1, MAX_DEPTH + 1):
        shells[level, LIGHT, ""] = light_shell(shells[level, 0, ""], "../" * level, site_name)
    shared: dict[str, str] = {}
    slimmed = {key: slim_shell(shell, key[0], shared) for key, shell in shells.items()}
    for path, text in shared_files(shared).items():
        (site_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / path).write_text(text, encoding="utf-8")
    return slimmed


#: Where the placeholder tags are in a minified shell, to be put back as pouring finds them.
_TAGS = {
    _DESCRIPTION_TAG: r'<meta (?=[^>]*name="?description"?[\s>])[^>]*>',
    _ROBOTS_TAG: r'<meta (?=[^>]*name="?robots"?[\s>])[^>]*>',
    _SEARCH_BODY: r'<div (?=[^>]*id="?main-content"?[\s>])[^>]*>',
    _SEARCH_MARKS: rf"<div hidden>\s*{_MARKS}\s*</div>",
}


def slim_shell(shell: Shell, level: int, shared: dict[str, str]) -> Shell:
    """Return a shell slimmed, with its table of contents' pieces."""
    return replace(
        shell,
        html=slim(shell.html, level, shared, _TAGS),
        leaf=slim(shell.leaf, level, shared, {}) if shell.leaf else "",
        parent=slim(shell.parent, level, shared, {}) if shell.parent else "",
    )


def fill_many(pages: list[ShellPage]) -> list[Poured]:
    """Pour a chunk of pages (one task for the pool of generator/parallel.py)."""
    return [_fill_one(page) for page in pages]


def pour_one(page: ShellPage, shells: Shells, site_dir: Path, raw: dict[str, Any]) -> Poured:
    """Render one page into its shell, in this process (the preview's quick path).

    The page is replaced whole, as the preview's server may be sending it meanwhile.
    """
    start_worker(*worker_setup(shells, site_dir, raw))
    return _fill_one(page, atomic=True)


def worker_setup(shells: Shells, site_dir: Path, raw: dict[str, Any]) -> tuple[Any, ...]:
    """Return what a process needs to pour pages: shells, output folder, description."""
    description = html.escape(str(raw.get("site_description") or ""))
    return (shells, str(site_dir), description)


#: What every page of one build shares, set once per worker process by start_worker.
_SHARED: dict[str, Any] = {}


def start_worker(shells: Shells, site_dir: str, description: str) -> None:
    """Prepare a worker: the shells and the output folder."""
    _SHARED.pop("cuts", None)
    _SHARED.update(shells=shells, site_dir=site_dir, description=description)


def _cut(shell: Shell) -> list[tuple[bool, str]]:
    """Return a shell cut at its placeholders, (True, placeholder) or (False, text): cut once."""
    cuts: dict[tuple[str, bool], list[tuple[bool, str]]] = _SHARED.setdefault("cuts", {})
    key = shell.url, shell.light
    if key not in cuts:
        names = [_TITLE, _REPORT, _DESCRIPTION_TAG, _DESCRIPTION, _ROBOTS_TAG, shell.url]
        names += ["</head>", _SEARCH_BODY, _SEARCH_MARKS]
        names += [_CONTENT, "#ortoca", _TOC_ITEMS]
        splitter = _pattern(tuple(sorted(names)))
        cuts[key] = []
        position = 0
        for match in splitter.finditer(shell.html):
            cuts[key] += [(False, shell.html[position : match.start()]), (True, match[0])]
            position = match.end()
        cuts[key].append((False, shell.html[position:]))
    return cuts[key]


def _fill_one(page: ShellPage, atomic: bool = False) -> Poured:
    """Render one page and pour it into the shell of its depth (atomic: replaced whole)."""
    url, front, body = page
    content, tokens = convert.render_content(body, checked=bool(front.get("checked")))
    if tokens and tokens[0]["level"] == 1:  # as the engine: a lone h1's children
        tokens = tokens[0]["children"]
    light = bool(front.get("light"))
    if light:
        tokens = []  # a light page has no table of contents
    kind = LIGHT if light else int(bool(tokens))
    shell: Shell | None = _SHARED["shells"].get((depth(url), kind, str(front.get("lang", ""))))
    if shell is None:
        raise EngineError(f"/{url} is deeper than the {MAX_DEPTH} levels openrecord has shells for")
    robots = front.get("robots")
    feeds = "".join(
        f'<link rel="alternate" hreflang="{other["lang"]}" type="text/html" href="{other["href"]}">'
        for other in front.get("alternates", [])
    ) + "".join(
        f'<link rel="alternate" type="{feed["type"]}" title="{feed["title"]}" '
        f'href="{feed["href"]}">'
        for feed in front.get("feeds", [])
    )
    # A past version's lighter page is out of search: the site's description is no use there.
    description = front.get("description") or ("" if light else _SHARED["description"])
    marks = front.get("pagefind")
    values = {
        _TITLE: str(front.get("title", "")),
        _REPORT: str(front.get("report", "")),
        _DESCRIPTION_TAG: f'<meta name="description" content="{description}">'
        if description
        else "",
        _DESCRIPTION: str(description),
        _ROBOTS_TAG: f'<meta name="robots" content="{robots}">' if robots else "",
        shell.url: url,
        "</head>": f"{feeds}</head>",
        _CONTENT: content,
        _SEARCH_BODY: _SEARCH_BODY if marks is not None else _SEARCH_BODY.replace(_FOUND, ""),
        _SEARCH_MARKS: f"<div hidden>{marks}</div>" if marks else "",
    }
    if tokens:
        values |= {"#ortoca": f"#{tokens[0]['id']}", _TOC_ITEMS: toc_html(shell, tokens)}
    html = "".join(
        values.get(part, part) if placeholder else part for placeholder, part in _cut(shell)
    )
    target = Path(_SHARED["site_dir"]) / url / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    if atomic:
        write_atomically(target, html)
    else:
        target.write_text(html, encoding="utf-8")
    return Poured("noindex" not in str(robots or ""))
