"""Generate a benchmark corpus: a new git repository of records with a long, realistic history.

    python bench/corpus.py --records 1000 --commits 5000 --out DIR [--theme [THEME_DIR]]

The repository holds a copy of mkdocs.yml (and theme/ with --theme) and content/
with RECORDS records: about 15% workshops, 45% intentions and 40% decisions, with
valid front matter and references that always name records that exist. Its
branch main has COMMITS commits along the first-parent line: records are added
over time and then edited; about half the changes are merged pull requests
(each with a side branch of 1-3 commits, mostly 1), a third are squashed pull requests
and the rest direct commits; about one in ten is marked ``Change-Type: minor``.
The content looks like real decision logs: a minor change rewords a sentence, a
substantive one adds to a record or (REWRITES of them) redrafts a paragraph whole;
about a third of the records have a paragraph of 300 to 2,000 words on one line, of a
Zipf-like vocabulary; some have a fenced block, a footnote, a reference link or a nested
list; a few records (HOT_SHARE of the edits) get a history of 200 or more revisions.
Everything is streamed to a single ``git fast-import``, with fixed dates from
2020-01-01 and a seeded random generator: the same arguments give the same
repository, commit for commit.

The work grows with records x commits, not with either alone: every commit
makes git write a new tree for the folder it touches, and a folder of 4,000
records is a 300 KB tree. At 10,000 records and 50,000 commits nearly all the
time is git fast-import building those trees; run.py caches a corpus for reuse.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import prose
from fastimport import FastImport
from record import FOLDERS, TOPIC_IDS, Rec, initial_files, slugify

ROOT = Path(__file__).resolve().parent.parent
START = int(datetime.datetime(2020, 1, 1, 9, 0, tzinfo=datetime.UTC).timestamp())
SPAN = 5 * 365 * 86400
DAY = 86400
MAINTAINERS = prose.PEOPLE[:3]
CONTRIBUTORS = prose.PEOPLE[:9]
NEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "workshop": {"planned": ("held",), "held": ("reported",)},
    "intention": {
        "proposed": ("adopted",) * 6 + ("retired",),
        "adopted": ("in-progress",),
        "in-progress": ("achieved",) * 8 + ("retired",),
    },
    "decision": {"proposed": ("accepted",) * 16 + ("rejected",) * 3 + ("withdrawn",) * 2},
}
#: Extra commits on a pull request's branch after its first: mostly none, at most two.
BRANCH_STEPS = (0, 0, 0, 0, 0, 0, 1, 1, 1, 2)
PROGRESS = {"adopted": "not-started", "in-progress": "limited", "achieved": "complete"}
#: The share of substantive body edits that rewrite a whole paragraph (the rest add to it).
REWRITES = 0.35
#: The share of edits that go to the few records with long histories (200+ revisions).
HOT_SHARE = 0.2


class Corpus:
    """The state of the record while its history is written, one change at a time."""

    def __init__(self, rng: random.Random, stream: FastImport, records: int, commits: int) -> None:
        self.rng = rng
        self.stream = stream
        self.records: list[Rec] = []
        self.by_kind: dict[str, list[Rec]] = {kind: [] for kind in FOLDERS}
        self.slugs: set[str] = set()
        self.clock = START
        self.step = max(60, min(DAY, SPAN // max(1, 2 * commits)))
        self.stats: Counter[str] = Counter()
        self.revisions: Counter[str] = Counter()  # commits that changed each file (about)
        #: A few intentions, among the first, that are redrafted again and again.
        self.hot: list[Rec] = []
        self.hot_count = max(2, records // 300)
        decisions = round(records * 0.4)
        self.supersessions = max(1, round(decisions * 0.05)) if decisions >= 4 else 0

    def tick(self) -> int:
        """Advance the clock to the next commit's time and return it."""
        self.clock += self.rng.randint(self.step // 2, self.step * 3 // 2)
        return self.clock

    def day(self, offset: int = 0) -> str:
        """Return the date offset days from now as YYYY-MM-DD."""
        moment = datetime.datetime.fromtimestamp(self.clock + offset * DAY, datetime.UTC)
        return moment.date().isoformat()

    def recent(self, kind: str, low: int, high: int) -> list[Rec]:
        """Return between low and high records of a kind, among the latest, as many as exist."""
        pool = self.by_kind[kind][-60:]
        return self.rng.sample(pool, min(len(pool), self.rng.randint(low, high)))

    def new_record(self, kind: str) -> tuple[Rec, list[Rec]]:
        """Create a record and return it with any older record it touched."""
        rng = self.rng
        title = prose.title(rng, kind)
        slug = base = slugify(title)
        number = 1
        while slug in self.slugs:
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        meta: dict[str, Any] = {"title": title, "summary": prose.sentence(rng)}
        meta["topics"] = rng.sample(TOPIC_IDS, rng.randint(1, 3))
        blocks = prose.body(rng, kind, slug, FOLDERS[kind])
        record = Rec(kind, slug, meta, blocks + prose.extras(rng, slug, FOLDERS[kind]))
        touched = []
        if kind == "workshop":
            meta["status"] = rng.choice(("planned", "planned", "held", "held", "reported"))
            planned = meta["status"] == "planned"
            meta["date"] = self.day(rng.randint(7, 60) if planned else -rng.randint(1, 30))
            meta["organisers"] = rng.sample(prose.ORGANISATIONS, rng.randint(1, 3))
            if not planned:
                meta["participants"] = rng.randint(8, 200)
                meta["participants_approximate"] = rng.random() < 0.3
            meta["location"] = title.rsplit(" in ", 1)[-1]
            meta["format"] = rng.choice(prose.FORMATS)
            if meta["status"] == "reported":
                meta["themes"] = [prose.sentence(rng)[:-1] for _ in range(rng.randint(2, 5))]
        elif kind == "intention":
            meta["status"] = "adopted" if rng.random() < 0.2 else "proposed"
            workshops = self.recent("workshop", 0 if rng.random() < 0.2 else 1, 2)
            meta["from"] = [workshop.id for workshop in workshops]
            for workshop in workshops:
                if rng.random() < 0.4 and len(workshop.meta.get("produced", [])) < 12:
                    workshop.meta.setdefault("produced", []).append(record.id)
                    touched.append(workshop)
            if meta["status"] == "adopted":
                meta["date"], meta["progress"] = self.day(), "not-started"
            if rng.random() < 0.6:
                meta["owner"] = rng.choice(prose.PEOPLE + prose.ORGANISATIONS)
            if rng.random() < 0.3:
                meta["review_date"] = self.day(rng.randint(180, 400))
        else:
            meta["status"] = "accepted" if rng.random() < 0.15 else "proposed"
            record.accepted = meta["status"] == "accepted"
            if record.accepted:
                meta["date"] = self.day()
            meta["decided_by"] = [rng.choice(prose.ORGANISATIONS)]
            if rng.random() < 0.5:
                meta["consulted"] = rng.sample(prose.ORGANISATIONS, rng.randint(1, 3))
            if rng.random() < 0.3:
                meta["informed"] = rng.sample(prose.PEOPLE, rng.randint(1, 3))
            meta["serves"] = [r.id for r in self.recent("intention", 1, 3)]
            meta["evidence"] = [r.id for r in self.recent("workshop", 0, 2)]
            if rng.random() < 0.3:
                meta["review_date"] = self.day(rng.randint(180, 720))
        self.records.append(record)
        self.by_kind[kind].append(record)
        if kind == "intention" and len(self.hot) < self.hot_count:
            self.hot.append(record)
        return record, [record, *touched]

    def add(self, kinds: list[str]) -> tuple[str, list[Rec]]:
        """Add records of the given kinds in one step."""
        added = [self.new_record(kind) for kind in kinds]
        touched = list({id(r): r for _, group in added for r in group}.values())
        self.stats["records"] += len(kinds)
        if len(added) == 1:
            return f"Add {kinds[0]}: {added[0][0].meta['title']}", touched
        return f"Add {len(added)} records, from {added[0][0].meta['title']}", touched

    def minor(self, record: Rec) -> tuple[str, list[Rec]]:
        """Reword one sentence: a correction that does not change the meaning."""
        if not prose.reword(self.rng, record.blocks):
            return self.details(record)
        return f"Fix the wording of {record.meta['title']}", [record]

    def body(self, record: Rec) -> tuple[str, list[Rec]]:
        """Make a substantive edit to a record's body: a redraft of a paragraph, or an addition."""
        self.stats["body edits"] += 1
        if self.rng.random() < REWRITES and prose.rewrite(self.rng, record.blocks):
            self.stats["paragraph rewrites"] += 1
            return f"Redraft a paragraph of {record.meta['title']}", [record]
        verb = prose.extend(self.rng, record.blocks, self.day())
        return f"{verb} {record.meta['title']}", [record]

    def details(self, record: Rec) -> tuple[str, list[Rec]]:
        """Change a front matter detail other than the status."""
        rng, meta = self.rng, record.meta
        if len(meta["topics"]) < 4 and rng.random() < 0.3:
            meta["topics"] = [*meta["topics"], rng.choice(TOPIC_IDS)]
            if meta["topics"][-1] not in meta["topics"][:-1]:
                return f"Add a topic to {meta['title']}", [record]
            meta["topics"].pop()
        if record.kind == "workshop":
            people = meta.setdefault("facilitators", [])
            if len(people) < 4:
                people.append(rng.choice([p for p in prose.PEOPLE if p not in people]))
                return f"Name the facilitators of {meta['title']}", [record]
            meta["format"] = rng.choice([f for f in prose.FORMATS if f != meta["format"]])
            return f"Correct the format of {meta['title']}", [record]
        if record.kind == "decision" and len(meta.get("consulted", [])) < 4 and rng.random() < 0.4:
            consulted = meta.setdefault("consulted", [])
            consulted.append(rng.choice([o for o in prose.ORGANISATIONS if o not in consulted]))
            return f"Record who was consulted on {meta['title']}", [record]
        old = meta.get("review_date")
        while meta.get("review_date") == old:
            meta["review_date"] = self.day(rng.randint(90, 540))
        return f"Set a review date for {meta['title']}", [record]

    def advance(self, record: Rec) -> tuple[str, list[Rec]] | None:
        """Move a record to its next status, or return None when it has none."""
        meta = record.meta
        choices: tuple[str, ...] | None = NEXT[record.kind].get(meta["status"])
        if record.kind == "decision" and meta["status"] == "accepted" and not record.superseder:
            choices = ("withdrawn",) if self.rng.random() < 0.03 else None
        if not choices:
            return None
        status = meta["status"] = self.rng.choice(choices)
        if record.kind == "workshop":
            meta["date"] = min(meta["date"], self.day())
            if status == "held":
                meta["participants"] = self.rng.randint(8, 200)
                meta["participants_approximate"] = self.rng.random() < 0.3
            else:
                meta["themes"] = [prose.sentence(self.rng)[:-1] for _ in range(3)]
                record.blocks += [("h2", "The report"), ("p", prose.sentences(self.rng))]
        elif record.kind == "intention" and status in PROGRESS:
            meta["progress"] = PROGRESS[status]
            meta.setdefault("date", self.day())
        elif status == "accepted":
            meta["date"] = self.day()
            record.accepted = True
        verb = "Accept" if status == "accepted" else "Mark as " + status + ":"
        return f"{verb} {meta['title']}", [record]

    def supersede(self) -> tuple[str, list[Rec]] | None:
        """Accept a proposed decision that replaces an accepted one, in one step."""
        decisions = self.by_kind["decision"]
        olds = [d for d in decisions if d.meta["status"] == "accepted" and not d.superseder]
        news = [d for d in decisions[-200:] if d.meta["status"] == "proposed"]
        if not olds or not news:
            return None
        old, new = self.rng.choice(olds), self.rng.choice(news)
        new.meta.update(status="accepted", date=self.day())
        new.meta["supersedes"] = [*new.meta.get("supersedes", []), old.id]
        new.accepted = new.superseder = True
        old.meta["status"] = "superseded"
        old.blocks.append(("p", (f"This decision was replaced on {self.day()}.",)))
        self.supersessions -= 1
        self.stats["supersessions"] += 1
        return f"Supersede {old.meta['title']} with {new.meta['title']}", [new, old]

    def edit(self, late: bool, left: int) -> tuple[str, list[Rec]]:
        """Choose and make one non-minor edit, left changes before the end."""
        rng = self.rng
        if late and self.supersessions > 0 and rng.random() < 2 * self.supersessions / left:
            done = self.supersede()
            if done:
                return done
        roll = rng.random()
        record = rng.choice(self.records)
        if self.hot and rng.random() < HOT_SHARE:
            return self.body(rng.choice(self.hot))
        if roll < 0.3:
            for candidate in (record, *(rng.choice(self.records) for _ in range(4))):
                moved = self.advance(candidate)
                if moved:
                    return moved
        if roll < 0.8 and not record.accepted:
            return self.body(record)
        return self.details(record)

    def snapshot(self, records: list[Rec]) -> dict[str, int]:
        """Write the changed records' blobs and return them by path."""
        files = {}
        for record in records:
            data = record.text()
            if data != record.last:
                record.last = data
                files[record.path] = self.stream.blob(data)
                self.revisions[record.path] += 1
        return files

    def change(self, number: int, kinds: list[str], late: bool, left: int, minors: float) -> None:
        """Write one change on main: a merged or squashed pull request, or a direct commit."""
        rng = self.rng
        roll = rng.random()
        style = "merge" if roll < 0.5 else "squash" if roll < 0.83 else "direct"
        minor = not kinds and rng.random() < minors
        if kinds:
            first = self.add(kinds)
        elif minor:
            first = self.minor(rng.choice(self.records))
        else:
            first = self.edit(late, left)
        steps = [(first[0], self.snapshot(first[1]))]
        for _ in range(rng.choice(BRANCH_STEPS) if style != "direct" else 0):
            record = first[1][0]
            if minor:
                step = self.minor(record)
            elif record.accepted or rng.random() < 0.5:
                step = self.details(record)
            else:
                step = (f"Reword {record.meta['title']}", [record])
                prose.reword(rng, record.blocks)
            steps.append((step[0], self.snapshot(step[1])))
        title = first[0]
        trailer = "\n\nChange-Type: minor\n" if minor else "\n"
        author = rng.choice(CONTRIBUTORS)
        maintainer = rng.choice(MAINTAINERS)
        files = {path: mark for _, changed in steps for path, mark in changed.items()}
        self.stats[style] += 1
        self.stats["minor"] += minor
        if style == "direct":
            self.stream.commit(
                "refs/heads/main", maintainer, maintainer, self.tick(), title + trailer, files
            )
            return
        if style == "squash":
            listed = "".join(f"\n* {message}" for message, _ in steps) if len(steps) > 1 else ""
            message = f"{title} (#{number})" + (f"\n{listed}" if listed else "") + trailer
            self.stream.commit("refs/heads/main", author, maintainer, self.tick(), message, files)
            return
        tip = 0
        for index, (message, changed) in enumerate(steps):
            parent = "refs/heads/main" if index == 0 else None
            tip = self.stream.commit(
                "refs/heads/contrib",
                author,
                author,
                self.tick(),
                message + trailer,
                changed,
                parent,
            )
        self.stats["branch commits"] += len(steps)
        login = author.lower().replace(" ", "-")
        branch = f"{login}/{slugify(title)[:40].rstrip('-')}"
        message = f"Merge pull request #{number} from {branch}\n\n{title}{trailer}"
        self.stream.commit(
            "refs/heads/main", maintainer, maintainer, self.tick(), message, files, merge=tip
        )


def _kinds(rng: random.Random, records: int) -> list[str]:
    """Return the kinds of the records in the order they are added, a workshop first."""
    workshops, intentions = round(records * 0.15), round(records * 0.45)
    kinds = ["workshop"] * workshops + ["intention"] * intentions
    kinds += ["decision"] * (records - workshops - intentions)
    rng.shuffle(kinds)
    if "workshop" in kinds:
        first = kinds.index("workshop")
        kinds[0], kinds[first] = kinds[first], kinds[0]
    return kinds


def generate(
    out: Path,
    records: int,
    commits: int,
    config: Path | None = None,
    theme: Path | None = None,
    seed: int = 1,
) -> dict[str, int]:
    """Create the corpus repository at out and return counts of what it holds."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} exists and is not empty; choose a new folder")
    if records < 1 or commits < 1:
        raise ValueError("a corpus needs at least one record and one commit")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(out)], check=True)
    rng = random.Random(seed)
    stream = FastImport(out)
    corpus = Corpus(rng, stream, records, commits)
    kinds = _kinds(rng, records)
    changes = commits - 1
    adds = min(records, max(1, changes * 2 // 5)) if changes else 0
    files = {
        path: stream.blob(data)
        for path, data in initial_files(config or ROOT / "mkdocs.yml", theme).items()
    }
    if not adds:
        files |= corpus.snapshot(corpus.add(kinds)[1])
    first = MAINTAINERS[0]
    stream.commit("refs/heads/main", first, first, corpus.clock, "Start the open record\n", files)
    add_at = {index * changes // adds: index for index in range(adds)}
    taken, edits = 0, changes - adds
    minors = min(0.5, 0.1 * changes / edits) if edits else 0.0
    for position in range(changes):
        batch: list[str] = []
        if position in add_at:
            index = add_at[position]
            size = records // adds + (index < records % adds)
            batch, taken = kinds[taken : taken + size], taken + size
        corpus.change(position + 1, batch, position > changes // 2, changes - position, minors)
    stream.close()
    subprocess.run(["git", "-C", str(out), "reset", "--quiet", "--hard"], check=True)
    stats = dict(corpus.stats)
    stats["first-parent commits"] = commits
    stats |= {kind: len(group) for kind, group in corpus.by_kind.items()}
    stats["most revisions of a record"] = max(corpus.revisions.values(), default=0)
    (out / ".git" / "bench-stats.json").write_text(json.dumps(stats, sort_keys=True) + "\n")
    return stats


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and generate a corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, required=True, help="how many records")
    parser.add_argument("--commits", type=int, required=True, help="first-parent commits")
    parser.add_argument("--out", type=Path, required=True, help="a new or empty folder")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="mkdocs.yml")
    parser.add_argument(
        "--theme",
        type=Path,
        nargs="?",
        const=ROOT / "theme",
        default=None,
        help="copy this theme folder (default: the project's theme/) into the corpus",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        stats = generate(args.out, args.records, args.commits, args.config, args.theme, args.seed)
    except (FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - start
    print(", ".join(f"{key}: {value}" for key, value in sorted(stats.items())))
    print(f"generated {args.out} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
