"""The files an import adds last, so the new repository builds at once: a ``mkdocs.yml`` to
edit, a ``content/topics.yml`` and openrecord's ``theme/``.
"""

from __future__ import annotations

from pathlib import Path

from generator.commands.import_git import (
    git,
)

#: Where openrecord's own theme overrides live, beside the package in its repository.
_THEME = Path(__file__).resolve().parents[2] / "theme"


def add_site(into: Path, last_commit: str, folder: str, when: str) -> bool:
    """Commit the site's settings, topics and theme after the import, with rules_from set.

    Return whether openrecord's theme was there to copy (it is, installed from a clone).
    """
    files = {
        "mkdocs.yml": MKDOCS_YML.format(rules_from=last_commit).encode(),
        "content/topics.yml": TOPICS_YML.encode(),
    }
    theme = _THEME.is_dir()
    if theme:
        for found in sorted(_THEME.rglob("*")):
            if found.is_file():
                files[f"theme/{found.relative_to(_THEME).as_posix()}"] = found.read_bytes()
    message = (
        "Publish the imported decision log with openrecord\n\n"
        f"The history up to {last_commit} was imported from {folder}/ by "
        "`openrecord import`; the rules apply to changes after it.\n"
    ).encode()
    out = [b"commit refs/heads/main\n"]
    identity = b"openrecord import <import@openrecord.invalid> " + when.encode()
    out.append(b"author %s\ncommitter %s\n" % (identity, identity))
    out.append(b"data %d\n%s\nfrom refs/heads/main^0\n" % (len(message), message))
    for path, content in files.items():
        out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))
    git(into, "fast-import", "--quiet", "--done", data=b"".join(out) + b"\ndone\n")
    return theme


MKDOCS_YML = """\
# Site settings written by `openrecord import`: change site_name, site_url and repo_url to
# your own, then run `openrecord check` and `openrecord build`.
site_name: Decision log
site_url: https://example.org/
repo_url: https://github.com/example/decisions
edit_uri: edit/main/
theme:
  name: material
  font: false
extra_css:
  - assets/openrecord.css
# No engine plugins: openrecord writes every page, feed and index itself.
plugins: []
extra:
  openrecord:
    branch: main
    # The imported history, up to this commit, is published as it was: openrecord's
    # history rules apply to the changes after it.
    rules_from: {rules_from}
"""


TOPICS_YML = """\
# Topics: an id (used in records' `topics:` lists) with a label and a description.
decisions:
  label: Decisions
  description: The decisions of this log.
"""
