"""The benchmark harness keeps working: a tiny run in CI (no time is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_tiny_bench_prints_its_table() -> None:
    env = {**os.environ, "BENCH_RECORDS": "30", "BENCH_COMMITS": "100", "BENCH_SETTLE": "0"}
    result = subprocess.run(
        [sys.executable, "bench/run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "corpus: 30 records, 100 first-parent commits" + lines[0][44:]
    assert lines[1].startswith("history: ") and "rewrite a paragraph whole" in lines[1]
    assert lines[2].startswith("diff of a rewritten 1,500-word one-line paragraph: ")
    header = lines.index(next(line for line in lines if line.startswith("stage ")))
    stages = [line.split()[0] for line in lines[header + 1 : header + 12]]
    assert stages == [
        "load",
        "validate",
        "link",
        "history",
        "render",
        "engine",
        "feeds",
        "data",
        "shells",
        "search",
        "publish",
    ]
    assert any(line.startswith("pages written: ") for line in lines)
    assert any(line.startswith("peak memory: ") for line in lines)
    assert any(line.startswith("site: ") and " MB in " in line for line in lines)
    assert any(line.split()[:1] == ["version"] for line in lines)  # bytes of version pages
    assert any(line.startswith("machine: a fixed loop on both cores took ") for line in lines)
    assert any(line.startswith("preview (openrecord serve): whole build ") for line in lines)


def test_a_run_starts_as_on_a_fresh_checkout(tmp_path: Path) -> None:
    """What a last run left is moved aside, not deleted, before the build is timed."""
    root = tmp_path / "corpus"
    for leftover in ("site/index.html", "build/docs/index.md", ".site.building-1-x/a.html"):
        (root / leftover).parent.mkdir(parents=True, exist_ok=True)
        (root / leftover).write_text("left by the last run", encoding="utf-8")
    (root / "content").mkdir()
    script = (
        "import sys; sys.path.insert(0, 'bench'); from pathlib import Path; import disk; "
        f"print(*disk.settle(Path({str(root)!r})))"
    )
    env = {**os.environ, "BENCH_SETTLE": "0.5"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.5", "3"]  # waited as told; three things set aside
    assert sorted(path.name for path in root.iterdir()) == ["content"]
    trash = tmp_path / ".bench-trash"
    kept = sorted(path.relative_to(trash) for path in trash.rglob("*") if path.is_file())
    assert [path.parts[1:] for path in kept] == [("a.html",), ("docs", "index.md"), ("index.html",)]
    assert {(trash / path).read_text() for path in kept} == {"left by the last run"}


def test_corpus_is_reproducible_and_valid(tmp_path: Path) -> None:
    heads = []
    for name in ("one", "two"):
        out = tmp_path / name
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench/corpus.py"),
                "--records",
                "20",
                "--commits",
                "60",
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        heads.append(
            subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=out, check=True, capture_output=True, text=True
            ).stdout
        )
        check = subprocess.run(
            [sys.executable, "-m", "generator", "check", "--root", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    assert heads[0] == heads[1]
