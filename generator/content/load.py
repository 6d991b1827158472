"""Stage 1, load: read every file under content/ and split front matter from body.

Nothing is interpreted here. Front matter is parsed into YAML nodes (with line
numbers and quoting kept) by a strict reader that refuses what YAML would
otherwise turn into surprises: anchors, aliases, tags and duplicate keys.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from frontmatter.default_handlers import JSONHandler, YAMLHandler

from generator.content.assets import DEFAULT_ASSET_KB, check_asset, is_asset, refused_kind
from generator.content.front_matter import (
    XML_UNSAFE,
    describe_character,
    parse_yaml_mapping,
    position,
)
from generator.content.schema import TYPES_BY_FOLDER
from generator.errors import Collector

#: Files larger than this are refused: a record is prose, not a data dump.
MAX_FILE_BYTES = 1024 * 1024
#: The fence python-frontmatter recognises around YAML front matter ("---").
_FENCE = YAMLHandler.FM_BOUNDARY
_TOML_FENCE = re.compile(r"^\+{3}\s*$", re.MULTILINE)
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.md$")
#: A record's translation beside it: <slug>.<lang>.md, the language a lowercase BCP 47 tag.
_TRANSLATION_NAME = re.compile(
    r"^(?P<slug>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2,3}(-[a-z0-9]{2,8})*)\.md$"
)


@dataclass(frozen=True)
class Source:
    """One content file as read: path, front matter nodes and body, with line numbers."""

    path: str
    folder: str
    slug: str
    front: yaml.MappingNode
    body: str
    body_line: int
    front_line: int = 2
    lang: str | None = None  # a translation's language (None: the record in its source)


@dataclass(frozen=True)
class Unparsed:
    """A record or page whose front matter could not be read; its body, when it has one."""

    path: str
    folder: str
    slug: str
    body: str | None
    body_line: int


@dataclass(frozen=True)
class Loaded:
    """Everything read from content/: records and pages, plus the topics file."""

    records: tuple[Source, ...]
    pages: tuple[Source, ...]
    topics: yaml.MappingNode | None
    topics_path: str
    assets: tuple[str, ...] = ()  # images and attachments beside records (see assets.py)
    #: Files whose front matter could not be read: their problems are already reported,
    #: and the later stages know they exist (a reference to one is not "missing").
    unparsed: tuple[Unparsed, ...] = ()
    topics_unread: bool = False  # topics.yml is there but could not be read
    #: Translations of records (<slug>.<lang>.md beside <slug>.md), checked by validate.
    translations: tuple[Source, ...] = ()


def load_content(
    root: Path,
    content_dir: str = "content",
    asset_limit_kb: int = DEFAULT_ASSET_KB,
    problems: Collector | None = None,
    languages: tuple[str, ...] = ("en",),
) -> Loaded:
    """Read every record, page, file beside them and the topics file; collect every problem.

    languages are the site's, the source language first: a file <slug>.<lang>.md beside a
    record is its translation into one of the others.

    Given a collector, add the problems to it and return what could be read, so the later
    stages find the other files' problems in the same run; without one, raise them.
    """
    own = problems is None
    problems = problems if problems is not None else Collector()
    base = root / content_dir
    if not base.is_dir():
        problems.add(
            content_dir, 1, "there is no content folder; create it with one folder per type"
        )
        problems.raise_if_any()
    records: list[Source] = []
    pages: list[Source] = []
    topics_path = f"{content_dir}/topics.yml"
    topics: yaml.MappingNode | None = None
    seen_names: dict[str, str] = {}
    assets: list[str] = []
    unparsed: list[Unparsed] = []
    translations: list[Source] = []
    topics_unread = False
    for path in _walk(base, root, problems):
        rel = path.relative_to(root).as_posix()
        folder = path.parent.relative_to(base).as_posix()
        key = unicodedata.normalize("NFC", rel).casefold()
        if key in seen_names:
            problems.add(
                rel,
                1,
                f"this name differs from {seen_names[key]} only by case or "
                "accents, and would publish at the same address; rename one of them",
            )
            continue
        seen_names[key] = rel
        beside = folder.split("/")[0] in (*TYPES_BY_FOLDER, "pages")
        if beside and is_asset(path.name):
            if check_asset(path, rel, asset_limit_kb, problems):
                assets.append(rel)
            continue
        if beside and not path.name.endswith(".md"):
            problems.add(rel, 1, refused_kind())
            continue
        text = _read_text(path, rel, problems)
        if text is None:
            topics_unread = topics_unread or rel == topics_path
            if path.name.endswith(".md"):
                unparsed.append(Unparsed(rel, folder, path.name[: -len(".md")], None, 1))
            continue
        if rel == topics_path:
            topics = parse_yaml_mapping(text, rel, 1, problems, what="the topics file")
            topics_unread = topics is None
            continue
        if folder not in (*TYPES_BY_FOLDER, "pages") or not path.name.endswith(".md"):
            problems.add(rel, 1, _misplaced_hint(folder, content_dir))
            continue
        translated = _TRANSLATION_NAME.match(path.name)
        if translated and folder != "pages":
            lang = translated.group("lang")
            if _check_language(rel, lang, languages, translated.group("slug"), problems):
                source = _split(text, rel, folder, translated.group("slug"), problems)
                if isinstance(source, Source):
                    translations.append(replace(source, lang=lang))
            continue
        if not _SAFE_NAME.match(path.name):
            problems.add(
                rel,
                1,
                "file names must be lowercase letters, digits and hyphens, "
                "starting with a letter or digit, ending in .md (such as pilot-areas.md)",
            )
            continue
        source = _split(text, rel, folder, path.name[: -len(".md")], problems)
        if isinstance(source, Unparsed):
            unparsed.append(source)
        else:
            (pages if folder == "pages" else records).append(source)
    if own:
        problems.raise_if_any()
    return Loaded(
        tuple(records),
        tuple(pages),
        topics,
        topics_path,
        tuple(assets),
        tuple(unparsed),
        topics_unread,
        tuple(translations),
    )


def _check_language(
    rel: str, lang: str, languages: tuple[str, ...], slug: str, problems: Collector
) -> bool:
    """Tell whether a translation's file names one of the site's other languages."""
    listed = ", ".join(languages)
    if lang == languages[0]:
        problems.add(
            rel,
            1,
            f"'{lang}' is the source language, in which the record itself ({slug}.md) is "
            f"written; rename this file, or move its text into {slug}.md",
        )
        return False
    if lang not in languages:
        problems.add(
            rel,
            1,
            f"'{lang}' is not one of the site's languages ({listed}); add it to "
            "extra.openrecord.languages in mkdocs.yml, or rename the file to "
            f"{slug}.<lang>.md with one of them",
        )
        return False
    return True


#: What the build reads from the repository, and the folders it writes into there.
READ_PATHS = ("mkdocs.yml", "content", "theme")
WRITTEN_PATHS = ("build", "site")


def refuse_links(root: Path) -> None:
    """Refuse every symbolic link the build would read through or write through.

    A link committed in a pull request could point anywhere on the build machine
    (``/proc/self/environ``, a home folder), and whatever it points at would be read
    into the site or written over. No link is followed: each is a problem at its path.
    """
    problems = Collector()
    for name in (*READ_PATHS, *WRITTEN_PATHS):
        path = root / name
        if path.is_symlink():
            problems.add(name, 1, _LINK_MESSAGE)
        elif name in READ_PATHS and path.is_dir():
            for directory, dirnames, filenames in os.walk(path, followlinks=False):
                here = Path(directory)
                for entry in sorted([*dirnames, *filenames]):
                    if (here / entry).is_symlink():
                        problems.add((here / entry).relative_to(root).as_posix(), 1, _LINK_MESSAGE)
    problems.raise_if_any()


_LINK_MESSAGE = (
    "this is a symbolic link; openrecord never follows links, because the site would "
    "publish whatever they point at on the build machine; put the file itself here instead"
)


def front_matter_text(text: str) -> str | None:
    """Return a file's text up to the end of its front matter (None when it has none)."""
    lines = text.replace("\r\n", "\n").split("\n")
    end = front_matter_end(lines)
    return None if end is None else "\n".join(lines[: end + 1])


def front_matter_end(lines: list[str]) -> int | None:
    """Return the index of the '---' line that closes the front matter opening lines.

    None when the first line opens no front matter, or nothing closes it.
    """
    if not lines or not _FENCE.match(lines[0]):
        return None
    return next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)


def load_file(root: Path, rel: str) -> Source:
    """Read one record or page file again; raise ContentError with its problems."""
    problems = Collector()
    path = root / rel
    folder, name = path.parent.name, path.name
    text = _read_text(path, rel, problems)
    source = None if text is None else _split(text, rel, folder, name.removesuffix(".md"), problems)
    problems.raise_if_any()
    assert isinstance(source, Source)
    return source


def _walk(base: Path, root: Path, problems: Collector) -> list[Path]:
    """Return every file under base, sorted, refusing links and hidden names."""
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(base, followlinks=False):
        here = Path(directory)
        for name in sorted(dirnames):
            if os.path.islink(here / name) or name.startswith((".", "-")):
                rel = (here / name).relative_to(root).as_posix()
                problems.add(
                    rel,
                    1,
                    "links and folders whose names start with '.' or '-' are "
                    "not allowed in content/; use a plain folder",
                )
                dirnames.remove(name)
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                problems.add(rel, 1, _LINK_MESSAGE)
            elif name.startswith((".", "-")):
                problems.add(rel, 1, "file names may not start with '.' or '-'; rename it")
            else:
                found.append(path)
    return found


def _misplaced_hint(folder: str, content_dir: str) -> str:
    """Say where content files belong."""
    folders = ", ".join(f"{content_dir}/{name}/" for name in (*TYPES_BY_FOLDER, "pages"))
    return (
        f"openrecord only reads Markdown (.md) files in {folders} and {content_dir}/topics.yml; "
        "move or remove this file"
    )


def _read_text(path: Path, rel: str, problems: Collector) -> str | None:
    """Return a file's text, or None after recording why it cannot be read."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(
            rel,
            1,
            f"the file is {size} bytes, more than the limit of {MAX_FILE_BYTES}; "
            "split it or move large material elsewhere and link to it",
        )
        return None
    data = path.read_bytes()
    if b"\x00" in data:
        problems.add(
            rel,
            data[: data.index(b"\x00")].count(b"\n") + 1,
            "the file contains a NUL byte; save it as plain UTF-8 text",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.add(rel, 1, "the file starts with a byte-order mark; save it as UTF-8 without BOM")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(rel, line, "the file is not valid UTF-8; save it with UTF-8 encoding")
        return None
    text = text.replace("\r\n", "\n")
    unsafe = XML_UNSAFE.search(text)
    if unsafe is not None:
        line, column = position(text, unsafe.start())
        problems.add(
            rel,
            line,
            f"{describe_character(unsafe.group())} at column {column}: "
            "pages and feeds cannot carry it; delete it (it is usually invisible)",
        )
        return None
    return text


def _split(text: str, rel: str, folder: str, slug: str, problems: Collector) -> Source | Unparsed:
    """Split a Markdown file into front matter nodes and body (the body alone, if need be)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        problems.add(rel, 1, _missing_fence_hint(text))
        return Unparsed(rel, folder, slug, None, 1)
    end = front_matter_end(lines)
    if end is None:
        problems.add(
            rel,
            1,
            "the front matter opened with '---' is never closed; add a line "
            "with just '---' after the last field",
        )
        return Unparsed(rel, folder, slug, None, 1)
    body = "\n".join(lines[end + 1 :])
    front = parse_yaml_mapping("\n".join(lines[1:end]), rel, 2, problems, what="front matter")
    if front is None:
        return Unparsed(rel, folder, slug, body, end + 2)
    return Source(rel, folder, slug, front, body, end + 2)


def _missing_fence_hint(text: str) -> str:
    """Explain what a file without YAML front matter should look like."""
    if _TOML_FENCE.match(text):
        return "front matter must be YAML between '---' lines, not TOML; rewrite it as YAML"
    if JSONHandler().detect(text) or text.lstrip().startswith("{"):
        return "front matter must be YAML between '---' lines, not JSON; rewrite it as YAML"
    return (
        "the file has no front matter: start it with a line '---', then fields such as "
        "'title: ...', then a line '---' (run `openrecord new` for a template)"
    )
