"""Render what needs no engine: history and version pages, poured into one engine-made shell.

A record has one current page but many past versions. Those pages share everything
but their content, title and a few links, so running the engine on each of them
would spend most of a large build on thousands of near-identical pages. Instead the
engine renders one exemplar page at the same depth, with placeholders; openrecord
renders each page's Markdown itself (the same extensions, the same sanitiser) in a
pool of processes, and fills the placeholders. The pages read exactly as if the
engine had made them; they are left out of the search index (search finds a
record's current page) and the sitemap.
"""

from __future__ import annotations

import functools
import gzip
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from markdown import Markdown

from generator.sanitize import RAW_END, RAW_START, clean_html

#: Pages rendered without the engine: /<type>/<slug>/history/ and /<type>/<slug>/v<N>/.
SHELL_URL = re.compile(r"^[a-z]+/[a-z0-9-]+/(history|v[0-9]+)/$")
#: Where the exemplar is rendered: the same depth as every shell page.
EXEMPLAR_URL = "openrecord-shell/exemplar/page/"
_TITLE = "ORSHELLTITLE"
_DESCRIPTION = "ORSHELLDESCRIPTION"
_ROBOTS = "ORSHELLROBOTS"
_CONTENT = '<div id="or-shell"><h1>ORSHELLCONTENT</h1></div>'

ShellPage = tuple[str, dict[str, Any], str]  # url, front matter, body Markdown


def exemplar() -> tuple[dict[str, Any], str]:
    """Return the front matter and body of the page the engine renders as the shell."""
    front = {
        "title": _TITLE,
        "description": _DESCRIPTION,
        "robots": _ROBOTS,
        "search": {"exclude": True},
    }
    return front, _CONTENT


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


def fill_shells(pages: list[ShellPage], site_dir: Path, raw: dict[str, Any]) -> int:
    """Write every shell page into the engine's output; return how many were written."""
    shell = (site_dir / EXEMPLAR_URL / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(site_dir / EXEMPLAR_URL.split("/")[0])
    _drop_from_sitemap(site_dir)
    setup = (shell, *markdown_settings(raw), str(site_dir))
    workers = min(os.cpu_count() or 1, 4)
    if len(pages) < 200 or workers < 2:
        _start(*setup)
        for page in pages:
            _fill_one(page)
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_start, initargs=setup) as pool:
            list(pool.map(_fill_one, pages, chunksize=64))
    return len(pages)


#: What every page of one build shares, set once per worker process by _start.
_SHARED: dict[str, Any] = {}


def _start(shell: str, names: list[str], settings: dict[str, Any], site_dir: str) -> None:
    """Prepare a worker: the shell, a Markdown converter and the output folder."""
    _convert.cache_clear()
    _SHARED.update(
        shell=shell,
        site_dir=site_dir,
        markdown=Markdown(extensions=names, extension_configs=settings),
    )


@functools.lru_cache(maxsize=256)
def _convert(body: str) -> str:
    """Return a version page's HTML; consecutive versions often share their whole text."""
    return str(_SHARED["markdown"].reset().convert(body))


def _fill_one(page: ShellPage) -> None:
    """Render one shell page and pour it into the shell.

    A history page is HTML that openrecord wrote (every value escaped), so it only passes
    the sanitiser; a version page holds the record's Markdown, converted like any page.
    """
    url, front, body = page
    shell, site_dir = _SHARED["shell"], _SHARED["site_dir"]
    if url.endswith("/history/"):
        content = clean_html(body)
    elif body.lstrip("\n").startswith(RAW_START):
        generated, _, text = body.partition(RAW_END)
        content = clean_html(generated.replace(RAW_START, "")) + _convert(text)
    else:
        content = _convert(body)
    html = shell.replace(_CONTENT, content)
    robots = front.get("robots")
    html = html.replace(
        f'<meta name="robots" content="{_ROBOTS}">',
        f'<meta name="robots" content="{robots}">' if robots else "",
    )
    html = html.replace(_TITLE, str(front.get("title", ""))).replace(
        _DESCRIPTION, str(front.get("description", ""))
    )
    html = html.replace(EXEMPLAR_URL, url)
    links = "".join(
        f'<link rel="alternate" type="{feed["type"]}" title="{feed["title"]}" '
        f'href="{feed["href"]}">'
        for feed in front.get("feeds", [])
    )
    if links:
        html = html.replace("</head>", f"{links}</head>", 1)
    target = Path(site_dir) / url / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def _drop_from_sitemap(site_dir: Path) -> None:
    """Remove the exemplar from the engine's sitemap, keeping the files reproducible."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    text = re.sub(
        r"\s*<url>\s*<loc>[^<]*" + re.escape(EXEMPLAR_URL) + r"</loc>.*?</url>",
        "",
        text,
        flags=re.S,
    )
    sitemap.write_text(text, encoding="utf-8")
    packed = site_dir / "sitemap.xml.gz"
    if packed.is_file():
        with (
            packed.open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out,
        ):
            out.write(text.encode("utf-8"))
