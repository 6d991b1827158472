"""Small HTML fragments for generated pages; every value from content is escaped here.

Generated pages are Markdown files whose structure is raw HTML written by
openrecord itself. Python-Markdown leaves an HTML block alone, so a value
escaped here reaches the reader as text, whatever it contains.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from html import escape

from generator.catalog import ENGLISH, Catalog

#: The catalog of pages in English, the strings every page had before it had languages.
SOURCE = Catalog("en")

_SPECIAL = re.compile("[&<>\"']")


def e(value: object) -> str:
    """Return a value as HTML text, safe in element content and quoted attributes."""
    text = value if isinstance(value, str) else str(value)
    return escape(text, quote=True) if _SPECIAL.search(text) else text


def relative(from_url: str, to_url: str) -> str:
    """Return the link from one site-relative directory URL to another ('' is the home page)."""
    if "#" in to_url:
        to_url, anchor = to_url.split("#", 1)
        return relative(from_url, to_url) + "#" + anchor
    here = [part for part in from_url.split("/") if part]
    there = [part for part in to_url.split("/") if part]
    common = 0
    for mine, theirs in zip(here, there, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    link = "/".join(parts)
    if not link:
        return "./"
    return link + "/" if to_url == "" or to_url.endswith("/") else link


def format_date(value: datetime.date | datetime.datetime, words: Catalog = SOURCE) -> str:
    """Return a date as people read it: 3 Mar 2014 (in the language of words)."""
    month = words.t(f"month.{value.month}")
    return words.t("date", day=value.day, month=month, year=f"{value.year:04d}")


def time_tag(value: datetime.date | datetime.datetime, words: Catalog = SOURCE) -> str:
    """Return a <time> element for a date."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return f'<time datetime="{day.isoformat()}">{format_date(day, words)}</time>'


def link(href: str, text: str, css: str | None = None, **attributes: str) -> str:
    """Return an <a> element with escaped text and attributes."""
    extra = "".join(f' {name.replace("_", "-")}="{e(value)}"' for name, value in attributes.items())
    cls = f' class="{e(css)}"' if css else ""
    return f'<a href="{e(href)}"{cls}{extra}>{e(text)}</a>'


def status_badge(status: str, words: Catalog = SOURCE) -> str:
    """Return a status badge that says its status in words, not by colour alone."""
    key = f"status.{status}"
    name = words.h(key) if key in ENGLISH else e(status)
    return (
        f'<span class="or-status or-status--{e(status)}">'
        f'<span class="or-visually-hidden">{words.h("status")}</span>{name}</span>'
    )


def block(*lines: str) -> str:
    """Join HTML lines into one raw block with no blank line inside it."""
    return "\n".join(line for line in lines if line) + "\n"


def bullet_list(items: Iterable[str], css: str = "") -> str:
    """Return a <ul> of already-built HTML items, or '' when there are none."""
    rows = [f"<li>{item}</li>" for item in items]
    if not rows:
        return ""
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(rows) + "</ul>"


def label_of(field_name: str) -> str:
    """Return a front matter key as a label: decided_by -> Decided by."""
    return field_name.replace("_", " ").capitalize()


def print_reference(address: str, version: str) -> str:
    """Return the line printed (never shown on screen) above a record: its address and version."""
    return (
        f'<p class="or-print-only">Address: <span class="or-print-only__url">{e(address)}</span>'
        f"<br>{e(version)}</p>"
    )


def h1(title: str) -> str:
    """Return a page's one <h1>, escaped."""
    return f'<h1 id="title">{e(title)}</h1>'
