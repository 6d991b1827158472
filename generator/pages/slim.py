"""Make the shells small: what every page repeats becomes a shared file, the rest minified.

Tens of thousands of pages are poured into a dozen shells (see shells.py), so a byte
taken out of a shell is taken out of every one of them, and GitHub Pages publishes at
most 1 GB. Once a build, before any page is poured, each shell is slimmed:

- the theme's icons (the logo, the menu, the palette's toggles, the repository's mark,
  each drawn twice on a page) become one SVG file of symbols that each page points at;
- its scripts that do not depend on where the page is become shared files, loaded where
  they stood (a script without async or defer runs at the same moment either way); the
  theme's scope, the way up to the site's root, is found from the shared file's own
  address instead, so that script is shared too;
- the engine's generator line (its name and version, which no reader needs) goes;
- what is left is minified by minify-html, and the placeholders come back in the exact
  form that pouring looks for.

The pages read and behave as before; only their bytes change.
"""

from __future__ import annotations

import hashlib
import re

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
#: A script written inline, without a src and of no other type than JavaScript.
_SCRIPT = re.compile(r"<script>(?P<code>.*?)</script>", re.S)
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
    html = _share_icons(html, root, shared)
    html = _share_scripts(html, root, shared)
    html = minify(html)
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
