"""How a resource reads in a list, on its page and under a lesson: its texts in the reader's language (else
another, marked), the names of its kind, languages and topics, and its file's format and size."""
from dataclasses import dataclass
from math import ceil

from babel.core import UnknownLocaleError
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import language_name, pick
from ..topics import topic_name
from .files import BY_CONTENT_TYPE
from .models import ResourceKind, ResourceStatus

KIND_NAMES = {
    ResourceKind.GUIDE: _l("Guide"),
    ResourceKind.TOOLKIT: _l("Toolkit"),
    ResourceKind.RESEARCH: _l("Research"),
    ResourceKind.VIDEO: _l("Video"),
    ResourceKind.POLICY_BRIEF: _l("Policy brief"),
    ResourceKind.ARTICLE: _l("Article"),
    ResourceKind.CURRICULUM: _l("Curriculum"),
    ResourceKind.OTHER: _l("Other"),
}
STATUS_NAMES = {
    ResourceStatus.SUGGESTED: _l("Waiting for review"),
    ResourceStatus.PUBLISHED: _l("Published"),
    ResourceStatus.DECLINED: _l("Declined"),
    ResourceStatus.RETIRED: _l("Retired"),
}


def kind_name(value):
    try:
        return str(KIND_NAMES[ResourceKind(value)])
    except ValueError:
        return value


def language_label(code, locale):
    """A language's name as the reader writes it ("inglés"); the code itself when Babel does not know it."""
    try:
        return language_name(code, locale) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code


def size_label(size):
    """A file size as a reader on a metered connection thinks of it: "240 KB", "3.4 MB"."""
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, ceil(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


@dataclass
class Card:
    """One resource as a reader sees it. A title or summary in another language than the reader's carries that
    language's code (title_lang, summary_lang) for the lang attribute."""

    resource: object
    locale: str
    title: str
    title_lang: str
    summary: object  # SafeHTML, or None
    summary_lang: str
    low_data_bytes: int

    @property
    def kind(self):
        return kind_name(self.resource.kind)

    @property
    def status(self):
        return str(STATUS_NAMES[self.resource.status])

    @property
    def is_file(self):
        return self.resource.stored_name is not None

    @property
    def format(self):
        """"PDF", "Word"…, or None for a link."""
        found = BY_CONTENT_TYPE.get(self.resource.content_type)
        return found.label if found and self.is_file else None

    @property
    def file_facts(self):
        """"PDF, 240 KB" for a file, None for a link."""
        if not self.is_file or self.resource.file_size is None:
            return None
        return _("%(format)s, %(size)s", format=self.format or _("File"), size=size_label(self.resource.file_size))

    @property
    def low_data(self):
        size = self.resource.file_size
        return self.is_file and size is not None and size <= self.low_data_bytes

    @property
    def host(self):
        """The site a link leads to, shown beside it."""
        from urllib.parse import urlsplit
        return (urlsplit(self.resource.url).hostname or "").removeprefix("www.") if self.resource.url else ""

    @property
    def languages(self):
        return [(code, language_label(code, self.locale)) for code in self.resource.language_codes]

    @property
    def topics(self):
        return [(value, topic_name(value)) for value in self.resource.topic_values]

    @property
    def region(self):
        return self.resource.region.name if self.resource.region else _("Global")


def card(resource, locale, low_data_bytes):
    title_lang, title = pick(resource.title or {}, locale)
    summary_lang, summary = pick(resource.summary_html or {}, locale)
    return Card(resource, locale, title or resource.slug, title_lang, summary, summary_lang, low_data_bytes)


def cards(resources, locale, low_data_bytes):
    return [card(resource, locale, low_data_bytes) for resource in resources]


@dataclass
class Option:
    value: str
    label: str
    count: int
    current: bool


@dataclass
class Facet:
    name: str  # the query-string key
    label: str
    everything: str  # the link that drops this filter ("Any topic")
    options: list


def facets(filters, counts, locale, regions):
    """The list's filters as groups of plain links: every choice that would show something (and the current one,
    even when it would not), each with how many it would show."""
    from ..topics import TOPIC_NAMES
    from .service import GLOBAL
    names = {
        "topic": {topic.value: str(name) for topic, name in TOPIC_NAMES.items()},
        "language": {code: language_label(code, locale) for code in {*counts["language"], filters.language} if code},
        "region": {GLOBAL: _("Global"), **{region.slug: region.name for region in regions}},
        "kind": {kind.value: str(name) for kind, name in KIND_NAMES.items()},
    }
    labels = {"topic": (_("Topic"), _("Any topic")), "language": (_("Language"), _("Any language")),
              "region": (_("Region"), _("Any region")), "kind": (_("Kind"), _("Any kind"))}
    result = []
    for name, known in names.items():
        current = getattr(filters, name)
        options = [Option(value, label, counts[name].get(value, 0), value == current)
                   for value, label in known.items() if counts[name].get(value) or value == current]
        if name == "language":
            options.sort(key=lambda option: option.label.casefold())
        result.append(Facet(name, *labels[name], options))
    return result
