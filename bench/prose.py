"""Deterministic prose for the benchmark corpus: titles, sentences, Markdown blocks.

Every function takes the caller's ``random.Random`` so a seed fixes every word.
A body is a list of blocks: ``("h2", text)``, ``("p", sentences)`` (wrapped at 90
columns), ``("line", sentences)`` (a paragraph on one line, as GitHub's web editor and
pasted reports save it), ``("ul", items)``, ``("nested", [(item, subitems)])``,
``("quote", text, attribution)``, ``("fence", language, code)``, ``("footnote", label,
text)`` or ``("ref", label, url)``; ``render`` turns it into Markdown. Paragraphs are
tuples of sentences so an edit can reword one of them, or rewrite them all.
"""

from __future__ import annotations

import functools
import random
import re
from typing import Any

Block = tuple[Any, ...]

PLACES = (
    "Aberdeen", "Dundee", "Fife", "Inverness", "Stirling", "Perth", "Orkney", "Shetland",
    "Glasgow", "Edinburgh", "Ayr", "Dumfries", "Oban", "Falkirk", "Paisley", "Elgin",
    "Fort William", "Stornoway", "Kirkcaldy", "Hawick", "Wick", "Arbroath", "Peebles", "Skye",
)  # fmt: skip
ORGANISATIONS = (
    "Democratic Society", "Scottish Government", "University of Edinburgh",
    "Fife Council", "Highland Council", "Community Land Scotland", "Inspiring Scotland",
    "NHS Tayside", "Glasgow Centre for Population Health", "Scottish Youth Parliament",
    "Development Trusts Association", "Participatory Budgeting Network",
)  # fmt: skip
PEOPLE = (
    "Aileen Murray", "Callum Fraser", "Morag Campbell", "Ravi Patel", "Siobhan Kelly",
    "Jamie Ross", "Fiona MacLeod", "Tom Baird", "Priya Shah", "Ewan Grant",
    "Kirsty Wallace", "Duncan Reid",
)  # fmt: skip
THEMES = (
    "community budgeting", "local democracy", "open data", "health and care",
    "housing", "land reform", "young people's voice", "climate action", "transport",
    "digital services", "rural services", "community safety", "education", "food",
)  # fmt: skip
FORMATS = (
    "Facilitated conversation", "World café", "Open space", "Citizens' panel",
    "Round tables with a graphic recorder", "Online workshop in small groups",
)  # fmt: skip
_SUBJECTS = (
    "Community councils", "The steering group", "Local authorities", "Participants",
    "Third sector partners", "Young people", "Health boards", "Residents", "Facilitators",
    "Civil servants", "Trusted intermediaries", "Tenants' groups", "Several speakers",
    "People from rural areas", "The organisers", "Carers", "Small charities",
)  # fmt: skip
_VERBS = (
    "asked for", "wanted to see", "described", "warned against", "proposed", "called for",
    "questioned", "welcomed", "pointed to", "argued for", "reported on", "agreed on",
    "worried about", "gave examples of", "returned again and again to",
)  # fmt: skip
_OBJECTS = (
    "more time to shape the questions", "budgets that communities control",
    "plain-language summaries of every decision", "a shared record of what was promised",
    "meetings held where people already are", "the cost of taking part",
    "feedback on what happened to their ideas", "power shared rather than consulted on",
    "small pilots that are allowed to fail", "clear owners for each commitment",
    "the weak ties between networks", "data that anyone can reuse",
    "the risk of consultation fatigue", "decisions taken closer to home",
    "trust built over years, not months", "funding that lasts beyond one year",
    "honest reporting of what did not work", "a seat at the table for young people",
)  # fmt: skip
_TAILS = (
    "", "", "", " before any money is committed", " in every pilot area",
    " so that trust can grow", " over the next year", " without waiting for permission",
    " at each stage of the work", " across the whole network", " in rural and island areas",
    " as a matter of course", " from the very start",
)  # fmt: skip
_INTENT_VERBS = (
    "Share", "Open up", "Resource", "Strengthen", "Publish", "Protect", "Test",
    "Build", "Fund", "Simplify", "Widen", "Support",
)  # fmt: skip
_INTENT_OBJECTS = (
    "budgets with community councils", "decisions to public scrutiny", "trusted intermediaries",
    "the voice of young people", "what we learn from pilots", "time for deliberation",
    "local ownership of land", "spaces for difficult conversations", "open data on spending",
    "the way people take part", "networks of community anchors", "care closer to home",
)  # fmt: skip
_DECISION_VERBS = (
    "Pilot", "Fund", "Publish", "Adopt", "Run", "Stop", "Extend", "Review", "Set up",
    "Commission",
)  # fmt: skip
_DECISION_OBJECTS = (
    "participatory budgeting", "a citizens' panel", "a community land fund",
    "an open spending register", "a youth advisory group", "quarterly public reviews",
    "a shared learning log", "local decision hubs", "plain-language reporting",
    "a small grants scheme", "an online record of commitments", "walking consultations",
)  # fmt: skip
_ATTRIBUTIONS = (
    "a participant", "a community organiser", "a civil servant at the workshop",
    "a member of the steering group", "a young participant", "a facilitator's notes",
)  # fmt: skip
_WORDS = re.compile(r"\S+")
_COMMON = (
    "the of and to a in that is for it as with was on be by this are not or have from at "
    "which but an they we their been has more will one all would there were can who what "
    "so if its about when than other into some could them only these also may people time "
    "should how after each where most those such many must well between through before"
)
_SYLLABLES = ("ba", "ro", "ti", "en", "ul", "ma", "so", "ke", "di", "an", "vo", "pe", "li", "ga")


@functools.lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Return a vocabulary of 6,000 words by rank, and the cumulative Zipf weights (1/rank)."""
    words = list(dict.fromkeys(_COMMON.split()))
    phrases = (*_OBJECTS, *_SUBJECTS, *_VERBS, *_TAILS, *THEMES, *_INTENT_OBJECTS)
    for phrase in phrases:
        words += [w for w in phrase.lower().split() if w not in words]
    for first in _SYLLABLES:
        for second in _SYLLABLES:
            for third in _SYLLABLES:
                if len(words) < 6000:
                    words.append(first + second + third)
    total, cumulative = 0.0, []
    for rank in range(1, len(words) + 1):
        total += 1 / rank
        cumulative.append(total)
    return tuple(words), tuple(cumulative)


def zipf_sentence(rng: random.Random, low: int = 8, high: int = 30) -> str:
    """Return a sentence of words drawn with Zipf-like frequencies, as real prose repeats them."""
    words, weights = _vocabulary()
    chosen = rng.choices(words, cum_weights=weights, k=rng.randint(low, high))
    return " ".join(chosen).capitalize() + rng.choice(".....?!")


def long_paragraph(rng: random.Random, words: int) -> str:
    """Return a paragraph of about this many words, on one line, as a web editor saves it."""
    parts: list[str] = []
    count = 0
    while count < words:
        parts.append(zipf_sentence(rng))
        count += parts[-1].count(" ") + 1
    return " ".join(parts)


def split_sentences(text: str) -> list[str]:
    """Return the sentences of a one-line paragraph."""
    return re.split(r"(?<=[.?!]) ", text)


def sentence(rng: random.Random) -> str:
    """Return one sentence about collaborative work."""
    subject, verb = rng.choice(_SUBJECTS), rng.choice(_VERBS)
    return f"{subject} {verb} {rng.choice(_OBJECTS)}{rng.choice(_TAILS)}."


def sentences(rng: random.Random, low: int = 3, high: int = 5) -> tuple[str, ...]:
    """Return a paragraph's worth of sentences."""
    return tuple(sentence(rng) for _ in range(rng.randint(low, high)))


def items(rng: random.Random, low: int = 3, high: int = 5) -> list[str]:
    """Return list items, each a short clause."""
    return [f"{rng.choice(_OBJECTS).capitalize()}{rng.choice(_TAILS)}" for _ in range(low)] + [
        rng.choice(_OBJECTS).capitalize() for _ in range(rng.randint(0, high - low))
    ]


def quote(rng: random.Random) -> Block:
    """Return a quotation block with its attribution."""
    return ("quote", sentence(rng)[:-1], rng.choice(_ATTRIBUTIONS))


def link(slug: str, folder: str) -> str:
    """Return a sentence linking to the record's notes on example.org."""
    return f"The full notes are at [example.org](https://example.org/{folder}/{slug})."


def title(rng: random.Random, kind: str) -> str:
    """Return a title for a record of one kind."""
    if kind == "workshop":
        return f"{rng.choice(THEMES).capitalize()} workshop in {rng.choice(PLACES)}"
    if kind == "intention":
        return f"{rng.choice(_INTENT_VERBS)} {rng.choice(_INTENT_OBJECTS)}"
    return f"{rng.choice(_DECISION_VERBS)} {rng.choice(_DECISION_OBJECTS)} in {rng.choice(PLACES)}"


def body(rng: random.Random, kind: str, slug: str, folder: str) -> list[Block]:
    """Return the blocks of a new record's body."""
    if kind == "workshop":
        return [
            ("p", sentences(rng, 2, 3)),
            ("h2", "What the workshop was"),
            ("p", sentences(rng)),
            ("h2", "What was heard"),
            ("ul", items(rng, 3, 6)),
            quote(rng),
            ("h2", "What happens next"),
            ("p", (*sentences(rng, 2, 3), link(slug, folder))),
        ]
    if kind == "intention":
        return [
            quote(rng),
            ("p", sentences(rng)),
            ("h2", "Why"),
            ("p", sentences(rng)),
            ("h2", "How we will know"),
            ("ul", items(rng, 2, 4)),
            ("p", (sentence(rng), link(slug, folder))),
        ]
    return [
        ("p", sentences(rng, 2, 3)),
        ("h2", "What was decided"),
        ("p", sentences(rng)),
        ("ul", items(rng, 2, 4)),
        ("h2", "Why"),
        ("p", sentences(rng)),
        quote(rng),
        ("h2", "Further reading"),
        ("ul", [f"[Background papers](https://example.org/{folder}/{slug}/papers)"]),
    ]


def reword(rng: random.Random, blocks: list[Block]) -> bool:
    """Rewrite one sentence of one paragraph in place; return False when there is none."""
    paragraphs = [index for index, block in enumerate(blocks) if block[0] in ("p", "line")]
    if not paragraphs:
        return False
    index = rng.choice(paragraphs)
    kind, text = blocks[index][0], list(blocks[index][1])
    position = rng.randrange(len(text))
    if "](" in text[position] or "[^" in text[position]:
        position = 0
    old = text[position]
    while text[position] == old:
        text[position] = sentence(rng) if kind == "p" else zipf_sentence(rng)
    blocks[index] = (kind, tuple(text))
    return True


def rewrite(rng: random.Random, blocks: list[Block]) -> bool:
    """Rewrite one paragraph whole, as a redraft does; return False when there is none."""
    paragraphs = [index for index, block in enumerate(blocks) if block[0] in ("p", "line")]
    if not paragraphs:
        return False
    index = rng.choice(paragraphs)
    kind, text = blocks[index][0], blocks[index][1]
    if kind == "p":
        blocks[index] = ("p", sentences(rng, len(text), len(text) + 1))
    else:
        words = sum(part.count(" ") + 1 for part in text)
        blocks[index] = ("line", long_sentences(rng, words))
    return True


def long_sentences(rng: random.Random, words: int) -> tuple[str, ...]:
    """Return the sentences of a long one-line paragraph of about this many words."""
    return tuple(split_sentences(long_paragraph(rng, words)))


def extras(rng: random.Random, slug: str, folder: str) -> list[Block]:
    """Return what real records add to some bodies: a long one-line paragraph (300 to 2,000
    words), a fenced block, a footnote, a reference link and a nested list."""
    blocks: list[Block] = []
    if rng.random() < 0.3:
        blocks.append(("line", long_sentences(rng, rng.randint(300, 2000))))
    if rng.random() < 0.15:
        rows = "\n".join(
            f"  - {rng.choice(PLACES).lower()}: {rng.randint(1, 90)}" for _ in range(4)
        )
        blocks.append(("fence", "yaml", f"budget:\n  year: {rng.randint(2020, 2026)}\n{rows}"))
    if rng.random() < 0.15:
        blocks.append(("p", (sentence(rng)[:-1] + ".[^1]", sentence(rng))))
        blocks.append(("footnote", "1", f"Notes of {rng.choice(_ATTRIBUTIONS)}."))
    if rng.random() < 0.2:
        label = f"{folder}-{slug}"[:40]
        blocks.append(("p", (f"The [terms of reference][{label}] say who decides.",)))
        blocks.append(("ref", label, f"https://example.org/{folder}/{slug}/terms"))
    if rng.random() < 0.15:
        nested = [(item, items(rng, 2, 3)) for item in items(rng, 2, 3)]
        blocks.append(("nested", nested))
    return blocks


def extend(rng: random.Random, blocks: list[Block], when: str) -> str:
    """Make a substantive body edit in place and return what it did, for the commit message."""
    lists = [index for index, block in enumerate(blocks) if block[0] == "ul"]
    paragraphs = [index for index, block in enumerate(blocks) if block[0] == "p"]
    roll = rng.random()
    if roll < 0.3 and lists:
        index = rng.choice(lists)
        if len(blocks[index][1]) < 8:
            blocks[index] = ("ul", [*blocks[index][1], rng.choice(_OBJECTS).capitalize()])
            return "Add a point to"
    if roll < 0.6 and paragraphs:
        index = rng.choice(paragraphs)
        if len(blocks[index][1]) < 7:
            blocks[index] = ("p", (*blocks[index][1], sentence(rng)))
            return "Expand"
    if len(blocks) < 16:
        blocks += [("h2", f"Update, {when}"), ("p", sentences(rng, 2, 4))]
        return "Add an update to"
    if paragraphs:
        index = rng.choice(paragraphs)
        blocks[index] = ("p", sentences(rng))
        return "Rewrite a paragraph of"
    blocks.append(("p", sentences(rng)))
    return "Expand"


def render(blocks: list[Block]) -> str:
    """Return the Markdown of a body."""
    return "\n\n".join(_block(block) for block in blocks) + "\n"


def _block(block: Block) -> str:
    """Return the Markdown of one block."""
    kind = block[0]
    if kind == "p":
        return _paragraph(block[1])
    if kind == "line":
        return " ".join(block[1])
    if kind == "h2":
        return f"## {block[1]}"
    if kind == "ul":
        return "\n".join(f"- {item}" for item in block[1])
    if kind == "nested":
        return "\n".join(
            f"- {item}" + "".join(f"\n  - {sub}" for sub in subitems) for item, subitems in block[1]
        )
    if kind == "fence":
        return f"```{block[1]}\n{block[2]}\n```"
    if kind == "footnote":
        return f"[^{block[1]}]: {block[2]}"
    if kind == "ref":
        return f"[{block[1]}]: {block[2]}"
    return f"> {block[1]}\n>\n> — {block[2]}"


@functools.lru_cache(maxsize=1 << 16)
def _paragraph(text: tuple[str, ...], width: int = 90) -> str:
    """Return sentences as one paragraph wrapped at width columns."""
    lines: list[str] = []
    line = ""
    for word in _WORDS.findall(" ".join(text)):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)
