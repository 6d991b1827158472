"""Integrity: YAML and file edge cases, reproducible builds, atomic publishing, kept addresses."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build, check
from generator.cli import cli
from generator.errors import ContentError
from tests.conftest import Git, write
from tests.scan import site_files

FRONT = "---\ntitle: X\nsummary: Y.\nstatus: proposed\n"


def problems(root: Path) -> list[str]:
    """Return the problem lines for a site."""
    with pytest.raises(ContentError) as raised:
        check(root)
    return [str(problem) for problem in raised.value.problems]


def digest(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "owner: yes",
            "owner: yes would be read by YAML tools as a boolean (true/false), not "
            'text; if you mean the text, put it in quotes: "yes"',
        ),
        (
            "owner: on",
            "owner: on would be read by YAML tools as a boolean (true/false), not "
            'text; if you mean the text, put it in quotes: "on"',
        ),
        ("owner: ~", "owner has no value: fill it in or remove the line"),
        (
            "owner: 2024-01-01 10:00:00",
            "owner: 2024-01-01 10:00:00 would be read by YAML tools "
            "as a date or time, not text; if you mean the text, put it in quotes: "
            '"2024-01-01 10:00:00"',
        ),
        (
            "review_date: 2024-01-01 10:00:00+02:00",
            "review_date must be a date written "
            "YYYY-MM-DD (such as 2014-03-03), not '2024-01-01 10:00:00+02:00'",
        ),
        (
            "review_date: 2023-02-29",
            "review_date: 2023-02-29 is not a real date; check the day and month (YYYY-MM-DD)",
        ),
        ("owner: [a, b]", "owner must be a single value, not a list or mapping"),
    ],
)
def test_yaml_values_are_refused_not_coerced(site_root: Path, line: str, expected: str) -> None:
    write(site_root, "content/intentions/x.md", f"{FRONT}{line}\n---\n")
    assert problems(site_root) == [f"content/intentions/x.md:5: {expected}"]


def test_alias_bomb_is_refused_before_expanding(site_root: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    write(site_root, "content/intentions/x.md", f"---\n{bomb}---\n")
    assert problems(site_root) == [
        "content/intentions/x.md:2: YAML anchors and aliases (& and *) are not allowed; write "
        "each value out in full"
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"\xef\xbb\xbf---\ntitle: X\n---\n",
            "content/intentions/x.md:1: the file starts with a byte-order mark; save it as UTF-8 "
            "without BOM",
        ),
        (
            b"---\ntitle: X\x00\n---\n",
            "content/intentions/x.md:2: the file contains a NUL byte; save it as plain UTF-8 text",
        ),
        (
            b"---\ntitle: X\n---\n\ncaf\xe9\n",
            "content/intentions/x.md:5: the file is not valid UTF-8; save it with UTF-8 encoding",
        ),
        (
            b'{"title": "X", "summary": "Y", "status": "proposed"}\n',
            "content/intentions/x.md:1: front matter must be YAML between '---' lines, not JSON; "
            "rewrite it as YAML",
        ),
        (
            b"---\n---\n",
            "content/intentions/x.md:2: front matter is empty; add fields such as 'title: ...'",
        ),
    ],
)
def test_file_encodings_and_shapes(site_root: Path, data: bytes, expected: str) -> None:
    path = site_root / "content/intentions/x.md"
    path.write_bytes(data)
    assert problems(site_root) == [expected]


def test_oversized_file_is_refused(site_root: Path) -> None:
    path = site_root / "content/intentions/x.md"
    path.write_text(FRONT + "---\n" + "word " * 220_000)
    [problem] = problems(site_root)
    assert problem.startswith("content/intentions/x.md:1: the file is 1100")
    assert problem.endswith(
        "more than the limit of 1048576; split it or move large material elsewhere and link to it"
    )


def test_symlink_is_refused_and_its_target_never_read(site_root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(FRONT + "---\n\nTOP SECRET\n")
    (site_root / "content/intentions/leak.md").symlink_to(secret)
    assert problems(site_root) == [
        "content/intentions/leak.md:1: this is a symbolic link; openrecord never follows "
        "links, because the site would publish whatever they point at on the build machine; "
        "put the file itself here instead"
    ]


def test_names_differing_by_case_or_normalisation_are_refused(site_root: Path) -> None:
    write(site_root, "content/pages/caf\u00e9.md", "---\ntitle: A\n---\n")
    write(site_root, "content/pages/cafe\u0301.md", "---\ntitle: B\n---\n")
    lines = problems(site_root)
    assert any("only by case or accents" in line for line in lines), lines


def test_page_and_type_index_at_one_address_are_refused(git_site: Git, tmp_path: Path) -> None:
    write(git_site.root, "content/pages/decisions.md", "---\ntitle: Decisions\n---\n\nMine.\n")
    with pytest.raises(ContentError) as raised:
        build(git_site.root, tmp_path / "out")
    assert [str(p) for p in raised.value.problems] == [
        "content/pages/decisions.md:1: /decisions/ is an address the site itself uses; rename "
        "the file (such as decisions-page.md)"
    ]
    assert not (tmp_path / "out").exists()


def test_key_value_lines_at_the_top_of_a_body_stay_text(git_site: Git, tmp_path: Path) -> None:
    write(
        git_site.root,
        "content/decisions/d.md",
        f"{FRONT}---\nTitle: Hijacked\nTemplate: evil.html\n\nBody.\n",
    )
    git_site.commit("Add a body that looks like metadata")
    site = build(git_site.root, tmp_path / "out").site_dir
    page = (site / "decisions/d/index.html").read_text()
    assert "<title>X - Test record</title>" in page
    assert "Title: Hijacked" in page


def test_two_builds_of_one_commit_are_byte_identical(git_site: Git, tmp_path: Path) -> None:
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    first = site_files(build(git_site.root, tmp_path / "one").site_dir)
    second = site_files(build(git_site.root, tmp_path / "two").site_dir)
    assert first == second  # Pagefind's filter files: the same values, in any order
    assert "sitemap.xml" in first and any(name.startswith("pagefind/fragment/") for name in first)


def test_killed_build_leaves_the_previous_site(git_site: Git, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(git_site.root, out)
    before = digest(out)
    write(git_site.root, "content/decisions/d.md", f"{FRONT}---\n\nChanged.\n")
    engine_config = git_site.root / "build" / "mkdocs.yml"
    engine_config.unlink()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--root",
            str(git_site.root),
            "--site-dir",
            str(out),
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not engine_config.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before its engine stage"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert digest(out) == before
    build(git_site.root, out)  # the next build clears what the killed one left
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_check_against_manifest_refuses_vanishing_addresses(git_site: Git, tmp_path: Path) -> None:
    site = build(git_site.root, tmp_path / "out").site_dir
    manifest = site / "data/manifest.json"
    urls = json.loads(manifest.read_text())["urls"]
    assert "/decisions/d/" in urls and "/feeds/records/decisions/d/atom.xml" in urls
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", "--root", str(git_site.root), "--against", str(manifest)])
    assert ok.exit_code == 0, ok.output
    (git_site.root / "content/decisions/d.md").unlink()
    broken = runner.invoke(cli, ["check", "--root", str(git_site.root), "--against", str(manifest)])
    assert broken.exit_code == 1
    line = manifest.read_text().split("\n").index('    "/decisions/d/",') + 1
    assert (
        f"{manifest}:{line}: /decisions/d/ was published and this build would remove it; "
        "keep the record (set its status to withdrawn or retired), or add its old id to "
        "'aliases:' of the record that replaces it so the address redirects" in broken.output
    )
    git_site.commit("Remove the decision")
    assert (
        runner.invoke(
            cli, ["check", "--root", str(git_site.root), "--against", str(manifest)]
        ).exit_code
        == 0
    )  # its withdrawn page stays
