"""Draw a provenance graph as static SVG: laid out by Graphviz's dot, written by openrecord.

dot (through pygraphviz, whose wheels bundle Graphviz) places the boxes and routes the
edges; this module writes the SVG itself from that layout, so every value in it is
escaped here, its classes follow the site's palettes, and it has no ids, no scripts and
no timestamps. Text is never measured by Graphviz (that would depend on the fonts of
the machine that builds): each box and edge label gets a fixed size from a conservative
estimate of its text's width, so the same graph gives the same bytes on every machine.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygraphviz

from generator.fragments import SOURCE, e

#: Sizes in SVG user units (CSS pixels at full scale); Graphviz works in points (1/72 in).
BOX_WIDTH = 184
FONT_SIZE = 12  # the sizes are set again, for the browser, in theme/assets/openrecord.css
KIND_SIZE = 10.5
LINE = 15
PAD_X = 9
PAD_Y = 8
LABEL_SIZE = 10.5
MAX_TITLE_LINES = 3
_MARGIN = 4
#: Average advance of characters as a share of the font size, erring wide (DejaVu Sans,
#: the widest of the fonts a reader's system is likely to pick, is about 0.55 on prose).
_NARROW = frozenset("fijlrt.,:;'!|()[]{}- ")
_WIDE = frozenset("mwMW@%&")


@dataclass(frozen=True)
class Box:
    """One record to draw: where it links, its kind line, its title, whether it is current."""

    href: str
    kind: str  # a type folder: workshops, intentions, decisions
    heading: str  # e.g. "Decision · accepted"
    title: str
    tooltip: str
    current: bool = False


@dataclass(frozen=True)
class Arrow:
    """One edge to draw, between two boxes by index, with its verb ("led to")."""

    earlier: int
    later: int
    verb: str
    style: str  # produced, served, informed, supersedes


def text_width(text: str, size: float) -> float:
    """Return a generous estimate of how wide a line of text is at a font size."""
    units = 0.0
    for char in text:
        if char in _NARROW:
            units += 0.38
        elif char in _WIDE:
            units += 0.95
        elif char.isupper() or char.isdigit():
            units += 0.7
        elif ord(char) < 0x2E80:
            units += 0.6
        else:  # CJK and other wide scripts
            units += 1.0
    return units * size


@functools.lru_cache(maxsize=65536)  # a record is drawn on the page of each record near it
def title_lines(title: str) -> tuple[str, ...]:
    """Return a title wrapped to fit a box, at most MAX_TITLE_LINES lines, cut with an ellipsis."""
    room = BOX_WIDTH - 2 * PAD_X
    width = max(8, int(room / (0.6 * FONT_SIZE)))
    while True:
        lines = textwrap.wrap(title, width=width, break_on_hyphens=False) or [""]
        if width <= 8 or all(text_width(line, FONT_SIZE) <= room for line in lines):
            break
        width -= 1
    if len(lines) > MAX_TITLE_LINES:
        lines = lines[:MAX_TITLE_LINES]
        last = lines[-1]
        while last and text_width(last + "…", FONT_SIZE) > room:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return tuple(lines)


def svg(boxes: Sequence[Box], arrows: Sequence[Arrow], title: str, description: str) -> str:
    """Return an SVG drawing of boxes and arrows laid out left to right by dot, and its links."""
    texts = [title_lines(box.title) for box in boxes]
    heights = [
        2 * PAD_Y + LINE * (1 + len(lines) + box.current)
        for box, lines in zip(boxes, texts, strict=True)
    ]
    laid = _layout(
        tuple(heights),
        tuple(
            (
                arrow.earlier,
                arrow.later,
                round(text_width(arrow.verb, LABEL_SIZE) + 8),
                arrow.style == "informed",
            )
            for arrow in arrows
        ),
    )
    left, bottom, right, top = (float(v) for v in laid.bounds.split(","))
    full_width, full_height = right - left + 2 * _MARGIN, top - bottom + 2 * _MARGIN

    def point(x: float, y: float) -> str:
        return f"{_number(x - left + _MARGIN)},{_number(top - y + _MARGIN)}"

    size = (
        f'viewBox="0 0 {_number(full_width)} {_number(full_height)}" '
        f'width="{_number(full_width)}" height="{_number(full_height)}"'
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="or-graph" role="img" {size}>',
        f"<title>{e(title)}</title>",
        f"<desc>{e(description)}</desc>",
    ]
    # The boxes' links lie in a second SVG over the drawing, hidden from assistive
    # technologies and out of the tab order: an image's content is not read or focused
    # (ARIA's role img), and the list under the figure has the same links for them.
    links = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="or-graph-links" aria-hidden="true" {size}>'
    ]
    for number, position, label_position in laid.edges:
        arrow = arrows[number]
        curve, tip = _spline(position)
        label_x, label_y = (float(v) for v in label_position.split(","))
        start = curve[-1]
        parts.append(
            f'<g class="or-edge or-edge--{e(arrow.style)}">'
            f'<path d="M{point(*curve[0])} C'
            + " ".join(point(*p) for p in curve[1:])
            + f'"></path><polygon points="{_arrowhead(start, tip, point)}">'
            f'</polygon><text x="{_number(label_x - left + _MARGIN)}" '
            f'y="{_number(top - label_y + _MARGIN + LABEL_SIZE * 0.35)}">{e(arrow.verb)}</text></g>'
        )
    for index, position in enumerate(laid.nodes):
        box, lines = boxes[index], texts[index]
        x, y = (float(v) for v in position.split(","))
        box_left = x - left + _MARGIN - BOX_WIDTH / 2
        box_top = top - y + _MARGIN - heights[index] / 2
        current = " or-node--current" if box.current else ""
        rows = [f'<tspan class="or-node__kind">{e(box.heading)}</tspan>']
        rows += [
            f'<tspan x="{_number(box_left + PAD_X)}" dy="{LINE}">{e(line)}</tspan>'
            for line in lines
        ]
        if box.current:
            rows.append(
                f'<tspan class="or-node__current" x="{_number(box_left + PAD_X)}" dy="{LINE}">'
                f"{SOURCE.h('drawing.current')}</tspan>"
            )
        rect = (
            f'<rect x="{_number(box_left)}" y="{_number(box_top)}" width="{BOX_WIDTH}" '
            f'height="{heights[index]}" rx="4"'
        )
        parts.append(
            f'<g class="or-node or-node--{e(box.kind)}{current}">'
            f"{rect}></rect>"
            f'<text x="{_number(box_left + PAD_X)}" y="{_number(box_top + PAD_Y + FONT_SIZE - 1)}">'
            + "".join(rows)
            + "</text></g>"
        )
        # A tooltip where the box cannot show the whole title; otherwise it would only
        # repeat the box's own words (a drawing is on every record's page).
        cut = " ".join(lines) != " ".join(box.title.split())
        tooltip = f"<title>{e(box.tooltip)}</title>" if cut else ""
        links.append(f'<a href="{e(box.href)}" tabindex="-1">{tooltip}{rect}></rect></a>')
    parts.append("</svg>")
    links.append("</svg>")
    return '<div class="or-graph-frame">' + "".join(parts) + "".join(links) + "</div>"


@dataclass(frozen=True)
class _Laid:
    """Where dot put a graph: its bounds, each edge's curve and label, each box's centre."""

    bounds: str
    edges: tuple[tuple[int, str, str], ...]  # (arrow index, curve, label position)
    nodes: tuple[str, ...]  # by box index


@functools.lru_cache(maxsize=4096)
def _layout(heights: tuple[int, ...], edges: tuple[tuple[int, int, int, bool], ...]) -> _Laid:
    """Return dot's layout of boxes of these heights and these edges, once for every drawing.

    Laying out is most of the cost of a record's page, and most of it is repeated: the
    layout depends only on the boxes' heights and the edges (their ends, label widths and
    whether they skip a layer), which many small chains of records share.
    """
    graph = pygraphviz.AGraph(directed=True, strict=False)
    graph.graph_attr.update(rankdir="LR", nodesep="0.22", ranksep="0.5", pad="0", margin="0")
    graph.node_attr.update(shape="box", fixedsize="true", label="")
    for index, height in enumerate(heights):
        graph.add_node(f"n{index}", width=_inches(BOX_WIDTH), height=_inches(height))
    for index, (earlier, later, width, informed) in enumerate(edges):
        graph.add_edge(
            f"n{earlier}",
            f"n{later}",
            key=f"e{index}",
            id=f"e{index}",
            # A box of fixed size for the label: dot leaves room for it and says where it is.
            label=f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD FIXEDSIZE="TRUE" '
            f'WIDTH="{width}" HEIGHT="{round(LABEL_SIZE + 4)}"></TD></TR></TABLE>>',
            # Evidence skips the intentions' layer: keep decisions right of intentions.
            minlen="2" if informed else "1",
        )
    graph.layout(prog="dot")
    laid_edges = sorted(graph.edges(), key=lambda edge: int(edge.attr["id"][1:]))
    return _Laid(
        graph.graph_attr["bb"],
        tuple((int(edge.attr["id"][1:]), edge.attr["pos"], edge.attr["lp"]) for edge in laid_edges),
        tuple(node.attr["pos"] for node in sorted(graph.nodes(), key=lambda node: int(node[1:]))),
    )


def _inches(units: float) -> str:
    """Return a length in SVG units as Graphviz inches."""
    return f"{units / 72:.4f}"


def _number(value: float) -> str:
    """Return a coordinate with one decimal at most, the same on every run."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _spline(pos: str) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """Return the Bézier points of a dot edge and where its arrowhead ends."""
    tip: tuple[float, float] | None = None
    curve: list[tuple[float, float]] = []
    for token in pos.split():
        if token.startswith("e,"):
            x, y = token[2:].split(",")
            tip = (float(x), float(y))
        elif not token.startswith("s,"):
            x, y = token.split(",")
            curve.append((float(x), float(y)))
    return curve, tip if tip is not None else curve[-1]


def _arrowhead(
    start: tuple[float, float], tip: tuple[float, float], point: Callable[[float, float], str]
) -> str:
    """Return the three corners of the arrowhead from a curve's end to its tip."""
    dx, dy = tip[0] - start[0], tip[1] - start[1]
    length = max((dx * dx + dy * dy) ** 0.5, 0.001)
    nx, ny = -dy / length * 3.5, dx / length * 3.5
    corners = [tip, (start[0] + nx, start[1] + ny), (start[0] - nx, start[1] - ny)]
    return " ".join(point(*corner) for corner in corners)
