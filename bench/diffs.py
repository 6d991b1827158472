"""Time one diff of a 1,500-word one-line paragraph: rewritten whole, half, or lightly edited.

    python bench/diffs.py [--words 1500] [--difflib]

The paragraph's words are drawn from a Zipf-like vocabulary (prose.zipf_words), as real
prose repeats its common words. ``--difflib`` also times what openrecord used before,
difflib.SequenceMatcher(autojunk=False) on the same word tokens, which grows worse than
quadratically with the length of the changed region. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import prose

ROOT = Path(__file__).resolve().parent.parent
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def best_of(work: Callable[[str, str], object], old: str, new: str, runs: int = 5) -> float:
    """Return the fastest of a few runs of work on two texts, in milliseconds."""
    fastest = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work(old, new)
        fastest = min(fastest, time.perf_counter() - start)
    return fastest * 1000


def cases(words: int) -> dict[str, tuple[str, str]]:
    """Return old and new one-line paragraphs: rewritten, half rewritten, lightly edited."""
    rng = random.Random(17)
    old, new = prose.long_paragraph(rng, words), prose.long_paragraph(rng, words)
    halves = prose.split_sentences(old), prose.split_sentences(new)
    half = " ".join(a if n % 2 else b for n, (a, b) in enumerate(zip(*halves, strict=False)))
    edited = prose.split_sentences(old)
    edited[len(edited) // 2] = prose.sentence(rng)
    return {
        "rewritten": (old, new),
        "half rewritten": (old, half),
        "one sentence": (old, " ".join(edited)),
    }


def ours(old: str, new: str) -> str:
    """Return openrecord's diff of two bodies."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from generator.history.diff import Version, render_body_diff

    return render_body_diff(Version({}, old), Version({}, new))


def _difflib(old: str, new: str) -> object:
    """Return difflib's opcodes for two texts' word tokens, as openrecord once computed them."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def main(argv: list[str] | None = None) -> int:
    """Print the time of each diff."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--difflib", action="store_true", help="also time difflib (slow)")
    args = parser.parse_args(argv)
    for name, (old, new) in cases(args.words).items():
        fastest = best_of(ours, old, new)
        line = f"diff of a {args.words}-word one-line paragraph, {name}: {fastest:.2f} ms"
        if args.difflib:
            seconds = best_of(_difflib, old, new, runs=1)
            line += f" (difflib on its words: {seconds:.0f} ms)"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
