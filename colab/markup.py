"""Markdown to safe HTML: the one door every user or content text goes through.

render() is the only producer of SafeHTML, the only type templates print unescaped. The column types
below store it and refuse anything else, so HTML that skipped the sanitiser cannot be saved.
"""
import multiprocessing
import re
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup, escape
from sqlalchemy import JSON, Text
from sqlalchemy.types import TypeDecorator

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    "details", "summary", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
# Raise when render() would give different HTML for the same text (a tag allowed, an extension added): content sync
# renders again only the files whose text or this number changed.
RENDER_VERSION = 3  # 2: tables in a box that scrolls sideways and takes the keyboard's focus; 3: no <a> without href


class SafeHTML(Markup):
    """HTML made by render() from Markdown and sanitised; nothing else may be printed unescaped."""

    __slots__ = ()


EMPTY_HTML = SafeHTML("")


def _set_rel(attrs, new=False):
    """Every link gets rel; a link left without an address (its javascript: URL removed) becomes its plain text,
    since HTML allows no rel nor title on an <a> without href."""
    if not attrs.get((None, "href")):
        return None
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


# One pass: sanitise, then link bare URLs outside code, so nothing is escaped twice.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
    strip_comments=True, filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})])


_parsers = threading.local()


def _markdown():
    """This thread's Markdown parser: building one (with its extensions) costs more than most texts' rendering."""
    parser = getattr(_parsers, "markdown", None)
    if parser is None:
        parser = _parsers.markdown = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return parser.reset()


def render(source):
    """Render Markdown source to sanitised HTML; a table sits in a box that scrolls sideways on a narrow screen and
    that the keyboard can reach (the sanitiser leaves <table> without attributes, so the match is exact)."""
    html = _cleaner.clean(_markdown().convert(source or ""))
    html = html.replace("<table>", '<div class="table-wrap" tabindex="0"><table>').replace("</table>", "</table></div>")
    return SafeHTML(html)


def render_all(sources, workers):
    """render() of each source, in order, shared among `workers` processes (forked: each has the sanitiser ready).
    For a first load of a large course from the command line, not for a web request."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [SafeHTML(html) for html in pool.map(render, sources, chunksize=16)]


# Tags (attribute values skipped whole, so a quoted "<" inside one is not taken for a tag), runs of text, a lone "<".
_TOKENS = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>|[^<]+|<""")
_VOID_TAGS = {"br", "hr", "img", "wbr"}


def sections(html):
    """Rendered HTML cut before each top-level <h2>: [what comes before the first heading (maybe empty), then one
    piece per heading]. Each piece is whole elements of the sanitised text, so it stays SafeHTML."""
    _checked(html, "sections()")
    cuts, depth = [0], 0
    for token in _TOKENS.finditer(html):
        closing, name = token.group(1), (token.group(2) or "").lower()
        if not name or name in _VOID_TAGS:
            continue
        if closing:
            depth = max(depth - 1, 0)
            continue
        if name == "h2" and depth == 0:
            cuts.append(token.start())
        depth += 1
    cuts.append(len(html))
    return [SafeHTML(html[start:end]) for start, end in zip(cuts, cuts[1:], strict=False)]


_PHRASING_TAGS = {"a", "abbr", "b", "br", "code", "del", "em", "i", "strong", "sub", "sup"}


def inline(html):
    """A one-paragraph text without its <p>, for an element that holds phrasing content only (a <label>, a
    <legend>, a <span>); any other text (several blocks, a list, nothing) comes back as it is."""
    source = _checked(html, "inline()")
    paragraph = re.fullmatch(r"\s*<p>(.*)</p>\s*", source, re.S)
    if paragraph is None:
        return html
    inside = paragraph.group(1)
    if any((token.group(2) or "").lower() not in _PHRASING_TAGS for token in _TOKENS.finditer(inside)
           if token.group(2)):
        return html  # another block starts inside: "<p>a</p><p>b</p>" is two paragraphs
    return SafeHTML(inside)


def highlight(text, terms):
    """Plain text as HTML: escaped first, then each word that starts with one of terms (case and accents ignored;
    a word of 4+ letters that a term starts with too, for stemmed matches) wrapped in <mark>."""
    def fold(value):
        return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)).casefold()

    wanted = {fold(term) for term in terms if term and term.strip()}
    parts, done = [], 0
    for match in re.finditer(r"\w+", text or "") if wanted else ():
        word = fold(match.group())
        if any(word.startswith(term) or (len(word) >= 4 and term.startswith(word)) for term in wanted):
            parts += [escape(text[done:match.start()]), "<mark>", escape(match.group()), "</mark>"]
            done = match.end()
    parts.append(escape((text or "")[done:]))
    return SafeHTML("".join(parts))


def _checked(value, where):
    if not isinstance(value, SafeHTML):
        raise TypeError(f"{where} takes HTML from colab.markup.render(), not {type(value).__name__}")
    return str(value)


class HTMLText(TypeDecorator):
    """A text column holding rendered HTML: only SafeHTML goes in, SafeHTML comes out."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _checked(value, "An HTML column")

    def process_result_value(self, value, dialect):
        return None if value is None else SafeHTML(value)


class HTMLInJSON(TypeDecorator):
    """JSON whose strings under keys ending in "_html" are rendered HTML (with by_locale: every value is)."""

    impl = JSON
    cache_ok = True

    def __init__(self, by_locale=False):
        super().__init__()
        self.by_locale = by_locale

    def _walk(self, value, convert, is_html=False):
        if isinstance(value, dict):
            return {key: self._walk(item, convert, self.by_locale or str(key).endswith("_html"))
                    for key, item in value.items()}
        if isinstance(value, list):
            return [self._walk(item, convert, is_html) for item in value]
        return convert(value) if is_html and value is not None else value

    def process_bind_param(self, value, dialect):
        return self._walk(value, lambda html: _checked(html, "An HTML field in JSON"))

    def process_result_value(self, value, dialect):
        return self._walk(value, SafeHTML)
