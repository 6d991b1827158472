"""Stage 6, engine: run the rendering engine on the docs tree.

openrecord never runs inside the engine. It writes an engine configuration
(the site's mkdocs.yml with the docs tree, output folder, theme overrides and
section-only navigation filled in) and runs the engine's own command on it, so
mkdocs-material today and Zensical tomorrow read the same files.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.config import SiteConfig
from generator.errors import EngineError
from generator.schema import RECORD_TYPES

ENGINES = ("mkdocs", "zensical")
_SANITIZER = "generator.sanitize"


def engine_config(
    config: SiteConfig,
    root: Path,
    docs_dir: Path,
    site_dir: Path,
    extra_pages: list[dict[str, str]],
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
    raw["theme"] = theme
    nav: list[Any] = [{"Home": "index.md"}]
    nav += [
        {record_type.plural_label: f"{record_type.folder}/index.md"} for record_type in RECORD_TYPES
    ]
    nav += [
        {"Topics": "topics/index.md"},
        {"Map": "map/index.md"},
        {"Changes": "changes/index.md"},
        {"Feeds": "feeds/index.md"},
        {"Open data": "data/index.md"},
    ]
    nav += extra_pages
    raw["nav"] = nav
    raw["not_in_nav"] = "/**"
    extensions = [ext for ext in raw.get("markdown_extensions") or [] if ext != _SANITIZER]
    raw["markdown_extensions"] = [*extensions, _SANITIZER]
    return raw


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
    if engine == "mkdocs" and not dirty and (os.cpu_count() or 1) >= 2:
        second = _second_half(Path(config["docs_dir"]))
        if len(second) >= int(os.environ.get("OPENRECORD_PARALLEL_FROM", PARALLEL_FROM)):
            _render_in_two(config, work, out, source_date_epoch, second)
            return
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


#: Below this many record pages one engine run is quicker than two.
PARALLEL_FROM = 150
_RECORD_PAGE = re.compile(r"^(workshops|intentions|decisions)/[a-z0-9-]+/index\.md$")


def _second_half(docs_dir: Path) -> list[str]:
    """Return every other record page of the docs tree: the second engine run's share."""
    pages = sorted(path.relative_to(docs_dir).as_posix() for path in docs_dir.glob("*/*/index.md"))
    return [page for page in pages if _RECORD_PAGE.match(page)][1::2]


def _render_in_two(
    config: dict[str, Any], work: Path, out: Path, epoch: int | None, second: list[str]
) -> None:
    """Run two engines at once over disjoint halves of the record pages, then merge them.

    Both runs see every page the navigation names, so both render the same menus; the
    second run's record pages, search entries and sitemap entries join the first's.
    """
    docs = Path(config["docs_dir"])
    moved = set(second)
    nav_pages = {
        path.relative_to(docs).as_posix()
        for path in docs.glob("**/index.md")
        if not _RECORD_PAGE.match(path.relative_to(docs).as_posix())
    }
    halves = {
        "a": [p for p in _all_files(docs) if p not in moved],
        "b": sorted(moved | {p for p in nav_pages if p.count("/") <= 1}),
    }
    processes = []
    outputs = {"a": out, "b": work / "engine-b"}
    for name, files in halves.items():
        half_docs = work / f"docs-{name}"
        shutil.rmtree(half_docs, ignore_errors=True)
        for rel in files:
            target = half_docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(docs / rel, target)
        if name == "b":
            shutil.rmtree(outputs[name], ignore_errors=True)
        half = {**config, "docs_dir": str(half_docs), "site_dir": str(outputs[name])}
        config_path = work / f"mkdocs-{name}.yml"
        write_engine_config(half, config_path)
        processes.append((name, _start_engine("mkdocs", config_path, epoch)))
    failures = []
    for name, process in processes:
        _stdout, stderr = process.communicate()
        if process.returncode != 0:
            failures.append(f"run {name} (exit {process.returncode}): {stderr.strip()}")
    if failures:
        raise EngineError("mkdocs failed:\n" + "\n".join(failures))
    _merge(out, outputs["b"], [page.removesuffix("index.md") for page in second])


def _all_files(docs: Path) -> list[str]:
    """Return every file of a docs tree, relative to it."""
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())


def _merge(out: Path, other: Path, urls: list[str]) -> None:
    """Move the second run's pages into the first's output, with their search and sitemap."""
    for url in urls:
        shutil.move(other / url, out / url)
    index_path = out / "search" / "search_index.json"
    if index_path.is_file():
        index = json.loads(index_path.read_text(encoding="utf-8"))
        extra = json.loads((other / "search" / "search_index.json").read_text(encoding="utf-8"))
        wanted = set(urls)
        index["docs"] += [doc for doc in extra["docs"] if doc["location"].split("#")[0] in wanted]
        index_path.write_text(
            json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
    sitemap = out / "sitemap.xml"
    if sitemap.is_file():
        entries = re.findall(r"\s*<url>.*?</url>", (other / "sitemap.xml").read_text(), re.S)
        mine = [entry for entry in entries if any(f"/{url}</loc>" in entry for url in urls)]
        text = sitemap.read_text(encoding="utf-8").replace(
            "\n</urlset>", "".join(mine) + "\n</urlset>"
        )
        sitemap.write_text(text, encoding="utf-8")
        with (
            (out / "sitemap.xml.gz").open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed,
        ):
            packed.write(text.encode("utf-8"))
    shutil.rmtree(other, ignore_errors=True)


def _start_engine(engine: str, config_path: Path, epoch: int | None) -> subprocess.Popen[str]:
    """Start an engine build in the background."""
    return subprocess.Popen(
        _command(engine, config_path, dirty=False),
        env=_env(epoch),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


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
