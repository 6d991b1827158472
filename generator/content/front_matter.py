"""Front matter as YAML: parsed as nodes with their lines, and its errors said for people.

Every value stays a string until the schema reads it (no YAML 1.1 guesses: ``no`` is not
false, ``1.10`` is not 1.1). A mapping nested deeper than MAX_YAML_DEPTH, anchors, aliases
and tags are refused; a YAML error is explained at its line with how to fix it.
"""

from __future__ import annotations

import json
import re

import yaml

from generator.errors import Collector

#: How deep lists and mappings may nest in front matter (records need two levels).
MAX_YAML_DEPTH = 8


#: libyaml's loader that resolves nothing (every scalar stays text), when libyaml is there.
TEXT_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
#: Characters YAML reads as the end of a line, which no editor shows as one.
_HIDDEN_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")


_YAML_MARKS = re.compile("[&*!]")


def parse_yaml_mapping(
    text: str, rel: str, first_line: int, problems: Collector, what: str
) -> yaml.MappingNode | None:
    """Parse YAML strictly into nodes, refusing anchors, aliases, tags and duplicate keys."""
    hidden = _HIDDEN_LINE_BREAKS.search(text)
    if hidden is not None:
        line, column = position(text, hidden.start())
        problems.add(
            rel,
            first_line + line - 1,
            f"an invisible line separator (U+{ord(hidden.group()):04X}) at column {column}, "
            "which YAML reads as the start of a new line: delete it and keep the value on "
            "one line",
        )
        return None
    try:
        # Anchors, aliases and tags need '&', '*' or '!': most texts have none to look for.
        events = yaml.parse(text, Loader=TEXT_LOADER) if _YAML_MARKS.search(text) else ()
        for event in events:
            line = first_line + (event.start_mark.line if event.start_mark else 0)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problems.add(
                    rel,
                    line,
                    "YAML anchors and aliases (& and *) are not allowed; "
                    "write each value out in full",
                )
                return None
            tag = getattr(event, "tag", None)
            if tag is not None and not isinstance(event, yaml.DocumentStartEvent):
                problems.add(
                    rel,
                    line,
                    f"YAML tags such as {tag} are not allowed; remove the tag "
                    "and write the value as plain text",
                )
                return None
        node = yaml.compose(text, Loader=TEXT_LOADER)
    except yaml.MarkedYAMLError as error:
        index, message = explain_yaml_error(text, error, fields=what == "front matter")
        problems.add(rel, first_line + index, message)
        return None
    except yaml.YAMLError as error:
        problems.add(rel, first_line, f"{what} is not valid YAML ({error})")
        return None
    if node is None:
        problems.add(rel, first_line, f"{what} is empty; add fields such as 'title: ...'")
        return None
    if not isinstance(node, yaml.MappingNode):
        problems.add(
            rel,
            first_line + node.start_mark.line,
            f"{what} must be a list of 'key: value' lines, not a single value or list",
        )
        return None
    return node if _tree_is_sound(node, rel, first_line, problems) else None


_LEADING_TAB = re.compile(r"^( *)\t")


_FIELD_LINE = re.compile(r"^( +)([A-Za-z_][A-Za-z0-9_]*):( |$)")


_KEY_VALUE = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*): +(.*)$")


_ITEM_VALUE = re.compile(r"^(\s*- +)(.*)$")


_LIST_ITEM = re.compile(r"^( *)- ")


def explain_yaml_error(text: str, error: yaml.MarkedYAMLError, fields: bool) -> tuple[int, str]:
    """Return the line (from 0) and the fix for YAML that does not parse, in plain words.

    YAML's own messages ("mapping values are not allowed in this context") name its
    grammar; these name the slip a person makes and the line to write instead. With
    fields (front matter, whose fields start at the beginning of their lines), a field
    indented by mistake is named too.
    """
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    at = min(mark.line if mark else 0, max(len(lines) - 1, 0))
    for index, line in enumerate(lines[: at + 1]):
        tab = _LEADING_TAB.match(line)
        if tab:
            return index, (
                f"a tab at column {len(tab.group(1)) + 1}: YAML lines are indented with "
                "spaces, never tabs; replace it with spaces"
            )
    for index, line in enumerate(lines[: at + 1]):
        indented = _FIELD_LINE.match(line) if fields else None
        if indented and not _opens_block(lines, index):
            spaces = len(indented.group(1))
            what = "a space" if spaces == 1 else f"{spaces} spaces"
            return index, (
                f"this line starts with {what}, but each field starts at the beginning of "
                f"its line; remove {'it' if spaces == 1 else 'them'} before "
                f"'{indented.group(2)}:'"
            )
    if error.context and "quoted scalar" in error.context and error.context_mark:
        return error.context_mark.line, (
            "the quotes opened on this line are never closed; end the value with the same "
            "quote mark it starts with"
        )
    if error.context and "flow sequence" in error.context and error.context_mark:
        return error.context_mark.line, (
            "the list opened with '[' on this line is never closed; end it with ']', and put "
            "in quotes any item that holds a comma, ':' or a bracket"
        )
    quoting = _quoted_line(lines[at]) if lines else None
    if quoting is not None:
        return at, quoting
    items = _LIST_ITEM.match(lines[at]) if lines else None
    if items:
        return at, (
            "this list item is not lined up with the items above it; start every '- ' of a "
            "list at the same column"
        )
    return at, (
        f"this line cannot be read as YAML ({error.problem}); each line is 'field: value', "
        "or '- item' under a field, with the same indentation as its neighbours; a value "
        "that contains ': ' or starts with a symbol goes in quotes"
    )


def _opens_block(lines: list[str], index: int) -> bool:
    """Tell whether an indented line sits under a field that opens a list or a mapping."""
    for line in reversed(lines[:index]):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        return line.startswith((" ", "-")) or line.rstrip().endswith(":")
    return False


def _quoted_line(line: str) -> str | None:
    """Return the fix for a field or list item whose unquoted value YAML reads as syntax."""
    item = _ITEM_VALUE.match(line)
    pair = None if item else _KEY_VALUE.match(line)
    if item:
        lead, value, what = item.group(1), item.group(2).strip(), "this list item"
    elif pair:
        lead = f"{pair.group(1)}{pair.group(2)}: "
        value, what = pair.group(3).strip(), f"the value of '{pair.group(2)}'"
    else:
        return None
    if not value or value[0] in "\"'[{#":
        return None
    if ": " in value or value.endswith(":"):
        reason = "holds ': ', which YAML reads as the start of another field"
    elif value[0] in _RESERVED_STARTS:
        reason = f"starts with '{value[0]}', which YAML reserves"
    else:
        return None
    fixed = f"{lead}{json.dumps(value, ensure_ascii=False)}".strip()
    return f"{what} {reason}; put it in quotes, so the line reads: {fixed}"


_RESERVED_STARTS = "@`%&*!|>"


def _tree_is_sound(node: yaml.Node, rel: str, first_line: int, problems: Collector) -> bool:
    """Check every node: no key given twice, no deep nesting, no character XML cannot carry.

    Walked with a stack, not recursion, so no nesting can exhaust Python's stack; every
    problem is reported.
    """
    sound = True
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        line = first_line + current.start_mark.line
        if depth > MAX_YAML_DEPTH:
            problems.add(
                rel,
                line,
                f"lists and fields are nested more than {MAX_YAML_DEPTH} levels deep here; "
                "records need at most two (a field holding a list), so flatten it",
            )
            sound = False
            continue
        if isinstance(current, yaml.ScalarNode):
            unsafe = XML_UNSAFE.search(current.value)
            if unsafe is not None:
                problems.add(
                    rel,
                    line,
                    f"this value holds {describe_character(unsafe.group())}, written as an "
                    "escape such as \\u0001: pages and feeds cannot carry it; remove it",
                )
                sound = False
        elif isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                key_line = first_line + key.start_mark.line
                if not isinstance(key, yaml.ScalarNode):
                    problems.add(rel, key_line, "keys must be plain words such as 'title'")
                    sound = False
                elif key.value in seen:
                    problems.add(
                        rel,
                        key_line,
                        f"'{key.value}' is given twice (first on line "
                        f"{seen[key.value]}); keep one of them",
                    )
                    sound = False
                else:
                    seen[key.value] = key_line
                    stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in current.value)
    return sound


#: Characters that XML (so feeds, sitemaps and pages) cannot carry: controls but tab and
#: line ends, lone surrogates, and the non-characters U+FFFE and U+FFFF.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def describe_character(char: str) -> str:
    """Name an invisible character for a person: 'an invisible control character (U+0001)'."""
    return f"an invisible control character (U+{ord(char):04X})"


def position(text: str, index: int) -> tuple[int, int]:
    """Return the line and column (both from 1) of an index in a text."""
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - start + 1
