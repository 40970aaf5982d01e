"""Languages, locale and time-zone selection, and content-language fallback."""
from zoneinfo import available_timezones

from flask import current_app, request
from flask_login import current_user

# The one table of the platform's languages, in fallback order.
LANGUAGES = {
    "en": {"name": "English", "dir": "ltr"},
    "es": {"name": "Español", "dir": "ltr"},
    "fr": {"name": "Français", "dir": "ltr"},
}
DEFAULT_LOCALE = "en"
ONE_LANGUAGE = "none"  # a second-language choice (User.second_language): lessons in one language only
LOCALE_COOKIE = "colab_lang"


def language_name(code, in_locale):
    """The name of language code as the reader would write it ("inglés" for a Spanish reader)."""
    from babel import Locale
    return Locale.parse(code).get_display_name(in_locale)


def is_language(code):
    """Whether code is one of the platform's languages."""
    return code in LANGUAGES


def select_locale():
    """User's saved choice, then the switcher's cookie, then Accept-Language, then English."""
    if current_user and current_user.is_authenticated and is_language(current_user.locale):
        return current_user.locale
    cookie = request.cookies.get(LOCALE_COOKIE)
    if is_language(cookie):
        return cookie
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LOCALE


def select_timezone():
    """The signed-in user's time zone; others read times in UTC."""
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def fallback_order(locale):
    """Languages to try for content, the reader's first, then the platform's order."""
    return [locale] + [code for code in LANGUAGES if code != locale]


def pick(texts, locale):
    """From a {locale: value} mapping, the (locale, value) best for this reader."""
    for code in fallback_order(locale):
        if texts.get(code):
            return code, texts[code]
    return locale, None


def _timezone_names():
    names = sorted(
        name for name in available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return ["UTC"] + names


TIMEZONES = _timezone_names()


def is_timezone(name):
    """Whether name is one of the time zones offered."""
    return name in TIMEZONES


def set_locale_cookie(response, code):
    """Remember the reader's language for a year (used before and after signing in)."""
    if is_language(code):
        response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
