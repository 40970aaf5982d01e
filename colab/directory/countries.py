"""Countries (ISO 3166-1 alpha-2) and the languages people work in (ISO 639-1), named in the reader's language by
Babel's CLDR data. A directory entry names a country, never a finer place."""
import unicodedata

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale

# Every officially assigned ISO 3166-1 alpha-2 code, and XK (Kosovo: a user-assigned code that the EU, the World
# Bank and CLDR use), so that nobody has to choose a country that is not theirs.
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
""".split())

# The languages a profile may list: the alliance's working languages and those most spoken among its members.
LANGUAGES = ("en", "es", "fr", "pt", "ar", "sw", "hi", "bn", "ur", "ne", "ta", "si", "id", "ms", "tl", "th", "vi",
             "km", "my", "zh", "ja", "ko", "ru", "uk", "tr", "fa", "am", "ha", "yo", "ig", "zu", "xh", "so", "rw",
             "ln", "wo", "de", "nl", "it", "pl")


def _locale(locale=None):
    try:
        return Locale.parse(str(locale or get_locale() or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def country_name(code, locale=None):
    """The reader's name for a country code ("Côte d'Ivoire", "Costa de Marfil"); the code itself if unknown."""
    return _locale(locale).territories.get(code, code) if code else ""


def country_choices(locale=None):
    """[(code, name)] of every country, sorted by the name the reader reads."""
    names = _locale(locale).territories
    return sorted(((code, names.get(code, code)) for code in COUNTRIES), key=lambda pair: _sort_key(pair[1]))


def language_name(code, locale=None):
    """The reader's name for an ISO 639-1 code ("Swahili", "suajili")."""
    return _locale(locale).languages.get(code, code)


def language_choices(locale=None):
    names = _locale(locale).languages
    return sorted(((code, names.get(code, code)) for code in LANGUAGES), key=lambda pair: _sort_key(pair[1]))


def _sort_key(name):
    """Names sorted as a reader expects, whatever their accents ("Égypte" among the E's)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))
