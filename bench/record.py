"""One record of the benchmark corpus and its Markdown file, front matter first."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import prose

FOLDERS = {"workshop": "workshops", "intention": "intentions", "decision": "decisions"}
COMMON = ("title", "summary", "status", "date", "topics")
ORDER = {
    "workshop": (
        *COMMON,
        *("organisers", "participants", "participants_approximate", "location", "format"),
        *("facilitators", "themes", "produced"),
    ),
    "intention": (*COMMON, "from", "owner", "review_date", "progress"),
    "decision": (
        *COMMON,
        *("decided_by", "consulted", "informed", "serves", "evidence", "supersedes"),
        "review_date",
    ),
}
FLOW = frozenset({"topics", "from", "serves", "evidence", "supersedes", "produced"})
TOPICS = {
    "collaborative-government": "Collaborative government",
    "sharing-power": "Sharing power",
    "participation": "Participation",
    "experimentation": "Experimentation and learning",
    "communities": "Communities and intermediaries",
    "open-data": "Open data",
    "young-people": "Young people",
    "health-and-care": "Health and care",
    "land-and-housing": "Land and housing",
    "climate": "Climate action",
    "budgets": "Community budgets",
    "rural-and-islands": "Rural and island life",
}
TOPIC_IDS = tuple(TOPICS)
_PLAIN = re.compile(r"^([A-Za-z][^:#\[\]{}&*!|>%@`\"\n]*|\d{4}-\d{2}-\d{2})$")


@dataclass
class Rec:
    """One record as it stands: front matter, body blocks and the rules its history obeys."""

    kind: str
    slug: str
    meta: dict[str, Any]
    blocks: list[prose.Block]
    accepted: bool = False  # a decision once accepted: its body changes only in minor commits
    superseder: bool = False  # supersedes others: must stay accepted
    last: bytes = b""

    @property
    def id(self) -> str:
        """Return the record id, type folder and slug."""
        return f"{FOLDERS[self.kind]}/{self.slug}"

    @property
    def path(self) -> str:
        """Return the file's path in the repository."""
        return f"content/{self.id}.md"

    def text(self) -> bytes:
        """Return the file as Markdown with YAML front matter."""
        lines = ["---"]
        for key in ORDER[self.kind]:
            if key in self.meta:
                lines += _yaml(key, self.meta[key])
        lines += ["---", "", prose.render(self.blocks)]
        return "\n".join(lines).encode()


def _yaml(key: str, value: Any) -> list[str]:
    """Return the front matter lines of one field."""
    if isinstance(value, bool):
        return [f"{key}: {'true' if value else 'false'}"]
    if isinstance(value, int):
        return [f"{key}: {value}"]
    if isinstance(value, list) and key in FLOW:
        return [f"{key}: [{', '.join(value)}]"]
    if isinstance(value, list):
        return [f"{key}:", *(f"  - {_scalar(item)}" for item in value)]
    return [f"{key}: {_scalar(value)}"]


def _scalar(text: str) -> str:
    """Return text as a plain YAML scalar when that is safe, else double-quoted."""
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def slugify(text: str) -> str:
    """Return a file name from a title."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].rstrip("-")


def initial_files(config: Path, theme: Path | None) -> dict[str, bytes]:
    """Return the files of the first commit: settings, theme, topics and an about page."""
    files = {".gitignore": b"site/\nbuild/\n", "mkdocs.yml": config.read_bytes()}
    if theme is not None:
        for path in sorted(theme.rglob("*")):
            if path.is_file():
                files[f"theme/{path.relative_to(theme).as_posix()}"] = path.read_bytes()
    topics = "".join(
        f"{key}:\n  label: {label}\n  description: Records about {label.lower()}.\n"
        for key, label in TOPICS.items()
    )
    files["content/topics.yml"] = f"# Topics of the benchmark corpus.\n{topics}".encode()
    files["content/pages/about.md"] = (
        b"---\ntitle: About this record\nsummary: What this generated benchmark site is.\n---\n\n"
        b"This record was generated to measure how the build scales. See\n"
        b"[example.org](https://example.org) for the real thing.\n"
    )
    return files
