"""The layers of generator/ hold: `lint-imports` (import-linter) keeps them, and refuses a
module that imports from a layer above its own, naming the import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layers_are_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_an_upward_import_fails_naming_it(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    model = tmp_path / "generator" / "content" / "model.py"
    model.write_text(
        model.read_text(encoding="utf-8") + "\nfrom generator.pages.tree import DocsTree\n",
        encoding="utf-8",
    )
    engine_user = tmp_path / "generator" / "pages" / "tree.py"  # same layer: only the engine rule
    engine_user.write_text(
        engine_user.read_text(encoding="utf-8") + "\nfrom generator.pages import engine\n",
        encoding="utf-8",
    )
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "generator.content is not allowed to import generator.pages" in result.stdout
    assert "generator.content.model -> generator.pages.tree" in result.stdout
    assert "generator.pages.tree -> generator.pages.engine" in result.stdout
    assert "2 kept, 2 broken" in result.stdout
    assert "generator/README.md" in result.stdout
