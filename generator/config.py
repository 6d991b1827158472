"""Read the site settings from mkdocs.yml: the part openrecord uses, and the rest for the engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from generator.errors import ConfigError


class OpenRecordSettings(BaseModel):
    """Settings under ``extra.openrecord`` in mkdocs.yml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lang: str = Field(
        "en", description="The source language: the language records are written in (BCP 47)."
    )
    languages: tuple[str, ...] = Field(
        (),
        description="Every language the site is published in, the source language first "
        "(such as [en, gd]); a record's translation into another is <slug>.<lang>.md.",
    )
    licence_name: str = Field(
        "Open Government Licence v3.0", description="Licence of the content and open data."
    )
    licence_url: str = Field(
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        description="Address of the licence text.",
    )
    feed_items: int = Field(50, ge=1, le=1000, description="Newest items kept in each feed.")
    page_size: int = Field(50, ge=5, le=1000, description="Records per page on index pages.")
    asset_max_kb: int = Field(
        5 * 1024, ge=1, le=1024 * 1024, description="Largest image or attachment, in KB."
    )
    branch: str = Field(
        "main",
        description="The published branch, whose first-parent line is the history of the record.",
    )
    publisher: str | None = Field(None, description="Who publishes the record, for feeds.")
    merge_buttons: tuple[Literal["merge", "squash", "rebase"], ...] = Field(
        ("merge", "squash", "rebase"),
        min_length=1,
        description="The merge buttons the repository allows on GitHub: `check --changes` "
        "refuses a pull request that any of them would publish against the rules.",
    )
    rules_from: str | None = Field(
        None,
        description="A commit: the history up to it is published as it is, and the "
        "pull-request and accepted-decision rules apply only to changes after it (for a "
        "record whose history was imported).",
    )

    @field_validator("languages")
    @classmethod
    def _language_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Accept BCP 47 tags, lowercase (they name folders and files), each once."""
        for tag in value:
            if not _TAG.match(tag):
                raise ValueError(
                    f"'{tag}' is not a language tag; write lowercase BCP 47 tags such as gd or cy"
                )
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice; list each once")
        return value

    @model_validator(mode="after")
    def _source_listed(self) -> OpenRecordSettings:
        """Refuse a list of languages without the source language in it."""
        if self.languages and self.lang not in self.languages:
            raise ValueError(
                f"languages lists {', '.join(self.languages)} but not the source language "
                f"'{self.lang}' (lang); put it first, as in [{self.lang}, {self.languages[0]}]"
            )
        return self

    @property
    def site_languages(self) -> tuple[str, ...]:
        """Return the site's languages, the source language first."""
        return (self.lang, *(tag for tag in self.languages if tag != self.lang))

    @property
    def translations(self) -> tuple[str, ...]:
        """Return the languages records may be translated into (all but the source)."""
        return self.site_languages[1:]


#: A lowercase BCP 47 tag: gd, cy, pt-br.
_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


class SiteConfig(BaseModel):
    """The settings openrecord reads; everything else in mkdocs.yml goes to the engine as is."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    site_name: str
    site_url: str | None = None
    site_description: str | None = None
    repo_url: str | None = None
    edit_uri: str | None = None
    copyright: str | None = None
    openrecord: OpenRecordSettings = OpenRecordSettings()
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @field_validator("site_url", "repo_url")
    @classmethod
    def _absolute_http(cls, value: str | None) -> str | None:
        """Accept only absolute http(s) addresses, kept without a trailing slash."""
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) address such as https://example.org/")
        return value.rstrip("/")

    @property
    def base_path(self) -> str:
        """Return the path the site is served under, such as '/' or '/openrecord/'."""
        path = urlsplit(self.site_url).path if self.site_url else ""
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    def absolute(self, url: str) -> str:
        """Return an absolute address for a site-relative one; needs site_url."""
        if not self.site_url:
            raise ConfigError(
                "site_url is not set in mkdocs.yml; feeds and open data need "
                "absolute addresses, so set it to where the site is published"
            )
        return f"{self.site_url}/{url.lstrip('/')}"

    @property
    def branch(self) -> str:
        """Return the published branch."""
        return self.openrecord.branch

    def new_file_url(self, folder: str, filename: str, text: str) -> str | None:
        """Return the web address that proposes a new file, prefilled, when the repo is known."""
        if not self.repo_url or self.edit_uri is None:
            return None
        parts = self.edit_uri.strip("/").split("/")
        branch = parts[1] if len(parts) >= 2 and parts[0] in ("edit", "blob") else self.branch
        query = urlencode({"filename": filename, "value": text})
        return f"{self.repo_url}/new/{branch}/{folder}?{query}"

    def edit_url(self, path: str) -> str | None:
        """Return the web address that proposes a change to a file, when the repo is known."""
        if not self.repo_url or self.edit_uri is None:
            return None
        return f"{self.repo_url}/{self.edit_uri.strip('/')}/{path}"


#: Engine settings a pull request could use to run code or read files on the build machine.
_REFUSED_SETTINGS = {
    "hooks": "hooks run Python code on the build machine during every build",
    "INHERIT": "openrecord reads one settings file, so the site builds the same everywhere",
}


def load_config(path: Path) -> SiteConfig:
    """Read mkdocs.yml, refusing settings openrecord cannot use."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path.name}: not found; run openrecord in the site's folder") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}:1: must be a mapping of settings")
    for key, why in _REFUSED_SETTINGS.items():
        if key in raw:
            raise ConfigError(f"{path.name}: '{key}' is not allowed: {why}; remove it")
    extra = raw.get("extra") or {}
    values = {key: raw.get(key) for key in SiteConfig.model_fields if key in raw}
    values["openrecord"] = extra.get("openrecord") or {}
    try:
        return SiteConfig(**values, raw=raw)
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ConfigError(f"{path.name}: {details}") from None
