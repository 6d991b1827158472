"""Converting a text a section at a time gives what converting it whole gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import Markdown

from generator import convert, shells

ROOT = Path(__file__).resolve().parent.parent
#: The bundled site's extensions (as the engine runs them: the sanitiser last).
SITE = [*yaml.safe_load((ROOT / "mkdocs.yml").read_text())["markdown_extensions"]]
SITE.append("generator.sanitize")
#: The same, with the extensions whose markup could reach across sections.
WIDER = [*SITE, "attr_list", "abbr", "md_in_html"]


def whole(extensions: list[Any], text: str) -> tuple[str, list[dict[str, Any]]]:
    """Convert a text whole, with a converter of its own."""
    markdown = Markdown(*(), **_options(extensions))
    return str(markdown.convert(text)), list(getattr(markdown, "toc_tokens", []))


def _options(extensions: list[Any]) -> dict[str, Any]:
    names, configs = convert.markdown_settings({"markdown_extensions": extensions})
    return {"extensions": names, "extension_configs": configs}


def sectioned(extensions: list[Any], text: str) -> tuple[str, list[dict[str, Any]]]:
    """Convert a text as the pour does (sections shared through the cache)."""
    convert.start(*convert.markdown_settings({"markdown_extensions": extensions}))
    return convert.convert(text)


WORDS = st.sampled_from(["Why", "why", "What next", "Why 1", "why_1", "A-b", "a b", "Ünïcode"])
SAFE_INLINE = ["plain words", "*emphasis* and **strong**", "`code ## not a heading`"]
SAFE_INLINE += ["[a link](https://example.org/x)", "#hashtag", "HTML is an abbreviation"]
#: Markup that makes a text convert whole (it can reach across sections).
RISKY_INLINE = ["[a reference][ref]", "[ref]", "a footnote[^1]", "brace {#custom}"]
RISKY_INLINE += ["an autolink <https://example.org>", "a < b & c > d"]
INLINE = st.sampled_from(SAFE_INLINE * 8 + RISKY_INLINE)


def _safe_blocks(draw: st.DrawFn, text: str, word: str) -> list[str]:
    return [
        f"{'#' * draw(st.integers(1, 7))}{draw(st.sampled_from([' ', '']))}{word}",
        f"## {word} ##",
        f"{text}\n{draw(INLINE)}",
        f"- {text}\n- {draw(INLINE)}\n\n    continued item",
        f"1. {text}\n    - nested {word}",
        f"    indented code\n\n## {word} after code",
        f'!!! note "{word}"\n    {text}\n\n    ## indented heading',
        f"??? tip\n    {text}",
        f"| a | b |\n|---|---|\n| {text} | {word} |",
        f"{word}\n:   {text}",
        f"> {text}\n>\n> ## quoted {word}",
        f"{word}\n{draw(st.sampled_from(['===', '---']))}",
        "***",
    ]


def _risky_blocks(word: str, text: str) -> list[str]:
    return [
        f"```\n## fenced {word}\n\n# still fenced\n```",
        f"~~~python\nprint('{word}')\n\n## inside\n~~~",
        f"[ref]: https://example.org/{word.replace(' ', '-')}",
        f"[^1]: the footnote {text}",
        f"*[HTML]: HyperText {word}",
        f'<div markdown="1">\n\n## {word} in html\n\n</div>',
        f"## {word} {{#custom}}\n\n[TOC]",
    ]


@st.composite
def blocks(draw: st.DrawFn) -> str:
    """Return one Markdown block; one in eight of a kind that could reach across sections."""
    text = draw(INLINE)
    word = draw(WORDS)
    if draw(st.sampled_from([False] * 7 + [True])):
        return draw(st.sampled_from(_risky_blocks(word, text)))
    safe = _safe_blocks(draw, text, word)
    return draw(st.sampled_from(safe[:1] * 6 + safe))  # a heading, more often than not


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Return a Markdown text of blocks, separated by blank lines (some with spaces) or not."""
    parts = draw(st.lists(blocks(), min_size=1, max_size=8))
    separators = draw(
        st.lists(st.sampled_from(["\n\n"] * 4 + ["\n", "\n \t\n", "\n\n\n"]), min_size=len(parts))
    )
    return "".join(part + separator for part, separator in zip(parts, separators, strict=False))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(["site", "wider"]))
def test_sections_convert_as_the_whole_text(text: str, config: str) -> None:
    extensions = SITE if config == "site" else WIDER
    assert sectioned(extensions, text) == whole(extensions, text)


RECORD = """Opening words of the record.

## What was decided

We will start with two pilot areas.

- one
- two

## Why

Because the workshop asked for it.

> Start small.
>
> — a participant

## Further reading

- [Background papers](https://example.org/papers)
"""


def test_a_record_is_cut_at_its_headings_and_versions_share_sections() -> None:
    assert [section.split("\n")[0] for section in convert._sections(RECORD) or []] == [
        "Opening words of the record.",
        "## What was decided",
        "## Why",
        "## Further reading",
    ]
    convert.start(*convert.markdown_settings({"markdown_extensions": SITE}))
    first = convert.convert(RECORD)
    before = convert._convert.cache_info()
    edited = RECORD.replace("Because the workshop", "Because the whole workshop")
    second = convert.convert(edited)
    after = convert._convert.cache_info()
    assert after.misses - before.misses == 1  # only the edited section was converted
    assert (first, second) == (whole(SITE, RECORD), whole(SITE, edited))
    assert [token["id"] for token in second[1]] == ["what-was-decided", "why", "further-reading"]


@pytest.mark.parametrize(
    "text",
    [
        "## Why\n\nOne.\n\n## Why\n\nTwo.",  # the whole text numbers the second 'why_1'
        "## Why\n\n### Why_1\n\n## Why",
        "# Title\n\n## A\n\n### B\n\n## C\n\n#### D\n\n# E",  # nesting across sections
        "Intro[^n].\n\n## Notes\n\n[^n]: A footnote at the end.",
        "See [the plan][p].\n\n## Later\n\n[p]: https://example.org/plan",
    ],
)
def test_texts_that_reach_across_sections_read_as_whole(text: str) -> None:
    assert sectioned(SITE, text) == whole(SITE, text)


def test_an_unknown_extension_converts_every_text_whole() -> None:
    convert.start(*convert.markdown_settings({"markdown_extensions": [*SITE, "smarty"]}))
    before = convert._convert.cache_info()
    assert convert.convert(RECORD) == whole([*SITE, "smarty"], RECORD)
    assert convert._convert.cache_info().misses - before.misses == 1


def test_a_records_pages_are_poured_by_one_task() -> None:
    urls = [f"decisions/d{n}/{page}" for n in range(7) for page in ("", "history/", "v1/", "v2/")]
    urls += ["topics/a/", "topics/b/", "decisions/page/2/"]
    pages = [(url, {}, "") for url in reversed(urls)]
    chunks = list(shells.chunks(pages, 6))
    assert [page[0] for chunk in chunks for page in chunk] == sorted(urls)
    assert all(len(chunk) >= 6 for chunk in chunks[:-1])
    owners = [{tuple(page[0].split("/")[:2]) for page in chunk} for chunk in chunks]
    for owner in {tuple(url.split("/")[:2]) for url in urls}:
        assert sum(owner in chunk for chunk in owners) == 1, owner
