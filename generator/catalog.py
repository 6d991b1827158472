"""The message catalog: every interface string openrecord writes, in each language.

English is complete and is the list of keys. Another language's catalog gives what it
has, each string saying whether a fluent speaker has checked it: a wrong translation in
a public record is worse than none, so no string is marked checked unless a fluent
speaker has read it, and a key a catalog lacks is shown in English. The theme's own
strings (its header, search, footer) are in theme/partials/languages/<lang>.html, in
the form the theme documents.

To check a string: a fluent speaker reads it in context on a built page, corrects it if
need be, and sets ``checked=True`` in the same pull request.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Message:
    """One translated string, and whether a fluent speaker has checked it."""

    text: str
    checked: bool = False


ENGLISH: dict[str, str] = {
    # Names of the languages, as the switcher shows them (each in its own language).
    "language.en": "English",
    "language.gd": "Gàidhlig",
    "language.cy": "Cymraeg",
    # Record types.
    "type.workshop": "Workshop",
    "type.intention": "Intention",
    "type.decision": "Decision",
    "types.workshop": "Workshops",
    "types.intention": "Intentions",
    "types.decision": "Decisions",
    "this.workshop": "this workshop",
    "this.intention": "this intention",
    "this.decision": "this decision",
    # Statuses, as badges and list headings show them.
    "status": "Status: ",
    "status.planned": "planned",
    "status.held": "held",
    "status.reported": "reported",
    "status.proposed": "proposed",
    "status.adopted": "adopted",
    "status.in-progress": "in-progress",
    "status.achieved": "achieved",
    "status.retired": "retired",
    "status.accepted": "accepted",
    "status.rejected": "rejected",
    "status.superseded": "superseded",
    "status.withdrawn": "withdrawn",
    # Dates: "3 Mar 2014".
    "date": "{day} {month} {year}",
    "month.1": "Jan",
    "month.2": "Feb",
    "month.3": "Mar",
    "month.4": "Apr",
    "month.5": "May",
    "month.6": "Jun",
    "month.7": "Jul",
    "month.8": "Aug",
    "month.9": "Sep",
    "month.10": "Oct",
    "month.11": "Nov",
    "month.12": "Dec",
    "date.not-recorded": "date not recorded",
    "date.workshop": "Held on",
    "date.intention": "Agreed on",
    "date.decision": "Decided on",
    # A record's facts.
    "field.organisers": "Organisers",
    "field.participants": "Participants",
    "field.location": "Location",
    "field.format": "Format",
    "field.facilitators": "Facilitators",
    "field.owner": "Owner",
    "field.progress": "Progress",
    "field.review_date": "Review date",
    "field.decided_by": "Decided by",
    "field.consulted": "Consulted",
    "field.informed": "Informed",
    "field.topics": "Topics",
    "participants.about": "about {count}",
    "progress.not-started": "not started",
    "progress.limited": "limited",
    "progress.substantial": "substantial",
    "progress.complete": "complete",
    "progress": "Progress: {progress}",
    "review": "review {date}",
    "review.overdue": "review overdue",
    # How records relate, seen from each end.
    "related": "Related records",
    "relation.produced": "Intentions it produced",
    "relation.from": "Came from workshop",
    "relation.serves": "Intentions it serves",
    "relation.served-by": "Decisions that serve it",
    "relation.evidence": "Evidence from workshop",
    "relation.evidence-for": "Decisions drawing on it",
    "relation.supersedes": "Supersedes",
    "relation.superseded-by": "Superseded by",
    "themes": "Themes heard",
    # A record's history, as its page and its past versions show it.
    "history.unpublished": "Unpublished changes:",
    "history.unpublished.lead": "this preview includes edits that are not committed yet.",
    "history.none": "Version history: {note}.",
    "history.not-available": "history not available",
    "history.not-published": "not yet published",
    "history.superseded-by": "superseded by {link}",
    "history.line": "First published {first} · last updated {last} · version {count} · {all}",
    "history.all": "See all {count} versions",
    "history.one": "See its history",
    "history.timeline": "Status history:",
    "history.count.one": "1 version",
    "history.count": "{count} versions, newest first",
    "history.range": "Versions {first} to {last} of {count}, newest first",
    "history.title": "History of “{title}”",
    "history.lead": "{what}. Each links to the record as it was.",
    "history.page-title": "History: {label}",
    "history.page-range": "{title} (versions {first} to {last})",
    "history.description": "Every version of {title}",
    "history.newer": "Newer versions",
    "history.older": "Older versions",
    "history.pages": "Pages of the history",
    "history.earlier": "Earlier versions",
    "history.earlier.lead": "Earlier versions: {links}",
    "history.view": "View version {number}",
    "history.renamed": "Renamed from {old}; the old address redirects here.",
    "history.version": "Version {number}",
    "history.pull-request": "pull request {link}",
    "history.kind.major": "major change",
    "history.kind.minor": "minor change",
    "history.kind.unchanged": "no visible change",
    "history.withdrawn-change": "The record was withdrawn: its file was removed.",
    "history.first": "First published.",
    "history.unchanged": "No visible change: the text and its details read as before (a "
    "change of line endings or spacing, or the file saved again).",
    "history.no-text-change": "No visible change to the text.",
    "history.to-diff": "See what changed in the text",
    # The pages explaining the feeds, the open data and the search.
    "data": "Open data",
    "data.description": "The record as reusable data.",
    "data.lead": "Everything on this site is also published as data, for anyone to reuse: "
    "journalists, researchers, civic technologists and other public bodies. The addresses "
    "below are stable.",
    "data.files": "The files",
    "data.records.json": "Every published record: its fields, status, dates, topics, the "
    "records it names and those naming it, and where to read and follow it.",
    "data.records.csv": "The same, one row per record, for spreadsheets (UTF-8, lists joined "
    "with “; ”; cells that a spreadsheet would run as a formula start with an apostrophe).",
    "data.record.json": "One record with every published version: date, author and "
    "co-authors, pull request, change note, kind (major, minor, or unchanged: no visible "
    "change), the id it was renamed from, and status at that version.",
    "data.type.schema": "The JSON Schema of each record type's fields (workshop, intention, "
    "decision), generated from the same declaration the site is checked with.",
    "data.records.schema": "The JSON Schema of records.json.",
    "data.record.schema": "The JSON Schema of each records/TYPE/SLUG.json file.",
    "data.manifest": "Every address the site has published; addresses never disappear.",
    "data.schema": "{type} schema",
    "data.schemas": "Schemas: {links}.",
    "data.example": "An example record",
    "data.licence": "Licence",
    "data.licence.lead": "The records and the data are published under the {licence}. You may "
    "copy, publish and adapt them; please say where they came from.",
    "data.feeds": "Data and feeds",
    "data.feeds.lead": "The data files hold the current state of every record. To be told "
    "when something changes, follow a {feed}: each feed item names the record and version, "
    "which you can then fetch from {file}.",
    "data.feed": "feed",
    "feeds": "Feeds",
    "feeds.description": "Follow the record in a feed reader.",
    "feeds.lead": "A feed is a web address that a feed reader checks for you: add one to your "
    "reader and you are told each time a record is published, changed or moves to a new "
    "status. Small corrections marked as minor are not sent.",
    "feeds.formats": "Every feed comes in three formats with the same items: Atom and RSS (for "
    "almost every feed reader) and JSON Feed. {opml}: most readers can import this file.",
    "feeds.opml": "Subscribe to every feed at once (OPML)",
    "feeds.items.one": "1 recent item",
    "feeds.items": "{count} recent items",
    "feeds.group.all": "Everything",
    "feeds.group.type": "By type",
    "feeds.group.status": "By status",
    "feeds.group.topic": "By topic",
    "feeds.group.record": "By record",
    "feeds.group.lang": "In other languages",
    "search": "Search",
    "search.lead": "Search every current record and page. Filter by type, status and topic; "
    "the address of this page keeps the search, to link to it.",
    "topics": "Topics",
    "topics.none": "No topics yet.",
    "topics.follow": "the topic {topic}",
    # How records connect: the drawings and the map.
    "count.workshop.one": "{count} workshop",
    "count.workshop": "{count} workshops",
    "count.intention.one": "{count} intention",
    "count.intention": "{count} intentions",
    "count.decision.one": "{count} decision",
    "count.decision": "{count} decisions",
    "count.record.one": "{count} record",
    "count.record": "{count} records",
    "count.link.one": "{count} link",
    "count.link": "{count} links",
    "verb.produced": "produced",
    "verb.led-to": "led to",
    "verb.informed": "informed",
    "verb.superseded-by": "superseded by",
    "sentence.superseded-by": "was superseded by",
    "drawing.box": "{type}: {title} ({status})",
    "drawing.box.current": "{box}, this record",
    "drawing.heading": "{type} · {status}",
    "drawing.current": "◆ This record",
    "drawing.description": "A diagram of {scope}, read from left to right: {counts} and {links}.",
    "drawing.this": "This record is the {name}.",
    "drawing.sentence": "The {earlier} {verb} the {later}.",
    "drawing.list": "The list below has the same records and links.",
    "drawing.name": "{type} “{title}”",
    "provenance": "Where this came from and where it led",
    "provenance.title": "Where this {type} came from and where it led",
    "provenance.scope": "this {type} and the records it is connected to",
    "provenance.scope.nearest": "this {type} and the {shown} records nearest to it of the "
    "{connected} it is connected to",
    "provenance.direct": "The records linked to it directly are under Related records.",
    "provenance.up": "Came from, further back",
    "provenance.down": "Led to, further on",
    "map": "Map of the record",
    "map.description": "How workshops, intentions and decisions connect.",
    "map.lead": "How workshops led to intentions and intentions to decisions, topic by topic. "
    "Each diagram has a page of its own, with a list of the same links below it; none draws "
    "more than {limit} records.",
    "map.untagged": "Records without a topic",
    "map.size": "{records}, {links}",
    "map.size.chains": "{records} in {chains} chains, {links}",
    "map.piece": "{group}, diagram {number} of {count}",
    "map.diagram": "Diagram {number}",
    "map.diagram-of": "Diagram of {group}",
    "map.from": "from {type} {title}",
    "map.in-diagrams": "{summary}, in {count} diagrams.",
    "map.group.title": "Map: {name}",
    "map.group.description": "How the records of {group} connect.",
    "map.group.lead": "{count} records, drawn in {diagrams} diagrams of at most {limit} records.",
    "map.back": "Back to the map",
    "map.previous": "Previous diagram",
    "map.next": "Next diagram",
    "map.elsewhere": "(in another diagram)",
    "map.scope": "{size} of {group}",
    "changes": "Changes",
    "changes.lead": "Every published change to the record, newest first, grouped by the pull "
    "request that made it.",
    "changes.newer": "Newer changes",
    "changes.older": "Older changes",
    "changes.none": "No changes yet.",
    "changes.version": "version {number}, {kind}",
    "changes.withdrawn": "withdrawn",
    "kind.major": "major",
    "kind.minor": "minor",
    "kind.unchanged": "no visible change",
    "withdrawn": "Withdrawn",
    "withdrawn.title": "{title} (withdrawn)",
    "withdrawn.lead": "This record was withdrawn on {date}: {subject}",
    "withdrawn.lead.pull": "This record was withdrawn on {date} by pull request {link}: {subject}",
    "withdrawn.see": "{history} and {last}.",
    "withdrawn.history": "See its history",
    "withdrawn.last": "its last version",
    "version.of": "Version {number} of {total}, {date}",
    "version.not-current": "This is not the current version.",
    "version.current": "This is the current version.",
    "version.see-current": "See the current version",
    "version.read-on-record": "Read it on the record page",
    "version.same-text": "Version {number} changed the details of the record, not its text: "
    "its text is word for word that of version {holder}.",
    "version.text-there": "Read the text of version {number}",
    "version.all": "all versions",
    "version.changes": "What changed in version {number}",
    "version.in-history": "See it in the history",
    "version.removed": "Parts of this version were removed when it was published",
    "version.removed.more": "and {count} more",
    "version.title": "{title} (version {number})",
    "report.title": "Problem on {address}",
    "print.not-published": "Not yet published",
    "print.not-available": "Version history not available",
    "print.unpublished": "{version}, with unpublished changes",
    # The navigation (the engine's menu, in the source language on every page).
    "nav.home": "Home",
    "nav.map": "Map",
    # The first line of a proposed translation, which the check refuses until it is deleted.
    "propose.placeholder": "Translate the title, the summary and the text below into "
    "{language}, then delete this line {placeholder}",
    # Buttons and links.
    "actions.record": "Record actions",
    "actions.page": "Page actions",
    "action.propose-change": "Propose a change",
    "action.view-history": "View history",
    "action.propose-translation": "Propose a translation into {language}",
    "action.propose-new": "Propose a new {type}",
    # Following a page in a feed reader.
    "follow": "Follow {what}",
    "follow.lead": "A feed tells your feed reader (or email service) each time this changes, "
    "so you do not have to check.",
    "follow.how": "What feeds are and how to use them",
    # Lists.
    "list.none": "None yet.",
    "list.none-of-type": "No records of this type yet.",
    "home.latest": "Latest records",
    "home.browse": "Browse",
    "home.in-source": "Every record in {language}",
    "home.topics": "Topics",
    "home.map": "Map of how records connect",
    "home.changes": "All changes",
    "home.propose": "Propose a new record",
    "home.contribute": "Contribute",
    "home.contribute.lead": "Anyone can propose a new record or a change to one.",
    "home.contribute.read": "Read how to contribute",
    "pager": "Pages",
    "pager.previous": "Previous page",
    "pager.next": "Next page",
    "pager.of": "Page {number} of {total}",
    "list.page": "{title} (page {number})",
    # Languages and translations.
    "languages": "Languages",
    "languages.lead": "Read this in:",
    "translation.not-yet": "not yet translated",
    "translation.behind.title": "This translation is behind the {language} record",
    "translation.behind": "This translation follows version {followed} of the {language} "
    "record ({followed_date}). The {language} record has changed since: version {latest}, "
    "{latest_date}.",
    "translation.behind.unknown": "This translation does not say which version of the "
    "{language} record it follows. The {language} record is at version {latest}, "
    "{latest_date}.",
    "translation.see-changes": "See what changed",
    "translation.switcher-behind": "translation of version {followed}; the record is at "
    "version {latest}",
    "translation.read-source": "Read the {language} record",
    "translation.follows": "Translation of version {followed} of the {language} record",
    "translation.unpublished": "not yet published",
    "translation.unchecked": "The interface text of this page in {language} has not yet been "
    "checked by a fluent speaker.",
    "changes-since.title": "What changed from version {old} to version {new}",
    "changes-since.lead": "Everything that changed in the {language} record between version "
    "{old} ({old_date}) and version {new} ({new_date}), the changes a translation following "
    "version {old} has yet to take in.",
    "changes-since.versions": "See version {old} and version {new}",
    # Feeds.
    "feed.all": "{site}: everything",
    "feed.all.description": "Every record published, changed or moved to a new status.",
    "feed.type": "{site}: {types}",
    "feed.type.description": "Every {type} published, changed or moved to a new status.",
    "feed.status": "{site}: {types} {status}",
    "feed.status.description": "Each {type} as it becomes {status}.",
    "feed.topic": "{site}: {topic}",
    "feed.topic.description": "Records about {topic}: {description}",
    "feed.record.source-description": "Every change to the {type} “{title}”.",
    "feed.translations": "{site}: everything in {language}",
    "feed.translations.description": "Each record's translation into {language}, as it is "
    "published or brought up to date.",
    "feed.record": "{site}: {title}",
    "feed.record.description": "Every change to the translation of “{title}” into {language}.",
    "feed.item.translated": "{type} translated: {title}",
    "feed.item.translation-changed": "Translation updated: {title}",
    "feed.opml": "{site}: all feeds",
}

#: Gàidhlig (Scottish Gaelic). None of these has been checked by a fluent speaker yet.
GAELIC: dict[str, Message] = {
    "language.en": Message("Beurla"),
    "language.gd": Message("Gàidhlig"),
    "type.workshop": Message("Bùth-obrach"),
    "type.intention": Message("Rùn"),
    "type.decision": Message("Co-dhùnadh"),
    "types.workshop": Message("Bùithtean-obrach"),
    "types.intention": Message("Rùintean"),
    "types.decision": Message("Co-dhùnaidhean"),
    "status": Message("Inbhe: "),
    "status.proposed": Message("air a mholadh"),
    "status.accepted": Message("air a ghabhail ris"),
    "status.rejected": Message("air a dhiùltadh"),
    "status.withdrawn": Message("air a tharraing air ais"),
    "month.1": Message("Faoi"),
    "month.2": Message("Gearr"),
    "month.3": Message("Màrt"),
    "month.4": Message("Gibl"),
    "month.5": Message("Cèit"),
    "month.6": Message("Ògmh"),
    "month.7": Message("Iuch"),
    "month.8": Message("Lùna"),
    "month.9": Message("Sult"),
    "month.10": Message("Dàmh"),
    "month.11": Message("Samh"),
    "month.12": Message("Dùbh"),
    "date.not-recorded": Message("cha deach an ceann-latha a chlàradh"),
    "field.topics": Message("Cuspairean"),
    "related": Message("Clàran co-cheangailte"),
    "action.propose-change": Message("Mol atharrachadh"),
    "action.view-history": Message("Seall an eachdraidh"),
    "list.none": Message("Chan eil gin ann fhathast."),
    "pager.previous": Message("An duilleag roimhe"),
    "pager.next": Message("An ath-dhuilleag"),
    "pager.of": Message("Duilleag {number} de {total}"),
    "home.latest": Message("Na clàran as ùire"),
    "home.browse": Message("Brabhsaich"),
    "languages": Message("Cànanan"),
    "languages.lead": Message("Leugh seo ann an:"),
    "translation.not-yet": Message("gun eadar-theangachadh fhathast"),
    "translation.see-changes": Message("Seall na dh'atharraich"),
    "this.workshop": Message("a' bhùth-obrach seo"),
    "this.intention": Message("an rùn seo"),
    "this.decision": Message("an co-dhùnadh seo"),
    "follow": Message("Lean {what}"),
    "date.decision": Message("Co-dhùnaichte air"),
    "relation.serves": Message("Rùintean a tha e a' frithealadh"),
    "list.none-of-type": Message("Chan eil clàr dhen t-seòrsa seo ann fhathast."),
    "home.in-source": Message("A h-uile clàr ({language})"),
    "actions.record": Message("Gnìomhan a' chlàir"),
    "translation.behind.title": Message(
        "Tha an t-eadar-theangachadh seo air dheireadh air a' chlàr ({language})"
    ),
    "translation.behind": Message(
        "Tha an t-eadar-theangachadh seo a' leantainn tionndadh {followed} den chlàr "
        "({language}, {followed_date}). Chaidh an clàr atharrachadh on uair sin: tionndadh "
        "{latest}, {latest_date}."
    ),
    "translation.read-source": Message("Leugh an clàr ({language})"),
    "translation.follows": Message(
        "Eadar-theangachadh de thionndadh {followed} den chlàr ({language})"
    ),
    "translation.unchecked": Message(
        "Cha deach teacsa eadar-aghaidh na duilleige seo a sgrùdadh le fileantach fhathast."
    ),
    "feed.item.translated": Message("Eadar-theangachadh foillsichte: {title}"),
    "feed.item.translation-changed": Message("Eadar-theangachadh ùraichte: {title}"),
    "feed.all": Message("{site}: a h-uile rud"),
    "feed.translations": Message("{site}: a h-uile rud sa Ghàidhlig"),
}

#: The catalog of each language other than English.
CATALOGS: dict[str, dict[str, Message]] = {"gd": GAELIC}


@dataclass(frozen=True)
class Catalog:
    """The interface strings of one language, English where it has none."""

    lang: str

    def t(self, key: str, **values: object) -> str:
        """Return the string of a key in this language (else English), values filled in."""
        own = CATALOGS.get(self.lang, {}).get(key)
        text = own.text if own is not None else ENGLISH[key]
        return text.format(**values) if values else text

    def h(self, key: str, **values: object) -> str:
        """Return a key's string as HTML text, marked as English where this language lacks it.

        Screen readers then read an English string shown on a page in another language
        with English pronunciation.
        """
        text = escape(self.t(key, **values), quote=True)
        return text if self.has(key) else f'<span lang="en">{text}</span>'

    def html(self, key: str, **values: str) -> str:
        """Return a key's string as HTML, its values given as HTML (links, <time> elements)."""
        text = escape(self.t(key), quote=True)
        return text.format(**values) if values else text

    def speaking(self, key: str) -> Catalog:
        """Return the catalog a key's string comes from: this one, or English."""
        return self if self.has(key) else Catalog("en")

    def has(self, key: str) -> bool:
        """Tell whether this language gives a key itself (English always does)."""
        return self.lang == "en" or key in CATALOGS.get(self.lang, {})

    @property
    def unchecked(self) -> bool:
        """Tell whether any string this language gives has not been checked."""
        return any(not message.checked for message in CATALOGS.get(self.lang, {}).values())

    def language(self, lang: str) -> str:
        """Return a language's name in this language (its tag when the catalog has none)."""
        key = f"language.{lang}"
        return self.t(key) if key in ENGLISH else lang


def catalog(lang: str) -> Catalog:
    """Return the catalog of a language."""
    return Catalog(lang)


def autonym(lang: str) -> str:
    """Return a language's name in that language, as a language switcher shows it."""
    return catalog(lang).language(lang)
