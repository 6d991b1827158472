"""Provenance: where a record came from and where it led, drawn and listed.

Every reference is read as an edge from the earlier record to the later one:
a workshop produced an intention; a decision serves an intention and draws on
a workshop's evidence; a new decision supersedes an old one. A record page
shows the chain around it as a Mermaid diagram with a text list beside it for
screen readers; /map/ draws the whole graph, one diagram per topic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from generator.fragments import block, bullet_list, e, h1, link, relative
from generator.model import Record, Site
from generator.tree import DocsTree

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
_MERMAID_ESCAPES = {
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
}

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


def mermaid(site: Site, ids: Iterable[str], graph: list[Edge], current: str | None = None) -> str:
    """Return Mermaid flowchart source for some records and the edges among them."""
    ordered = sorted(set(ids))
    names = {record_id: f"n{index}" for index, record_id in enumerate(ordered)}
    lines = ["flowchart LR"]
    for record_id in ordered:
        record = site.by_id[record_id]
        label = _mermaid_text(f"{record.type.label}: {record.meta.title} ({record.status})")
        lines.append(f'  {names[record_id]}["{label}"]')
    for earlier, later, verb in graph:
        if earlier in names and later in names:
            lines.append(f"  {names[earlier]} -->|{verb}| {names[later]}")
    if current in names:
        lines += ["  classDef current stroke-width:4px", f"  class {names[current]} current"]
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    """Return text safe inside a quoted Mermaid label."""
    return "".join(_MERMAID_ESCAPES.get(char, char) for char in text)


def diagram_html(source: str, description: str) -> str:
    """Return a Mermaid diagram block (escaped), hidden from screen readers that get the list."""
    return (
        f'<figure class="or-diagram" aria-hidden="true"><pre class="mermaid"><code>'
        f'{e(source)}</code></pre></figure><p class="or-visually-hidden">{e(description)}</p>'
    )


def provenance_section(site: Site, record: Record, graph: list[Edge]) -> str:
    """Return a record page's "Where this came from and where it led" section."""
    upstream, downstream, among = chain(record.id, graph)
    if not upstream and not downstream:
        return ""
    url = record.url

    def item(other: str) -> str:
        target = site.by_id[other]
        return f"{e(target.type.label)}: {link(relative(url, target.url), target.meta.title)}"

    source = mermaid(site, [record.id, *upstream, *downstream], among, current=record.id)
    parts = [
        '<section class="or-provenance" aria-labelledby="provenance">',
        '<h2 id="provenance">Where this came from and where it led</h2>',
        diagram_html(source, "The diagram shows the same records as the lists below."),
    ]
    # The records linked to this one directly are under "Related records": not again here.
    direct = {ref.target for ref in site.links.outgoing.get(record.id, ())}
    direct |= {ref.source for ref in site.links.incoming.get(record.id, ())}
    further_up = [other for other in upstream if other not in direct]
    further_down = [other for other in downstream if other not in direct]
    if further_up or further_down:
        parts.append("<p>The records linked to it directly are under Related records.</p>")
    if further_up:
        parts += ["<h3>Came from, further back</h3>", bullet_list(map(item, further_up))]
    if further_down:
        parts += ["<h3>Led to, further on</h3>", bullet_list(map(item, further_down))]
    parts.append("</section>")
    return block(*parts)


def render_map(tree: DocsTree, site: Site, graph: list[Edge]) -> None:
    """Write /map/: the whole graph, one diagram and one list per topic."""
    url = "map/"
    groups = [
        (topic.label, topic.id, [r.id for r in site.records if topic.id in r.meta.topics])
        for topic in site.topics
    ]
    untagged = [record.id for record in site.records if not record.meta.topics]
    if untagged:
        groups.append(("Without a topic", "no-topic", untagged))
    parts = [
        h1("Map of the record"),
        '<p class="or-lead">How workshops led to intentions and intentions to decisions, '
        "topic by topic. Each diagram has a list of the same links below it.</p>",
    ]
    for label, anchor, ids in groups:
        if not ids:
            continue
        members = set(ids)
        inner = [edge for edge in graph if edge[0] in members and edge[1] in members]
        rows = []
        leads: dict[str, list[Edge]] = {}
        for edge in inner:
            leads.setdefault(edge[0], []).append(edge)
        for record_id in ids:
            record = site.by_id[record_id]
            led = [
                f"{verb} {link(relative(url, site.by_id[later].url), site.by_id[later].meta.title)}"
                for _earlier, later, verb in leads.get(record_id, ())
            ]
            rows.append(
                f"{e(record.type.label)}: {link(relative(url, record.url), record.meta.title)}"
                + (" — " + "; ".join(led) if led else "")
            )
        parts += [
            f'<h2 id="{e(anchor)}">{e(label)}</h2>',
            diagram_html(
                mermaid(site, ids, inner),
                f"Diagram of {label}; the list below has the same records and links.",
            ),
            bullet_list(rows),
        ]
    tree.add(
        url,
        {
            "title": "Map of the record",
            "description": "How workshops, intentions and decisions connect.",
        },
        block(*parts),
        "map page",
        html=True,
    )
