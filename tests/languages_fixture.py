"""A site in English and Gàidhlig: a decision, its gd translation, later changes to the record.

The dates are those of the issue's example: the translation follows version 3 (12 Mar
2026); a minor correction is version 4; a major change is version 5 (2 Jun 2026).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, TOPICS_YML, Git, intention, workshop, write

SITE_URL = "https://records.example.org/"
#: The bundled site's settings (its theme, palettes and style sheet), published in English
#: and Gàidhlig at the tests' addresses.
LANGUAGES_YML = re.sub(
    r"^repo_url: .*$",
    "repo_url: https://github.com/example/records",
    re.sub(
        r"^site_url: .*$", f"site_url: {SITE_URL}", (ROOT / "mkdocs.yml").read_text(), flags=re.M
    ),
    flags=re.M,
).replace("    lang: en\n", "    lang: en\n    languages: [en, gd]\n")
_FRONT = """\
---
title: Start with two pilot areas
summary: Two council areas try shared decisions first.
status: {status}
date: 2026-02-20
decided_by: [Scottish Government]
serves: [intentions/i]
topics: [pilots]
---

"""

#: The record's text at each version.
V1 = _FRONT.format(status="proposed") + "We will try shared decisions in two areas.\n"
V2 = _FRONT.format(status="proposed") + "We will try shared decisions in two areas, Fife first.\n"
V3 = (
    _FRONT.format(status="proposed")
    + "We will try shared decisions in two areas, Fife first.\n\n## Why\n\nTo learn first.\n"
)
V4 = V3.replace("To learn first.", "To learn first!")  # a minor correction
V5 = V4 + "\n## Review\n\nWe review the pilots after a year.\n"

GAELIC = """\
---
title: Tòisich le dà sgìre phìleat
summary: Feuchaidh dà sgìre comhairle co-dhùnaidhean co-roinnte an toiseach.
---

Feuchaidh sinn co-dhùnaidhean co-roinnte ann an dà sgìre, Fìobha an toiseach.

## Carson

Gus ionnsachadh an toiseach.
"""


class DatedGit(Git):
    """A repository whose commits are dated as given, not a day apart."""

    date = "2026-03-01T12:00:00+00:00"

    def env(self, author: str = "Ada Author") -> dict[str, str]:
        """Return the environment for git commands at the date set."""
        return {
            **super().env(author),
            "GIT_AUTHOR_DATE": self.date,
            "GIT_COMMITTER_DATE": self.date,
        }

    def commit_on(self, day: str, message: str) -> str:
        """Commit everything at noon on a day (YYYY-MM-DD); return the commit."""
        self.date = f"{day}T12:00:00+00:00"
        return self.commit(message)


def languages_site(root: Path, up_to: int = 5) -> DatedGit:
    """Build the two-language repository in root, up to a step of its history.

    1: records (v1); 2: v2; 3: v3, accepted; 4: the gd translation; 5: a minor correction
    (v4); 6: a major change (v5).
    """
    shutil.copytree(ROOT / "theme", root / "theme")
    write(root, "mkdocs.yml", LANGUAGES_YML)
    write(root, "content/topics.yml", TOPICS_YML)
    write(root, "content/workshops/w.md", workshop(topics="[pilots]"))
    write(root, "content/intentions/i.md", intention(**{"from": "[workshops/w]"}))
    repo = DatedGit(root)
    steps = [
        ("2026-03-01", "content/decisions/pilots.md", V1, "Propose two pilot areas"),
        ("2026-03-05", "content/decisions/pilots.md", V2, "Say which area goes first"),
        ("2026-03-12", "content/decisions/pilots.md", V3, "Accept the pilot areas"),
        ("2026-03-20", "content/decisions/pilots.gd.md", GAELIC, "Translate the decision into gd"),
        (
            "2026-04-01",
            "content/decisions/pilots.md",
            V4,
            "Fix the punctuation\n\nChange-Type: minor",
        ),
        ("2026-06-02", "content/decisions/pilots.md", V5, "Say when the pilots are reviewed"),
    ]
    for day, path, text, message in steps[: up_to + 1]:
        repo.write(path, text)
        repo.commit_on(day, message)
    return repo


def page(site: Path, url: str) -> str:
    """Return the HTML of a built page."""
    return (site / url / "index.html").read_text(encoding="utf-8")
