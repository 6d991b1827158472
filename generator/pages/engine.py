"""Stage 6, engine: run the rendering engine on the docs tree.

openrecord never runs inside the engine. It writes an engine configuration
(the site's mkdocs.yml with the docs tree, output folder, theme overrides and
section-only navigation filled in) and runs the engine's own command on it, so
mkdocs-material today and Zensical tomorrow read the same files.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.config import SiteConfig
from generator.content.schema import RECORD_TYPES
from generator.errors import ConfigError, EngineError
from generator.fragments import SOURCE

ENGINES = ("mkdocs", "zensical")
#: The one Markdown conversion of every page (GitHub's, then the sanitiser; see convert.py).
_CONVERTER = "generator.markdown.convert"


def navigation(extra: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Return the site's navigation: its sections, then the extra (title, url) pages.

    Only these pages are rendered by the engine, which marks the current one in its menu;
    records are never listed in it (with thousands of records, every page would carry
    them all).
    """
    words = SOURCE
    nav = [{words.t("nav.home"): "index.md"}]
    nav += [
        {words.t(f"types.{record_type.name}"): f"{record_type.folder}/index.md"}
        for record_type in RECORD_TYPES
    ]
    nav += [
        {words.t("topics"): "topics/index.md"},
        {words.t("nav.map"): "map/index.md"},
        {words.t("changes"): "changes/index.md"},
        {words.t("feeds"): "feeds/index.md"},
        {words.t("data"): "data/index.md"},
    ]
    return nav + [{title: f"{url}index.md"} for title, url in extra]


def nav_urls(nav: list[dict[str, str]]) -> frozenset[str]:
    """Return the addresses of the pages a navigation names ('' for the home page)."""
    return frozenset(path.removesuffix("index.md") for entry in nav for path in entry.values())


def engine_config(
    config: SiteConfig,
    root: Path,
    docs_dir: Path,
    site_dir: Path,
    nav: list[dict[str, str]],
) -> dict[str, Any]:
    """Return the engine's configuration for one build."""
    raw = dict(config.raw)
    raw["docs_dir"] = str(docs_dir.resolve())
    raw["site_dir"] = str(site_dir.resolve())
    raw.pop("INHERIT", None)
    raw.pop("edit_uri", None)  # openrecord draws its own "Propose a change" links
    theme = dict(raw.get("theme") or {"name": "material"})
    if (root / "theme").is_dir():
        theme["custom_dir"] = str((root / "theme").resolve())
    for lang in config.openrecord.translations:
        _check_theme_language(root, str(theme.get("name", "material")), lang)
    raw["theme"] = theme
    raw["nav"] = nav
    raw["not_in_nav"] = "/**"
    raw["markdown_extensions"] = [_CONVERTER]
    return raw


def _check_theme_language(root: Path, theme: str, lang: str) -> None:
    """Refuse a language the theme has no strings for, with where to give them."""
    own = root / "theme" / "partials" / "languages" / f"{lang}.html"
    spec = importlib.util.find_spec(theme)
    folders = [Path(path) for path in (spec.submodule_search_locations or [])] if spec else []
    theirs = [
        folder / "templates" / "partials" / "languages" / f"{lang}.html" for folder in folders
    ]
    if own.is_file() or any(path.is_file() for path in theirs) or theme != "material":
        return
    raise ConfigError(
        f"mkdocs.yml: extra.openrecord.languages lists '{lang}', for which the theme has no "
        f"strings; add theme/partials/languages/{lang}.html (copy partials/languages/en.html "
        "from Material for MkDocs and translate it, as gd.html is)"
    )


def render_html(
    engine: str,
    config: dict[str, Any],
    work: Path,
    out: Path,
    source_date_epoch: int | None,
    dirty: bool = False,
) -> None:
    """Run an engine on the docs tree described by config, leaving its output in out.

    Zensical insists that docs_dir and site_dir lie under the folder holding its
    configuration file, so its output is written under work/ and moved into out.
    """
    config_path = work / f"{engine}.yml"
    config = dict(config)
    engine_out = work / "engine-site" if engine == "zensical" and not dirty else out
    if engine == "zensical":
        shutil.rmtree(engine_out, ignore_errors=True)
        config["docs_dir"] = os.path.relpath(config["docs_dir"], work)
        config["site_dir"] = engine_out.name
    write_engine_config(config, config_path)
    run_engine(engine, config_path, source_date_epoch, dirty)
    if engine_out != out:
        out.rmdir()
        shutil.move(engine_out, out)


def _command(engine: str, config_path: Path, dirty: bool) -> list[str]:
    """Return the command line that runs an engine's build on a configuration file."""
    if engine == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config_path)]
        return command + (["--dirty"] if dirty else [])
    if engine == "zensical":
        binary = shutil.which("zensical") or str(Path(sys.executable).with_name("zensical"))
        return [binary, "build", "-f", str(config_path)]
    raise EngineError(f"unknown engine '{engine}'; use one of: {', '.join(ENGINES)}")


def _env(source_date_epoch: int | None) -> dict[str, str]:
    """Return the engine's environment, with the build's date for reproducible output."""
    env = dict(os.environ)
    if source_date_epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(source_date_epoch)  # dates in the sitemap, for one
    return env


def run_engine(
    engine: str, config_path: Path, source_date_epoch: int | None = None, dirty: bool = False
) -> None:
    """Run the named engine's build on a configuration file; raise with its output on failure."""
    command = _command(engine, config_path, dirty)
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, env=_env(source_date_epoch)
        )
    except FileNotFoundError:
        raise EngineError(f"the {engine} engine is not installed; pip install {engine}") from None
    if result.returncode != 0:
        raise EngineError(
            f"{engine} failed (exit {result.returncode}):\n"
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


def write_engine_config(raw: dict[str, Any], path: Path) -> None:
    """Write the engine configuration as YAML."""
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
