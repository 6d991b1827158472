"""Limits on a record's Markdown that keep every body buildable, checked before rendering.

A Markdown renderer meets some texts with recursion or with work that grows as the
square of the text: thousands of nested list markers or emphasis delimiters, tens of
thousands of unclosed brackets, a link address of 100,000 characters repeated by
reference. No record written by a person comes near these limits; a text that passes
them renders in well under a second, so whatever ``check`` accepts, ``build`` builds.
Each scan is one pass over the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: How deep lists and quotes may nest (GitHub's editor nests a list by two spaces).
MAX_NESTING = 32
#: How many '[' a body may hold: links, footnotes, task boxes and images.
MAX_BRACKETS = 3000
#: How long one link address may be (longer ones break in browsers anyway).
MAX_URL = 2048
#: How many emphasis marks ('*' or '_') one paragraph may hold.
MAX_EMPHASIS_MARKS = 1000
#: How long one run of the same emphasis mark may be.
MAX_MARK_RUN = 200
#: How many definitions (lines starting ': ') one paragraph may hold.
MAX_DEFINITIONS = 200

_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])")
_LINK_TARGET = re.compile(
    r"\]\(\s*<?([^\s)>]+)|^ {0,3}\[[^\]]+\]:\s*<?(\S+)|<([a-z]+:[^\s>]+)>", re.M
)
_MARK_RUN = re.compile(r"\*+|_+")


def body_limits(body: str) -> Iterator[tuple[int, str]]:
    """Yield (line offset in the body, message) for every limit the body goes past."""
    brackets = body.count("[")
    if brackets > MAX_BRACKETS:
        line = _offset(body, _nth(body, "[", MAX_BRACKETS + 1))
        yield (
            line,
            (
                f"this text has {brackets} '[' brackets (links, footnotes, task boxes), more than "
                f"the limit of {MAX_BRACKETS}; split it into several records or pages"
            ),
        )
    for match in _LINK_TARGET.finditer(body):
        url = next(group for group in match.groups() if group is not None)
        if len(url) > MAX_URL:
            yield (
                _offset(body, match.start()),
                (
                    f"this link's address is {len(url)} characters long, more than the limit of "
                    f"{MAX_URL}; link to a shorter address"
                ),
            )
    yield from _line_limits(body)


def _line_limits(body: str) -> Iterator[tuple[int, str]]:
    """Yield the first line past each line limit (one message for a whole bomb, not one a line)."""
    said: set[str] = set()
    for kind, offset, message in _each_line_limit(body):
        if kind not in said:
            said.add(kind)
            yield offset, message


def _each_line_limit(body: str) -> Iterator[tuple[str, int, str]]:
    """Yield (kind, line offset, message) for every line past a limit, in order.

    Each line is read only when the whole text could pass a line limit at all: reading
    every line of every body took a third of check's time on a real decision log, where
    no body came near one.
    """
    if _may_pass_a_line_limit(body):
        yield from _read_lines(body)


#: A line whose start could nest past the limit: a tab opens at most two levels, and any
#: other character of indentation or of a list or quote marker at most one.
_DEEP_START = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING // 2 + 1}}}.*", re.M)
_LONG_RUNS = ("*" * (MAX_MARK_RUN + 1), "_" * (MAX_MARK_RUN + 1))


def _may_pass_a_line_limit(body: str) -> bool:
    """Tell whether some line of a body might pass a line limit: what each limit needs."""
    return (
        body.count("*") + body.count("_") > MAX_EMPHASIS_MARKS
        or body.startswith(":") + body.count("\n:") > MAX_DEFINITIONS
        or any(run in body for run in _LONG_RUNS)
        or any(_depth(match[0]) > MAX_NESTING for match in _DEEP_START.finditer(body))
    )


def _read_lines(body: str) -> Iterator[tuple[str, int, str]]:
    """Yield what _each_line_limit does, from a reading of every line."""
    marks = definitions = 0
    paragraph_start = 0
    for offset, line in enumerate(body.split("\n")):
        if not line.strip():
            marks = definitions = 0
            paragraph_start = offset + 1
            continue
        definitions += line.startswith(":")
        if definitions == MAX_DEFINITIONS + 1:
            yield (
                "definitions",
                paragraph_start,
                (
                    f"this list has more than {MAX_DEFINITIONS} definitions (lines starting ':') "
                    "with no blank line between them; add blank lines or split the list"
                ),
            )
        depth = _depth(line)
        if depth > MAX_NESTING:
            yield (
                "nesting",
                offset,
                (
                    f"lists or quotes are nested {depth} levels deep here, more than the limit of "
                    f"{MAX_NESTING}; flatten them"
                ),
            )
        runs = _MARK_RUN.findall(line)
        if any(len(run) > MAX_MARK_RUN for run in runs):
            yield (
                "run",
                offset,
                (
                    f"a row of more than {MAX_MARK_RUN} '*' or '_' marks here; shorten it, or put "
                    "it in a code block between ``` lines"
                ),
            )
        before = marks
        marks += sum(map(len, runs))
        if before <= MAX_EMPHASIS_MARKS < marks:
            yield (
                "marks",
                paragraph_start,
                (
                    f"this paragraph has more than {MAX_EMPHASIS_MARKS} '*' or '_' marks; split "
                    "it, or put code between ``` lines"
                ),
            )


def _depth(line: str) -> int:
    """Return how deeply a line nests: its list and quote markers, and its indent by twos."""
    expanded = line.expandtabs(4)
    indent = len(expanded) - len(expanded.lstrip(" "))
    markers, position = 0, 0
    while match := _CONTAINER.match(expanded, position):
        markers, position = markers + 1, match.end()
    return indent // 2 + markers if markers else 0


def _offset(text: str, index: int) -> int:
    """Return the line offset (from 0) of an index in a text."""
    return text.count("\n", 0, index)


def _nth(text: str, char: str, n: int) -> int:
    """Return the index of the n-th occurrence of a character."""
    index = -1
    for _ in range(n):
        index = text.index(char, index + 1)
    return index
