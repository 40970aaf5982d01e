"""Static files as a learner's phone receives them: compressed once at the strongest level, kept for a year when
the address carries the file's hash, revalidated cheaply otherwise, with only the headers a stylesheet needs (no
cookie, nothing that makes a shared cache keep one copy per visitor); the icon travels inside the page."""
import gzip
import re

import brotli
import pytest
import rcssmin

from colab.static_files import icon_data_uri, static_url

POSTGRESQL = False  # static files and their headers (see conftest.py)

BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def css_url(app):
    with app.test_request_context():
        return static_url("style.css")


def test_the_stylesheet_comes_brotli_compressed_and_kept_for_a_year(app, client, css_url):
    response = client.get(css_url, headers=BROWSER)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    with open(app.static_folder + "/style.css", "rb") as source:
        original = source.read()
    served = brotli.decompress(response.data)  # the file minified, with the hash of the icon it draws in its url()
    assert re.sub(rb"\?v=\w+\)", b")", served) == rcssmin.cssmin(original) and b"url(icon.svg?v=" in served
    assert b"/*" not in served and b"\n  " not in served and len(served) < len(original) * 0.85
    assert len(response.data) < len(original) / 4
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"


def test_scripts_come_without_their_comments_and_layout(app, client):
    """The comments that explain colab.js to the people who edit it stay home: a phone gets the code alone."""
    with app.test_request_context():
        url = static_url("colab.js")
    served = client.get(url).data
    with open(app.static_folder + "/colab.js", "rb") as source:
        original = source.read()
    assert b"//" in original and b"\n    " in original
    assert b"// " not in served and b"\n    " not in served and len(served) < len(original) * 0.7
    assert b'document.querySelector("[data-quick-exit]")' in served  # the code itself is all there


def test_older_browsers_get_gzip_and_others_the_plain_file(app, client, css_url):
    older = client.get(css_url, headers={"Accept-Encoding": "gzip"})
    assert older.headers["Content-Encoding"] == "gzip"
    plain = client.get(css_url, headers={"Accept-Encoding": ""})
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(older.data) == plain.data
    assert older.headers["ETag"] != plain.headers["ETag"]


def test_a_static_file_carries_no_cookie_and_no_page_headers(client, auth, css_url):
    auth.as_new_user()
    response = client.get(css_url, headers=BROWSER)
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for header in ("Set-Cookie", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Expires",
                   "Last-Modified", "Content-Disposition"):
        assert header not in response.headers, header
    page = client.get("/courses/", headers=BROWSER)  # pages keep theirs
    assert "Content-Security-Policy" in page.headers and "Cookie" in page.headers["Vary"]


def test_an_address_without_the_current_hash_is_revalidated_by_etag(client, css_url):
    stale = client.get("/static/style.css?v=0123456789ab", headers=BROWSER)
    assert stale.headers["Cache-Control"] == "public, no-cache"
    again = client.get("/static/style.css", headers={**BROWSER, "If-None-Match": stale.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/static/../config.py", "/static/nothing.css", "/static/%2e%2e/__init__.py"])
def test_no_file_outside_the_static_folder_or_missing_is_served(client, path):
    assert client.get(path).status_code == 404


def test_the_icon_is_a_plain_svg_kept_for_a_year_and_inside_the_offline_page(app, client):
    """Pages link the icon by its content hash, so a browser fetches it once (a repeat visit costs nothing); the
    offline page, which must open with no connection, carries it inside itself."""
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)">', page).group(1)
    with app.test_request_context():
        assert icon == static_url("icon.svg")
        inside = icon_data_uri("neutral.svg")
    served = client.get(icon, headers=BROWSER)
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.mimetype == "image/svg+xml" and b"<script" not in served.data
    offline = client.get("/offline").get_data(as_text=True)
    assert f'<link rel="icon" href="{inside}">' in offline
    assert inside.startswith("data:image/svg+xml,%3Csvg") and "<" not in inside and " " not in inside


def test_pages_vary_by_language_header_only_for_people_not_signed_in(client, auth):
    assert client.get("/courses/").headers["Vary"] == "Cookie, Accept-Language, Accept-Encoding"
    auth.as_new_user(locale="es")  # their language is their account's, whatever the browser sends
    page = client.get("/courses/", headers={"Accept-Language": "fr"})
    assert page.headers["Vary"] == "Cookie, Accept-Encoding" and '<html lang="es"' in page.get_data(as_text=True)


def test_the_logo_in_the_stylesheet_is_the_icon_the_page_links_so_it_is_fetched_once(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)">', page).group(1)
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)">', page).group(1)
    css = client.get(stylesheet).get_data(as_text=True)
    logo = re.search(r"\.brand::before ?\{[^}]*url\(([^)]+)\)", css).group(1)
    assert "/static/" + logo == icon  # the same address: one request, kept a year
