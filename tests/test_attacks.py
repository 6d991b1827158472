"""A pull request as an attacker writes it: nothing it contains crashes a build or leaks.

The rule under test: whatever ``check`` accepts, ``build`` builds; whatever either refuses,
it refuses with ``path:line`` and a fix; nothing from the build machine reaches the site.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build, check
from generator.cli import cli
from generator.errors import ContentError
from generator.markdown.limits import body_limits
from tests.conftest import Git

LINK = (
    "this is a symbolic link; openrecord never follows links, because the site would "
    "publish whatever they point at on the build machine; put the file itself here instead"
)
SECRET = "MACHINE-SECRET-7f3a"


def refused(root: Path) -> list[str]:
    """Return the problem lines check gives for a site."""
    with pytest.raises(ContentError) as raised:
        check(root)
    return [str(problem) for problem in raised.value.problems]


def every_byte(folder: Path) -> bytes:
    """Return the bytes of every file under a folder, joined."""
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Return a folder outside the repository holding what must never be published."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    (folder / "leak.md").write_text(f"---\ntitle: X\nsummary: {SECRET}.\nstatus: proposed\n---\n")
    return folder


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("theme/assets/env.txt", "/proc/self/environ"),
        ("theme/assets/host.txt", "/etc/hostname"),
        ("theme/assets/secret.txt", "secret.txt"),
        ("theme/linked-folder", "."),
        ("content/intentions/leak.md", "leak.md"),
        ("content/pages/outside", "."),
        ("content/topics.yml", "secret.txt"),
    ],
)
def test_a_link_anywhere_the_build_reads_is_refused_by_check_and_build(
    git_site: Git, outside: Path, tmp_path: Path, link: str, target: str
) -> None:
    root = git_site.root
    path = root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(target if target.startswith("/") else outside / target)
    git_site.commit("Add a link")
    assert refused(root) == [f"{link}:1: {LINK}"]
    with pytest.raises(ContentError):
        build(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    result = CliRunner().invoke(cli, ["build", "--root", str(root)])
    assert result.exit_code == 1
    assert f"{link}:1: {LINK}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["content", "theme", "mkdocs.yml", "build", "site"])
def test_a_top_level_folder_or_file_that_is_a_link_is_refused(
    git_site: Git, outside: Path, tmp_path: Path, name: str
) -> None:
    root = git_site.root
    real = root / name
    moved = outside / f"moved-{name}"
    if real.exists():
        os.replace(real, moved)
    else:
        moved.mkdir()
    real.symlink_to(moved)
    assert refused(root) == [f"{name}:1: {LINK}"]
    with pytest.raises(ContentError):
        build(root, tmp_path / "out")


def test_no_file_outside_the_repository_reaches_the_site(
    git_site: Git, outside: Path, tmp_path: Path
) -> None:
    """Links to the outside in every folder the build reads: refused all at once."""
    root = git_site.root
    folders = sorted(
        {path.parent for path in [*root.glob("content/**/*"), *root.glob("theme/**/*")]}
        | {root / "content", root / "theme"}
    )
    links = []
    for number, folder in enumerate(folders):
        link = folder / f"n{number}.md"
        link.symlink_to(outside / "leak.md")
        links.append(f"{link.relative_to(root).as_posix()}:1: {LINK}")
    assert sorted(refused(root)) == sorted(links)
    for folder in folders:
        for link in folder.glob("n*.md"):
            link.unlink()
    site = build(root, tmp_path / "out").site_dir
    assert (site / "decisions/d/index.html").is_file()
    assert SECRET.encode() not in every_byte(site)


@pytest.mark.parametrize("setting", ["hooks:\n  - theme/run.py\n", "INHERIT: ../other.yml\n"])
def test_settings_that_run_code_or_read_other_files_are_refused(
    git_site: Git, setting: str
) -> None:
    config = git_site.root / "mkdocs.yml"
    config.write_text(config.read_text() + setting)
    (git_site.root / "theme/run.py").write_text("raise SystemExit('ran')\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(git_site.root)])
    key = setting.split(":")[0]
    assert result.exit_code == 1
    assert result.output.startswith(f"error: mkdocs.yml: '{key}' is not allowed: ")


FRONT = "---\ntitle: {title}\nsummary: Y.\nstatus: proposed\n---\n\nBody.\n"


@pytest.mark.parametrize(
    "escape", ["\\u0001", "\\u0000", "\\u000b", "\\u000c", "\\u001b", "\\uFFFE"]
)
def test_escapes_xml_cannot_carry_are_refused_at_their_line(git_site: Git, escape: str) -> None:
    git_site.write("content/intentions/x.md", FRONT.format(title=f'"x {escape} y"'))
    code = escape[2:].upper().zfill(4)
    assert refused(git_site.root) == [
        f"content/intentions/x.md:2: this value holds an invisible control character "
        f"(U+{code}), written as an escape such as \\u0001: pages and feeds cannot carry it; "
        "remove it"
    ]


def test_a_topic_label_with_a_form_feed_is_refused(git_site: Git) -> None:
    git_site.write("content/topics.yml", 'pilots:\n  label: "Pi\\flots"\n  description: D.\n')
    assert refused(git_site.root) == [
        "content/topics.yml:2: this value holds an invisible control character (U+000C), "
        "written as an escape such as \\u0001: pages and feeds cannot carry it; remove it"
    ]


@pytest.mark.parametrize("char", ["\x01", "\x0c", "\x1b", "\ufffe"])
def test_raw_characters_xml_cannot_carry_are_refused_in_any_file(git_site: Git, char: str) -> None:
    git_site.write("content/decisions/d.md", FRONT.format(title="Fine") + f"Body{char}text.\n")
    assert refused(git_site.root) == [
        f"content/decisions/d.md:8: an invisible control character (U+{ord(char):04X}) at "
        "column 5: pages and feeds cannot carry it; delete it (it is usually invisible)"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_hidden_line_breaks_cannot_smuggle_a_field(git_site: Git, separator: str) -> None:
    git_site.write("content/intentions/i.md", FRONT.format(title=f"Innocent{separator}draft: true"))
    assert refused(git_site.root) == [
        f"content/intentions/i.md:2: an invisible line separator (U+{ord(separator):04X}) at "
        "column 16, which YAML reads as the start of a new line: delete it and keep the value "
        "on one line"
    ]


def test_deeply_nested_yaml_is_refused_without_a_crash(git_site: Git) -> None:
    nested = "[" * 990 + "]" * 990
    git_site.write("content/intentions/i.md", FRONT.format(title="T") + "")
    text = (git_site.root / "content/intentions/i.md").read_text()
    git_site.write("content/intentions/i.md", text.replace("status:", f"owner: {nested}\nstatus:"))
    [problem] = refused(git_site.root)
    assert problem.startswith("content/intentions/i.md:")
    assert problem == (
        "content/intentions/i.md:4: lists and fields are nested more than 8 levels deep "
        "here; records need at most two (a field holding a list), so flatten it"
    )


BOMBS = {
    "list markers": ("- " * 5000 + "deep\n", 0, "lists or quotes are nested 5000 levels deep"),
    "indented items": (
        "".join("  " * i + "- item\n" for i in range(700)),
        32,
        "lists or quotes are nested 33 levels deep",
    ),
    "quotes": ("> " * 3000 + "x\n", 0, "lists or quotes are nested 3000 levels deep"),
    "emphasis": ("*" * 3000 + "x" + "*" * 3000 + "\n", 0, "a row of more than 200"),
    "alternating emphasis": (
        "*a _b " * 1500 + "x" + "_ *" * 1500 + "\n",
        0,
        "this paragraph has more than 1000",
    ),
    "brackets": ("[" * 30000 + "\n", 0, "this text has 30000 '[' brackets"),
    "links": ("[a](b) " * 100000 + "\n", 0, "this text has 100000 '[' brackets"),
    "long address": (
        "[x]: https://e.org/" + "a" * 100000 + "\n\n" + "[a][x] " * 500 + "\n",
        0,
        "this link's address is 100014 characters long",
    ),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_markdown_bombs_are_refused_by_check_at_their_line(git_site: Git, name: str) -> None:
    body, offset, message = BOMBS[name]
    git_site.write("content/decisions/d.md", FRONT.format(title="T") + "\n" + body)
    problems = refused(git_site.root)
    assert any(p.startswith(f"content/decisions/d.md:{9 + offset}: {message}") for p in problems)
    assert len(problems) <= 2  # one message a kind of limit, never one a line


BLOCKS = st.sampled_from(
    ["- ", "  ", "> ", "1. ", "*", "**", "_", "[", "]", "](", "(", ")", "`", "```", "~~~",
     "\n", "\n\n", "x", "word ", "# ", "| a | b |\n|---|---|\n", ": ", "term\n: def\n",
     "[^1]", "[^1]: note\n", "    ", "\t", "!", "<", "&#1;", "&#x0;", "\\", "---\n"]
)  # fmt: skip
COUNTS = st.sampled_from([1, 2, 3, 10, 40, 300, 3000, 6000])
HOSTILE = st.lists(st.tuples(BLOCKS, COUNTS), max_size=8).map(
    lambda parts: "".join(block * count for block, count in parts)
)


@settings(max_examples=120, deadline=None)
@given(body=HOSTILE)
def test_any_body_check_accepts_renders(body: str) -> None:
    """What passes the body checks converts without an exception, as the build converts it."""
    from generator.markdown import convert
    from generator.markdown.policy import find_unsafe_markup

    if find_unsafe_markup(body) or list(body_limits(body)):
        return
    html, _toc = convert.render_content(body)
    assert isinstance(html, str)


NEAR_LIMITS = st.lists(
    st.sampled_from(["\t", " ", "> ", "- ", "* ", "1. ", "*", "_", "**", ": ", "\n", "\n\n", "x"]),
    max_size=600,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(HOSTILE, NEAR_LIMITS))
def test_lines_are_read_for_their_limits_only_when_some_limit_could_be_passed(body: str) -> None:
    """The quick look at a whole body says what the reading of every line says."""
    from generator.markdown import limits

    assert list(limits._each_line_limit(body)) == list(limits._read_lines(body))


def test_a_line_sixteen_tabs_and_a_quote_deep_is_past_the_nesting_limit() -> None:
    """The start of the deepest line the quick look must read: 16 tabs (32 levels) and '>'."""
    from generator.markdown import limits

    assert [kind for kind, *_ in limits._each_line_limit("\t" * 16 + "> x\n")] == ["nesting"]
    assert list(limits._each_line_limit("\t" * 16 + "x\n" + "\t" * 15 + "> x\n")) == []


@pytest.mark.parametrize(
    "name", ["feeds", "openrecord-shell", "openrecord-shell-toc", "decisions", "search", "assets"]
)
def test_a_page_named_like_one_of_the_sites_own_addresses_is_refused_by_check(
    git_site: Git, name: str
) -> None:
    git_site.write(f"content/pages/{name}.md", "---\ntitle: Mine\n---\n\nMine.\n")
    assert refused(git_site.root) == [
        f"content/pages/{name}.md:1: /{name}/ is an address the site itself uses; rename the "
        f"file (such as {name}-page.md)"
    ]


def test_every_top_level_address_a_build_makes_is_reserved(bundled: Path, tmp_path: Path) -> None:
    """A new top-level address in the site must join RESERVED_PAGE_SLUGS, or pages take it."""
    from generator.content.schema import RESERVED_PAGE_SLUGS

    site = build(bundled, tmp_path / "out").site_dir
    pages = {path.stem for path in (bundled / "content/pages").glob("*.md")}
    made = {entry.name.split(".")[0] for entry in site.iterdir()} - pages
    assert made <= RESERVED_PAGE_SLUGS
    assert {"feeds", "data", "map", "changes", "assets"} <= made


def test_a_draft_appears_nowhere_in_the_published_site(git_site: Git, tmp_path: Path) -> None:
    draft = "---\ntitle: Secret plan SP-93\nsummary: Not yet.\nstatus: proposed\ndraft: true\n---\n"
    git_site.write("content/decisions/secret.md", draft + "\nDraft text DT-41.\n")
    git_site.commit("Draft the secret plan CM-17")
    git_site.write("content/decisions/gone.md", draft.replace("SP-93", "GONE-55"))
    git_site.commit("Draft another plan CM-18")
    (git_site.root / "content/decisions/gone.md").unlink()
    git_site.commit("Drop the other draft CM-19")
    site = build(git_site.root, tmp_path / "out").site_dir
    everything = every_byte(site)
    for trace in ("SP-93", "DT-41", "CM-17", "GONE-55", "CM-18", "CM-19", "decisions/secret"):
        assert trace.encode() not in everything, trace
    assert not (site / "decisions/secret").exists()
    assert not (site / "decisions/gone").exists()
    assert b"Add the first records" in (site / "changes/index.html").read_bytes()


TEXTS = st.text(max_size=40) | st.sampled_from(
    ["\x01", "a\u2028draft: true", "x: y", "NO", "12:30", "<script>x</script>", "jane@example.org"]
)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(title=TEXTS, owner=TEXTS, body=HOSTILE, message=TEXTS, author=TEXTS)
def test_whatever_check_accepts_build_builds(
    git_site: Git, title: str, owner: str, body: str, message: str, author: str
) -> None:
    """The rule above all, over generated hostile records, commit messages and authors."""
    root = Path(tempfile.mkdtemp(prefix="accepts-"))
    try:
        shutil.copytree(git_site.root, root, dirs_exist_ok=True)
        repo = Git.__new__(Git)
        repo.root, repo.tick = root, git_site.tick
        repo.write(
            "content/intentions/x.md",
            f"---\ntitle: {json.dumps(title)}\nsummary: S.\nstatus: proposed\n"
            f"owner: {json.dumps(owner)}\n---\n\n{body}",
        )
        name = "".join(char for char in author if char not in "\x00<>\n")
        if not "".join(char for char in name if char > " " and char not in ".,:;\"\\'"):
            name = "A"  # git refuses a name made only of what it trims
        repo.commit("Add x " + message.replace("\x00", ""), author=name)
        try:
            check(root)
        except ContentError:
            with pytest.raises(ContentError):
                build(root, root / "out")
            return
        assert (build(root, root / "out").site_dir / "intentions/x/index.html").is_file()
    finally:
        shutil.rmtree(root)


def test_a_heading_cannot_write_an_attribute_into_the_table_of_contents(
    git_site: Git, tmp_path: Path
) -> None:
    """A heading's words are text in the contents' links and in its nav's label: never markup."""
    from html.parser import HTMLParser

    heading = 'a" onmouseover="alert(1)" x=\'y\' &amp; <b>z</b>'
    git_site.write(
        "content/decisions/toc.md",
        "---\ntitle: T\nsummary: S.\nstatus: proposed\n---\n\n"
        f"## {heading}\n\n### Below\n\nText.\n\n## Two\n\nMore.\n",
    )
    git_site.commit("Add a decision whose heading holds quotes")
    assert check(git_site.root)[1] == ()  # check accepts it: the words are the author's
    site = build(git_site.root, tmp_path / "out").site_dir
    page = (site / "decisions/toc/index.html").read_text(encoding="utf-8")
    attributes: list[tuple[str, str, str | None]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            attributes.extend((tag, key, value) for key, value in attrs)

    Reader(convert_charrefs=True).feed(page)
    assert not [found for found in attributes if found[1] in {"onmouseover", "x"}]
    labels = [value for tag, key, value in attributes if tag == "nav" and key == "aria-label"]
    assert 'a" onmouseover="alert(1)" x=\'y\' & z' in labels
