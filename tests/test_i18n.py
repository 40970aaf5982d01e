"""Every string a person reads is translated, and the reader's language is chosen in a fixed order."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from colab.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
TRANSLATED = [code for code in LANGUAGES if code != "en"]


def extracted_msgids():
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalog(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_has_every_string_translated(locale):
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(locale) if m.id}
    missing = sorted(msgid for msgid in extracted_msgids() if msgid not in messages)
    untranslated = sorted(key for key, m in messages.items()
                          if not (m.string if isinstance(m.string, str) else all(m.string)))
    fuzzy = sorted(key for key, m in messages.items() if m.fuzzy)
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


def english_ui_fragments(locale):
    """Pieces of English UI text (two words or more) that pages in locale must not contain."""
    fragments = set()
    for message in catalog(locale):
        if not message.id or not isinstance(message.id, str) or message.id == message.string:
            continue
        for piece in re.split(r"%\(\w+\)s", message.id):
            piece = piece.strip(" .:,—-")
            if len(piece.split()) >= 2:
                fragments.add(piece)
    return fragments


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<[^>]*\blang="en"[^>]*>.*?</(span|article|button)>', " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


TRANSLATED_PAGES = ["/", "/courses/", "/courses/listening-basics/", "/courses/listening-basics/why-listen/",
                 "/account", "/account/delete", "/courses/nowhere/", "/communities/", "/communities/circle/",
                 "/communities/circle/agreements", "/communities/circle/moderation", "/communities/circle/members",
                 "/communities/circle/audit", "/notifications/", "/reports/", "/reports/harassment/new",
                 "/communities/circle/threads/new?dialogue=1"]
ANONYMOUS_PAGES = ["/sign-in", "/sign-up", "/password/forgot"]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_main_pages_have_no_english_ui_text(client, content, auth, community_kit, locale):
    fragments = english_ui_fragments(locale)
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
        text = visible_text(html)
        leftovers = sorted(f for f in fragments if f in text)
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
