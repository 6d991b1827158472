"""Provenance drawn at build time: the SVG of each record page, and a map split to be read."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build, gather
from generator.cli import cli
from generator.content.model import Site
from generator.fragments import relative
from generator.pages.map import MAP_LIMIT
from generator.pages.provenance import RECORD_LIMIT, chain, edges
from generator.pages.render import render_site
from tests.conftest import MKDOCS_YML, ROOT, TOPICS_YML, Git, decision, intention, workshop, write

SVG = "{http://www.w3.org/2000/svg}"
_SVG_BLOCK = re.compile(r"<svg .*?</svg>", re.S)
_FRAME = re.compile(r'<div class="or-graph-frame">(<svg .*?</svg>)(<svg .*?</svg>)</div>', re.S)


def drawings(page: str) -> list[tuple[ET.Element, ET.Element]]:
    """Return every drawing of a docs page with the SVG of its links, parsed as XML."""
    return [(ET.fromstring(a), ET.fromstring(b)) for a, b in _FRAME.findall(page)]


def node_links(frame: tuple[ET.Element, ET.Element]) -> list[str]:
    """Return where the boxes of a drawing link to, checking they are kept from keyboards."""
    svg, links = frame
    assert not list(svg.iter(f"{SVG}a")), "an image (role img) has nothing to focus"
    assert links.attrib["aria-hidden"] == "true"
    anchors = list(links.iter(f"{SVG}a"))
    assert all(a.attrib["tabindex"] == "-1" for a in anchors)
    return [a.attrib["href"] for a in anchors]


def drawn_edges(frame: tuple[ET.Element, ET.Element]) -> set[tuple[str, str, str]]:
    """Return the edges a drawing draws, read from its geometry: (from, to, verb).

    Each box is found by its rectangle (the link over it says where it goes); an edge runs
    from the box its curve starts on to the box its arrowhead's tip touches.
    """
    svg, links = frame
    boxes = []
    for anchor in links.iter(f"{SVG}a"):
        rect = anchor.find(f"{SVG}rect")
        assert rect is not None
        x, y, w, h = (float(rect.attrib[name]) for name in ("x", "y", "width", "height"))
        boxes.append((x, y, w, h, anchor.attrib["href"]))

    def box_at(px: float, py: float) -> str:
        near = [
            href
            for x, y, w, h, href in boxes
            if x - 1.5 <= px <= x + w + 1.5 and y - 1.5 <= py <= y + h + 1.5
        ]
        assert len(near) == 1, (px, py, near)
        return near[0]

    found = set()
    for group in svg.iter(f"{SVG}g"):
        if "or-edge" not in group.attrib.get("class", ""):
            continue
        path, head = group.find(f"{SVG}path"), group.find(f"{SVG}polygon")
        assert path is not None and head is not None
        start = [float(v) for v in path.attrib["d"][1:].split()[0].split(",")]
        tip = [float(v) for v in head.attrib["points"].split()[0].split(",")]
        verb = group.findtext(f"{SVG}text") or ""
        found.add((box_at(*start), box_at(*tip), verb))
    return found


def test_every_bundled_record_draws_its_chain(bundled: Path) -> None:
    site, history = gather(bundled)
    pages = render_site(site, history).pages
    graph = edges(site)
    assert len(graph) == 13  # 6 produced (twice declared, once drawn), 6 served, 1 evidence

    def name(record_id: str) -> str:
        record = site.by_id[record_id]
        return f"{record.type.label.lower()} \u201c{record.meta.title}\u201d"

    for record in site.records:
        page = pages[f"{record.id}/index.md"]
        ((svg, links),) = drawings(page)
        assert svg.attrib["role"] == "img"
        assert svg.attrib["viewBox"] == links.attrib["viewBox"]  # the links lie over the boxes
        assert svg.findtext(f"{SVG}title") == (
            f"Where this {record.type.label.lower()} came from and where it led"
        )
        description = svg.findtext(f"{SVG}desc") or ""
        assert f"This record is the {name(record.id)}." in description
        upstream, downstream, among = chain(record.id, graph)
        members = {record.id, *upstream, *downstream}
        assert sorted(node_links((svg, links))) == sorted(
            relative(record.url, site.by_id[other].url) for other in members
        )
        assert drawn_edges((svg, links)) == {
            (relative(record.url, f"{a}/"), relative(record.url, f"{b}/"), verb)
            for a, b, verb in among
        }
        current = [
            g for g in svg.iter(f"{SVG}g") if "or-node--current" in g.attrib.get("class", "")
        ]
        assert len(current) == 1
        assert "This record" in "".join(current[0].itertext())  # more than a colour
        # The text list of the same links stays under the drawing.
        section = page[page.index('<section class="or-provenance"') :]
        for other in upstream + downstream:
            assert f'href="{relative(record.url, site.by_id[other].url)}"' in section
    # Its direct links are listed once, under Related records (not again as "Came from").
    assert "<h3>Intentions it serves</h3>" in pages["decisions/start-with-pilot-areas/index.md"]


def test_drawings_are_the_same_bytes_on_every_build_and_any_fonts(
    bundled: Path, tmp_path: Path
) -> None:
    site, history = gather(bundled)
    first = render_site(site, history).pages
    again = render_site(*gather(bundled)).pages
    svgs = {path: _SVG_BLOCK.findall(text) for path, text in first.items()}
    assert svgs == {path: _SVG_BLOCK.findall(text) for path, text in again.items()}
    page = "decisions/start-with-pilot-areas/index.md"
    drawn = "".join(svgs[page])
    assert " id=" not in drawn and "<!--" not in drawn and "graphviz" not in drawn.lower()
    # Graphviz never measures text: another process with no fonts at all draws the same.
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><fontconfig></fontconfig>\n', encoding="utf-8")
    script = (
        "import sys, re\n"
        "from pathlib import Path\n"
        "from generator.build import gather\n"
        "from generator.pages.render import render_site\n"
        f"pages = render_site(*gather(Path(sys.argv[1]))).pages\n"
        f"sys.stdout.write(''.join(re.findall(r'<svg .*?</svg>', pages[{page!r}], re.S)))\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(empty), "PYTHONPATH": str(ROOT)}
    other = subprocess.run(
        [sys.executable, "-c", script, str(bundled)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout == drawn
    assert "Warning" not in other.stderr  # dot had nothing to complain about


def test_titles_from_strangers_are_escaped_in_the_drawing(git_site: Git) -> None:
    git_site.write(
        "content/intentions/i.md",
        intention(
            title="'<script>alert(1)</script> \\N & \"quotes\"'", **{"from": "[workshops/w]"}
        ),
    )
    git_site.commit("Give the intention a hostile title")
    site, history = gather(git_site.root)
    page = render_site(site, history).pages["intentions/i/index.md"]
    ((svg, _links),) = drawings(page)
    text = "".join(svg.itertext()).replace(" ", "")
    assert '<script>alert(1)</script>\\N&"quotes"' in text  # as text: dot never reads it
    assert "<script>" not in page


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, str]]:
    """Return a site with one topic's chain of 121 records and small chains without topics."""
    root = tmp_path_factory.mktemp("large") / "site"
    shutil.copytree(ROOT / "theme", root / "theme")
    write(root, "mkdocs.yml", MKDOCS_YML)
    write(root, "content/topics.yml", TOPICS_YML)
    write(root, "content/workshops/big.md", workshop(topics="[pilots]"))
    for number in range(80):
        write(
            root,
            f"content/intentions/i{number:02}.md",
            intention(
                title=f"Intention {number}", topics="[pilots]", **{"from": "[workshops/big]"}
            ),
        )
    for number in range(40):
        fields = {"serves": f"[intentions/i{2 * number:02}, intentions/i{2 * number + 1:02}]"}
        if number == 1:
            fields["supersedes"] = "[decisions/d00]"
            fields["status"] = "accepted"
        if number == 0:
            fields["status"] = "superseded"
        write(
            root,
            f"content/decisions/d{number:02}.md",
            decision(title=f"Decision {number}", topics="[pilots]", **fields),
        )
    for name in ("u1", "u2"):
        write(root, f"content/workshops/{name}.md", workshop(title=f"Workshop {name}"))
        for number in range(2):
            write(
                root,
                f"content/intentions/{name}-{number}.md",
                intention(title=f"From {name}", **{"from": f"[workshops/{name}]"}),
            )
    write(root, "content/decisions/alone.md", decision(title="Alone"))
    Git(root).commit("Add a large record")
    site, history = gather(root)
    return site, render_site(site, history).pages


def test_no_map_diagram_draws_more_than_the_limit(large: tuple[Site, dict[str, str]]) -> None:
    _site, pages = large
    maps = {path: page for path, page in pages.items() if path.startswith("map/")}
    index = maps.pop("map/index.md")
    assert "<svg" not in index
    pilot_pages = sorted(path for path in maps if path.startswith("map/topics/pilots/"))
    # 121 records: three diagrams, each a page of its own, and the topic's page listing them.
    assert pilot_pages == [
        "map/topics/pilots/1/index.md",
        "map/topics/pilots/2/index.md",
        "map/topics/pilots/3/index.md",
        "map/topics/pilots/index.md",
    ]
    drawn: list[str] = []
    for path in pilot_pages[:3]:
        (frame,) = drawings(maps[path])
        links = node_links(frame)
        assert 0 < len(links) <= MAP_LIMIT
        drawn += [re.sub(r"^(\.\./)+", "", href) for href in links]
    assert len(drawn) == len(set(drawn)) == 121  # every record of the topic, once
    for number in (1, 2, 3):
        assert f'href="topics/pilots/{number}/">Diagram {number}</a>' in index
    assert re.search(r"Diagram 1</a>: 40 records, 53 links, from workshop A workshop", index)
    assert "121 records, 161 links, in 3 diagrams." in index  # 80 + 80 + 1
    drawn_links = set().union(*(drawn_edges(drawings(maps[path])[0]) for path in pilot_pages[:3]))
    supersession = ("../../../../decisions/d00/", "../../../../decisions/d01/", "superseded by")
    assert supersession in drawn_links
    said = "".join(maps[path] for path in pilot_pages[:3])
    assert (
        "decision \u201cDecision 0\u201d was superseded by the decision" not in said
    )  # > 12 links


def test_records_without_a_topic_are_drawn_by_chain(large: tuple[Site, dict[str, str]]) -> None:
    _site, pages = large
    page = pages["map/without-a-topic/index.md"]
    (frame,) = drawings(page)
    assert len(node_links(frame)) == 7  # two workshops with two intentions each, one decision
    assert "7 records in 3 chains, 4 links" in page
    assert (
        '<p>7 records, 4 links: <a href="without-a-topic/">Diagram of Records without a topic</a>.'
        in pages["map/index.md"]
    )


def test_record_pages_draw_at_most_their_limit(large: tuple[Site, dict[str, str]]) -> None:
    _site, pages = large
    page = pages["workshops/big/index.md"]
    ((svg, links),) = drawings(page)
    assert len(node_links((svg, links))) == RECORD_LIMIT
    description = svg.findtext(f"{SVG}desc") or ""
    assert f"the {RECORD_LIMIT - 1} records nearest to it of the 120 it is connected to" in (
        description
    )
    # The lists under the drawing (Related records, then what lies further) have them all.
    lists = page[page.index("</figure>") :]
    assert len(set(re.findall(r'href="\.\./\.\./intentions/(i\d\d)/"', lists))) == 80


def test_map_pages_are_not_promised_addresses(git_site: Git, tmp_path: Path) -> None:
    site = build(git_site.root, tmp_path / "out").site_dir
    manifest = site / "data/manifest.json"
    urls = json.loads(manifest.read_text())["urls"]
    assert "/map/" in urls and (site / "map/topics/pilots/index.html").exists()
    assert not [url for url in urls if url.startswith("/map/") and url != "/map/"]
    git_site.write("content/workshops/w.md", workshop())  # no topic: its map page goes
    git_site.commit("Take the workshop out of the pilots topic")
    checked = CliRunner().invoke(
        cli, ["check", "--root", str(git_site.root), "--against", str(manifest)]
    )
    assert checked.exit_code == 0, checked.output
    rebuilt = build(git_site.root, tmp_path / "again").site_dir
    assert not (rebuilt / "map/topics/pilots/index.html").exists()


def test_a_box_has_a_tooltip_only_where_its_title_is_cut() -> None:
    """The links over the drawing repeat a box's title as a tooltip only when the box
    cannot show it whole."""
    from generator.pages.drawing import Arrow, Box, svg

    long_title = "Resource and empower communities to take charge of the change around them"
    boxes = [
        Box("../w/", "workshops", "Workshop · held", "Short", "Workshop: Short (held)"),
        Box("../i/", "intentions", "Intention · proposed", long_title, f"Intention: {long_title}"),
    ]
    drawing = svg(boxes, [Arrow(0, 1, "produced", "produced")], "Where it came from", "Two.")
    links = _FRAME.search(drawing)
    assert links, drawing
    tooltips = re.findall(r"<title>(.*?)</title>", links.group(2))
    assert tooltips == [f"Intention: {long_title}"]
    assert "…" in links.group(1)  # the box shows the title cut


def test_drawings_of_the_same_shape_are_laid_out_once() -> None:
    """Chains of the same shape (boxes of the same heights, the same arrows) share dot's
    layout: each drawing reads as if laid out on its own."""
    from generator.pages import drawing
    from generator.pages.drawing import Arrow, Box, svg

    def chain_of(words: str) -> tuple[list[Box], list[Arrow]]:
        boxes = [
            Box("../w/", "workshops", "Workshop · held", f"{words} heard", "w", current=True),
            Box("../i/", "intentions", "Intention · adopted", f"{words} meant", "i"),
        ]
        return boxes, [Arrow(0, 1, "produced", "produced")]

    drawing._layout.cache_clear()
    first = svg(*chain_of("What was"), "Where it came from", "Two.")
    second = svg(*chain_of("All that"), "Where it came from", "Two.")
    assert drawing._layout.cache_info().misses == 1 and drawing._layout.cache_info().hits == 1
    drawing._layout.cache_clear()
    assert svg(*chain_of("All that"), "Where it came from", "Two.") == second
    assert second != first and second.replace("All that", "What was") == first
