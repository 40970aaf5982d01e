"""The one door for Markdown: useful formatting in, nothing dangerous out."""
import re
from pathlib import Path

import pytest
from markupsafe import Markup
from sqlalchemy.exc import StatementError

from colab.courses.models import Response
from colab.extensions import db
from colab.markup import HTMLInJSON, SafeHTML, render

POSTGRESQL = False  # the Markdown and sanitising door (see conftest.py)

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="position:fixed;top:0">fake banner</p>',
    '<div class="flash flash-success">Your password was reset</div>',
    '<svg><script>alert(1)</script></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="https://ok.example" onclick="steal()">x</a>',
    "<form action=https://evil.example><input name=password></form>",
    "![x](https://tracker.example/pixel.gif)",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
]


TABLE_BOX = '<div class="table-wrap" tabindex="0">'


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_come_out_harmless(attack):
    html = str(render(attack)).lower().replace(TABLE_BOX, "")  # the one class in rendered text is render()'s own
    for bad in ("<script", "onerror", "onclick", "javascript:", "data:", "style=", "class=", "<iframe",
                "<form", "<input", "<img", "<svg", "<style"):
        assert bad not in html, (attack, html)


def test_a_link_whose_address_is_removed_becomes_its_text():
    """HTML allows no rel or title on an <a> without href (the Nu Html Checker found them in the attack corpus)."""
    html = str(render('[click](javascript:alert(1)) and <a title="t">this</a>'))
    assert html == "<p>click and this</p>"


def test_formatting_survives_and_links_are_marked_as_user_content():
    html = str(render("**Bold**, *em*, a [link](https://menengage.org)\n\n- one\n- two\n\n> quote"))
    assert "<strong>Bold</strong>" in html and "<em>em</em>" in html
    assert "<ul>" in html and "<blockquote>" in html
    assert 'href="https://menengage.org"' in html and 'rel="nofollow ugc noopener"' in html


def test_tables_render_in_a_box_the_keyboard_can_scroll():
    """On a 360 px phone a wide table scrolls sideways inside its own box, which Tab reaches (axe's
    scrollable-region-focusable), instead of the whole lesson scrolling."""
    html = str(render("| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<td>1</td>" in html
    assert html.startswith('<div class="table-wrap" tabindex="0"><table>') and html.endswith("</table></div>")


def test_a_table_written_as_html_gets_no_attributes_of_its_own():
    html = str(render('<table onclick="x()" class="evil"><tr><td>1</td></tr></table>'))
    assert '<div class="table-wrap" tabindex="0"><table>' in html and "onclick" not in html and "evil" not in html


@pytest.mark.parametrize("source, shown", [
    ("`a & b`", "<code>a &amp; b</code>"),
    ("`if a < b && c`", "<code>if a &lt; b &amp;&amp; c</code>"),
    ("```\n<b>tag</b>\n```", "&lt;b&gt;tag&lt;/b&gt;"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
])
def test_code_and_ampersands_are_escaped_once(source, shown):
    assert shown in str(render(source))


def test_urls_in_code_are_not_linked_and_bare_urls_are():
    assert "<a" not in str(render("`https://menengage.org`"))
    assert 'href="https://menengage.org"' in str(render("See https://menengage.org"))


def test_rendered_html_is_its_own_type():
    assert isinstance(render("hi"), SafeHTML)
    assert not isinstance(Markup("<p>hi</p>"), SafeHTML)


def test_an_html_column_refuses_html_that_skipped_the_sanitiser(app, make_user):
    """A write that bypasses render() fails loudly instead of storing unsanitised HTML."""
    user_id, _ = make_user()
    with app.app_context():
        db.session.add(Response(user_id=user_id, activity_id=None, text_source="x",
                                text_html="<script>alert(1)</script>"))
        with pytest.raises(StatementError, match="colab.markup.render"):
            db.session.flush()
        db.session.rollback()


def test_html_in_json_refuses_raw_strings():
    column = HTMLInJSON(by_locale=True)
    with pytest.raises(TypeError):
        column.process_bind_param({"en": "<script>alert(1)</script>"}, None)
    stored = column.process_bind_param({"en": render("*hi*")}, None)
    assert isinstance(column.process_result_value(stored, None)["en"], SafeHTML)


ROOT = Path(__file__).resolve().parent.parent


def test_no_template_marks_anything_safe():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "colab" / "templates").rglob("*.html")
                 if re.search(r"\|\s*safe\b|autoescape\s+false", path.read_text())]
    assert offenders == []


def test_only_the_markup_module_makes_markup():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "colab").rglob("*.py")
                 if path.name != "markup.py" and re.search(r"\b(Markup|SafeHTML)\(", path.read_text())]
    assert offenders == []
