"""Fuzzing the loader and validator: the only exception that escapes is a ContentError."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import Markdown

from generator.build import build, gather
from generator.errors import ContentError
from generator.markdown.sanitize import clean_html
from tests.conftest import MKDOCS_YML, TOPICS_YML, write
from tests.scan import live_markup

KEYS = [
    "title",
    "summary",
    "status",
    "date",
    "topics",
    "draft",
    "lang",
    "aliases",
    "owner",
    "from",
    "serves",
    "evidence",
    "supersedes",
    "decided_by",
    "progress",
    "review_date",
    "participants",
    "organisers",
    "themes",
    "unknown",
]
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.dates().map(str),
    st.sampled_from(
        [
            "NO",
            "yes",
            "1.10",
            "0123",
            "12:30",
            "~",
            "proposed",
            "accepted",
            "intentions/i",
            "workshops/w",
            "2024-02-30",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=6,
)
FRONT = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8)
RAW_LINES = st.lists(
    st.sampled_from(
        [
            "title: x",
            "title: x",
            "summary: &a y",
            "status: *a",
            "- item",
            "  nested: [",
            "!!python/object:os.system x",
            "key: 'unclosed",
            "date: 2024-01-01T10:00:00Z",
            "{json: true}",
            "\ufeffbom: x",
            "\x00",
            "",
            "---",
            "status: proposed",
            "topics: [pilots]",
        ]
    ),
    max_size=8,
)
PIECES = [
    *"ab <>/[]()!:`*#-=\"'&;",
    "\n",
    "<script>",
    "javascript:",
    "](",
    "```",
    "    ",
    "<!--",
    "{:",
    "data:",
    "<img src=x onerror=y>",
    "[x](JaVaScRiPt:y)",
]
BODIES = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
SLOW = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def site_with(text: str) -> Path:
    """Return a new site holding the minimal records and one fuzzed decision."""
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    write(root, "mkdocs.yml", MKDOCS_YML)
    write(root, "content/topics.yml", TOPICS_YML)
    write(root, "content/workshops/w.md", "---\ntitle: W\nsummary: S.\nstatus: held\n---\n")
    write(root, "content/intentions/i.md", "---\ntitle: I\nsummary: S.\nstatus: proposed\n---\n")
    (root / "content/decisions").mkdir(parents=True)
    (root / "content/decisions/x.md").write_text(text, encoding="utf-8")
    return root


def only_content_errors(text: str) -> None:
    """Load and validate a site; anything but success or a ContentError fails the test."""
    root = site_with(text)
    try:
        site, _history = gather(root)
        body = site.by_id["decisions/x"].body if "decisions/x" in site.by_id else ""
        rendered = clean_html(Markdown(extensions=["toc", "admonition"]).convert(body))
        assert live_markup(rendered.replace("xss", "")) == []
        assert "<script" not in rendered and "javascript:" not in rendered.lower()
    except ContentError as error:
        assert error.problems
        assert all(
            problem.path.startswith("content/") and problem.line >= 1 for problem in error.problems
        )
    finally:
        shutil.rmtree(root)


@SLOW
@given(front=FRONT, body=BODIES)
def test_generated_front_matter_and_bodies(front: dict[str, object], body: str) -> None:
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    only_content_errors(text)


@SLOW
@given(lines=RAW_LINES, body=BODIES)
def test_generated_raw_front_matter(lines: list[str], body: str) -> None:
    only_content_errors("---\n" + "\n".join(lines) + "\n---\n" + body)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_files(text: str) -> None:
    only_content_errors(text)


@settings(max_examples=12, deadline=None)
@given(front=FRONT, body=BODIES)
def test_failed_build_never_writes_output(front: dict[str, object], body: str) -> None:
    root = site_with("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body)
    out = root / "out"
    try:
        try:
            gather(root)
        except ContentError:
            with contextlib.suppress(ContentError):
                build(root, out)
            assert not out.exists()
            assert not [p for p in root.iterdir() if p.name.startswith(".out.")]
    finally:
        shutil.rmtree(root)


@given(text=st.text(max_size=200))
def test_the_sanitisers_shortcut_changes_nothing(text: str) -> None:
    """Text the sanitiser skips (nothing it could change) is what nh3 itself would return."""
    import nh3

    from generator.markdown.sanitize import _MARKUP

    if not _MARKUP.search(text):
        assert clean_html(text) == text == nh3.clean(text)


SEGMENTS = st.lists(st.sampled_from(["a", "b", "ab", "v1", "history"]), max_size=4)


@given(here=SEGMENTS, there=SEGMENTS, file=st.sampled_from(["", "atom.xml", "#v2"]))
def test_relative_links_resolve_to_their_target(
    here: list[str], there: list[str], file: str
) -> None:
    """A link made by relative() leads, from the page it is on, to the address asked for."""
    import posixpath

    from generator.fragments import relative

    from_url = "".join(f"{part}/" for part in here)
    to_url = "".join(f"{part}/" for part in there) + file
    link = relative(from_url, to_url)
    target, _, anchor = to_url.partition("#")
    path, _, fragment = link.partition("#")
    resolved = posixpath.normpath(posixpath.join("/" + from_url, path))
    assert resolved.rstrip("/") == ("/" + target).rstrip("/")
    assert fragment == anchor
    assert link.endswith("/") or file not in ("",) or "#" in link
