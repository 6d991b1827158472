"""One HTML policy: check refuses exactly what the sanitiser would remove for being dangerous."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import build, check
from generator.markdown import policy
from generator.markdown.convert import render_markdown, to_html
from generator.markdown.policy import find_removals, find_unsafe_markup, read_removals, read_tags
from generator.markdown.sanitize import ALLOWED_TAGS, clean_html, unsafe_scheme
from tests.conftest import Git, write
from tests.test_validate import problems

HEAD = "---\ntitle: X\nsummary: Y.\nstatus: proposed\n---\n\n"
#: The smallest PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)

#: What real decision logs write, that GitHub shows and check must accept.
ACCEPTED = {
    "generic in a fence in a blockquote": "> ```\n> fn f<T>(x: Vec<T>) -> T\n> ```\n",
    "generic in a fence indented in a list": "- Step one:\n\n  ```rust\n  let v: Vec<T>;\n  ```\n",
    "code span wrapping a line": "Use `HashMap<K,\nV>` here, and `a << b`.\n",
    "shift operator in prose": "Shifting is a << b, and 3 < 4 > 2.\n",
    "footnote starting with a scheme-like word": "Agreed[^team].\n\n[^team]: Note: see below.\n",
    "harmless html": "A<br>B, x<sup>2</sup>, H<sub>2</sub>O, <kbd>Ctrl</kbd>+<kbd>C</kbd>\n",
    "details": "<details>\n<summary>Background</summary>\n\nThe *long* story.\n\n</details>\n",
    "comments": "<!-- TOC -->\n- [Why](#why)\n<!-- /TOC -->\n\n## Why\n",
    "image with a size": '<img src="diagram.png" alt="Flow" width="400">\n',
    "centred block": '<p align="center">Centred</p>\n',
    "task list": "- [ ] open\n- [x] done\n",
}
#: What check must refuse, with the line and the kind of removal named.
REFUSED = {
    "script": ("Before.\n\n<script>alert(1)</script>\n", 3, "<script> is removed"),
    "event handler": ('Hi <img src="x.png" onerror="alert(1)">\n', 1, "onerror attribute"),
    "javascript link": ("[click](javascript:alert(1))\n", 1, "'javascript:' address"),
    "data link": ('<a href="data:text/html,hi">x</a>\n', 1, "'data:' address"),
    "iframe": ('\n\n<iframe src="https://example.org"></iframe>\n', 3, "another site"),
    "style": ('<p style="display:none">hidden</p>\n', 1, "style attribute"),
    "form": ('<form action="https://e.org"><input name="q"></form>\n', 1, "forms"),
    "html indented after a paragraph": (
        "A paragraph\n    <img src=x onerror=alert(1)>\n",
        2,
        "onerror attribute",
    ),
    "unknown tag in prose": ("A Vec<T> in prose.\n", 1, "<T> is removed"),
}


def test_what_github_shows_is_accepted(site_root: Path) -> None:
    for name, body in ACCEPTED.items():
        write(site_root, f"content/decisions/{name.replace(' ', '-')}.md", HEAD + body)
    (site_root / "content/decisions/diagram.png").write_bytes(PNG)
    site, _warnings = check(site_root)  # raises with every refusal
    assert len(site.records) >= len(ACCEPTED)


def test_what_the_sanitiser_removes_is_refused_at_its_line(site_root: Path) -> None:
    for name, (body, line, words) in REFUSED.items():
        path = f"content/decisions/{name.replace(' ', '-')}.md"
        write(site_root, path, HEAD + body)
        found = problems(site_root)
        at_line = [problem for problem in found if problem.startswith(f"{path}:{line + 6}: ")]
        assert any(words in problem for problem in at_line), (name, found)
        (site_root / path).unlink()


#: Pieces of bodies: harmless and dangerous HTML, Markdown around them, code that hides it.
PIECES = [
    *ACCEPTED.values(),
    *(body for body, _line, _words in REFUSED.values()),
    "plain words",
    "*em* and **strong**",
    "`<script>alert(1)</script>`",
    "```\n<iframe></iframe>\n```",
    "    <script>indented code</script>",
    "[fine](https://example.org) [rel](other.md)",
    '<a href="https://example.org" title="t">ok</a>',
    '<a href=" jav&#x61;script:x">entity</a>',
    "<svg><script>x</script></svg>",
    "<input type=checkbox disabled>",
    "<u>under</u> <mark>m</mark>",
    "<object data=x></object>",
    '<div onclick="x">d</div>',
    "- item\n  <b>bold</b>",
    "> <q>quoted</q>",
]


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """Return a body of pieces joined by blank lines, line breaks or nothing."""
    pieces = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5))
    joins = draw(st.lists(st.sampled_from(["\n\n", "\n", " "]), min_size=len(pieces)))
    return "".join(piece + join for piece, join in zip(pieces, joins, strict=False))


class _Tags(HTMLParser):
    """Collect the start tags of some HTML with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {key: value or "" for key, value in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


_GUARDED = ("style", "href", "src", "type")


def removes_something_dangerous(html: str) -> bool:
    """Tell, by comparing nh3's output with its input, whether it removed a dangerous part."""
    before, after = tags(html), tags(clean_html(html))
    if Counter(name for name, _ in before) - Counter(name for name, _ in after):
        return True  # a whole tag went
    for name in {name for name, _ in before}:
        pairs = zip(
            [attrs for tag, attrs in before if tag == name],
            [attrs for tag, attrs in after if tag == name],
            strict=False,
        )
        for old, new in pairs:
            for key, value in old.items():
                guarded = key.startswith("on") or key in _GUARDED
                if guarded and new.get(key) != value:
                    return True
    return False


@given(bodies())
@settings(max_examples=400, deadline=None)
def test_check_accepts_a_body_if_and_only_if_the_sanitiser_removes_nothing_dangerous(
    body: str,
) -> None:
    assert (not find_unsafe_markup(body)) == (not removes_something_dangerous(to_html(body)))


@given(bodies())
@settings(max_examples=200, deadline=None)
def test_a_published_page_never_holds_what_check_refuses(body: str) -> None:
    published, _tokens = render_markdown(body)
    for name, attrs in tags(published):
        assert name in ALLOWED_TAGS
        assert not any(key.startswith("on") or key == "style" for key in attrs)
        assert all(unsafe_scheme(attrs[key]) is None for key in ("href", "src") if key in attrs)


def test_an_old_version_check_would_refuse_is_rendered_through_the_sanitiser(
    git_site: Git, tmp_path: Path
) -> None:
    site = _built_versions(
        git_site,
        tmp_path,
        (
            "# X\n\nKept *text*.\n\n<script>alert(1)</script>\n",
            "Add a decision written before today's rules",
        ),
        ("Kept *text*.\n", "Remove the script"),
    )
    page = (site / "decisions/old/v1/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert" not in page
    assert "Kept <em>text</em>." in page  # rendered, never shown as raw source
    assert "Parts of this version were removed when it was published" in page
    assert "&lt;script&gt; is removed" not in page  # the note says what, not the check's words
    assert "&lt;script&gt;: scripts would run in readers&#x27; browsers" in page or (
        "&lt;script&gt;: scripts would run in readers' browsers" in page
    )
    assert page.count(">X</h1>") == 1  # the title once: the body's "# X" is not repeated
    current = (site / "decisions/old/index.html").read_text(encoding="utf-8")
    assert "Parts of this version were removed" not in current


def test_a_past_versions_note_is_read_from_its_own_conversion_poured_or_by_the_engine(
    git_site: Git, tmp_path: Path
) -> None:
    """The note comes from the reading of the HTML the page publishes, code and all."""
    code = "```python\nx = 1  # Vec<T>\n```\n"
    poured = _built_versions(
        git_site,
        tmp_path,
        (f'Kept.\n\n<iframe src="https://example.org/"></iframe>\n\n{code}', "Add it"),
        (f"Kept.\n\n{code}", "Remove the frame"),
    )
    engine = build(git_site.root, tmp_path / "engine", pour=False).site_dir
    for site in (poured, engine):
        page = (site / "decisions/old/v1/index.html").read_text(encoding="utf-8")
        assert "Parts of this version were removed when it was published" in page
        assert "<iframe" not in page and "&lt;iframe src=" in page
        assert '<span class="n">x</span>' in page and "Vec&lt;T&gt;" in page
        later = (site / "decisions/old/index.html").read_text(encoding="utf-8")
        assert "were removed" not in later and '<span class="n">x</span>' in later


def test_a_body_nested_past_the_limit_is_refused_and_never_reaches_the_sanitiser() -> None:
    from generator.markdown.convert import MAX_NESTING

    body = "Intro.\n\n" + "> " * (MAX_NESTING + 50) + "deep\n"
    assert find_unsafe_markup(body) == [
        (
            2,
            f"all of it is removed when the page is published: its lists, quotes or HTML are "
            f"nested more than {MAX_NESTING} deep here, deeper than any page can be shown; "
            "nest less deeply",
        )
    ]
    published, tokens = render_markdown("<div>" * 20_000)  # html5ever would take seconds
    assert published.startswith("<pre><code>&lt;div&gt;") and tokens == []
    assert not find_unsafe_markup("> " * 20 + "quoted, as deep as real texts go\n")


#: Pieces that test the quick reading's edges: tags written loosely, in capitals, with
#: duplicated attributes or links to files beside the record; comments; deep nesting.
EDGES = [
    *PIECES,
    "<DIV>caps</DIV>",
    '<A HREF="other.md">caps link</A>',
    '<img src="ok.png" src="javascript:x">',
    '<a href="x.md" onclick="y">both</a>',
    "<a href='single.md'>single quotes</a>",
    "<a href=bare.md>bare</a>",
    '<a href="x"title="y">no space</a>',
    "<p\n>split</p>",
    '<span data-sourcepos="1:1-1:2">mimic</span>',
    '<a title="v data-sourcepos=" onclick="w">straddle</a>',
    '<a title="x data-sourcepos="1:1-1:1" onclick">straddle</a>',
    '<a data-sourcepos="1:1-1:1" href="javascript:x">position first</a>',
    "<!-- openrecord: reserved -->",
    "<!--openrecord:too-deep-->",
    "<!-- a --->",
    "<!-- <b>in a comment</b> -->",
    "<!-- TOC depthTo:2 -->",
    "<!-->",
    "<my-tag>custom</my-tag>",
    "<br/> <hr /> <wbr>",
    "</p></div></span>",
    "<script><a href='hidden.md'></a></script>",
    "<details><summary>s</summary>\n\n" + "<div>" * 210 + "x" + "</div>" * 210 + "\n</details>",
    "<div>" * 199 + "<br/>" + "</div>" * 199,
    "<span/>" * 300,
    "> " * 210 + "deep",
    "- a\n  - b\n    - c\n      <i>in a list</i>",
    "[rel](../intentions/x.md#why) ![img](diagram.png)",
    "Text &amp; <b>bold</b> &lt;tag&gt;",
]


@st.composite
def edgy_bodies(draw: st.DrawFn) -> str:
    """Return a body of edge pieces joined by blank lines, line breaks or nothing."""
    pieces = draw(st.lists(st.sampled_from(EDGES), min_size=1, max_size=6))
    joins = draw(st.lists(st.sampled_from(["\n\n", "\n", " ", ""]), min_size=len(pieces)))
    return "".join(piece + join for piece, join in zip(pieces, joins, strict=False))


@given(edgy_bodies())
@settings(max_examples=600, deadline=None)
def test_the_quick_reading_agrees_with_the_full_one(body: str) -> None:
    glance = policy._glance(body)
    full = read_removals(body)
    assert find_removals(body) == full
    if glance is None:
        return
    assert glance.clean == (not full)
    hrefs = {
        dict(tag.attributes).get({"a": "href", "img": "src"}[tag.name], "")
        for tag in read_tags(body)[0]
        if tag.name in {"a", "img"}
    } - {""}
    assert hrefs <= set(glance.targets)


def test_the_quick_reading_is_taken_for_what_real_records_write() -> None:
    for body in [*ACCEPTED.values(), "Plain *words*, a [link](https://example.org)."]:
        glance = policy._glance(body)
        assert glance is not None and glance.clean, body
    assert policy._glance("<div onclick='x'>d</div>") is None  # single quotes: in full
    assert policy._glance('<div onclick="x">d</div>') == policy._Glance(False, ())


def test_only_a_text_the_checks_read_skips_the_count_of_its_nesting(
    git_site: Git, tmp_path: Path
) -> None:
    from generator.markdown.convert import render_content

    deep = "<div>" * 20_000  # html5ever would take seconds
    assert render_content(deep)[0].startswith("<pre><code>&lt;div&gt;")
    assert not render_content("<b>bold</b>\n", checked=True)[0].startswith("<pre>")
    # A past version nested too deep was never checked: counted, it is shown as its source.
    site = _built_versions(
        git_site,
        tmp_path,
        (f"Too deep.\n\n{deep}\n", "Add a decision nested deeper than any page can be shown"),
        ("Written <b>in HTML</b> the checks read.\n", "Flatten it"),
        ("Written <b>in HTML</b> the checks read, again.\n", "Reword it"),
    )
    first = (site / "decisions/old/v1/index.html").read_text(encoding="utf-8")
    assert "<pre><code>Too deep." in first and "&lt;div&gt;&lt;div&gt;" in first
    assert "nested more than 200 deep here" in first  # and the note says why
    second = (site / "decisions/old/v2/index.html").read_text(encoding="utf-8")
    assert "Written <b>in HTML</b> the checks read." in second
    current = (site / "decisions/old/index.html").read_text(encoding="utf-8")
    assert "<b>in HTML</b> the checks read, again." in current


def _built_versions(git_site: Git, tmp_path: Path, *versions: tuple[str, str]) -> Path:
    """Commit each (body, message) in turn as one decision's text; return the built site."""
    for body, message in versions:
        git_site.write("content/decisions/old.md", HEAD + body)
        git_site.commit(message)
    return build(git_site.root, tmp_path / "site").site_dir
