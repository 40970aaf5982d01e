"""Plain text for the index, accent folding, and the words of a query."""
import re
import unicodedata
from html.parser import HTMLParser

MAX_QUERY = 200  # characters of a query the search reads
MAX_TERMS = 10  # words of a query it looks for
MAX_TERM = 40  # characters of one word
MAX_BODY = 100_000  # characters of one entry's body kept in the index
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")


def fold(text):
    """text in lower case without accents ("Educación" -> "educacion"), for the index and the query."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words_only(text):
    """text folded and cut into the words the query sees (letters and digits), one space apart: what PostgreSQL
    indexes, so its parser finds no tags, URLs or e-mail addresses to treat as one token or to skip."""
    return " ".join(_WORD.findall(fold(text)))


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, a space between blocks so that words never run together."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")

    def handle_endtag(self, tag):
        self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html, limit=MAX_BODY):
    """The text of rendered (already sanitised) HTML, tags dropped, entities decoded, spaces collapsed."""
    if not html:
        return ""
    parser = _TextOnly()
    parser.feed(str(html))
    parser.close()
    return squash("".join(parser.parts), limit)


def squash(text, limit=MAX_BODY):
    """text on one line, runs of spaces made one, at most limit characters."""
    return _SPACE.sub(" ", text or "").strip()[:limit]


def query_terms(query):
    """The distinct words of a query, folded, in order: letters and digits only, so no search syntax (quotes,
    AND, NEAR, *, parentheses) survives; at most MAX_TERMS words of MAX_TERM characters."""
    terms = []
    for word in _WORD.findall(fold((query or "")[:MAX_QUERY])):
        word = word[:MAX_TERM]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def fts5_query(terms):
    """An SQLite FTS5 MATCH expression: every term quoted (all must match), the last one as a prefix."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    return " ".join(quoted[:-1] + [quoted[-1] + "*"]) if quoted else ""


def tsquery(terms):
    """A PostgreSQL to_tsquery() expression: every term quoted and joined with &, the last one as a prefix."""
    quoted = ["'" + term.replace("'", "''").replace("\\", "") + "'" for term in terms]
    return " & ".join(quoted[:-1] + [quoted[-1] + ":*"]) if quoted else ""


def excerpt(text, terms, width=240):
    """About width characters of text around the first word that starts with a term (the start when none does),
    cut at spaces, with an ellipsis where it was cut."""
    text = text or ""
    if len(text) <= width:
        return text
    folded, start = fold(text), 0
    if len(folded) == len(text):  # positions match (true for most text); else the excerpt starts at the top
        found = [match.start() for term in terms for match in [re.search(r"(?<!\w)" + re.escape(term), folded)]
                 if match]
        start = max(0, min(found) - width // 4) if found else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
