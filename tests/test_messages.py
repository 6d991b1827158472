"""A contributor's first pull request: every mistake in one run, each with its fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import cli
from generator.errors import ContentError
from tests.conftest import ROOT, decision, intention, write
from tests.test_validate import problems

FIVE_MISTAKES = """\
---
title: Try the pilots
summary: We will try two pilot areas.
status: Accepted
decided_by: Board, Council
date: 1/12/2026
topics: [experimentation, pilot-areas, colaborative-government]
serves:
  - intentions/power-with-not-power-over
  - intentions/safe-place-and-processes
---

Body.
"""


def test_five_mistakes_in_one_file_are_reported_in_one_run(bundled: Path) -> None:
    write(bundled, "content/decisions/try-the-pilots.md", FIVE_MISTAKES)
    path = "content/decisions/try-the-pilots.md"
    assert problems(bundled) == [
        f"{path}:4: status: 'Accepted' is not allowed here: did you mean 'accepted'? use one "
        "of: proposed, accepted, rejected, superseded, withdrawn",
        f"{path}:5: decided_by must be a list: write each item on its own line starting with "
        "'- ', or as [first, second]",
        f"{path}:6: date must be a date written YYYY-MM-DD (such as 2014-03-03), not '1/12/2026'",
        f"{path}:7: topic 'colaborative-government' is not in content/topics.yml: did you mean "
        "'collaborative-government'? add it there or use one of: collaborative-government, "
        "communities, experimentation, participation, sharing-power",
        f"{path}:7: topic 'pilot-areas' is not in content/topics.yml; add it there or use one "
        "of: collaborative-government, communities, experimentation, participation, "
        "sharing-power",
        f"{path}:10: serves: intentions/safe-place-and-processes does not exist: did you mean "
        "intentions/safe-places-and-processes? check the spelling against the file name (an "
        "intention id looks like intentions/<file name without .md>)",
    ]


def test_a_file_that_does_not_parse_hides_no_other_file(site_root: Path) -> None:
    write(site_root, "content/decisions/a.md", "---\ntitle: Broken: here\nsummary: S.\n---\n")
    write(
        site_root,
        "content/decisions/b.md",
        "---\ntitle: B\nsummary: S.\nstatus: Accepted\nserves: [intentions/a]\n---\n\n"
        "See [a](a.md) and [nothing](nothing.md).\n",
    )
    write(
        site_root,
        "content/intentions/c.md",
        "---\ntitle: C\nsummary: S.\nstatus: proposed\n---\n\n<script>x</script>\n",
    )
    assert problems(site_root) == [
        "content/decisions/a.md:2: the value of 'title' holds ': ', which YAML reads as the "
        'start of another field; put it in quotes, so the line reads: title: "Broken: here"',
        "content/decisions/b.md:4: status: 'Accepted' is not allowed here: did you mean "
        "'accepted'? use one of: proposed, accepted, rejected, superseded, withdrawn",
        "content/decisions/b.md:5: serves: intentions/a does not exist; check the spelling "
        "against the file name (an intention id looks like intentions/<file name without .md>)",
        "content/decisions/b.md:8: the link to nothing.md leads nowhere: there is no "
        "content/decisions/nothing.md; correct the file name",
        "content/intentions/c.md:7: <script> is removed when the page is published: scripts "
        "would run in readers' browsers; remove it, or put it in `backticks` to show it as text",
    ]


def test_a_reference_to_a_refused_record_is_not_called_missing(site_root: Path) -> None:
    write(site_root, "content/intentions/i.md", "---\ntitle: I\nsummary: S.\nstatus: nope\n---\n")
    assert problems(site_root) == [
        "content/intentions/i.md:4: status: 'nope' is not allowed here; use one of: proposed, "
        "adopted, in-progress, achieved, retired",
    ]


def test_a_broken_topics_file_does_not_make_every_topic_unknown(site_root: Path) -> None:
    write(site_root, "content/topics.yml", "pilots:\n\tlabel: Pilots\n")
    assert problems(site_root) == [
        "content/topics.yml:2: a tab at column 1: YAML lines are indented with spaces, never "
        "tabs; replace it with spaces",
    ]


YAML_SLIPS = [
    (
        "title: A\n\tsummary: S.\nstatus: proposed\n",
        "content/decisions/x.md:3: a tab at column 1: YAML lines are indented with spaces, "
        "never tabs; replace it with spaces",
    ),
    (
        "title: A\nsummary: S.\nstatus: proposed\nserves:\n  \t- intentions/i\n",
        "content/decisions/x.md:6: a tab at column 3: YAML lines are indented with spaces, "
        "never tabs; replace it with spaces",
    ),
    (
        "title: Decision: start with pilots\nsummary: S.\nstatus: proposed\n",
        "content/decisions/x.md:2: the value of 'title' holds ': ', which YAML reads as the "
        "start of another field; put it in quotes, so the line reads: "
        'title: "Decision: start with pilots"',
    ),
    (
        'title: A\nsummary: Why: because "we" said so\nstatus: proposed\n',
        "content/decisions/x.md:3: the value of 'summary' holds ': ', which YAML reads as the "
        "start of another field; put it in quotes, so the line reads: "
        'summary: "Why: because \\"we\\" said so"',
    ),
    (
        "title: A\nsummary: S.\nstatus: proposed\ndecided_by:\n  - Board: of a kind: here\n",
        "content/decisions/x.md:6: this list item holds ': ', which YAML reads as the start of "
        'another field; put it in quotes, so the line reads: - "Board: of a kind: here"',
    ),
    (
        "title: @home\nsummary: S.\nstatus: proposed\n",
        "content/decisions/x.md:2: the value of 'title' starts with '@', which YAML reserves; "
        'put it in quotes, so the line reads: title: "@home"',
    ),
    (
        "title: A\n status: proposed\nsummary: S.\n",
        "content/decisions/x.md:3: this line starts with a space, but each field starts at the "
        "beginning of its line; remove it before 'status:'",
    ),
    (
        "title: A\nsummary: S.\n  status: proposed\n",
        "content/decisions/x.md:4: this line starts with 2 spaces, but each field starts at the "
        "beginning of its line; remove them before 'status:'",
    ),
    (
        "title: A\nsummary: S.\nstatus: proposed\nserves:\n  - intentions/i\n - intentions/j\n",
        "content/decisions/x.md:7: this list item is not lined up with the items above it; "
        "start every '- ' of a list at the same column",
    ),
    (
        'title: "A\nsummary: S.\nstatus: proposed\n',
        "content/decisions/x.md:2: the quotes opened on this line are never closed; end the "
        "value with the same quote mark it starts with",
    ),
]


@pytest.mark.parametrize(("front", "expected"), YAML_SLIPS)
def test_a_yaml_slip_is_named_with_its_fix(site_root: Path, front: str, expected: str) -> None:
    write(site_root, "content/decisions/x.md", f"---\n{front}---\n\nBody.\n")
    assert problems(site_root) == [expected]


def test_a_misspelt_id_is_named_at_its_own_line(site_root: Path) -> None:
    write(
        site_root,
        "content/decisions/x.md",
        "---\ntitle: X\nsummary: S.\nstatus: proposed\nevidence:\n  - workshops/w\n"
        "  - workshops/ww\ntopics:\n  - pilots\n  - pilot\n---\n",
    )
    assert problems(site_root) == [
        "content/decisions/x.md:7: evidence: workshops/ww does not exist: did you mean "
        "workshops/w? check the spelling against the file name (a workshop id looks like "
        "workshops/<file name without .md>)",
        "content/decisions/x.md:10: topic 'pilot' is not in content/topics.yml: did you mean "
        "'pilots'? add it there or use one of: pilots",
    ]


@pytest.mark.parametrize(
    ("count", "last_line"),
    [
        (1, "1 problem in the content: fix it and run the command again."),
        (2, "2 problems in the content: fix them and run the command again."),
    ],
)
def test_the_count_is_said_in_good_grammar(site_root: Path, count: int, last_line: str) -> None:
    for number in range(count):
        write(
            site_root,
            f"content/decisions/x{number}.md",
            "---\ntitle: X\nsummary: S.\nstatus: nope\n---\n",
        )
    result = CliRunner().invoke(cli, ["check", "--root", str(site_root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == last_line


@pytest.mark.parametrize("kind", ["workshop", "intention", "decision"])
def test_the_sites_template_saved_unchanged_is_refused(site_root: Path, kind: str) -> None:
    from generator.content.scaffold import template
    from generator.content.schema import TYPES_BY_NAME

    record_type = TYPES_BY_NAME[kind]
    text = template(record_type)
    write(site_root, f"content/{record_type.folder}/new-{kind}.md", text)
    body_line = text.count("\n")
    path = f"content/{record_type.folder}/new-{kind}.md"
    placeholder = "with what is true of this record, in your own words (a field that is not "
    assert problems(site_root) == [
        f"{path}:3: title: replace the placeholder 'Title of the new {kind} (replace this)' "
        f"{placeholder}required can be deleted instead)",
        f"{path}:5: summary: replace the placeholder 'One sentence saying what this {kind} is "
        f"(replace this)' {placeholder}required can be deleted instead)",
        f"{path}:{body_line}: replace the placeholder line with the text of the record, in your "
        "own words",
    ]


def test_a_template_names_no_one_and_refuses_its_examples_uncommented(site_root: Path) -> None:
    from generator.content.scaffold import template
    from generator.content.schema import TYPES_BY_NAME

    people = {"decided_by", "consulted", "informed", "organisers", "facilitators", "owner"}
    for record_type in TYPES_BY_NAME.values():
        text = template(record_type, "A title")
        filled = {line.split(":")[0] for line in text.split("\n") if ":" in line[:30]}
        assert filled.isdisjoint(people), record_type.name  # only commented out
    text = template(TYPES_BY_NAME["decision"], "A title")
    text = text.replace("# decided_by:", "decided_by:").replace("# date:", "date:")
    text = text.replace('(replace this)"\n', 'Done."\n', 1)  # the summary
    text = text.replace("what it means (replace this)", "what it means.")
    write(site_root, "content/decisions/x.md", text)
    line = text.split("\n").index('decided_by: ["Decided by (replace this)"]') + 1
    date = text.split("\n").index("date: YYYY-MM-DD") + 1
    assert problems(site_root) == [
        f"content/decisions/x.md:{date}: date must be a date written YYYY-MM-DD (such as "
        "2014-03-03), not 'YYYY-MM-DD'",
        f"content/decisions/x.md:{line}: decided_by item: replace the placeholder 'Decided by "
        "(replace this)' with what is true of this record, in your own words (a field that is "
        "not required can be deleted instead)",
    ]


def _contributing_messages() -> list[str]:
    """Return the messages CONTRIBUTING's 'When a check fails' shows, without path and line."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## When a check fails", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```text\n(.*?)```", section, re.DOTALL)
    lines = [line for block in blocks for line in block.splitlines()]
    messages = [re.sub(r"^content/[^:]+:\d+: ", "", line) for line in lines]
    return [message for message in messages if message not in ("", "the message")]


def test_contributings_error_table_shows_the_real_messages(site_root: Path) -> None:
    from generator.history import changes, rules

    files = {
        "colour": "colour: blue",
        "aproved": "status: aproved",
        "date": "date: 2024-02-30",
        "no": 'decided_by: ["NO"]\ntitle: NO',
        "twice": "decided_by: [A]\ndecided_by: [B]",
        "list": "decided_by: Board",
        "tab": "serves:\n\t- intentions/i",
        "colon": "title: Decision: start with pilots",
        "space": " status: proposed",
        "items": "serves:\n  - intentions/i\n - intentions/i",
        "placeholder": 'summary: "One sentence saying what this decision is (replace this)"',
        "serves": "serves:\n  - intentions/safe-place-and-processes",
        "topic": "topics: [pilot]",
        "evidence": "evidence: [intentions/power-with-not-power-over]",
    }
    defaults = {"title": "X", "summary": "S.", "status": "proposed"}
    for name, lines in files.items():
        given = {line.strip().split(":")[0] for line in lines.splitlines()}
        front = [f"{key}: {value}" for key, value in defaults.items() if key not in given]
        write(site_root, f"content/decisions/{name}.md", "\n".join(["---", *front, lines, "---"]))
    for slug in ("safe-places-and-processes", "power-with-not-power-over"):
        write(site_root, f"content/intentions/{slug}.md", intention())
    write(site_root, "content/decisions/script.md", decision() + "\n<script>x</script>\n")
    write(site_root, "content/decisions/target.md", decision() + "\n## Why we chose\n")
    write(site_root, "content/decisions/x.md", decision() + "\n[a](target.md#why-we-chose-it)\n")
    write(site_root, "content/decisions/y.md", decision() + "\n[a](targt.md)\n")
    with pytest.raises(ContentError) as raised:
        check(site_root)
    real = {problem.message for problem in raised.value.problems}
    real |= {
        changes._NO_NOTE,
        changes._rewritten("decisions/x"),
        f"in commit 1a2b3c4, {rules._taken('decisions/a', 'decisions/c')}",
    }
    shown = _contributing_messages()
    assert len(shown) >= 15  # the section was found and read
    assert [message for message in shown if message not in real] == []


def test_a_file_whose_fields_do_not_parse_still_has_its_text_checked(site_root: Path) -> None:
    write(
        site_root,
        "content/decisions/a.md",
        "---\ntitle:\tA\n status: x\n---\n\n<script>x</script>\n\n[dead](nowhere.md)\n",
    )
    assert problems(site_root) == [
        "content/decisions/a.md:3: this line starts with a space, but each field starts at the "
        "beginning of its line; remove it before 'status:'",
        "content/decisions/a.md:6: <script> is removed when the page is published: scripts "
        "would run in readers' browsers; remove it, or put it in `backticks` to show it as text",
        "content/decisions/a.md:8: the link to nowhere.md leads nowhere: there is no "
        "content/decisions/nowhere.md; correct the file name",
    ]
