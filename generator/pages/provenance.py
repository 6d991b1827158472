"""Provenance: where a record came from and where it led, drawn and listed.

Every reference is read as an edge from the earlier record to the later one:
a workshop produced an intention; a decision serves an intention and draws on
a workshop's evidence; a new decision supersedes an old one. A record page
shows the chain around it as an SVG drawn at build time (see drawing.py), with
a text list of the same links under it; /map/ draws the whole graph in pieces
(see render_map.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from generator.content.model import Record, Site
from generator.fragments import SOURCE, block, bullet_list, e, link, relative
from generator.pages.drawing import Arrow, Box, svg

#: For each reference field: True when the record holding the field is the earlier one.
_SOURCE_IS_EARLIER = {
    "produced": True,
    "from": False,
    "serves": False,
    "evidence": False,
    "supersedes": False,
}
_VERBS = {
    "produced": "produced",
    "from": "produced",
    "serves": "led to",
    "evidence": "informed",
    "supersedes": "superseded by",
}
#: How each verb is drawn (a class of the SVG: the line's style, besides its words).
_STYLES = {
    "produced": "produced",
    "led to": "served",
    "informed": "informed",
    "superseded by": "supersedes",
}
#: The catalog's words for each verb, on an arrow and in a sentence ("the decision X was
#: superseded by Y"), where the sentence says it differently.
_VERB_KEYS = {
    "produced": "verb.produced",
    "led to": "verb.led-to",
    "informed": "verb.informed",
    "superseded by": "verb.superseded-by",
}
_SENTENCE_VERBS = {"superseded by": "sentence.superseded-by"}


def verb_words(verb: str) -> str:
    """Return a link's verb as the page says it."""
    return SOURCE.t(_VERB_KEYS[verb])


def counted(kind: str, count: int) -> str:
    """Return a count with its noun, singular or plural: '1 record', '2 links'."""
    return SOURCE.t(f"count.{kind}.one" if count == 1 else f"count.{kind}", count=count)


#: The most records a record page draws around it: the nearest ones, the list has them all.
RECORD_LIMIT = 40
#: Types in the order of the layers, left to right.
_LAYERS = {"workshops": 0, "intentions": 1, "decisions": 2}

Edge = tuple[str, str, str]  # earlier id, later id, verb


def edges(site: Site) -> list[Edge]:
    """Return every edge of the provenance graph, earlier record first, without repeats."""
    found: set[Edge] = set()
    for references in site.links.outgoing.values():
        for ref in references:
            earlier, later = (
                (ref.source, ref.target)
                if _SOURCE_IS_EARLIER[ref.field]
                else (ref.target, ref.source)
            )
            found.add((earlier, later, _VERBS[ref.field]))
    return sorted(found)


def chain(record_id: str, graph: list[Edge]) -> tuple[list[str], list[str], list[Edge]]:
    """Return the records upstream and downstream of one record, and the edges among them."""
    upstream = _walk(record_id, graph, backwards=True)
    downstream = _walk(record_id, graph, backwards=False)
    members = {record_id, *upstream, *downstream}
    later = _adjacency(graph)[0]
    among = sorted(
        {edge for member in members for edge in later.get(member, ()) if edge[1] in members}
    )
    return upstream, downstream, among


_ADJACENCY: dict[int, tuple[list[Edge], dict[str, list[Edge]], dict[str, list[Edge]]]] = {}


def _adjacency(graph: list[Edge]) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
    """Return each record's edges to later and from earlier records, built once per graph."""
    cached = _ADJACENCY.get(id(graph))
    if cached is None or cached[0] is not graph:
        later: dict[str, list[Edge]] = {}
        earlier: dict[str, list[Edge]] = {}
        for edge in graph:
            later.setdefault(edge[0], []).append(edge)
            earlier.setdefault(edge[1], []).append(edge)
        cached = (graph, later, earlier)
        _ADJACENCY.clear()
        _ADJACENCY[id(graph)] = cached
    return cached[1], cached[2]


def _walk(start: str, graph: list[Edge], backwards: bool) -> list[str]:
    """Return every record reachable from start along (or against) the edges, nearest first."""
    neighbours = _adjacency(graph)[1 if backwards else 0]
    seen: list[str] = []
    known = {start}
    queue = deque([start])
    while queue:
        for edge in neighbours.get(queue.popleft(), ()):
            step = edge[0] if backwards else edge[1]
            if step not in known:
                known.add(step)
                seen.append(step)
                queue.append(step)
    return seen


def layer_order(site: Site, record_id: str) -> tuple[int, str]:
    """Return a sort key that puts workshops first, then intentions, then decisions."""
    return _LAYERS.get(site.by_id[record_id].type.folder, 3), record_id


def diagram(
    site: Site,
    ids: Iterable[str],
    graph: list[Edge],
    url: str,
    title: str,
    scope: str,
    current: str | None = None,
) -> str:
    """Return the figure of some records and the edges among them, drawn at build time.

    url is the address of the page it is on (links are relative to it); scope says in
    words what the diagram shows, for its description.
    """
    ordered = sorted(set(ids), key=lambda record_id: layer_order(site, record_id))
    index = {record_id: number for number, record_id in enumerate(ordered)}
    boxes = []
    for record_id in ordered:
        record = site.by_id[record_id]
        kind = SOURCE.t(f"type.{record.type.name}")
        status = SOURCE.t(f"status.{record.status}")
        label = SOURCE.t("drawing.box", type=kind, title=record.meta.title, status=status)
        boxes.append(
            Box(
                href=relative(url, record.url),
                kind=record.type.folder,
                heading=SOURCE.t("drawing.heading", type=kind, status=status),
                title=record.meta.title,
                tooltip=SOURCE.t("drawing.box.current", box=label)
                if record_id == current
                else label,
                current=record_id == current,
            )
        )
    drawn = [edge for edge in graph if edge[0] in index and edge[1] in index]
    arrows = [Arrow(index[a], index[b], verb_words(verb), _STYLES[verb]) for a, b, verb in drawn]
    description = _describe(site, ordered, drawn, scope, current)
    return f'<figure class="or-graph-figure">{svg(boxes, arrows, title, description)}</figure>'


def _describe(
    site: Site, ordered: list[str], drawn: list[Edge], scope: str, current: str | None
) -> str:
    """Return in words what a diagram shows: its records, and its links when they are few."""
    counts = []
    for name in ("workshop", "intention", "decision"):
        count = sum(1 for record_id in ordered if site.by_id[record_id].type.name == name)
        if count:
            counts.append(counted(name, count))
    links = counted("link", len(drawn))
    words = [SOURCE.t("drawing.description", scope=scope, counts=", ".join(counts), links=links)]
    if current is not None:
        words.append(SOURCE.t("drawing.this", name=_name(site, current)))
    if drawn and len(drawn) <= 12:
        words += [_sentence(site, edge) for edge in drawn]
    words.append(SOURCE.t("drawing.list"))
    return " ".join(words)


def _sentence(site: Site, edge: Edge) -> str:
    """Return an edge in words: The decision “Old” was superseded by the decision “New”."""
    earlier, later, verb = edge
    said = SOURCE.t(_SENTENCE_VERBS.get(verb, _VERB_KEYS[verb]))
    return SOURCE.t(
        "drawing.sentence", earlier=_name(site, earlier), verb=said, later=_name(site, later)
    )


def _name(site: Site, record_id: str) -> str:
    """Return a record as a sentence names it: decision “Start small”."""
    record = site.by_id[record_id]
    kind = SOURCE.t(f"type.{record.type.name}").lower()
    return SOURCE.t("drawing.name", type=kind, title=record.meta.title)


def provenance_section(site: Site, record: Record, graph: list[Edge]) -> str:
    """Return a record page's "Where this came from and where it led" section."""
    upstream, downstream, among = chain(record.id, graph)
    if not upstream and not downstream:
        return ""
    url = record.url

    def item(other: str) -> str:
        target = site.by_id[other]
        kind = e(SOURCE.t(f"type.{target.type.name}"))
        return f"{kind}: {link(relative(url, target.url), target.meta.title)}"

    # The nearest records first: every one drawn is joined to this one by records drawn.
    room = RECORD_LIMIT - 1
    near_up = upstream[: max(room // 2, room - len(downstream))]
    near_down = downstream[: room - len(near_up)]
    shown = 1 + len(near_up) + len(near_down)
    connected = 1 + len(upstream) + len(downstream)
    kind = SOURCE.t(f"type.{record.type.name}").lower()
    scope = (
        SOURCE.t("provenance.scope", type=kind)
        if shown == connected
        else SOURCE.t(
            "provenance.scope.nearest", type=kind, shown=shown - 1, connected=connected - 1
        )
    )
    figure = diagram(
        site,
        [record.id, *near_up, *near_down],
        among,
        url,
        SOURCE.t("provenance.title", type=kind),
        scope,
        current=record.id,
    )
    parts = [
        '<section class="or-provenance" aria-labelledby="provenance">',
        f'<h2 id="provenance">{SOURCE.h("provenance")}</h2>',
        figure,
    ]
    # The records linked to this one directly are under "Related records": not again here.
    direct = {ref.target for ref in site.links.outgoing.get(record.id, ())}
    direct |= {ref.source for ref in site.links.incoming.get(record.id, ())}
    further_up = [other for other in upstream if other not in direct]
    further_down = [other for other in downstream if other not in direct]
    if further_up or further_down:
        parts.append(f"<p>{SOURCE.h('provenance.direct')}</p>")
    if further_up:
        parts += [f"<h3>{SOURCE.h('provenance.up')}</h3>", bullet_list(map(item, further_up))]
    if further_down:
        parts += [f"<h3>{SOURCE.h('provenance.down')}</h3>", bullet_list(map(item, further_down))]
    parts.append("</section>")
    return block(*parts)
