"""The GitHub workflows and templates: linted by zizmor and actionlint, and safe by construction.

The pull-request check must be safe to run on a pull request from anyone: no trigger that
runs with the base repository's secrets, no write permission, every action pinned by commit,
no value from the event pasted into a shell script. These tests keep it so.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.y*ml"))
ISSUE_FORMS = sorted(
    path for path in (GITHUB / "ISSUE_TEMPLATE").glob("*.y*ml") if path.stem != "config"
)

#: A reference to an action by full commit: owner/repo[/path]@<40 hex digits>.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
#: A `uses:` line of the raw text, with what follows the reference.
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)(?P<rest>.*)$")
#: The comment naming the version a pinned commit stands for: `# v4.2.2`.
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(\.\d+)*\s*$")
DANGEROUS_TRIGGERS = {"pull_request_target", "workflow_run"}
MAIN_ONLY = "github.ref == 'refs/heads/main'"
FORM_ELEMENTS = {"markdown", "textarea", "input", "dropdown", "checkboxes"}


def tool(name: str) -> Path:
    """Return a command installed next to the running Python, failing when it is missing."""
    path = Path(sys.executable).parent / name
    if not path.is_file():
        pytest.fail(
            f"{name} is not installed next to {sys.executable}; install the development "
            "dependencies (make test does: pip install -e '.[dev]')"
        )
    return path


def load(path: Path) -> dict[Any, Any]:
    """Return a YAML file of .github as a mapping."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """Return a workflow's events with their settings (YAML 1.1 reads the key `on` as True)."""
    events = workflow.get("on", workflow.get(True))
    if isinstance(events, str):
        return {events: None}
    if isinstance(events, list):
        return dict.fromkeys(events)
    assert isinstance(events, dict), "the workflow has no `on:` events"
    return events


def jobs(workflow: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    """Return a workflow's jobs by id."""
    found = workflow.get("jobs")
    assert isinstance(found, dict) and found, "the workflow has no jobs"
    return found


def steps(workflow: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    """Yield every step of every job of a workflow."""
    for job in jobs(workflow).values():
        yield from job.get("steps", [])


def action(step: dict[str, Any]) -> str:
    """Return the action a step uses without its ref, or an empty string for a `run:` step."""
    return str(step.get("uses", "")).partition("@")[0]


def bare(condition: object) -> str:
    """Return an `if:` condition without its optional `${{ }}` and with single spaces."""
    text = " ".join(str(condition).split())
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    return text


def test_the_workflows_are_there() -> None:
    """Find the pull-request check and the publishing workflow."""
    assert {path.name for path in WORKFLOWS} >= {"check.yml", "publish.yml"}


def test_zizmor_finds_nothing() -> None:
    """Audit .github with zizmor, offline, with no ignore comment or configuration honoured."""
    result = subprocess.run(
        [
            str(tool("zizmor")),
            "--offline",
            "--no-config",
            "--no-ignores",
            "--persona=pedantic",
            "--format=json",
            "--no-progress",
            "--color=never",
            str(GITHUB),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == [], result.stdout


def test_zizmor_catches_an_unsafe_workflow(tmp_path: Path) -> None:
    """Prove the audit is not silent: an unsafe workflow gets the findings it deserves."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "unsafe.yml").write_text(
        "on: pull_request_target\n"
        "jobs:\n"
        "  greet:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    command = [str(tool("zizmor")), "--offline", "--no-config", "--format=json", "--no-progress"]
    result = subprocess.run(
        [*command, str(tmp_path / ".github")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 0, result.stdout + result.stderr
    found = {finding["ident"] for finding in json.loads(result.stdout)}
    assert found >= {"dangerous-triggers", "template-injection", "unpinned-uses"}, found


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint on workflow files, with ShellCheck from the same environment."""
    return subprocess.run(
        [
            str(tool("actionlint")),
            "-no-color",
            "-oneline",
            f"-shellcheck={tool('shellcheck')}",
            "-pyflakes=",
            *(str(path) for path in paths),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )


def test_actionlint_finds_nothing() -> None:
    """Lint every workflow with actionlint and the ShellCheck of its `run:` scripts."""
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """Prove the lint is not silent: an unknown key and an untrusted expression are reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  greet:\n"
        "    runs-on: ubuntu-latest\n"
        "    timeout-minute: 5\n"
        "    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n",
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "timeout-minute" in result.stdout
    assert "github.event.head_commit.message" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_trigger_runs_with_the_base_repository_secrets(path: Path) -> None:
    """Refuse pull_request_target and workflow_run, which run fork code with secrets."""
    assert not DANGEROUS_TRIGGERS & set(triggers(load(path)))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_permissions_are_granted_per_job(path: Path) -> None:
    """Grant nothing at the top and declare every job's permissions and time limit."""
    workflow = load(path)
    assert workflow.get("permissions", "absent") == {}
    for name, job in jobs(workflow).items():
        assert isinstance(job.get("permissions"), dict), f"job {name} has no permissions"
        assert isinstance(job.get("timeout-minutes"), int), f"job {name} has no timeout-minutes"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit(path: Path) -> None:
    """Pin every `uses:` by full commit SHA, with the version it stands for in a comment."""
    workflow = load(path)
    parsed = [str(step["uses"]) for step in steps(workflow) if "uses" in step]
    parsed += [str(job["uses"]) for job in jobs(workflow).values() if "uses" in job]
    assert parsed, "the workflow uses no action"
    raw = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = USES_LINE.match(line)
        if match:
            raw.append(match["ref"])
            assert PINNED.match(match["ref"]), f"{path.name}:{number}: not pinned by commit"
            assert VERSION_COMMENT.match(match["rest"]), f"{path.name}:{number}: no # vX"
    assert sorted(raw) == sorted(parsed), "a `uses:` is written in a form this test cannot read"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_expression_is_pasted_into_a_script(path: Path) -> None:
    """Pass values to `run:` scripts only through env:, never as `${{ }}` in the script."""
    for step in steps(load(path)):
        script = str(step.get("run", ""))
        assert "${{" not in script, f"step {step.get('name')!r} pastes an expression: {script}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_checkout_keeps_no_token_and_fetches_all_history(path: Path) -> None:
    """Check out without persisting the token, and with the full history the build reads."""
    checkouts = [step for step in steps(load(path)) if action(step) == "actions/checkout"]
    for step in checkouts:
        settings = step.get("with", {})
        assert settings.get("persist-credentials") is False, step
        assert settings.get("fetch-depth") == 0, step


def test_pull_requests_are_checked_read_only() -> None:
    """Run the pull-request check on pull_request only, one run per pull request, read-only."""
    workflow = load(GITHUB / "workflows" / "check.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    concurrency = workflow["concurrency"]
    assert "github.event.pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True
    for job in jobs(workflow).values():
        assert job["permissions"] == {"contents": "read"}
    scripts = [str(step.get("run", "")) for step in steps(workflow)]
    assert "make test" in scripts
    check = next(step for step in steps(workflow) if "openrecord check" in step.get("run", ""))
    assert check["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert '--changes "origin/${BASE_REF}"' in check["run"]
    assert "--strict" in check["run"]
    uploads = [step for step in steps(workflow) if action(step) == "actions/upload-artifact"]
    assert [step["with"]["path"].rstrip("/") for step in uploads] == ["site"]


def test_only_main_is_deployed() -> None:
    """Deploy from main alone, in a job that alone may write to Pages, after the build."""
    workflow = load(GITHUB / "workflows" / "publish.yml")
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    deploys = {
        name: job
        for name, job in jobs(workflow).items()
        if any(action(step) == "actions/deploy-pages" for step in job.get("steps", []))
    }
    assert list(deploys) == ["deploy"]
    deploy = deploys["deploy"]
    assert bare(deploy.get("if")) == MAIN_ONLY
    assert deploy["needs"] in ("build", ["build"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    for name, job in jobs(workflow).items():
        if name != "deploy":
            assert job["permissions"] == {"contents": "read"}, f"job {name} may write"


@pytest.mark.parametrize("path", ISSUE_FORMS, ids=lambda path: path.name)
def test_issue_forms_follow_github_syntax(path: Path) -> None:
    """Keep each issue form to the keys and element types GitHub accepts."""
    form = load(path)
    assert {"name", "description", "body"} <= set(form)
    assert set(form) <= {"name", "description", "body", "title", "labels", "assignees"}
    assert isinstance(form["name"], str) and isinstance(form["description"], str)
    ids: list[str] = []
    labels: list[str] = []
    for element in form["body"]:
        assert set(element) <= {"type", "id", "attributes", "validations"}, element
        assert element["type"] in FORM_ELEMENTS, element
        attributes = element["attributes"]
        if element["type"] == "markdown":
            assert isinstance(attributes["value"], str) and "id" not in element, element
            continue
        assert isinstance(attributes["label"], str) and attributes["label"].strip(), element
        labels.append(attributes["label"])
        if "id" in element:
            assert re.fullmatch(r"[A-Za-z0-9_-]+", element["id"]), element
            ids.append(element["id"])
        if element["type"] in ("dropdown", "checkboxes"):
            options = attributes["options"]
            assert options and len(options) == len({str(o) for o in options}), element
        assert set(element.get("validations", {})) <= {"required"}, element
    assert labels, "an issue form needs at least one field that is not markdown"
    assert len(ids) == len(set(ids)) and len(labels) == len(set(labels))


def test_issue_template_chooser() -> None:
    """Keep blank issues for the site's "Report a problem" link, and link the guide."""
    config = load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert config["blank_issues_enabled"] is True
    for link in config.get("contact_links", []):
        assert set(link) == {"name", "url", "about"}
        assert link["url"].startswith("https://")


def test_dependabot_updates_actions_and_python() -> None:
    """Have Dependabot propose updates of the pinned actions and the pip packages weekly."""
    config = load(GITHUB / "dependabot.yml")
    assert config["version"] == 2
    ecosystems = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    for update in ecosystems.values():
        assert update["schedule"]["interval"] == "weekly"


def test_codeowners_name_files_that_exist() -> None:
    """Give the code to the maintainers and the content to the content stewards."""
    owners = {}
    for line in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *teams = line.split()
            assert (ROOT / pattern.strip("/")).exists(), f"CODEOWNERS names {pattern}"
            owners[pattern.strip("/")] = teams
    assert owners["content"] == ["@example/content-stewards"]
    for path in ("generator", "theme", ".github", "mkdocs.yml", "pyproject.toml", "Makefile"):
        assert owners[path] == ["@example/maintainers"], path
