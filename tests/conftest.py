"""Fixtures that build real sites and real git repositories in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MKDOCS_YML = """\
site_name: Test record
site_url: https://records.example.org/
repo_url: https://github.com/example/records
edit_uri: edit/main/
theme:
  name: material
plugins: []
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - pymdownx.superfences
"""

TOPICS_YML = """\
pilots:
  label: Pilots
  description: Trying things in a few places first.
"""


def write(root: Path, rel: str, text: str) -> Path:
    """Write a file under root, dedented, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def workshop(slug: str = "w", **extra: str) -> str:
    """Return the text of a valid workshop record."""
    fields = {"title": "A workshop", "summary": "People met.", "status": "held", **extra}
    return _record(fields)


def intention(slug: str = "i", **extra: str) -> str:
    """Return the text of a valid intention record."""
    fields = {"title": "An intention", "summary": "Do a thing.", "status": "proposed", **extra}
    return _record(fields)


def decision(**extra: str) -> str:
    """Return the text of a valid decision record."""
    fields = {"title": "A decision", "summary": "We decided.", "status": "proposed", **extra}
    return _record(fields)


def _record(fields: dict[str, str], body: str = "Body text.\n") -> str:
    lines = ["---", *(f"{key}: {value}" for key, value in fields.items()), "---", "", body]
    return "\n".join(lines)


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """Return a minimal valid site: config, topics, one workshop, intention and decision."""
    root = tmp_path / "site-src"
    shutil.copytree(ROOT / "theme", root / "theme")
    write(root, "mkdocs.yml", MKDOCS_YML)
    write(root, "content/topics.yml", TOPICS_YML)
    write(root, "content/workshops/w.md", workshop(topics="[pilots]"))
    write(root, "content/intentions/i.md", intention(**{"from": "[workshops/w]"}))
    write(
        root, "content/decisions/d.md", decision(serves="[intentions/i]", evidence="[workshops/w]")
    )
    return root


class Git:
    """A real git repository with fixed, increasing commit dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tick = 0
        root.mkdir(parents=True, exist_ok=True)
        self.run("init", "-q", "-b", "main")
        self.run("config", "user.name", "Ada Author")
        self.run("config", "user.email", "ada@example.org")
        self.run("config", "commit.gpgsign", "false")

    def env(self, author: str = "Ada Author") -> dict[str, str]:
        """Return the environment for git commands at the current fixed date."""
        date = (
            f"2024-01-{self.tick:02d}T12:00:00+00:00"
            if self.tick <= 28
            else f"2024-02-{self.tick - 28:02d}T12:00:00+00:00"
        )
        return {
            **os.environ,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": f"{author.split()[0].lower()}@example.org",
            "GIT_COMMITTER_NAME": "Maintainer",
            "GIT_COMMITTER_EMAIL": "maint@example.org",
        }

    def run(self, *args: str, author: str = "Ada Author") -> str:
        """Run git in the repository and return its output."""
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=self.env(author),
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def commit(self, message: str, author: str = "Ada Author") -> str:
        """Stage everything and commit it a day after the previous commit; return its id."""
        self.run("add", "-A")
        self.tick += 1
        self.run("commit", "-q", "--allow-empty", "-m", message, author=author)
        return self.run("rev-parse", "HEAD").strip()

    def merge(self, branch: str, message: str) -> str:
        """Merge a branch with a merge commit a day after the previous commit; return its id."""
        self.tick += 1
        self.run("merge", "-q", "--no-ff", branch, "-m", message)
        return self.run("rev-parse", "HEAD").strip()

    def write(self, rel: str, text: str) -> Path:
        """Write a file in the repository."""
        return write(self.root, rel, text)


@pytest.fixture
def git_site(site_root: Path) -> Iterator[Git]:
    """Return the minimal site as a git repository with its first commit."""
    repo = Git(site_root)
    repo.commit("Add the first records")
    yield repo


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """Return a copy of the bundled site (config, content, theme) as a git repository."""
    root = tmp_path / "bundled"
    for name in ("content", "theme"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    Git(root).commit("Publish the bundled records")
    return root
