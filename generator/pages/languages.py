"""The language versions of a page: hreflang alternates, the switcher, the lag banner, the
page of what a translation has yet to take in, and "Propose a translation".

How far a translation is behind is read from git by history/lag.py.
"""

from __future__ import annotations

import json

from generator.catalog import Catalog, autonym, catalog
from generator.config import SiteConfig
from generator.content.model import Record, Site, Translation
from generator.content.schema import PLACEHOLDER
from generator.fragments import SOURCE, block, e, format_date, h1, link, relative
from generator.history.diff import (
    body_changed,
    field_changes,
    parse_version,
    render_body_diff,
    render_field_changes,
)
from generator.history.history import History
from generator.history.lag import changes_since_url, lag_of
from generator.markdown.sanitize import raw_html
from generator.pages.tree import DocsTree


def alternates(site: Site, record: Record) -> list[dict[str, str]]:
    """Return the hreflang alternates of every language version of a record (empty if none).

    The same list is on each version's page, so every pair links both ways.
    """
    translations = site.translations.get(record.id, ())
    if not translations:
        return []
    source = site.config.openrecord.lang
    versions = [(source, record.url), *((t.lang, t.url) for t in translations)]
    versions.append(("x-default", record.url))
    return [{"lang": lang, "href": e(_address(site.config, url))} for lang, url in versions]


def _address(config: SiteConfig, url: str) -> str:
    """Return a page's absolute address, or its address from the site's root without one."""
    return config.absolute(url) if config.site_url else config.base_path + url


def switcher(site: Site, record: Record, lang: str, url: str, history: History) -> str:
    """Return the language switcher of a record's page in one language ('' with none).

    On the record's own page, a translation behind the record says which version it follows.
    """
    translations = site.translations.get(record.id, ())
    if not translations:
        return ""
    source = site.config.openrecord.lang
    notes = {}
    if lang == source:
        words = catalog(lang)
        for translation in translations:
            lag = lag_of(history, translation)
            if lag.behind and lag.followed is not None and lag.latest is not None:
                note = words.h(
                    "translation.switcher-behind",
                    followed=lag.followed.number,
                    latest=lag.latest.number,
                )
                notes[translation.lang] = f' <span class="or-languages__lag">({note})</span>'
    versions = [(source, record.url), *((t.lang, t.url) for t in translations)]
    return _switcher(lang, url, versions, notes)


def index_switcher(site: Site, lang: str, url: str, address: str) -> str:
    """Return the switcher of a page every language has (home, a type's list).

    address is the page's address in the source language ('' or 'decisions/').
    """
    languages = site.config.openrecord.site_languages
    if len(languages) < 2:
        return ""
    versions = [
        (other, address if index == 0 else f"{other}/{address}")
        for index, other in enumerate(languages)
    ]
    return _switcher(lang or languages[0], url, versions)


def _switcher(
    lang: str, url: str, versions: list[tuple[str, str]], notes: dict[str, str] | None = None
) -> str:
    """Return a list of a page's language versions, each named in its own language."""
    words = catalog(lang)
    items = []
    for other, address in versions:
        name = e(autonym(other))
        if other == lang:
            items.append(f'<li><strong lang="{e(other)}" aria-current="page">{name}</strong></li>')
        else:
            there = link(relative(url, address), autonym(other), lang=other, hreflang=other)
            items.append(f"<li>{there}{(notes or {}).get(other, '')}</li>")
    return (
        f'<nav class="or-languages" aria-label="{e(words.t("languages"))}">'
        f'<span class="or-languages__lead">{e(words.t("languages.lead"))}</span> '
        f"<ul>{''.join(items)}</ul></nav>"
    )


def index_alternates(site: Site, address: str) -> list[dict[str, str]]:
    """Return the hreflang alternates of a page every language has ('' or 'decisions/')."""
    languages = site.config.openrecord.site_languages
    if len(languages) < 2:
        return []
    versions = [
        (lang, address if index == 0 else f"{lang}/{address}")
        for index, lang in enumerate(languages)
    ]
    versions.append(("x-default", address))
    return [{"lang": lang, "href": e(_address(site.config, url))} for lang, url in versions]


def missing_languages(site: Site, record: Record) -> list[str]:
    """Return the site's languages a record has no published translation into."""
    have = {translation.lang for translation in site.translations.get(record.id, ())}
    return [lang for lang in site.config.openrecord.translations if lang not in have]


def propose_translation(site: Site, record: Record, lang: str, words: Catalog) -> str:
    """Return "Propose a translation": GitHub's new-file page, prefilled with the record's text.

    The first line of the body is a placeholder, so that the text saved untranslated is
    refused by the check.
    """
    name = autonym(lang)
    text = (
        "---\n"
        f"title: {json.dumps(record.meta.title, ensure_ascii=False)}\n"
        f"summary: {json.dumps(record.meta.summary, ensure_ascii=False)}\n"
        "---\n\n"
        f"{SOURCE.t('propose.placeholder', language=name, placeholder=PLACEHOLDER)}\n\n"
        f"{record.body.strip()}\n"
    )
    url = site.config.new_file_url(
        f"content/{record.type.folder}", f"{record.slug}.{lang}.md", text
    )
    if url is None:
        return ""
    return link(url, words.t("action.propose-translation", language=name), "md-button")


def lag_banner(site: Site, history: History, translation: Translation, url: str) -> str:
    """Return the banner of a translation behind its record ('' when it is not behind)."""
    lag = lag_of(history, translation)
    latest = lag.latest
    if latest is None or (not lag.behind and lag.followed is not None):
        return ""
    # The banner's sentence, its dates and the language's name, all in one language.
    words = catalog(translation.lang).speaking("translation.behind")
    language = words.language(site.config.openrecord.lang)
    values = {
        "language": language,
        "latest": latest.number,
        "latest_date": format_date(latest.date, words),
    }
    if lag.followed is None:
        if not history.available:
            return ""
        text = words.t("translation.behind.unknown", **values)
        see = link(
            relative(url, f"{translation.record_id}/history/"), words.t("action.view-history")
        )
    else:
        values |= {
            "followed": lag.followed.number,
            "followed_date": format_date(lag.followed.date, words),
        }
        text = words.t("translation.behind", **values)
        target = changes_since_url(translation.record_id, lag.followed.number, latest.number)
        see = link(relative(url, target), words.t("translation.see-changes"))
    return block(
        f'<div class="admonition warning or-banner or-lag" role="note" lang="{e(words.lang)}">',
        f'<p class="admonition-title">{e(words.t("translation.behind.title", language=language))}'
        "</p>",
        f"<p>{e(text)} {see}.</p>",
        "</div>",
    )


def render_changes_since(tree: DocsTree, site: Site, history: History) -> None:
    """Write, for each translation behind its record, the page of what it has yet to take in."""
    wanted: set[tuple[str, int, int]] = set()
    for translations in site.translations.values():
        for translation in translations:
            lag = lag_of(history, translation)
            if lag.behind and lag.followed is not None and lag.latest is not None:
                wanted.add((translation.record_id, lag.followed.number, lag.latest.number))
    words = catalog(site.config.openrecord.lang)
    language = words.language(site.config.openrecord.lang)
    for record_id, old, new in sorted(wanted):
        revisions = history.of(record_id)
        before, after = revisions[old - 1], revisions[new - 1]
        was, now = parse_version(before.text), parse_version(after.text)
        url = changes_since_url(record_id, old, new)
        changes = render_field_changes(field_changes(was, now))
        if body_changed(was, now):
            changes += render_body_diff(was, now)
        title = words.t("changes-since.title", old=old, new=new)
        record = site.by_id[record_id]
        lead = words.t(
            "changes-since.lead",
            language=language,
            old=old,
            new=new,
            old_date=format_date(before.date, words),
            new_date=format_date(after.date, words),
        )
        versions = " · ".join(
            [
                link(relative(url, f"{record_id}/v{old}/"), f"v{old}"),
                link(relative(url, f"{record_id}/v{new}/"), f"v{new}"),
                link(relative(url, record.url), record.meta.title),
            ]
        )
        body = block(
            h1(f"{record.meta.title}: {title}"),
            f'<p class="or-lead">{e(lead)}</p>',
            f"<p>{versions}</p>",
        ) + (changes or "<p>No visible change to the text.</p>")
        tree.add(
            url,
            {
                "title": e(f"{record.meta.title}: {title}"),
                "robots": "noindex",
                "light": True,
            },
            raw_html(body),
            f"changes of {record_id} from version {old} to {new}",
        )
