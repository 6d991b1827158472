"""The translations of records: which are published, in the order of the site's languages.

A translation sits beside its record as ``<slug>.<lang>.md`` (see load.py and validate.py);
its facts are its record's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.config import SiteConfig
from generator.content.model import Record, Translation


def published_translations(
    translations: Iterable[Translation], published: Sequence[Record], config: SiteConfig
) -> dict[str, tuple[Translation, ...]]:
    """Return the translations to publish, by record id, in the order of the languages.

    A translation of a draft, or a translation marked draft, is not published.
    """
    ids = {record.id for record in published}
    order = {lang: index for index, lang in enumerate(config.openrecord.site_languages)}
    found: dict[str, list[Translation]] = {}
    ordered = sorted(translations, key=lambda t: (t.record_id, order.get(t.lang, len(order))))
    for translation in ordered:
        if translation.record_id in ids and not getattr(translation.meta, "draft", False):
            found.setdefault(translation.record_id, []).append(translation)
    return {record_id: tuple(found[record_id]) for record_id in sorted(found)}
