"""The map: how records connect, drawn in diagrams small enough to read.

Records are grouped by topic, and those without a topic in one more group. A group is
split into its chains (records joined by references, such as a workshop with what it
produced and the decisions that followed); a chain longer than MAP_LIMIT records is cut
into connected pieces, nearest records together, and small chains share a diagram. Each
diagram has a page of its own, with the list of the same links under it; /map/ lists the
groups and their diagrams with their sizes, so it stays small however large the record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from generator.content.model import Site
from generator.fragments import SOURCE, block, bullet_list, e, h1, link, relative
from generator.pages.provenance import Edge, counted, diagram, layer_order, verb_words
from generator.pages.tree import DocsTree

#: The most records one diagram draws.
MAP_LIMIT = 60
_MAP = "map/"


@dataclass(frozen=True)
class Group:
    """Records shown together on the map: a topic's, or those without a topic."""

    label: str
    anchor: str
    url: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Piece:
    """One diagram of a group: its records, the links among them and its page."""

    group: Group
    number: int
    count: int
    ids: tuple[str, ...]
    edges: tuple[Edge, ...]
    chains: int
    url: str


def is_map_view(url: str) -> bool:
    """Tell whether an address is a page of the map below /map/ (a topic's, a diagram's).

    Those follow the whole record: a new link can merge two chains and renumber the
    diagrams, a topic without records has no page. So they are not addresses the site
    promises to keep, as it does records, feeds, data and /map/ itself.
    """
    return url.startswith(_MAP) and url != _MAP


def render_map(tree: DocsTree, site: Site, graph: list[Edge]) -> None:
    """Write /map/ and a page for each diagram (and each group of several diagrams)."""
    groups = [
        Group(
            topic.label,
            topic.id,
            f"{_MAP}topics/{topic.id}/",
            tuple(r.id for r in site.records if topic.id in r.meta.topics),
        )
        for topic in site.topics
    ]
    untagged = tuple(record.id for record in site.records if not record.meta.topics)
    groups.append(
        Group(SOURCE.t("map.untagged"), "without-a-topic", f"{_MAP}without-a-topic/", untagged)
    )
    pieces = {group.anchor: _pieces(site, group, graph) for group in groups if group.ids}
    _render_index(tree, site, groups, pieces, graph)
    for group in groups:
        if not group.ids:
            continue
        if len(pieces[group.anchor]) > 1:
            _render_group(tree, group, pieces[group.anchor])
        for piece in pieces[group.anchor]:
            _render_piece(tree, site, piece, graph)


def split(
    site: Site, ids: Iterable[str], graph: list[Edge], limit: int = MAP_LIMIT
) -> list[list[str]]:
    """Return records cut into diagrams of at most limit records: chains whole where they fit.

    A chain is a set of records joined by links among them. One longer than limit is
    walked depth first from its first record (workshops first), so that each record is
    followed by what it led to, and the walk is cut into runs of equal length; chains and
    runs then fill diagrams in turn, up to limit records each.
    """
    members = set(ids)
    neighbours: dict[str, list[str]] = {record_id: [] for record_id in members}
    for earlier, later, _verb in graph:
        if earlier in members and later in members:
            neighbours[earlier].append(later)
            neighbours[later].append(earlier)
    for near in neighbours.values():
        near.sort(key=lambda other: layer_order(site, other))
    order = sorted(members, key=lambda record_id: layer_order(site, record_id))
    chains: list[list[str]] = []
    seen: set[str] = set()
    for start in order:
        if start not in seen:
            chain = _chain_of(start, neighbours)
            seen.update(chain)
            chains.append(chain)
    pieces: list[list[str]] = []
    for chain in chains:
        if len(chain) <= limit:
            pieces.append(chain)
            continue
        # Depth first, a record's next steps come right after it: cut into equal runs.
        walk = _depth_first(chain[0], neighbours)
        count = -(-len(walk) // limit)
        bounds = [len(walk) * part // count for part in range(count + 1)]
        pieces += [walk[bounds[part] : bounds[part + 1]] for part in range(count)]
    diagrams: list[list[str]] = []
    for piece in pieces:
        if diagrams and len(diagrams[-1]) + len(piece) <= limit:
            diagrams[-1].extend(piece)
        else:
            diagrams.append(list(piece))
    return diagrams


def _depth_first(start: str, neighbours: dict[str, list[str]]) -> list[str]:
    """Return every record reached from start, each followed by what it leads to, in turn."""
    found: list[str] = []
    known: set[str] = set()
    stack = [start]
    while stack:
        record_id = stack.pop()
        if record_id in known:
            continue
        known.add(record_id)
        found.append(record_id)
        stack += [other for other in reversed(neighbours[record_id]) if other not in known]
    return found


def _chain_of(start: str, neighbours: dict[str, list[str]]) -> list[str]:
    """Return the records joined to start by links, start first and the nearest next."""
    found = [start]
    known = {start}
    queue = deque([start])
    while queue:
        for other in neighbours[queue.popleft()]:
            if other not in known:
                known.add(other)
                found.append(other)
                queue.append(other)
    return found


def _pieces(site: Site, group: Group, graph: list[Edge]) -> list[Piece]:
    """Return the diagrams of one group, each with its page's address."""
    parts = split(site, group.ids, graph)
    pieces = []
    for number, ids in enumerate(parts, start=1):
        members = set(ids)
        inner = tuple(edge for edge in graph if edge[0] in members and edge[1] in members)
        ordered = tuple(sorted(ids, key=lambda record_id: layer_order(site, record_id)))
        url = group.url if len(parts) == 1 else f"{group.url}{number}/"
        pieces.append(
            Piece(group, number, len(parts), ordered, inner, _count_chains(ids, inner), url)
        )
    return pieces


def _count_chains(ids: Iterable[str], edges: Iterable[Edge]) -> int:
    """Return how many chains (sets of records joined by links) some records make."""
    parent = {record_id: record_id for record_id in ids}

    def root(record_id: str) -> str:
        while parent[record_id] != record_id:
            parent[record_id] = parent[parent[record_id]]
            record_id = parent[record_id]
        return record_id

    for earlier, later, _verb in edges:
        parent[root(earlier)] = root(later)
    return sum(1 for record_id in parent if root(record_id) == record_id)


def _size(piece: Piece) -> str:
    """Return a diagram's size in words: 12 records in 2 chains, 14 links."""
    records = counted("record", len(piece.ids))
    links = counted("link", len(piece.edges))
    if piece.chains > 1:
        return SOURCE.t("map.size.chains", records=records, chains=piece.chains, links=links)
    return SOURCE.t("map.size", records=records, links=links)


def _piece_name(piece: Piece) -> str:
    """Return what a diagram is called: its group, and its number when there are several."""
    if piece.count == 1:
        return piece.group.label
    return SOURCE.t("map.piece", group=piece.group.label, number=piece.number, count=piece.count)


def _piece_line(site: Site, url: str, piece: Piece) -> str:
    """Return the index line of one diagram: a link, its size and the record it starts from."""
    first = site.by_id[piece.ids[0]]
    kind = SOURCE.t(f"type.{first.type.name}").lower()
    diagram_link = link(relative(url, piece.url), SOURCE.t("map.diagram", number=piece.number))
    start = SOURCE.h("map.from", type=kind, title=first.meta.title)
    return f"{diagram_link}: {e(_size(piece))}, {start}"


def _render_index(
    tree: DocsTree,
    site: Site,
    groups: list[Group],
    pieces: dict[str, list[Piece]],
    graph: list[Edge],
) -> None:
    """Write /map/: every group with its diagrams and their sizes; no diagram on it."""
    parts = [
        h1(SOURCE.t("map")),
        f'<p class="or-lead">{SOURCE.h("map.lead", limit=MAP_LIMIT)}</p>',
    ]
    for group in groups:
        if not group.ids:
            continue
        members = set(group.ids)
        links = sum(1 for edge in graph if edge[0] in members and edge[1] in members)
        diagrams = pieces[group.anchor]
        count = len(group.ids)
        summary = SOURCE.t(
            "map.size", records=counted("record", count), links=counted("link", links)
        )
        parts.append(f'<h2 id="{e(group.anchor)}">{e(group.label)}</h2>')
        if len(diagrams) == 1:
            drawing = link(
                relative(_MAP, diagrams[0].url), SOURCE.t("map.diagram-of", group=group.label)
            )
            parts.append(f"<p>{e(summary)}: {drawing}.</p>")
        else:
            parts += [
                f"<p>{SOURCE.h('map.in-diagrams', summary=summary, count=len(diagrams))}</p>",
                bullet_list(_piece_line(site, _MAP, piece) for piece in diagrams),
            ]
    tree.add(
        _MAP,
        {
            "title": SOURCE.t("map"),
            "description": SOURCE.t("map.description"),
        },
        block(*parts),
        "map page",
        html=True,
    )


def _render_group(tree: DocsTree, group: Group, pieces: list[Piece]) -> None:
    """Write the page of a group drawn in several diagrams: the list of them."""
    parts = [
        h1(SOURCE.t("map.group.title", name=group.label)),
        '<p class="or-lead">'
        + SOURCE.h("map.group.lead", count=len(group.ids), diagrams=len(pieces), limit=MAP_LIMIT)
        + f" {link(relative(group.url, _MAP), SOURCE.t('map.back'))}.</p>",
        bullet_list(
            link(relative(group.url, piece.url), SOURCE.t("map.diagram", number=piece.number))
            + f": {e(_size(piece))}"
            for piece in pieces
        ),
    ]
    tree.add(
        group.url,
        {
            "title": e(SOURCE.t("map.group.title", name=group.label)),
            "description": e(SOURCE.t("map.group.description", group=group.label)),
        },
        block(*parts),
        "map page",
        html=True,
    )


def _render_piece(tree: DocsTree, site: Site, piece: Piece, graph: list[Edge]) -> None:
    """Write one diagram's page: the drawing, then each record with where it led."""
    url = piece.url
    name = _piece_name(piece)
    members = set(piece.ids)
    leads: dict[str, list[Edge]] = {}
    for edge in graph:
        if edge[0] in members and edge[1] in site.by_id:
            leads.setdefault(edge[0], []).append(edge)
    group_members = set(piece.group.ids)
    rows = []
    for record_id in piece.ids:
        record = site.by_id[record_id]
        led = []
        for _earlier, later, verb in leads.get(record_id, ()):
            if later not in group_members:
                continue
            target = site.by_id[later]
            elsewhere = "" if later in members else f" {SOURCE.h('map.elsewhere')}"
            there = link(relative(url, target.url), target.meta.title)
            led.append(f"{e(verb_words(verb))} {there}{elsewhere}")
        kind = e(SOURCE.t(f"type.{record.type.name}"))
        rows.append(
            f"{kind}: {link(relative(url, record.url), record.meta.title)}"
            + (" — " + "; ".join(led) if led else "")
        )
    around = [link(relative(url, _MAP), SOURCE.t("map.back"))]
    if piece.count > 1:
        if piece.number > 1:
            around.append(
                link(
                    relative(url, f"{piece.group.url}{piece.number - 1}/"), SOURCE.t("map.previous")
                )
            )
        if piece.number < piece.count:
            around.append(
                link(relative(url, f"{piece.group.url}{piece.number + 1}/"), SOURCE.t("map.next"))
            )
    scope = SOURCE.t("map.scope", size=_size(piece), group=piece.group.label)
    title = SOURCE.t("map.group.title", name=name)
    parts = [
        h1(title),
        f'<p class="or-lead">{e(_size(piece))}. {" · ".join(around)}</p>',
        diagram(site, piece.ids, list(piece.edges), url, title, scope),
        bullet_list(rows),
    ]
    tree.add(
        url,
        {
            "title": e(title),
            "description": e(SOURCE.t("map.group.description", group=piece.group.label)),
        },
        block(*parts),
        "map page",
        html=True,
    )
