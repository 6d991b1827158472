"""Validation: every content problem is one exact `path:line: message` line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check
from generator.cli import cli
from generator.errors import ContentError
from tests.conftest import write


def problems(root: Path) -> list[str]:
    """Return the problem lines `openrecord check` reports for a site."""
    with pytest.raises(ContentError) as raised:
        check(root)
    return [str(problem) for problem in raised.value.problems]


def test_valid_site_checks_clean(site_root: Path) -> None:
    site, _warnings = check(site_root)
    assert sorted(site.by_id) == ["decisions/d", "intentions/i", "workshops/w"]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "decider: Board",
            "content/decisions/x.md:5: unknown field 'decider': did you mean 'decided_by'? a "
            "decision has the fields title, "
            "summary, date, topics, draft, lang, aliases, status, decided_by, consulted, informed, "
            "serves, evidence, supersedes, review_date",
        ),
        (
            "colour: blue",
            "content/decisions/x.md:5: unknown field 'colour': a decision has the fields title, "
            "summary, date, topics, draft, lang, aliases, status, decided_by, consulted, informed, "
            "serves, evidence, supersedes, review_date",
        ),
        (
            "date: 2024-02-30",
            "content/decisions/x.md:5: date: 2024-02-30 is not a real date; check the day "
            "and month "
            "(YYYY-MM-DD)",
        ),
        (
            "date: 3 March 2014",
            "content/decisions/x.md:5: date must be a date written YYYY-MM-DD (such as "
            "2014-03-03), "
            "not '3 March 2014'",
        ),
        (
            "review_date: 2024-01-01T10:00:00+01:00",
            "content/decisions/x.md:5: review_date must be a date written YYYY-MM-DD (such as "
            "2014-03-03), not '2024-01-01T10:00:00+01:00'",
        ),
        (
            "decided_by: [NO]",
            "content/decisions/x.md:5: decided_by item: NO would be read by YAML tools as a "
            "boolean "
            '(true/false), not text; if you mean the text, put it in quotes: "NO"',
        ),
        (
            "decided_by: [1.10]",
            "content/decisions/x.md:5: decided_by item: 1.10 would be read by YAML tools as a "
            'number, not text; if you mean the text, put it in quotes: "1.10"',
        ),
        (
            "decided_by: [12:30]",
            "content/decisions/x.md:5: decided_by item: 12:30 would be read by YAML tools as a "
            'number, not text; if you mean the text, put it in quotes: "12:30"',
        ),
        (
            "decided_by: [0123]",
            "content/decisions/x.md:5: decided_by item: 0123 would be read by YAML tools as a "
            'number, not text; if you mean the text, put it in quotes: "0123"',
        ),
        (
            "decided_by: The board",
            "content/decisions/x.md:5: decided_by must be a list: write each item on its own line "
            "starting with '- ', or as [first, second]",
        ),
        (
            "draft: yes",
            "content/decisions/x.md:5: draft must be true or false (without quotes), not 'yes'",
        ),
        (
            "review_date:",
            "content/decisions/x.md:5: review_date has no value: fill it in or remove the line",
        ),
        (
            "lang: english!",
            "content/decisions/x.md:5: lang: 'english!' is not a language tag; use a BCP 47 tag "
            "such as en or gd",
        ),
    ],
)
def test_front_matter_problems(site_root: Path, front: str, expected: str) -> None:
    write(
        site_root,
        "content/decisions/x.md",
        f"---\ntitle: X\nsummary: Y.\nstatus: proposed\n{front}\n---\n\nBody.\n",
    )
    assert problems(site_root) == [expected]


def test_bad_status_names_the_choices(site_root: Path) -> None:
    write(site_root, "content/decisions/x.md", "---\ntitle: X\nsummary: Y.\nstatus: agreed\n---\n")
    assert problems(site_root) == [
        "content/decisions/x.md:4: status: 'agreed' is not allowed here; use one of: proposed, "
        "accepted, rejected, superseded, withdrawn"
    ]


def test_text_field_refuses_ambiguous_no(site_root: Path) -> None:
    write(
        site_root,
        "content/intentions/x.md",
        "---\ntitle: X\nsummary: Y.\nstatus: proposed\nowner: NO\n---\n",
    )
    assert problems(site_root) == [
        "content/intentions/x.md:5: owner: NO would be read by YAML tools as a boolean "
        '(true/false), not text; if you mean the text, put it in quotes: "NO"'
    ]


def test_quoted_no_stays_text(site_root: Path) -> None:
    write(
        site_root,
        "content/intentions/x.md",
        '---\ntitle: X\nsummary: Y.\nstatus: proposed\nowner: "NO"\n---\n',
    )
    assert check(site_root)[0].by_id["intentions/x"].meta.owner == "NO"  # type: ignore[attr-defined]


def test_missing_required_fields(site_root: Path) -> None:
    write(site_root, "content/workshops/x.md", "---\nstatus: held\n---\n")
    assert problems(site_root) == [
        "content/workshops/x.md:1: summary is required for a workshop: add a line "
        "'summary: One sentence saying what this is.' to the front matter",
        "content/workshops/x.md:1: title is required for a workshop: add a line "
        "'title: Title of the record' to the front matter",
    ]


def test_participants_must_be_a_bare_number(site_root: Path) -> None:
    write(
        site_root,
        "content/workshops/x.md",
        '---\ntitle: X\nsummary: Y.\nstatus: held\nparticipants: "70"\n---\n',
    )
    assert problems(site_root) == [
        "content/workshops/x.md:5: participants must be a whole number such as 70 (without "
        "quotes), not '70'"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\ntitle: X\ntitle: Y\nsummary: Z.\nstatus: held\n---\n",
            "content/workshops/x.md:3: 'title' is given twice (first on line 2); keep one of them",
        ),
        (
            "---\ntitle: &a X\nsummary: *a\nstatus: held\n---\n",
            "content/workshops/x.md:2: YAML anchors and aliases (& and *) are not allowed; write "
            "each value out in full",
        ),
        (
            "---\ntitle: !!python/object:os.system X\nsummary: Z.\nstatus: held\n---\n",
            "content/workshops/x.md:2: YAML tags such as tag:yaml.org,2002:python/object:os.system "
            "are not allowed; remove the tag and write the value as plain text",
        ),
        (
            "---\n- title\n- summary\n---\n",
            "content/workshops/x.md:2: front matter must be a list of 'key: value' lines, not a "
            "single value or list",
        ),
        (
            "---\ntitle: X\nsummary: Z.\n",
            "content/workshops/x.md:1: the front matter opened with '---' is never closed; add a "
            "line with just '---' after the last field",
        ),
        (
            "title: X\nsummary: Z.\n",
            "content/workshops/x.md:1: the file has no front matter: start it with a line '---', "
            "then fields such as 'title: ...', then a line '---' (run `openrecord new` for a "
            "template)",
        ),
        (
            "+++\ntitle = 'X'\n+++\n",
            "content/workshops/x.md:1: front matter must be YAML between '---' lines, not TOML; "
            "rewrite it as YAML",
        ),
        (
            "---\ntitle: [unclosed\nsummary: Z.\n---\n",
            "content/workshops/x.md:2: the list opened with '[' on this line is never closed; "
            "end it with ']', and put in quotes any item that holds a comma, ':' or a bracket",
        ),
    ],
)
def test_yaml_problems(site_root: Path, text: str, expected: str) -> None:
    write(site_root, "content/workshops/x.md", text)
    assert problems(site_root) == [expected]


def test_raw_html_and_unsafe_links_in_body(site_root: Path) -> None:
    body = (
        "Intro.\n\n<script>alert(1)</script>\n\nSee `<b>code</b>` and [x](JaVaScRiPt:alert(1)).\n\n"
        "```\n<div>in a fence</div>\n```\n\n![i](data:image/png;base64,xx)\n\n"
        "[ref]: vbscript:msgbox\n<https://example.org> is fine, [r][ref] is not.\n"
    )
    write(
        site_root,
        "content/decisions/x.md",
        f"---\ntitle: X\nsummary: Y.\nstatus: proposed\n---\n\n{body}",
    )
    why = (
        "only https://, http:// and mailto: addresses, or files of this site, are kept; "
        "link to an https:// address, or to another record's file such as other.md"
    )
    assert problems(site_root) == [
        "content/decisions/x.md:9: <script> is removed when the page is published: scripts "
        "would run in readers' browsers; remove it, or put it in `backticks` to show it as text",
        "content/decisions/x.md:11: the 'javascript:' address of "
        f'<a href="JaVaScRiPt:alert(1)"> is removed when the page is published: {why}',
        "content/decisions/x.md:17: the 'data:' address of "
        f'<img src="data:image/png;base64,xx" alt="i" /> is removed when the page is published: '
        f"{why}",
        "content/decisions/x.md:19: the 'vbscript:' address of "
        f'<a href="vbscript:msgbox"> is removed when the page is published: {why}',
    ]


def test_references_must_exist_and_be_the_right_type(site_root: Path) -> None:
    write(
        site_root,
        "content/decisions/x.md",
        "---\ntitle: X\nsummary: Y.\nstatus: proposed\nserves: [intentions/nope]\n"
        "evidence: [intentions/i]\n---\n",
    )
    assert problems(site_root) == [
        "content/decisions/x.md:5: serves: intentions/nope does not exist; check the spelling "
        "against the file name (an intention id looks like intentions/<file name without .md>)",
        "content/decisions/x.md:6: evidence: intentions/i is an intention, but this field takes "
        "workshops (workshops/...)",
    ]


def test_unknown_topic(site_root: Path) -> None:
    write(
        site_root,
        "content/decisions/x.md",
        "---\ntitle: X\nsummary: Y.\nstatus: proposed\ntopics: [housing]\n---\n",
    )
    assert problems(site_root) == [
        "content/decisions/x.md:5: topic 'housing' is not in content/topics.yml; add it there "
        "or use one of: pilots"
    ]


def test_supersession_must_agree(site_root: Path) -> None:
    write(
        site_root,
        "content/decisions/new.md",
        "---\ntitle: New\nsummary: Y.\nstatus: accepted\nsupersedes: [decisions/d]\n---\n",
    )
    write(
        site_root,
        "content/decisions/orphan.md",
        "---\ntitle: Old\nsummary: Y.\nstatus: superseded\n---\n",
    )
    assert problems(site_root) == [
        "content/decisions/d.md:4: status: decisions/new is accepted and supersedes this "
        "decision, so set status: superseded (it is 'proposed')",
        "content/decisions/orphan.md:4: status: superseded, but no accepted decision supersedes "
        "it; add 'supersedes: [decisions/orphan]' to the decision that replaces it",
    ]


def test_all_problems_reported_at_once_by_the_cli(site_root: Path) -> None:
    write(site_root, "content/decisions/x.md", "---\ntitle: X\nsummary: Y.\nstatus: nope\n---\n")
    write(site_root, "content/intentions/y.md", "---\ntitle: X\nsummary: Y.\nstatus: ok\n---\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(site_root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "content/decisions/x.md:4: status: 'nope' is not allowed here; use one of: proposed, "
        "accepted, rejected, superseded, withdrawn",
        "content/intentions/y.md:4: status: 'ok' is not allowed here; use one of: proposed, "
        "adopted, in-progress, achieved, retired",
        "2 problems in the content: fix them and run the command again.",
    ]
    assert "Traceback" not in result.output


def test_draft_is_not_published_and_cannot_be_referenced(site_root: Path) -> None:
    write(
        site_root,
        "content/intentions/later.md",
        "---\ntitle: L\nsummary: Y.\nstatus: proposed\ndraft: true\n---\n",
    )
    write(
        site_root,
        "content/decisions/x.md",
        "---\ntitle: X\nsummary: Y.\nstatus: proposed\nserves: [intentions/later]\n---\n",
    )
    assert problems(site_root) == [
        "content/decisions/x.md:5: serves: intentions/later is a draft and is not published; "
        "publish it first or remove this"
    ]
