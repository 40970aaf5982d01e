"""The one door for Markdown: useful formatting in, nothing dangerous out."""
import pytest

from colab.markup import render

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


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_come_out_harmless(attack):
    html = str(render(attack)).lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "data:", "style=", "class=", "<iframe",
                "<form", "<input", "<img", "<svg", "<style"):
        assert bad not in html, (attack, html)


def test_formatting_survives_and_links_are_marked_as_user_content():
    html = str(render("**Bold**, *em*, a [link](https://menengage.org)\n\n- one\n- two\n\n> quote"))
    assert "<strong>Bold</strong>" in html and "<em>em</em>" in html
    assert "<ul>" in html and "<blockquote>" in html
    assert 'href="https://menengage.org"' in html and 'rel="nofollow ugc noopener"' in html


def test_tables_render():
    html = str(render("| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<table>" in html and "<td>1</td>" in html
