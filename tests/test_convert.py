"""Bodies read as GitHub shows them: cmark-gfm's own output is the oracle."""

from __future__ import annotations

import os
from html.parser import HTMLParser

import cmarkgfm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import Markdown

from generator import parallel
from generator.markdown import convert, gfm
from generator.markdown.sanitize import clean_html

#: Block and list elements: their nesting is the structure a reader sees.
_STRUCTURE = (
    {"p", "ul", "ol", "li", "blockquote", "pre", "hr", "section"}
    | {"table", "thead", "tbody", "tr", "th", "td", "input"}
    | {"del", "em", "strong", "sup"}
    | {f"h{level}" for level in range(1, 7)}
)
_VOID = {"hr", "input", "img", "br"}


class _Structure(HTMLParser):
    """Collect (depth, tag) of structural elements and the targets of links and images."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tree: list[tuple[int, str]] = []
        self.targets: list[str] = []
        self.checked: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "headerlink" not in (values.get("class") or ""):
            self.targets.append(values.get("href") or "")
        if tag == "img":
            self.targets.append(values.get("src") or "")
        if tag == "input":
            self.checked.append("checked" in values)
        if tag in _STRUCTURE:
            self.tree.append((self.depth, tag))
            if tag not in _VOID:
                self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _STRUCTURE and tag not in _VOID:
            self.depth -= 1


def structure(html: str) -> tuple[list[tuple[int, str]], list[str], list[bool]]:
    """Return the block tree, the link targets and the task boxes of some HTML."""
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.tree, parser.targets, parser.checked


#: One text for each construct GitHub's preview shows (and each case issue 16 found).
CORPUS = {
    "list nested by two spaces": "- one\n  - two\n    - three\n- four\n",
    "ordered list nested by three": "1. one\n   1. two\n   2. three\n2. four\n",
    "list right after a paragraph": "Consider:\n- first\n- second\n",
    "task list": "- [ ] to do\n- [x] done\n  - [ ] nested task\n",
    "table": "| a | b |\n|:--|--:|\n| `x|y` | **z** |\n",
    "strikethrough": "This is ~~gone~~ and ~so is this~.\n",
    "autolinks": "See www.example.org and https://example.org/x?y=1 and a@example.org.\n",
    "footnotes": "A claim[^team], another[^2].\n\n[^team]: Note: the team said so.\n[^2]: Two.\n",
    "fenced code with a language": "```rust\nfn f<T>(x: Vec<T>) {}\n```\n",
    "fence in a blockquote": "> ```\n> Vec<T> << 2\n> ```\n",
    "fence indented in a list": "- item\n\n  ```\n  <T>\n  ```\n",
    "code span across lines": "A `Vec<T>\nspan` wraps.\n",
    "headings and setext": "# One\n\nTwo\n---\n\n### Three ###\n",
    "links and references": "[a](other.md) [b][r] ![c](d.png)\n\n[r]: https://example.org\n",
    "html beside markdown": "Line<br>break, x<sup>2</sup>, <kbd>Ctrl</kbd>\n\n<details>\n"
    "<summary>More</summary>\n\nHidden *text*.\n\n</details>\n",
    "indented html after a paragraph": "A paragraph\n    <b>lazy</b> continuation\n",
    "hard breaks": "one  \ntwo\\\nthree\n",
    "emphasis": "*a* **b** ***c*** _d_ __e__\n",
    "thematic break and quote": "> quoted\n> > nested\n\n***\n",
    "entities": "&copy; &amp; &#35; &nbsp;\n",
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_body_has_the_structure_github_gives_it(name: str) -> None:
    text = CORPUS[name]
    options = cmarkgfm.Options.CMARK_OPT_UNSAFE | cmarkgfm.Options.CMARK_OPT_FOOTNOTES
    oracle = cmarkgfm.github_flavored_markdown_to_html(text, options)
    ours, _tokens = convert.render_markdown(text)
    assert structure(ours) == structure(oracle)


def test_each_issue_case_reads_as_on_github() -> None:
    nested, _ = convert.render_markdown(CORPUS["list nested by two spaces"])
    assert nested.count("<ul>") == 3
    after, _ = convert.render_markdown(CORPUS["list right after a paragraph"])
    assert "<p>Consider:</p>\n<ul>" in after
    tasks, _ = convert.render_markdown(CORPUS["task list"])
    assert "[ ]" not in tasks and "[x]" not in tasks
    assert structure(tasks)[2] == [False, True, False]
    assert 'class="task-list-item"' in tasks
    footnotes, _ = convert.render_markdown(CORPUS["footnotes"])
    assert 'href="#fn-team"' in footnotes and "Note: the team said so." in footnotes


def test_code_is_highlighted_in_the_classes_the_theme_colours() -> None:
    html, _ = convert.render_markdown("```python\ndef f(x):\n    return x < 1\n```\n")
    assert html.startswith('<div class="highlight"><pre><span></span><code>')
    assert '<span class="k">def</span>' in html and '<span class="o">&lt;</span>' in html
    plain, _ = convert.render_markdown("```no-such-language\n<b>\n```\n")
    assert plain == '<div class="highlight"><pre><span></span><code>&lt;b&gt;\n</code></pre></div>'


#: Code among HTML that the sanitiser could read otherwise: a textarea's or script's text,
#: an attribute left open, a table's misplaced content, the stand-in's own character
#: written in the text and by reference, a tag written loosely.
_CODE_AMONG_HTML = {
    "plain": "Intro `x<T>`.\n\n```rust\nfn f<T>() {}\n```\n\nEnd.\n",
    "in a list": "- a\n\n  ```python\n  x = 1\n  ```\n- b\n\n> ```js\n> y\n> ```\n",
    "two alike": "```js\nx\n```\n\nmid\n\n```js\nx\n```\n",
    "textarea": "A <textarea>\n\n```js\nx\n```\n\n</textarea>\n",
    "script": "A <script>\n\n```js\nx\n```\n\n</script>\n\n```js\ny\n```\n",
    "open attribute": '<div title="\n\n```js\nx\n```\n\n">\n',
    "table": "<table>\n\n```js\nx\n```\n\n</table>\n",
    "own character": "\ue000 here\n\n```js\nx\n```\n",
    "by reference": '<a title="&lt;pre&gt;&lt;code&gt;&#57344;&lt;/code&gt;&lt;/pre&gt;">x</a>\n\n'
    "```js\nx\n```\n",
    "loose tag": "<img src=x.png>\n\n```js\nx\n```\n",
    "moved by a table": "<table><tr><td>\n\n```\nfirst\n```\n\n</td></tr>\n\n```\nsecond\n"
    "```\n\n</table>\n",
    "a fence written in HTML": '<a href="https://a.example/">\n\n<pre data-sourcepos="1:1-1:1">'
    '<code><a href="https://b.example/">in</a></code></pre>\n\n</a>\n\n```js\nx\n```\n',
}


@pytest.mark.parametrize("name", sorted(_CODE_AMONG_HTML))
def test_code_sanitised_apart_reads_as_the_whole_text_sanitised(name: str) -> None:
    """Each highlighted block is sanitised once by itself; the page is as if sanitised whole."""
    text = _CODE_AMONG_HTML[name]
    converted = convert.to_html(text, cmarkgfm.cmark.Options.CMARK_OPT_SOURCEPOS)
    converted = convert._FENCE.sub(convert._highlight, converted)
    converted = convert._anchor_headings(convert._TASK.sub(convert._task, converted))[0]
    whole = clean_html(convert._POSITION.sub("", converted)).strip("\n")
    html, _ = convert.render_markdown(text)
    assert html == whole
    assert "\ue000</code>" not in html  # no stand-in left
    read_otherwise = {"open attribute", "own character", "by reference", "loose tag"}
    apart = bool(convert._convert(text)[1]) and convert._strict_tags(text) is not None
    assert apart == (name not in read_otherwise)


@pytest.mark.parametrize(
    ("text", "forged"),
    [("&#57344;", True), ("&#57344a", True), ("&#0057344", True), ("&#xE000;", True),
     ("&#x0e000z", True), ("\ue000", True), ("&#573440;", False), ("&#xe0001;", False),
     ("&#5734;", False)],
)  # fmt: skip
def test_every_way_of_writing_the_stand_ins_character_is_seen(text: str, forged: bool) -> None:
    """A decimal reference ends at its first non-digit, a hexadecimal one at its first non-hex."""
    assert bool(convert._FORGED.search(text)) == forged


def test_a_block_never_lands_in_an_attribute() -> None:
    """A stand-in an attribute spells is the text's own: no block is put there."""
    html, _ = convert.render_markdown(_CODE_AMONG_HTML["by reference"])
    anchors = [tag for tag in _tags(html) if tag[0] == "a"]
    assert anchors == [("a", [("title", "<pre><code>\ue000</code></pre>")])]
    assert html.count('<div class="highlight">') == 1


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Return every start tag of some HTML, with its attributes, as a browser reads them."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Reader(convert_charrefs=True).feed(html)
    return found


def test_headings_get_githubs_ids_and_the_themes_permalink() -> None:
    html, tokens = convert.render_markdown("# Title & more\n\n## Why `this`?\n\n## Why `this`?\n")
    assert '<h2 id="why-this">Why <code>this</code>?<a class="headerlink" href="#why-this"' in html
    assert [token["id"] for token in tokens[0]["children"]] == ["why-this", "why-this-1"]
    assert tokens[0]["id"] == "title--more"  # as GitHub: '&' dropped, each space a hyphen
    assert tokens[0]["name"] == "Title &amp; more"
    assert convert.heading_ids("# A\n\n```\n# not a heading\n```\n") == ["a"]


def test_raw_html_headings_and_fences_are_left_as_written() -> None:
    html, tokens = convert.render_markdown("<h2>Raw</h2>\n\n<pre><code>x</code></pre>\n")
    assert html == "<h2>Raw</h2>\n<pre><code>x</code></pre>"
    assert tokens == []


def test_the_engine_converts_a_page_as_the_pour_does() -> None:
    text = "# Page\n\nSome *text*.\n\n## Part\n\n```python\nx = 1\n```\n"
    markdown = Markdown(extensions=["generator.markdown.convert"])
    engine = markdown.convert(text)
    assert (engine, markdown.toc_tokens) == convert.render_content(text)  # type: ignore[attr-defined]


def test_links_a_page_maps_are_followed() -> None:
    text = convert.links_mark({"other.md#why": "../other/#why"}) + "[o](other.md#why) [x](x.md)"
    html, _ = convert.render_content(text)
    assert '<a href="../other/#why">o</a>' in html
    assert 'href="x.md"' in html


def test_no_link_opens_a_window_of_its_own() -> None:
    """target is not kept, so no link needs rel="noopener" (and none carries it)."""
    html, _ = convert.render_content(
        '<a href="https://example.org/" target="_blank" rel="opener">out</a> [in](https://example.org/)'
    )
    assert "target" not in html and "rel=" not in html
    assert html.count('href="https://example.org/"') == 2


@given(st.text(alphabet="-*>`#[]()<!|~ \n\t1.xa\\\x00", max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_body_converts_without_error(text: str) -> None:
    html, _tokens = convert.render_markdown(text)
    assert isinstance(html, str)


@pytest.mark.parametrize(
    "text",
    ["> " * 50_000 + "deep", "- " * 50_000 + "deep", "[" * 50_000, "*a " * 50_000, "\ud800 x"],
)
def test_hostile_nesting_converts_without_error(text: str) -> None:
    html, _tokens = convert.render_markdown(text)
    assert html


def test_a_records_pages_are_poured_by_one_task() -> None:
    urls = [f"decisions/d{n}/{page}" for n in range(7) for page in ("", "history/", "v1/", "v2/")]
    urls += ["topics/a/", "topics/b/", "decisions/page/2/"]
    pages = [(url, {}, "") for url in reversed(urls)]
    chunks = list(parallel.chunks(pages, 6))
    assert [page[0] for chunk in chunks for page in chunk] == sorted(urls)
    assert all(len(chunk) >= 6 for chunk in chunks[:-1])
    owners = [{tuple(page[0].split("/")[:2]) for page in chunk} for chunk in chunks]
    for owner in {tuple(url.split("/")[:2]) for url in urls}:
        assert sum(owner in chunk for chunk in owners) == 1, owner


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *_`#>-|~[]()!:\n<&1."))))
def test_conversion_is_cmarkgfms_own(text: str) -> None:
    """openrecord's call of cmark-gfm (which frees what it made) renders what cmarkgfm does."""
    expected = cmarkgfm.cmark.markdown_to_html_with_extensions(
        text, gfm.OPTIONS, list(gfm.EXTENSIONS)
    )
    assert convert.to_html(text) == expected


def _resident_kb() -> int:
    """Return this process's resident memory in KB (Linux)."""
    with open("/proc/self/status", encoding="utf-8") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads Linux's /proc")
def test_converting_keeps_nothing_in_memory() -> None:
    """Converting a text leaves nothing behind: cmarkgfm's wrapper kept ~3 times each text."""
    text = "# Title\n\n" + "A paragraph with *words* and a [link](x.md).\n\n" * 400  # 19 KB
    for number in range(50):  # the allocator's first arenas
        convert.to_html(f"{text}{number}")
    before = _resident_kb()
    for number in range(2000):  # 38 MB of text: a leak of it would show many times over
        convert.to_html(f"{text}{number}")
    assert _resident_kb() - before < 16_000


#: Pieces of the first lines of bodies: headings of both kinds, and what only looks like one.
OPENINGS = [
    "# Title",
    "  ## Title",
    "\t# Title",
    "\ufeff# Title",
    "Title",
    "Title\n=====",
    "Title\n  ---",
    "Title\n    ---",
    "---",
    "***",
    "[ref]: https://example.org\n",
    "[^1]: A note.\n",
    '<h2 data-sourcepos="1:1-1:9">Title</h2>',
    "<!-- a comment -->",
    "- Feature Name: title",
    "> # Title",
    "1. Title",
    "    # Title",
    "| a |\n| - |",
    "Title\r===",
    "\\# Title",
    "",
    " ",
    "\n",
]


@given(st.lists(st.sampled_from(OPENINGS), min_size=1, max_size=4), st.sampled_from(["\n", "\n\n"]))
@settings(max_examples=400, deadline=None)
def test_a_title_is_looked_for_only_where_a_heading_can_open_a_text(
    pieces: list[str], join: str
) -> None:
    text = join.join(pieces) + "\n\nThe body."
    if not convert._may_open_with_heading(text):
        assert convert._strip_title(text, "Title") == text
    assert convert.without_title(text, "Title") == convert._strip_title(text, "Title")


def _deeper_than_reference(converted: str, limit: int) -> bool:
    """The depth as counted tag by tag, for comparing."""
    depth = 0
    for match in convert._OPEN_OR_CLOSE.finditer(converted):
        if match[2].lower() in convert._VOID or match[3]:
            continue
        depth += -1 if match[1] else 1
        if depth > limit:
            return True
    return False


@given(
    st.lists(
        st.sampled_from(["<div>", "</div>", "<BR>", "<p/>", "</x/>", "<span a='>'>", "text", "<"]),
        max_size=60,
    ),
    st.integers(min_value=0, max_value=8),
)
@settings(max_examples=300, deadline=None)
def test_the_depth_of_html_is_counted_tag_by_tag(pieces: list[str], limit: int) -> None:
    converted = "".join(pieces)
    assert convert._deeper_than(converted, limit) == _deeper_than_reference(converted, limit)


def test_the_languages_of_a_sites_fences_are_named_most_used_first() -> None:
    texts = [
        "```rust\nfn main() {}\n```\n\n> ```toml\n> a = 1\n> ```\n",
        "- item\n\n  ~~~ rust,ignore\n  x\n  ~~~\n\n```rust\ny\n```\n```\nplain\n```",
        "No fences, and `inline` code.",
        "```\x00bad\n```\n```" + "x" * 50 + "\n```",
    ]
    assert convert.fence_languages(texts) == ["rust", "rust,ignore", "toml"]
    assert convert.fence_languages(texts, most=1) == ["rust"]


def test_the_pools_server_builds_the_lexers_a_build_names(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from generator.markdown import lexers

    convert._lexer.cache_clear()
    monkeypatch.setenv(convert.LANGUAGES_VARIABLE, "rust toml no-such-language")
    importlib.reload(lexers)
    assert convert._lexer.cache_info().currsize == 3
    assert convert._lexer("rust") is not None and convert._lexer("no-such-language") is None


def test_a_text_two_pages_show_alike_is_sanitised_once(monkeypatch: pytest.MonkeyPatch) -> None:
    cleaned: list[str] = []
    clean = convert.clean_html
    monkeypatch.setattr(convert, "clean_html", lambda html: cleaned.append(html) or clean(html))
    text = "A [link](other.md) in a text shown by a record and its current version."
    record = convert.render_markdown(text, {"other.md": "../other/"})
    version = convert.render_markdown(text, {"other.md": "../other/"})
    assert record == version and len(cleaned) == 1
    moved = convert.render_markdown(text, {"other.md": "../../other/"})
    assert 'href="../../other/"' in moved[0] and len(cleaned) == 2
    record[1].append({"changed": True})  # what a caller does with its headings is its own
    assert convert.render_markdown(text, {"other.md": "../other/"})[1] == []
