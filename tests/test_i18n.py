"""Every string a person reads is translated, and the reader's language is chosen in a fixed order."""
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from colab.cli import EXTRACT_KEYWORDS
from colab.i18n import LANGUAGES

POSTGRESQL = False  # translations and dates in the reader's language (see conftest.py)

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = parse_keywords(EXTRACT_KEYWORDS)  # what `flask translate extract` looks for, in babel's form
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def extracted_msgids():
    """(context, msgid) of every string `flask translate extract` finds (context None for plain gettext)."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids = set()
    for _, _, message, _, context in extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS):
        ids.add((context, message[0] if isinstance(message, tuple) else message))
    return ids


def test_extraction_knows_every_translation_function_the_code_imports():
    """Each gettext-like function imported from flask_babel (under its own name or an alias such as _l) is one
    the extraction looks for, with its context argument for the p- forms; a string passed to any other name would
    never reach the catalogs."""
    imported = set()
    for path in (ROOT / "colab").rglob("*.py"):
        for names in re.findall(r"from flask_babel import \(?([^)\n]+)", path.read_text(encoding="utf-8")):
            for name in names.split(","):
                original, _, alias = name.strip().partition(" as ")
                if "gettext" in original:
                    imported.add((original, alias or original))
    assert {"pgettext", "npgettext", "lazy_pgettext"} <= set(KEYWORDS)
    assert ("lazy_pgettext", "lazy_pgettext") in imported  # the scan finds what it should
    for original, name in sorted(imported):
        assert name in KEYWORDS, f"{name} ({original}) is not extracted: add it to colab.cli.EXTRACT_KEYWORDS"
        assert ("pgettext" in original) == (KEYWORDS[name] is not None and (1, "c") in KEYWORDS[name]), name
    assert all(KEYWORDS[name][0] == (1, "c") for name in KEYWORDS if "pgettext" in name)


def catalog(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_has_every_string_translated(locale):
    messages = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog(locale) if m.id}
    missing = sorted(extracted_msgids() - set(messages), key=str)
    untranslated = sorted((key for key, m in messages.items()
                           if not (m.string if isinstance(m.string, str) else all(m.string))), key=str)
    fuzzy = sorted((key for key, m in messages.items() if m.fuzzy), key=str)
    assert not missing, f"run `make extract`; not in the {locale} catalog: {missing}"
    assert not untranslated, f"untranslated in {locale}: {untranslated}"
    assert not fuzzy, f"fuzzy in {locale}: {fuzzy}"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_their_placeholders(locale):
    for message in catalog(locale):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set(re.findall(r"%\(\w+\)s", " ".join(ids)))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)s", string)) <= wanted, (message.id, string)


def english_pieces(msgid):
    """The pieces of an English message between its placeholders that hold two words or more."""
    pieces = (piece.strip(" .:,—-") for piece in re.split(r"%\(\w+\)s", msgid))
    return {piece for piece in pieces if len(re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", piece)) >= 2}


def english_ui_fragments(locale):
    """Pieces of English UI text (two words or more) that pages in locale must not contain."""
    fragments = set()
    for message in catalog(locale):
        if not message.id or not isinstance(message.id, str) or message.id == message.string:
            continue
        fragments |= english_pieces(message.id)
    return fragments


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class PageReader(HTMLParser):
    """What a person reads on a page: its text nodes, and the attributes shown on hover or read aloud; never
    scripts, styles or anything inside an element marked lang="en" (a lesson shown in English, "English" in the
    language switcher)."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.texts, self.attributes, self._skipping = [], [], None  # _skipping: [tag, how deep in it]
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        if self._skipping:
            self._skipping[1] += tag == self._skipping[0]
            return
        attrs = dict(attrs)
        if tag not in VOID_ELEMENTS and (tag in ("script", "style") or attrs.get("lang") == "en"):
            self._skipping = [tag, 1]
            return
        self.attributes += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping[0]:
            self._skipping[1] -= 1
            if not self._skipping[1]:
                self._skipping = None

    def handle_data(self, data):
        if not self._skipping:
            self.texts.append(data)


def visible_text(html):
    """The page's text as a person reads it (entities decoded, white space collapsed), outside lang="en" parts."""
    return re.sub(r"\s+", " ", " ".join(PageReader(html).texts))


@cache
def english_texts(locale):
    """(fragments, labels): pieces of two words or more of every English message (plurals too) that the page text
    must not contain, and whole English messages (single words too: "Enrolled", "Admin") that no text node,
    aria-label, title, placeholder or alt may be. A label that is also some message's translation is left out."""
    messages = [m for m in catalog(locale) if m.id]
    translations = {s for m in messages for s in ([m.string] if isinstance(m.string, str) else m.string)}
    fragments, labels = set(english_ui_fragments(locale)), set()
    for message in messages:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if set(ids) <= set(strings):
            continue  # the same in both languages ("Co-Lab", "Organisation")
        for english in ids:
            if "%(" not in english and english not in translations:
                labels.add(english)
            if not isinstance(message.id, str):  # plural forms: english_ui_fragments reads singular messages only
                fragments |= english_pieces(english)
    return frozenset(fragments), frozenset(labels)


def english_leftovers(page, locale):
    """The English interface texts a page in locale still shows (sorted): fragments anywhere in its text, whole
    messages as a text node or as an aria-label, title, placeholder or alt."""
    fragments, labels = english_texts(locale)
    reader = PageReader(page)
    text = re.sub(r"\s+", " ", " ".join(reader.texts))
    found = {fragment for fragment in fragments if fragment in text}
    for node in reader.texts + reader.attributes:
        node = re.sub(r"\s+", " ", node).strip()
        if node in labels:
            found.add(node)
        elif len(node.split()) >= 2 and node not in text:  # an attribute's text is not in the page's text
            found.update(fragment for fragment in fragments if fragment in node)
    return sorted(found)


TRANSLATED_PAGES = ["/", "/courses/", "/courses/listening-basics/", "/courses/listening-basics/why-listen/",
                 "/account", "/account/delete", "/courses/nowhere/", "/communities/", "/communities/circle/",
                 "/communities/circle/agreements", "/communities/circle/moderation", "/communities/circle/members",
                 "/communities/circle/audit", "/notifications/", "/reports/", "/reports/harassment/new",
                 "/communities/circle/threads/new?dialogue=1"]
ANONYMOUS_PAGES = ["/sign-in", "/sign-up", "/password/forgot"]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_main_pages_have_no_english_ui_text(client, content, auth, community_kit, locale):
    pages = {}
    for url in ANONYMOUS_PAGES:
        pages[url] = client.get(url, headers={"Accept-Language": locale}).get_data(as_text=True)
    user_id, _ = auth.as_new_user(locale=locale)
    community_kit.community("circle", region="latin-america")
    community_kit.member(user_id, "circle", role="facilitator")
    thread_id = community_kit.thread(user_id, "circle", dialogue=True, content_note="violencia")
    urls = [*TRANSLATED_PAGES, f"/communities/circle/threads/{thread_id}/"]
    client.post("/courses/listening-basics/why-listen/activities/listening-purpose",
                data={"a-listening-purpose-choice": "0"})
    for url in urls:
        pages[url] = client.get(url).get_data(as_text=True)
    for url, html in pages.items():
        assert f'<html lang="{locale}"' in html, url
        leftovers = english_leftovers(html, locale)
        assert not leftovers, f"{url} shows English UI text: {leftovers}"


def test_locale_order_user_then_cookie_then_accept_language_then_english(client, auth):
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
    assert '<html lang="es"' in client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    auth.as_new_user(locale="es")
    assert '<html lang="es"' in client.get("/").get_data(as_text=True)


def test_a_french_browser_gets_french_and_every_language_is_in_the_switcher(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr"' in page and "Quitter rapidement" in page
    for name in ("English", "Español", "Français"):
        assert name in page, name


def test_language_switcher_saves_the_choice_and_returns_to_the_page(client, auth, app):
    response = client.post("/language", data={"lang": "es", "next": "/courses/"})
    assert response.status_code == 302 and response.location.endswith("/courses/")
    assert '<html lang="es"' in client.get("/courses/").get_data(as_text=True)
    user_id, _ = auth.as_new_user(locale="en")
    client.post("/language", data={"lang": "es", "next": "/"})
    from colab.accounts.models import User
    from colab.extensions import db
    with app.app_context():
        assert db.session.get(User, user_id).locale == "es"


def test_language_switcher_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.location.endswith("/") and "evil" not in response.location
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
