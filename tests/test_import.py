"""openrecord import: real source logs in each format, built in tmp_path, imported whole."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import build as pipeline
from generator.cli import cli
from generator.commands.import_formats import FORMATS, map_status, parse_record, slug_of
from generator.commands.importer import ImportRefused, import_log
from generator.errors import ContentError
from tests.conftest import Git

PR_MESSAGE = "Merge pull request #7 from example/adr-storage\n\nChoose where we store data"


@dataclass(frozen=True)
class Log:
    """How one format writes the three records of the fixture, and where."""

    folder: str
    first: tuple[str, str]  # file name, text
    second: tuple[str, str]  # added in the pull request: emoji status, non-ISO date
    renamed: str  # the second's new file name
    superseded: str  # the second's text once the third replaces it
    third: tuple[str, str]


def _nygard(links: bool) -> Log:
    """Return the fixture in Nygard's shape; adr-tools adds the links between records."""
    supersedes = "\n\nSupersedes [2. Use Postgres](0002-Use-PostgreSQL.md)" if links else ""
    second = (
        "# 2. Use Postgres\n\nDate: 10/04/18\n\n## Status\n\n✅\n\n## Context\n\n"
        "We need a database. It must be open source.\n\n## Decision\n\nPostgres.\n"
    )
    return Log(
        folder="doc/adr",
        first=(
            "0001-Record-Architecture-Decisions.md",
            "# 1. Record architecture decisions\n\nDate: 2018-04-10\n\n## Status\n\nAccepted\n\n"
            "## Context\n\nWe need to record the architectural decisions made on this project."
            "\n\n## Decision\n\nWe will use Architecture Decision Records.\n",
        ),
        second=("0002-Use-Postgres.md", second),
        renamed="0002-Use-PostgreSQL.md",
        superseded=second.replace(
            "## Status\n\n✅", "## Status\n\nSuperseded by [3. Use SQLite](0003-use-sqlite.md)"
        ),
        third=(
            "0003-use-sqlite.md",
            "# 3. Use SQLite\n\nDate: 2018-05-01\n\n## Status\n\nAccepted"
            f"{supersedes}\n\n## Context\n\nOne file is enough.\n\n## Decision\n\nSQLite.\n",
        ),
    )


def _madr() -> Log:
    """Return the fixture in MADR's shape: front matter."""
    second = (
        "---\nstatus: ✅ accepted\ndate: 10/04/18\ndecision-makers: [Ada Author, Bo Builder]\n"
        "consulted: Cy Critic\ninformed: everyone\ntags: storage\n---\n\n# Use Postgres\n\n"
        "## Context and Problem Statement\n\nWe need a database. It must be open source.\n\n"
        "## Decision Outcome\n\nPostgres.\n"
    )
    return Log(
        folder="docs/decisions",
        first=(
            "0001-use-madr.md",
            "---\nstatus: accepted\ndate: 2018-04-10\n---\n\n# Use MADR\n\n"
            "## Context and Problem Statement\n\nWe want to record decisions. In Markdown.\n",
        ),
        second=("0002-Use-Postgres.md", second),
        renamed="0002-Use-PostgreSQL.md",
        superseded=second.replace(
            "status: ✅ accepted", "status: superseded by [ADR-0003](0003-use-sqlite.md)"
        ),
        third=(
            "0003-use-sqlite.md",
            "---\nstatus: accepted\ndate: 2018-05-01\n---\n\n# Use SQLite\n\n"
            "## Context and Problem Statement\n\nOne file is enough.\n",
        ),
    )


def _log4brains() -> Log:
    """Return the fixture in log4brains' shape: `- Status:` lines under the title."""
    second = (
        "# Use Postgres\n\n- Status: 🚧 draft\n- Deciders: Ada Author, Bo Builder\n"
        "- Date: 10/04/18\n- Tags: storage\n\n## Context and Problem Statement\n\n"
        "We need a database. It must be open source.\n\n## Decision Outcome\n\nPostgres.\n"
    )
    return Log(
        folder="docs/adr",
        first=(
            "20180410-use-log4brains.md",
            "# Use Log4brains to manage the ADRs\n\n- Status: accepted\n- Date: 2018-04-10\n\n"
            "## Context and Problem Statement\n\nWe want to record decisions.\n",
        ),
        second=("20180411-Use-Postgres.md", second),
        renamed="20180411-Use-PostgreSQL.md",
        superseded=second.replace(
            "- Status: 🚧 draft",
            "- Status: superseded by [20180501-use-sqlite](20180501-use-sqlite.md)",
        ),
        third=(
            "20180501-use-sqlite.md",
            "# Use SQLite\n\n- Status: accepted\n- Date: 2018-05-01\n\n"
            "## Context and Problem Statement\n\nOne file is enough.\n",
        ),
    )


LOGS = {
    "nygard": _nygard(links=False),
    "adr-tools": _nygard(links=True),
    "madr": _madr(),
    "log4brains": _log4brains(),
}
#: The second record's status in the pull request, as each fixture spells it.
SECOND_STATUS = {"nygard": "accepted", "adr-tools": "accepted", "madr": "accepted"}


def source_log(root: Path, log: Log) -> Git:
    """Build a source repository whose history holds the log: a PR, a rename, a supersession."""
    repo = Git(root)
    repo.write("src/app.py", "print('hello')\n")
    repo.write(f"{log.folder}/{log.first[0]}", log.first[1])
    repo.write(f"{log.folder}/README.md", "# Decisions\n\nThe index of the log.\n")
    repo.commit("Record the first decision")
    repo.write("src/app.py", "print('hello, world')\n")
    repo.write(f"{log.folder}/README.md", "# Decisions\n\nThe index of the log, longer.\n")
    repo.commit("Change the code and the log's index only")
    repo.run("checkout", "-q", "-b", "adr-storage")
    repo.write(f"{log.folder}/{log.second[0]}", log.second[1])
    repo.commit("Propose a database\n\nWe have compared three.", author="Bo Builder")
    repo.run("checkout", "-q", "main")
    repo.merge("adr-storage", PR_MESSAGE)
    repo.run("mv", f"{log.folder}/{log.second[0]}", f"{log.folder}/{log.renamed}")
    repo.commit("Name the database as its project does")
    repo.write(f"{log.folder}/{log.renamed}", log.superseded)
    repo.write(f"{log.folder}/{log.third[0]}", log.third[1])
    repo.commit("Replace Postgres with SQLite", author="Cy Critic")
    return repo


def _tree_hash(root: Path) -> str:
    """Return a digest of every file under root, names and contents."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("name", sorted(LOGS))
def test_import_keeps_history_checks_and_builds(tmp_path: Path, name: str) -> None:
    log = LOGS[name]
    source = source_log(tmp_path / "source", log)
    before = _tree_hash(source.root / ".git")
    into = tmp_path / "imported"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", name, str(source.root), "--path", log.folder, "--into", str(into)]
    )
    assert result.exit_code == 0, result.output
    assert _tree_hash(source.root / ".git") == before  # the source is only read

    # One commit per source commit that touched the records (not the one that changed the
    # code and the log's index),
    # with the original authors, dates and messages, then the site's settings.
    wanted = "%an|%aI|%cI|%B"
    touched = _git(
        source.root, "log", "--first-parent", f"--format={wanted}%x00", "--", log.folder,
        f":!{log.folder}/README.md",
    )  # fmt: skip
    line = _git(into, "log", "--first-parent", f"--format={wanted}%x00", "HEAD~1")
    assert line == touched
    assert len(line.split("\0")) - 1 == 4
    setup = _git(into, "show", "--stat", "--format=%an %s", "HEAD")
    assert setup.startswith("openrecord import Publish the imported decision log")
    merge = _git(into, "log", "--merges", "--format=%P|%B").strip()
    assert len(merge.split("|")[0].split()) == 2 and merge.split("|")[1] == PR_MESSAGE
    assert _git(into, "log", "-1", "--format=%an %s", "HEAD~3^2") == (
        "Bo Builder Propose a database\n"
    )
    renames = _git(into, "log", "--first-parent", "-M", "--name-status", "--format=", "HEAD~1")
    assert (
        "R100\tcontent/decisions/"
        f"{slug_of(log.second[0])}.md\tcontent/decisions/{slug_of(log.renamed)}.md" in renames
    )
    config = (into / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"rules_from: {_git(into, 'rev-parse', 'HEAD~1').strip()}\n" in config

    # The report: figures, the changed names and every value not mapped, at its line.
    report = result.output
    assert f"imported 3 records from {log.folder} into {into}" in report
    assert "5 revisions in 5 commits, 1 renames, 1 merges (1 pull requests)" in report
    second = f"{log.folder}/{log.renamed}"
    date_line = 1 + log.superseded.split("\n").index(
        next(line for line in log.superseded.split("\n") if "10/04/18" in line)
    )
    assert f"  {second}:{date_line}: date '10/04/18' is not YYYY-MM-DD: left out" in report
    assert f"  {second} -> content/decisions/{slug_of(log.renamed)}.md" in report
    assert f"  {log.folder}/README.md:1: not a record, image or attachment: not imported" in report
    assert not (into / "content/decisions/readme.md").exists()
    assert report.endswith("\nopenrecord check passes on the new repository\n")

    # The records: mapped front matter, the title once, the body otherwise as it was.
    third = (into / "content/decisions" / f"{slug_of(log.third[0])}.md").read_text("utf-8")
    new_second = f"decisions/{slug_of(log.renamed)}"
    assert f"supersedes: [{new_second}]\n" in third
    assert 'summary: "One file is enough."\n' in third
    assert third.count("Use SQLite") == 1
    renamed = (into / "content" / f"{new_second}.md").read_text("utf-8")
    assert "status: superseded\n" in renamed and "date:" not in renamed
    assert 'summary: "We need a database."\n' in renamed
    if name in ("madr", "log4brains"):
        assert 'decided_by: ["Ada Author", "Bo Builder"]\n' in renamed
    if name == "madr":
        assert 'consulted: ["Cy Critic"]\ninformed: ["everyone"]\n' in renamed
        assert f"  {second}:7: front matter 'tags' has no openrecord field: left out" in report

    # Whatever the import wrote, check accepts and build builds, with the pull request.
    site, warnings = pipeline.check(into, strict=True)
    assert len(site.records) == 3 and warnings == ()
    pipeline.build(into, tmp_path / "site")
    data = json.loads(
        (tmp_path / "site/data/records" / f"{new_second}.json").read_text(encoding="utf-8")
    )
    revisions = data["revisions"]
    assert [r["pull_request"] for r in revisions] == [7, None, None]
    assert revisions[0]["author"] == "Bo Builder"
    assert (
        revisions[0]["note"]
        == "Choose where we store data\n\nPropose a database\n\nWe have compared three."
    )
    assert revisions[1]["renamed_from"] == f"decisions/{slug_of(log.second[0])}"
    assert [r["status"] for r in revisions][-1] == "superseded"
    assert (tmp_path / "site" / new_second / "v3/index.html").is_file()
    assert (tmp_path / "site/decisions" / slug_of(log.second[0]) / "index.html").is_file()


def test_import_twice_gives_the_same_repository(tmp_path: Path) -> None:
    source = source_log(tmp_path / "source", LOGS["adr-tools"])
    for into in ("one", "two"):
        import_log(FORMATS["adr-tools"], source.root, None, tmp_path / into)
    assert _git(tmp_path / "one", "rev-parse", "HEAD") == _git(
        tmp_path / "two", "rev-parse", "HEAD"
    )
    objects = [
        _git(tmp_path / d, "cat-file", "--batch-all-objects", "--batch-check")
        for d in ("one", "two")
    ]
    assert objects[0] == objects[1]


def test_shallow_source_and_used_target_are_refused(tmp_path: Path) -> None:
    source = source_log(tmp_path / "source", LOGS["nygard"])
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{source.root}", str(shallow)], check=True
    )
    with pytest.raises(ImportRefused, match="shallow clone"):
        import_log(FORMATS["nygard"], shallow, "doc/adr", tmp_path / "a")
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not empty"):
        import_log(FORMATS["nygard"], source.root, "doc/adr", used)
    result = CliRunner().invoke(
        cli, ["import", "nygard", str(shallow), "--into", str(tmp_path / "b")]
    )
    assert result.exit_code == 1 and "shallow clone" in result.output
    assert "Traceback" not in result.output


def test_a_log_without_context_says_so(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write("docs/adr/0001-x.md", "# Use X\n\n## Status\n\nMaybe later\n\n## Decision\n\nX.\n")
    repo.commit("Decide on X")
    into = tmp_path / "imported"
    report = import_log(FORMATS["nygard"], repo.root, None, into)
    text = (into / "content/decisions/0001-x.md").read_text(encoding="utf-8")
    assert 'summary: "The imported record has no context section' in text
    assert "status: proposed\n" in text
    assert [str(f) for f in report.findings] == [
        "docs/adr/0001-x.md:5: status 'Maybe later' has no openrecord status: proposed",
        "docs/adr/0001-x.md:1: no summary: the record says 'The imported record has no context "
        "section to take a summary from.'",
    ]
    pipeline.check(into, strict=True)


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Accepted", "accepted"),
        ("✅ Accepted (documenting an existing thing)", "accepted"),
        ("⌛️ Superseded by [36. Multi-cluster](036-multi-cluster.md)", "superseded"),
        ("**Deprecated**", "withdrawn"),
        ("❌", "rejected"),
        ("🤔 Incomplete", "proposed"),
        ("Under review", "proposed"),
        ("Perhaps", None),
    ],
)
def test_status_spellings(written: str, status: str | None) -> None:
    assert map_status(written) == status


def test_file_names_follow_openrecords_slugs() -> None:
    assert slug_of("000-Record-Architecture-Decisions.md") == "000-record-architecture-decisions"
    assert slug_of("0004 Décision_sur les API's.md") == "0004-decision-sur-les-api-s"
    assert slug_of("index.md") == "index-decision"


def test_a_supersession_the_old_record_does_not_confirm_stays_in_the_body(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write("doc/adr/0001-a.md", "# 1. A\n\n## Status\n\nAccepted\n\n## Context\n\nA.\n")
    repo.write(
        "doc/adr/0002-b.md",
        "# 2. B\n\n## Status\n\nAccepted\n\nSupersedes [1. A](0001-a.md)\n\n## Context\n\nB.\n",
    )
    repo.commit("Decide A and B")
    into = tmp_path / "imported"
    report = import_log(FORMATS["adr-tools"], repo.root, None, into)
    assert "supersedes:" not in (into / "content/decisions/0002-b.md").read_text("utf-8")
    assert [str(f) for f in report.findings] == [
        "doc/adr/0002-b.md:1: says it supersedes 0001-a.md, which is not there or not "
        "'superseded': left in the body only"
    ]
    pipeline.check(into, strict=True)


def test_a_path_outside_the_source_is_refused(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write("doc/adr/0001-a.md", "# 1. A\n")
    repo.commit("Decide A")
    with pytest.raises(ImportRefused, match="inside the source repository"):
        import_log(FORMATS["adr-tools"], repo.root, "../elsewhere", tmp_path / "x")


def test_images_beside_records_come_along_and_other_files_are_reported(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write(
        "doc/adr/0001-a.md",
        "# 1. A\n\n## Status\n\nAccepted\n\n## Context\n\nA.\n\n![Flow](images/flow.svg)\n\n"
        "See [the code](../../src/app.py).\n",
    )
    repo.write("doc/adr/images/flow.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    repo.write("doc/adr/flow.puml", "@startuml\n@enduml\n")
    repo.commit("Decide A, with its diagram")
    into = tmp_path / "imported"
    report = import_log(FORMATS["adr-tools"], repo.root, None, into)
    assert report.revisions == 1  # the record; the image beside it is no revision
    image = into / "content/decisions/images/flow.svg"
    assert image.read_bytes() == (repo.root / "doc/adr/images/flow.svg").read_bytes()
    assert [str(f) for f in report.findings] == [
        "doc/adr/flow.puml:1: not a record, image or attachment: not imported",
        "doc/adr/0001-a.md:13: links to ../../src/app.py, which is not a record of the log",
    ]
    with pytest.raises(ContentError) as refused:
        pipeline.check(into)
    assert [(p.path, p.line) for p in refused.value.problems] == [
        ("content/decisions/0001-a.md", 17)  # six lines of front matter for the title
    ]
    assert report.refusals == [str(refused.value.problems[0])]
    assert report.text().endswith(
        "\nopenrecord check refuses 1 thing(s) in the new repository; fix them there and "
        f"commit:\n  {refused.value.problems[0]}"
    )


def test_hostile_records_are_read_without_blowing_up() -> None:
    aliases = "---\nstatus: &a [x, x]\ndate: [*a, *a, *a]\n---\n# T\n"
    parsed = parse_record(aliases, FORMATS["madr"])
    assert parsed.status is None
    assert (1, "front matter with anchors, aliases or tags is not read: left out") in (
        parsed.findings
    )
    spaces = "# T\n\nDate:" + " " * 200_000 + "x\n" + "[" * 100_000 + "](" * 100_000 + "\n"
    parsed = parse_record(spaces, FORMATS["nygard"])
    assert "date" not in parsed.front and parsed.front["title"] == "T"
    closing = parse_record("<!-- generated -->\n# 1. Title ##\n", FORMATS["nygard"])
    assert closing.front["title"] == "1. Title"


def test_a_supersession_named_by_number_and_one_unreplaced(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    status = "# {n}. {t}\n\n## Status\n\n{s}\n\n## Context\n\n{t}.\n"
    repo.write("docs/adr/0001-a.md", status.format(n=1, t="A", s="Superseded by ADR 2"))
    repo.write("docs/adr/0002-b.md", status.format(n=2, t="B", s="Accepted\n\nSupersedes ADR 1"))
    repo.write("docs/adr/0003-c.md", status.format(n=3, t="C", s="Superseded by ADR-0009"))
    repo.commit("Decide A, B and C")
    into = tmp_path / "imported"
    report = import_log(FORMATS["nygard"], repo.root, None, into)
    b = (into / "content/decisions/0002-b.md").read_text(encoding="utf-8")
    assert "supersedes: [decisions/0001-a]\n" in b
    assert [str(f) for f in report.findings] == [
        "docs/adr/0003-c.md:1: says it is superseded, but no accepted record of the log says "
        "it supersedes this one, so check refuses it: add 'supersedes:' to the one that "
        "replaces it"
    ]
    assert [refusal.split(":")[0] for refusal in report.refusals] == ["content/decisions/0003-c.md"]


def test_a_log_begun_in_a_pull_request_keeps_its_base(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write("src/app.py", "print('hello')\n")
    repo.commit("Start the code")
    repo.run("checkout", "-q", "-b", "adr-storage")
    repo.write("doc/adr/0001-a.md", "# 1. A\n\n## Status\n\nAccepted\n\n## Context\n\nA.\n")
    repo.commit("Propose A", author="Bo Builder")
    repo.run("checkout", "-q", "main")
    repo.write("src/app.py", "print('hello, world')\n")
    repo.commit("Change the code")
    repo.run("checkout", "-q", "adr-storage")
    repo.merge("main", "Merge branch 'main' into adr-storage")
    repo.run("checkout", "-q", "main")
    repo.merge("adr-storage", PR_MESSAGE)
    into = tmp_path / "imported"
    report = import_log(FORMATS["adr-tools"], repo.root, None, into)
    assert _git(into, "log", "--first-parent", "--format=%s", "HEAD~1").split("\n")[:2] == [
        "Merge pull request #7 from example/adr-storage",
        "Change the code",  # the merge's first parent, with no record in it
    ]
    assert _git(into, "ls-tree", "-r", "--name-only", "HEAD~1~1") == ""
    inside = _git(into, "log", "-1", "--format=%P", "HEAD~1^2").split()  # main merged in
    assert inside[1] == _git(into, "rev-parse", "HEAD~1~1").strip()
    assert (report.commits, report.merges, report.pull_requests) == (4, 1, 1)
    pipeline.build(into, tmp_path / "site")
    data = json.loads((tmp_path / "site/data/records/decisions/0001-a.json").read_text("utf-8"))
    assert [(r["pull_request"], r["author"]) for r in data["revisions"]] == [(7, "Bo Builder")]


def test_the_readme_documents_each_format_as_declared() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for fmt in FORMATS.values():
        assert f"| `{fmt.name}` | `{fmt.folder}` | {fmt.reads} |\n" in readme


def test_two_names_with_one_slug_keep_the_first(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write("docs/adr/0001-Use-X.md", "# 1. Use X\n\n## Status\n\nAccepted\n")
    repo.write("docs/adr/0001-use-x.md", "# 1. Use x\n\n## Status\n\nProposed\n")
    repo.commit("Decide X twice")
    into = tmp_path / "imported"
    report = import_log(FORMATS["nygard"], repo.root, None, into)
    assert report.names == {"0001-Use-X.md": "0001-use-x.md"}
    assert 'title: "1. Use X"' in (into / "content/decisions/0001-use-x.md").read_text("utf-8")
    assert [str(f) for f in report.findings if "0001-use-x.md:1" in str(f)] == [
        "docs/adr/0001-use-x.md:1: 0001-Use-X.md also becomes 0001-use-x.md, and keeps it: "
        "this file is not imported"
    ]


def test_links_between_records_follow_their_new_names(tmp_path: Path) -> None:
    repo = Git(tmp_path / "source")
    repo.write("doc/adr/0001-Use-X.md", "# 1. Use X\n\n## Status\n\nAccepted\n")
    repo.write(
        "doc/adr/0002-b.md",
        '# 2. B\n\n## Status\n\nAccepted\n\nSee [1](./0001-Use-X.md#status "X") and '
        "[X][x], not [Y][y].\n\n[x]: 0001-Use-X.md\n[y]: ../../y.md\n",
    )
    repo.commit("Decide X and B")
    into = tmp_path / "imported"
    report = import_log(FORMATS["adr-tools"], repo.root, None, into)
    text = (into / "content/decisions/0002-b.md").read_text(encoding="utf-8")
    assert '[1](0001-use-x.md#status "X")' in text and "\n[x]: 0001-use-x.md\n" in text
    assert [str(f) for f in report.findings if "links to" in str(f)] == [
        "doc/adr/0002-b.md:10: links to ../../y.md, which is not a record of the log"
    ]
