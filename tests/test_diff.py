"""Diffs between versions: small edits marked word by word, rewrites shown whole."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from generator.history.diff import Version, opcodes, render_body_diff, sentences


def rows(old: str, new: str) -> list[tuple[str, str]]:
    """Return the diff of two bodies as (kind, cell HTML) rows, gaps as ('gap', '')."""
    html = render_body_diff(Version({}, old), Version({}, new))
    found = []
    for row in re.findall(r'<tr(?: class="or-diff__(\w+)")?>(.*?)</tr>', html):
        kind, cells = row
        cell = re.search(r"<td></td><td>(.*?)</td>", cells)
        found.append((kind or "unchanged", cell.group(1) if cell else ""))
    return found


def changed(old: str, new: str) -> list[tuple[str, str]]:
    """Return only the removed and added rows."""
    return [row for row in rows(old, new) if row[0] in ("removed", "added")]


def test_a_small_edit_marks_the_changed_word() -> None:
    assert changed("We will start in two areas.", "We will start in three areas.") == [
        ("removed", "We will start in <del>two</del> areas."),
        ("added", "We will start in <ins>three</ins> areas."),
    ]
    assert changed("A line.\nB line.", "A line.\nB line!") == [
        ("removed", "B line<del>.</del>"),
        ("added", "B line<ins>!</ins>"),
    ]


def test_a_reworded_phrase_is_marked_as_one_phrase() -> None:
    assert changed(
        "The board agreed to fund the pilot in two areas.",
        "The board agreed to review the whole plan in two areas.",
    ) == [
        ("removed", "The board agreed to <del>fund the pilot</del> in two areas."),
        ("added", "The board agreed to <ins>review the whole plan</ins> in two areas."),
    ]


def test_a_rewritten_paragraph_is_removed_and_added_whole() -> None:
    old = "Intro stays.\n\nCommunity councils asked for budgets they control.\n\nEnd stays."
    new = "Intro stays.\n\nEvery pilot publishes what it learnt each quarter.\n\nEnd stays."
    assert changed(old, new) == [
        ("removed", "<del>Community councils asked for budgets they control.</del>"),
        ("added", "<ins>Every pilot publishes what it learnt each quarter.</ins>"),
    ]


def test_lines_of_a_block_pair_with_their_counterparts_even_when_counts_differ() -> None:
    old = "Alpha beta gamma delta.\nEpsilon zeta eta theta."
    new = "A brand new first line here.\nAlpha beta gamma delta!\nEpsilon zeta eta iota."
    assert changed(old, new) == [
        ("added", "<ins>A brand new first line here.</ins>"),
        ("removed", "Alpha beta gamma delta<del>.</del>"),
        ("added", "Alpha beta gamma delta<ins>!</ins>"),
        ("removed", "Epsilon zeta eta <del>theta</del>."),
        ("added", "Epsilon zeta eta <ins>iota</ins>."),
    ]


def test_a_moved_paragraph_is_removed_in_one_place_and_added_in_the_other() -> None:
    paragraphs = [f"Paragraph {name} says something of its own." for name in "ABCDEFG"]
    old = "\n\n".join(paragraphs)
    new = "\n\n".join([*paragraphs[1:], paragraphs[0]])
    found = changed(old, new)
    assert [row for row in found if row[1]] == [
        ("removed", "<del>Paragraph A says something of its own.</del>"),
        ("added", "<ins>Paragraph A says something of its own.</ins>"),
    ]
    assert len(found) == 4  # with the blank line that separated it
    kinds = [kind for kind, _ in rows(old, new)]
    assert "gap" in kinds  # the paragraphs between are not repeated in full


def test_a_one_line_paragraph_is_compared_sentence_by_sentence() -> None:
    kept = [f"Sentence {n} keeps every one of its words as they were." for n in range(40)]
    tweaked = "The steering group proposed small pilots in every area."
    rewritten = "Young people asked for a seat at the table."
    old = " ".join([*kept[:20], tweaked, rewritten, *kept[20:]])
    replacement = "Funding must last beyond one year, said the carers."
    new = " ".join([*kept[:20], tweaked.replace("small", "larger"), replacement, *kept[20:]])
    [(_, removed), (_, added)] = changed(old, new)
    assert "The steering group proposed <del>small</del> pilots in every area." in removed
    assert "The steering group proposed <ins>larger</ins> pilots in every area." in added
    assert f"<del>{rewritten}</del>" in removed and f"<ins>{replacement}</ins>" in added
    assert removed.count("<del>") == 2 and added.count("<ins>") == 2
    assert kept[0] in removed and kept[-1] in added  # unchanged sentences read unmarked


def test_a_one_line_paragraph_rewritten_whole_is_shown_whole() -> None:
    old = " ".join(f"Old sentence number {n} about budgets." for n in range(300))
    new = " ".join(f"A different thought, {n}, on trust." for n in range(300))
    assert changed(old, new) == [("removed", f"<del>{old}</del>"), ("added", f"<ins>{new}</ins>")]


def test_html_in_a_diff_is_escaped() -> None:
    [(_, removed), (_, added)] = changed("Say <b>hi</b> now.", "Say <i>hi</i> now.")
    assert "<b>" not in removed and "&lt;" in removed and "<i>" not in added


def test_no_change_gives_no_diff() -> None:
    assert render_body_diff(Version({}, "Same.\n"), Version({}, "Same.\n")) == ""


def test_sentences_keep_every_character() -> None:
    line = 'He said "yes." Then (after a pause.) she left!  Done? Not quite'
    parts = sentences(line)
    assert "".join(parts) == line
    assert parts[0] == 'He said "yes." '


@given(
    st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=30),
)
def test_opcodes_rebuild_the_new_sequence(before: list[str], after: list[str]) -> None:
    rebuilt: list[str] = []
    position = (0, 0)
    for tag, i1, i2, j1, j2 in opcodes(before, after):
        assert (i1, j1) == position
        if tag == "equal":
            assert before[i1:i2] == after[j1:j2]
        rebuilt += after[j1:j2]
        position = (i2, j2)
    assert position == (len(before), len(after))
    assert rebuilt == after


#: Lines of front matter: the plainest YAML, and what only looks like it.
FRONT_LINES = [
    "title: Widen care, closer to home (phase 2)",
    "status: accepted",
    "date: 2024-01-31",
    "topics:",
    "- care",
    "  - housing",
    "- it's [x] {y} 100% & done!",
    "title: Yes: no",
    "title: 'quoted'",
    'title: "quoted"',
    "title: trailing  ",
    "title:  two spaces",
    "title: a # comment",
    "# a comment",
    "title:value",
    "",
    "  indented: key",
    "title: tab\there",
    "title: line\x85break",
    "title: ~",
    "- -1",
    "title: [a, b]",
    "topics: [care, homes]",
    "topics: []",
    "topics: [care homes, (x) y, 2026-01-02]",
    "topics: [a,b]",
    "topics: [a, b,]",
    "topics: [a, [b]]",
    "topics: [ a ]",
    "topics: [a: b]",
    "topics: [a:b, c]",
    "topics: [a #b]",
    "topics: [a, b] # c",
    "topics: ['q', r]",
    "topics: [a,  b]",
    "topics: [a, b]x",
    "topics: [a, {b}]",
    "topics: [a, b c ]",
    "topics: [é, 中文]",
    "title: a]",
    "title: (x) [y]",
    "title: >",
    "Title: x",
    "ok_key: é ü 中文",
    "---",
]


@given(st.lists(st.sampled_from(FRONT_LINES), max_size=8))
def test_plain_front_matter_is_read_as_yaml_reads_it(lines: list[str]) -> None:
    import yaml

    from generator.content.front_matter import TEXT_LOADER
    from generator.history import diff

    text = "\n".join(lines)
    simple = diff._simple_front(text)
    if simple is None:
        return
    try:
        loaded = yaml.load(text, Loader=TEXT_LOADER)
    except yaml.YAMLError:
        loaded = "an error"
    assert simple == (loaded if isinstance(loaded, dict) else {})
    assert list(simple) == list(loaded if isinstance(loaded, dict) else {})


def test_most_records_front_matter_is_read_without_yaml() -> None:
    from generator.history import diff

    text = "title: Widen care\nsummary: One sentence.\nstatus: accepted\ntopics:\n- care\n- homes"
    assert diff._simple_front(text) == {
        "title": "Widen care",
        "summary": "One sentence.",
        "status": "accepted",
        "topics": ["care", "homes"],
    }
    text = "title: Widen care\ntopics: [care, older people]\nevidence: []"
    assert diff._simple_front(text) == {
        "title": "Widen care",
        "topics": ["care", "older people"],
        "evidence": [],
    }
    assert diff._simple_front("title: 'Quoted'") is None


_FRONT = "---\ntitle: A\nstatus: proposed\n---\n"
_SPACING = st.sampled_from(["", " ", "  ", "\t", "\r", "\x1f", "\u00a0"])


@given(
    words=st.lists(
        st.sampled_from(["a", "tea", "net", "so.", "x,", "é", "\n", "\n\n"]), max_size=40
    ),
    after=st.lists(_SPACING, max_size=40),
    ends=st.sampled_from(["", "\n", "\n\n"]),
)
def test_a_body_respaced_looks_the_same_and_one_reworded_does_not(
    words: list[str], after: list[str], ends: str
) -> None:
    """Spacing at line ends and blank lines at either end change nothing a reader sees."""
    from generator.history.diff import _visible, looks_the_same

    text = " ".join(words)
    lines = text.split("\n")
    respaced = "\n".join(
        line + (after[i] if i < len(after) else "") for i, line in enumerate(lines)
    )
    old, new = _FRONT + text, _FRONT + ends + respaced + ends
    # The reading of every line, as looks_the_same was before it counted letters first.
    same = _visible(text) == _visible(ends + respaced + ends)
    assert looks_the_same(old, new) == same
    assert not looks_the_same(old, _FRONT + text + " word")
    if "tea" in text:
        assert not looks_the_same(old, _FRONT + text.replace("tea", "eat", 1))
