"""Open data: schemas, CSV, determinism and progress."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import jsonschema
import pytest

from generator.build import gather
from generator.outputs.data import write_data
from generator.pages.render import render_site
from tests.conftest import Git, intention, write


def data_files(root: Path, out: Path) -> Path:
    """Write a repository's data files into out and return out/data."""
    site, history = gather(root)
    write_data(site, history, out)
    return out / "data"


@pytest.fixture
def data(git_site: Git, tmp_path: Path) -> Path:
    """Return the data folder of the minimal site, with a formula in one title."""
    write(
        git_site.root,
        "content/workshops/formula.md",
        '---\ntitle: "=HYPERLINK(\\"https://evil.example\\", \\"x\\")"\nsummary: "+1 trick"\n'
        'status: held\norganisers: ["@handle", "-dash"]\n---\n',
    )
    git_site.commit("Add a workshop with a formula title")
    return data_files(git_site.root, tmp_path / "out")


def test_every_data_file_validates_against_its_schema(data: Path) -> None:
    records = json.loads((data / "records.json").read_text())
    jsonschema.validate(records, json.loads((data / "schema/records.schema.json").read_text()))
    record_schema = json.loads((data / "schema/record.schema.json").read_text())
    type_schemas = {
        name: json.loads((data / f"schema/{name}.schema.json").read_text())
        for name in ("workshop", "intention", "decision")
    }
    files = sorted((data / "records").rglob("*.json"))
    assert len(files) == len(records["records"]) == 4
    for path in files:
        document = json.loads(path.read_text())
        jsonschema.validate(document, record_schema)
        record = document["record"]
        jsonschema.validate(record["fields"], type_schemas[record["type"]])
        assert path.relative_to(data / "records").as_posix() == f"{record['id']}.json"
        assert [r["number"] for r in document["revisions"]] == list(
            range(1, record["versions"] + 1)
        )


def test_type_schema_rejects_what_the_validator_rejects(data: Path) -> None:
    schema = json.loads((data / "schema/decision.schema.json").read_text())
    good = {"title": "T", "summary": "S.", "status": "accepted", "serves": ["intentions/i"]}
    jsonschema.validate(good, schema)
    for bad in (
        {**good, "status": "agreed"},
        {**good, "colour": "blue"},
        {**good, "serves": ["Not An Id"]},
        {"title": "T", "status": "accepted"},
        {**good, "date": "2024-02-30"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema, format_checker=jsonschema.FormatChecker())


def test_csv_agrees_with_json_and_neutralises_formulas(data: Path) -> None:
    raw = (data / "records.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    records = json.loads((data / "records.json").read_text())["records"]
    assert [row["id"] for row in rows] == [record["id"] for record in records]
    for row, record in zip(rows, records, strict=True):
        assert row["status"] == record["status"]
        assert row["topics"] == "; ".join(record["topics"])
        assert row["versions"] == str(record["versions"])
    formula = next(row for row in rows if row["id"] == "workshops/formula")
    assert formula["title"] == '\'=HYPERLINK("https://evil.example", "x")'
    assert formula["summary"] == "'+1 trick"
    assert formula["organisers"] == "'@handle; -dash"
    decision = next(row for row in rows if row["id"] == "decisions/d")
    assert decision["references"] == "serves: intentions/i; evidence: workshops/w"
    assert decision["title"] == "A decision"


def test_data_files_are_byte_identical_across_builds(git_site: Git, tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    first = digest(data_files(git_site.root, tmp_path / "one"))
    assert first == digest(data_files(git_site.root, tmp_path / "two"))


def test_intention_progress_and_overdue_review(
    git_site: Git, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        git_site.root,
        "content/intentions/late.md",
        intention(progress="limited", review_date="2024-06-01"),
    )
    write(
        git_site.root,
        "content/intentions/done.md",
        intention(progress="complete", review_date="2024-06-01", status="achieved"),
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
    site, history = gather(git_site.root)
    pages = render_site(site, history).pages
    late = pages["intentions/late/index.md"]
    assert "<dt>Progress</dt><dd>limited</dd>" in late
    assert '<strong class="or-overdue">review overdue</strong>' in late
    assert "review overdue" not in pages["intentions/done/index.md"]
    index = pages["intentions/index.md"]
    assert "Progress: limited · review" in index and "Progress: complete" in index
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # 2024-01-01
    site, history = gather(git_site.root)
    assert "review overdue" not in render_site(site, history).pages["intentions/late/index.md"]
