"""How far a translation is behind its record, read from git, never from a field kept by hand.

The version of its record a translation follows is the record's latest major revision at
or before the translation's own latest major revision (or the version its change names with
a ``Translation-Of: 3`` trailer). When the record has had a major revision since, the
translation is behind. A minor change to the record never makes a translation lag; a minor
change to a translation (a typo) never brings it up to date.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.content.model import Revision, Translation
from generator.history.history import History


@dataclass(frozen=True)
class Lag:
    """Which version of its record a translation follows, and the record's latest."""

    followed: Revision | None  # None: the history does not say (not a git repository)
    latest: Revision | None  # the record's latest major revision

    @property
    def behind(self) -> bool:
        """Tell whether the record has had a major revision the translation has not taken in."""
        if self.latest is None or self.followed is None:
            return False
        return self.latest.number > self.followed.number


def lag_of(history: History, translation: Translation) -> Lag:
    """Return how far a translation is behind its record, from the history alone."""
    source = [revision for revision in history.of(translation.record_id) if not revision.deleted]
    majors = [revision for revision in source if revision.kind == "major"]
    latest = majors[-1] if majors else None
    own = history.of_translation(translation.record_id, translation.lang)
    if not history.available:
        return Lag(None, None)
    if not own:  # written now, not yet committed: against the record as it is
        return Lag(latest, latest)
    anchor_index = max(
        (index for index, revision in enumerate(own) if revision.kind == "major"), default=0
    )
    named = next((r.translation_of for r in reversed(own[anchor_index:]) if r.translation_of), None)
    if named is not None and 1 <= named <= len(source):
        return Lag(source[named - 1], latest)
    anchor = history.order.get(own[anchor_index].commit, -1)
    before = [revision for revision in majors if history.order.get(revision.commit, -1) <= anchor]
    return Lag(before[-1] if before else None, latest)


def changes_since_url(record_id: str, old: int, new: int) -> str:
    """Return the page of everything that changed in a record from one version to another."""
    return f"{record_id}/v{new}/since-v{old}/"
