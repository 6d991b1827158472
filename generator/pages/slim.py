"""Make the shells small: what every page repeats becomes a shared file, the rest minified.

Tens of thousands of pages are poured into a dozen shells (see shells.py), so a byte
taken out of a shell is taken out of every one of them, and GitHub Pages publishes at
most 1 GB. Once a build, before any page is poured, each shell is slimmed:

- the theme's icons (the logo, the menu, the palette's toggles, the repository's mark,
  each drawn twice on a page) become one SVG file of symbols that each page points at;
- what the theme does otherwise goes: the engine's skip link (to the first heading of a
  page with a table of contents, past a record's header: openrecord's, to the start of the
  content, comes first on every page) and its empty place for an announcement; the
  drawer's logo, which repeated the header's link home and its name twice, is drawn
  without them (the drawer's list starts with the same link, "Home");
- the palette's form (its toggles between light and dark), which only the engine's script
  can use (without it its buttons stay hidden), is drawn by a shared script where it stood,
  the one that applies the reader's palette next to it; so is the button back to the top
  (shown by the engine's script as the reader scrolls up), by the script before it;
- its scripts that do not depend on where the page is become shared files, loaded where
  they stood (a script without async or defer runs at the same moment either way); the
  theme's scope, the way up to the site's root, is found from the shared file's own
  address instead, so that script is shared too;
- the engine's generator line (its name and version, which no reader needs) goes;
- the settings its script reads (``__config``) keep what it reads: not the worker and the
  strings of the engine's own search (the search is Pagefind's), nor empty entries, nor
  spaces;
- what is left is minified by minify-html, and the placeholders come back in the exact
  form that pouring looks for; the spaces the engine leaves around the names in its
  lists (the navigation, the table of contents) go too, where its styles never show them
  (a name is a block, in a link laid out as a flex box).

The pages read and behave as before; only their bytes change.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from typing import Any

import minify_html

#: The file of icons every slimmed page points at, from the site's root.
ICONS = "assets/openrecord-icons.svg"
#: An icon as the theme inlines it: an <svg> with a namespace and a view box, and no text.
_ICON = re.compile(
    r'<svg xmlns="http://www\.w3\.org/2000/svg"(?P<attrs>(?: [a-z-]+="[^"<>]*")*)'
    r' viewBox="(?P<box>[^"]+)"(?P<more>(?: [a-z-]+="[^"<>]*")*)>'
    r"(?P<body>(?:(?!<svg|<text).)*?)</svg>",
    re.S,
)
#: The engine's name and version, on every page.
_GENERATOR = re.compile(r'<meta (?=[^>]*name="generator")[^>]*>')
#: The engine's skip link, if any (openrecord's theme writes its own, to the content).
_SKIP = re.compile(
    r'<div data-md-component="skip">\s*(?:<a [^>]*class="md-skip"[^>]*>[^<]*</a>\s*)?</div>\s*'
)
#: The engine's place for an announcement, when the site has none.
_ANNOUNCE = re.compile(r'<div data-md-component="announce">\s*</div>\s*')
#: The drawer's logo: a link home inside the drawer's title, which is the site's name.
_DRAWER_LOGO = re.compile(
    r'(<label class="md-nav__title" for="__drawer">\s*)'
    r'<a [^>]*class="md-nav__button md-logo"[^>]*>((?:(?!</?a[\s>]).)*)</a>',
    re.S,
)
#: The settings the engine's script reads, as JSON.
_CONFIG = re.compile(
    r'(<script id="__config" type="application/json">)(?P<json>.*?)(</script>)', re.S
)
#: A script written inline, without a src and of no other type than JavaScript.
_SCRIPT = re.compile(r"<script>(?P<code>.*?)</script>", re.S)
#: A name in the engine's lists, with the spaces around it that its styles never show.
_ELLIPSIS = re.compile(r"(?:(?<=>) )?<span class=md-ellipsis> ([^<]*?) </span>(?: (?=</a>))?")
#: An attribute whose value holds a placeholder, which minify-html may have left unquoted.
_UNQUOTED = re.compile(
    r"(?P<name>\s[a-zA-Z_:][-\w:.]*)="
    r"(?P<value>[^\s\"'=<>`]*(?:ORSHELL|ORTOC|ortoc|openrecord-shell)[^\s\"'=<>`]*)(?=[\s>])"
)


def slim(html: str, depth: int, shared: dict[str, str], tags: dict[str, str]) -> str:
    """Return a shell (or a piece of one) slimmed; add the files it now needs to shared.

    depth is how many folders deep its pages are; tags maps each placeholder tag pouring
    looks for by its exact text (such as ``<meta name="robots" content="ORSHELLROBOTS">``)
    to a pattern that finds it in the minified shell, where it is put back as it was.
    """
    root = "../" * depth
    html = _GENERATOR.sub("", html)
    html = _CONFIG.sub(lambda found: found[1] + slim_config(found["json"]) + found[3], html)
    html = _SKIP.sub("", _ANNOUNCE.sub("", html))
    html = _DRAWER_LOGO.sub(
        r'\1<span class="md-nav__button md-logo" aria-hidden="true">\2</span>', html
    )
    html = _share_icons(html, root, shared)
    html = _draw_top(_draw_palette(html, root), root)
    html = _share_scripts(html, root, shared)
    html = _ELLIPSIS.sub(r"<span class=md-ellipsis>\1</span>", minify(html))
    html = _UNQUOTED.sub(lambda match: f'{match["name"]}="{match["value"]}"', html)
    for tag, pattern in tags.items():
        found = re.search(pattern, html)
        if found:
            html = html[: found.start()] + tag + html[found.end() :]
    if "<head>" in html and "</head>" not in html:  # the feeds' links are put before it
        html = html.replace("<body", "</head><body", 1)
    if html.startswith("<!doctype") and not html.rstrip().endswith("</html>"):
        html += "</body></html>"  # a page says where it ends (the preview's readers look)
    return html


def minify(html: str) -> str:
    """Return HTML minified: spacing the browser ignores, optional quotes and end tags removed.

    The <html> and <head> start tags stay, as pouring and the engine's scripts expect them.
    """
    minified: str = minify_html.minify(html, keep_html_and_head_opening_tags=True)
    return minified


def slim_config(text: str) -> str:
    """Return the engine's settings as JSON without what its script never reads here.

    Its own search's worker and strings are read only by a search it draws, and openrecord's
    header has Pagefind's instead; the version selector's string only with a version; an
    entry without a value never. The rest keeps its order, without spaces, and with <, >
    and & escaped as the engine escapes them (the JSON sits in a <script>).
    """
    try:
        config: dict[str, Any] = json.loads(text)
    except ValueError:  # not the engine's settings as this module knows them: left as they are
        return text
    if not isinstance(config, dict):
        return text
    config.pop("search", None)
    config = {key: value for key, value in config.items() if value is not None}
    translations = config.get("translations")
    if isinstance(translations, dict):
        config["translations"] = {
            key: value
            for key, value in translations.items()
            if not key.startswith("search.") and (key != "select.version" or "version" in config)
        }
    compact = json.dumps(config, ensure_ascii=False, separators=(",", ":"))
    return compact.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def icons_file(shared: dict[str, str]) -> str:
    """Return the SVG file of every shared icon, each a <symbol> named by its digest."""
    symbols = "".join(text for name, text in sorted(shared.items()) if name.startswith("icon:"))
    return f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n'


def shared_files(shared: dict[str, str]) -> dict[str, str]:
    """Return the files the slimmed shells point at: path in the site to text."""
    files = {name: text for name, text in shared.items() if not name.startswith("icon:")}
    if any(name.startswith("icon:") for name in shared):
        files[ICONS] = icons_file(shared)
    return files


def _share_icons(html: str, root: str, shared: dict[str, str]) -> str:
    """Return html with each inline icon drawn from the shared file of icons."""

    def share(match: re.Match[str]) -> str:
        box, body = match["box"], match["body"]
        name = "i" + hashlib.sha256(f"{box}\n{body}".encode()).hexdigest()[:10]
        shared[f"icon:{name}"] = f'<symbol id="{name}" viewBox="{box}">{body}</symbol>'
        attrs = f"{match['attrs']}{match['more']}"
        return f'<svg viewBox="{box}"{attrs}><use href="{root}{ICONS}#{name}"></use></svg>'

    return _ICON.sub(share, html)


#: The palette's form as the engine writes it, and the script after it that applies the
#: reader's palette (stored by the engine's script) before the page is drawn.
_PALETTE = re.compile(
    r'(?P<html><form class="md-header__option" data-md-component="palette">.*?</form>)\s*'
    r"<script>(?P<code>var palette=.*?)</script>",
    re.S,
)
#: The script that ends the content's block, and the button back to the top after it.
_TOP = re.compile(
    r"<script>(?P<code>var target=[^<]*)</script>\s*</div>\s*"
    r'(?P<html><button [^>]*data-md-component="top"[^>]*>.*?</button>)',
    re.S,
)
#: What a shared script that draws HTML starts with: it puts the HTML where it stands.
DRAW = '(function(s){s.insertAdjacentHTML("beforebegin",'
#: ... or after the block it ends.
DRAW_AFTER = '(function(s){s.parentNode.insertAdjacentHTML("afterend",'
#: Where the file of icons is, in HTML a shared script draws (from its own address).
ICONS_HERE = "ORICONS"


def _draw_palette(html: str, root: str) -> str:
    """Return html with the palette's form drawn by the script that follows it."""
    return _PALETTE.sub(lambda found: f"<script>{_drawing(DRAW, found, root)}</script>", html)


def _draw_top(html: str, root: str) -> str:
    """Return html with the button back to the top drawn by the script before it."""
    return _TOP.sub(
        lambda found: f"<script>{_drawing(DRAW_AFTER, found, root)}</script></div>", html
    )


def _drawing(start: str, found: re.Match[str], root: str) -> str:
    """Return a script's code that draws found's html (where start says), then runs its code."""
    drawn = minify(found["html"]).replace(f"{root}{ICONS}", ICONS_HERE)
    text = json.dumps(drawn, ensure_ascii=False).replace("</", "<\\/")
    here = posixpath.relpath(ICONS, posixpath.dirname(ICONS))
    return (
        f'{start}{text}.replace(/{ICONS_HERE}/g,new URL("{here}",s.src).href))}})'
        f"(document.currentScript);{found['code']}"
    )


#: The site's root, from a script in one of its files in assets/ (read as the script runs).
_SHARED_SCOPE = 'new URL("..",document.currentScript.src)'


def _share_scripts(html: str, root: str, shared: dict[str, str]) -> str:
    """Return html with each inline script that reads the same at every depth in a file.

    A script that names the way up to the site's root otherwise than as the theme's scope
    stays.
    """
    way_up = root.rstrip("/")
    # The theme's scope (the site's root) seen from the page, and seen from a shared file in
    # assets/, one folder below the root: the same address.
    scope = f'new URL("{way_up or "."}",location)'

    def share(match: re.Match[str]) -> str:
        rest = match["code"].replace(scope, "")
        if not rest.strip() or f'"{way_up}' in rest or f"'{way_up}" in rest:
            return match[0]
        code = match["code"].replace(scope, _SHARED_SCOPE)
        path = f"assets/openrecord-{hashlib.sha256(code.encode()).hexdigest()[:10]}.js"
        shared[path] = code if code.endswith("\n") else code + "\n"
        return f'<script src="{root}{path}"></script>'

    return _SCRIPT.sub(share, html)
