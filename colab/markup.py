"""Markdown to safe HTML: the one door every user or content text goes through."""
import bleach
import markdown
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    "details", "summary", "del", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_linker = Linker(callbacks=[_set_rel], skip_tags={"pre", "code"})


def render(source):
    """Render Markdown source to sanitised HTML, marked safe for templates."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
    )
    return Markup(_linker.linkify(clean))
