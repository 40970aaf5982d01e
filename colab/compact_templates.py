"""HTML templates read without their indentation: a page's markup is sent as the browser needs it, not as it is
laid out for the people who edit it (4 % fewer bytes on a lesson, after compression). Only the template files'
own indentation before a tag or a Jinja statement goes, and the line break after a line that holds nothing but
Jinja statements or comments; text that the templates insert (a post, a reflection in a textarea) is never touched."""
import re

from flask.templating import DispatchingJinjaLoader

INDENT = re.compile(r"^[ \t]+(?=[<{])", re.MULTILINE)
# a line holding only Jinja statements and comments: {% ... %}, {# ... #} (which may span lines)
STATEMENT_LINE = re.compile(r"^((?:{%[^%]*%}|{#(?:[^#]|#(?!}))*#})+)[ \t]*\n", re.MULTILINE)


class CompactLoader(DispatchingJinjaLoader):
    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html"):
            source = STATEMENT_LINE.sub(r"\1", INDENT.sub("", source))
        return source, filename, uptodate
