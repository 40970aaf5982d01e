"""The resource library: the list and its filters, a resource's page and download (with safe headers), suggesting
a link or a file judged by its bytes, the review by the region's focal points and admins, retiring, resources
under a lesson, and every route of the "resources" blueprint x every role."""
import io
import itertools
import re
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from factories import region_id
from html_safety import ATTACKS, dangerous_markup

from colab.accounts.models import User
from colab.courses.loader import ContentError, read_content
from colab.courses.sync import sync_content
from colab.extensions import db
from colab.markup import render
from colab.models_base import utcnow
from colab.notifications.models import Notification
from colab.resources import files, panels, service
from colab.resources.demo import tiny_pdf
from colab.resources.models import Resource, ResourceKind, ResourceLanguage, ResourceStatus, ResourceTopic
from colab.topics import Topic

POSTGRESQL = False  # the library's pages, files and review (see conftest.py)

BLUEPRINTS = {"resources"}
MAX = 64 * 1024  # the upload limit in these tests
LOW = 4 * 1024  # files this small are "Low data"
SAMPLE = Path(__file__).parent / "fixtures" / "content"
LESSON = "/courses/listening-basics/why-listen/"
PDF = tiny_pdf([("title", "Listening to young men"), ("", "A one-page guide.")])
serial = itertools.count(1)


@pytest.fixture
def app_config():
    return {"RESOURCE_MAX_UPLOAD_BYTES": MAX, "RESOURCE_LOW_DATA_BYTES": LOW}


@pytest.fixture
def world(app, make_user, community_kit):
    """Amani (a member in africa, English), Luz (a member in latin-america, Spanish), Zola (africa's focal point),
    Marta (latin-america's focal point), Sec (an admin)."""
    panels.register()  # create_app will call it (see the report); calling it again changes nothing
    people = {"Amani": make_user(display_name="Amani"), "Luz": make_user(display_name="Luz", locale="es"),
              "Zola": make_user(display_name="Zola"), "Marta": make_user(display_name="Marta"),
              "Sec": make_user(display_name="Sec", is_admin=True)}
    community_kit.focal_point(people["Zola"][0], "africa")
    community_kit.focal_point(people["Marta"][0], "latin-america")
    with app.app_context():
        db.session.get(User, people["Amani"][0]).region_id = region_id("africa")
        db.session.commit()
        regions = {slug: region_id(slug) for slug in ("africa", "latin-america")}
    return {"people": people, "regions": regions}


def sign_in(auth, world, name):
    assert auth.sign_in(world["people"][name][1]).status_code == 302


def new_resource(slug=None, status="published", region="africa", by=None, data=None, name="guide.pdf",
                 titles=None, summaries=None, topics=("ending-violence",), languages=("en",), kind="guide"):
    """A resource added to the session (in an app context); its slug."""
    slug = slug or f"resource-{next(serial)}"
    titles = titles or {"en": f"Title of {slug}"}
    summaries = summaries or {"en": f"About {slug}."}
    resource = Resource(
        slug=slug, kind=ResourceKind(kind), status=ResourceStatus(status), title=titles,
        summary_source=summaries, summary_html={code: render(text) for code, text in summaries.items()},
        url="" if data else "https://example.org/", region_id=region_id(region), suggested_by_id=by,
        topics=[ResourceTopic(topic=Topic(topic)) for topic in topics],
        languages=[ResourceLanguage(locale=code) for code in languages],
        published_at=utcnow() if status in ("published", "retired") else None)
    if data is not None:
        format_ = files.FORMATS[files.sniff(data)]
        resource.stored_name = files.store(service.library_folder(), data, format_)
        resource.file_name, resource.content_type, resource.file_size = name, format_.content_type, len(data)
    db.session.add(resource)
    return slug


def make_resource(app, slug=None, **kwargs):
    """A resource written directly; its slug."""
    with app.app_context():
        slug = new_resource(slug, **kwargs)
        db.session.commit()
    return slug


def saved(app, slug=None):
    with app.app_context():
        if slug is None:
            return db.session.scalars(db.select(Resource).order_by(Resource.id)).all()
        return db.session.scalar(db.select(Resource).filter_by(slug=slug))


def stored_files(app):
    folder = Path(app.instance_path) / "resources"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def suggestion(world, **changes):
    """A valid suggestion of a link: every field given."""
    data = {"url": "https://example.org/guide", "kind": "guide", "locale": "en", "title": "Listening to young men",
            "summary": "A *short* guide for facilitators.", "second_locale": "", "second_title": "",
            "second_summary": "", "languages": ["en"], "topics": ["ending-violence"],
            "region": str(world["regions"]["africa"])}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def with_file(data, content, name):
    return {**data, "url": "", "file": (io.BytesIO(content), name)}


def page_of(response):
    return response.get_data(as_text=True)


# --- files: what the bytes are ----------------------------------------------------------------------------------

def zip_of(entries, first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo("mimetype"), first, compress_type=zipfile.ZIP_STORED)
        for name in entries:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def ole_of(stream):
    """A minimal OLE2 compound file (header, one FAT sector, one directory sector) holding one named stream."""
    header = bytearray(b"\xff" * 512)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    header[8:76] = bytes(68)
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<I", header, 76, 0)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    directory = bytearray(512)
    for index, (name, kind) in enumerate((("Root Entry", 5), (stream, 2))):
        encoded = (name + "\0").encode("utf-16-le")
        directory[index * 128:index * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, index * 128 + 64, len(encoded), kind)
    return bytes(header + fat + directory)


DOCX = zip_of(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
XLSX = zip_of(["[Content_Types].xml", "xl/workbook.xml"])
PPTX = zip_of(["[Content_Types].xml", "ppt/presentation.xml"])
ODT = zip_of(["content.xml"], first="application/vnd.oasis.opendocument.text")
ODS = zip_of(["content.xml"], first="application/vnd.oasis.opendocument.spreadsheet")
ODP = zip_of(["content.xml"], first="application/vnd.oasis.opendocument.presentation")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
GIF = b"GIF89a" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + bytes(40)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize("name, data, content_type", [
    ("report.pdf", PDF, "application/pdf"),
    ("notes.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("figures.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("slides.pptx", PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("notes.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("figures.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("slides.odp", ODP, "application/vnd.oasis.opendocument.presentation"),
    ("old.doc", ole_of("WordDocument"), "application/msword"),
    ("old.xls", ole_of("Workbook"), "application/vnd.ms-excel"),
    ("old.ppt", ole_of("PowerPoint Document"), "application/vnd.ms-powerpoint"),
    ("poster.PNG", PNG, "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("animation.gif", GIF, "image/gif"),
    ("picture.webp", WEBP, "image/webp"),
])
def test_every_format_taken_is_known_by_its_bytes(name, data, content_type):
    assert files.check(name, data, MAX).format.content_type == content_type


@pytest.mark.parametrize("name, data, reason, found", [
    ("guide.pdf", HTML, "mismatch", None),  # a web page renamed .pdf
    ("guide.pdf", PNG, "mismatch", "PNG"),
    ("notes.docx", XLSX, "mismatch", "Excel"),  # the right kind of zip, the wrong parts
    ("notes.docx", zip_of(["word/document.xml"]), "mismatch", None),  # no [Content_Types].xml
    ("notes.odt", ODS, "mismatch", "OpenDocument Spreadsheet"),
    ("old.doc", ole_of("Workbook"), "mismatch", "Excel 97-2003"),
    ("old.doc", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600), "mismatch", None),  # a header that adds up to nothing
    ("notes.docx", b"PK\x03\x04 not really a zip", "mismatch", None),
    ("page.html", HTML, "file_type", None),
    ("drawing.svg", b"<svg onload=alert(1)>", "file_type", None),
    ("no-extension", PDF, "file_type", None),
    ("empty.pdf", b"", "empty", None),
    ("big.pdf", PDF + bytes(MAX), "too_large", None),
])
def test_a_file_that_is_not_what_its_name_says_is_refused(name, data, reason, found):
    with pytest.raises(files.Refused) as refused:
        files.check(name, data, MAX)
    assert refused.value.reason == reason
    assert refused.value.details.get("found") == found


def test_download_names_keep_letters_and_lose_paths_and_quotes():
    pdf = files.FORMATS["pdf"]
    assert files.download_name("Guía de escucha.pdf", pdf) == "Guía de escucha.pdf"
    assert files.download_name('..\\..\\etc/"passwd"; x=.pdf', pdf) == "passwd_x.pdf"
    assert files.download_name("report.PDF", pdf) == "report.pdf"
    assert files.download_name("photo.jpeg", files.FORMATS["jpeg"]) == "photo.jpg"
    assert files.path_of("/tmp", "../secret") is None


# --- suggest, approve, find: the journey --------------------------------------------------------------------------

def test_a_suggested_pdf_approved_by_the_regions_focal_point_is_found_by_a_spanish_reader(app, client, auth, world):
    sign_in(auth, world, "Amani")
    form = with_file(suggestion(world, second_locale="es", second_title="Escuchar a los hombres jóvenes",
                                second_summary="Una guía *breve* para facilitadores.", languages=["en", "es"]),
                     PDF, "Guía de escucha.pdf")
    response = client.post("/resources/suggest", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/resources/mine")
    [resource] = saved(app)
    assert resource.status == ResourceStatus.SUGGESTED and resource.file_size == len(PDF)
    assert resource.title == {"en": "Listening to young men", "es": "Escuchar a los hombres jóvenes"}
    assert "<em>breve</em>" in resource.summary_html["es"]
    assert stored_files(app) == [resource.stored_name] and resource.stored_name.endswith(".pdf")
    assert "Guía" not in resource.stored_name  # random, never the uploaded name
    mine = page_of(client.get("/resources/mine"))
    assert "Listening to young men" in mine and "Waiting for review" in mine
    assert "Listening to young men" not in page_of(client.get("/resources/"))  # not in the library yet
    auth.sign_out()

    sign_in(auth, world, "Zola")
    queue = page_of(client.get("/resources/review"))
    assert "Listening to young men" in queue and "Amani" in queue
    assert client.post(f"/resources/{resource.slug}/approve", data={"back": "review"}).status_code == 302
    assert saved(app, resource.slug).status == ResourceStatus.PUBLISHED
    assert saved(app, resource.slug).published_at is not None
    auth.sign_out()

    sign_in(auth, world, "Amani")
    assert "Listening to young men" in page_of(client.get("/notifications/"))
    auth.sign_out()

    make_resource(app, titles={"en": "Another guide", "es": "Otra guía"}, languages=("en",))  # not in Spanish
    make_resource(app, titles={"en": "On peace", "es": "Sobre la paz"}, languages=("es",), topics=("feminist-peace",))
    sign_in(auth, world, "Luz")
    page = page_of(client.get("/resources/"))
    assert 'href="/resources/?topic=ending-violence"' in page  # filters are plain links
    found = page_of(client.get("/resources/?topic=ending-violence&language=es"))
    assert "Escuchar a los hombres jóvenes" in found and "Listening to young men" not in found
    assert "Otra guía" not in found and "Sobre la paz" not in found
    assert "<em>breve</em>" in found
    assert re.search(r'href="/resources/\?topic=ending-violence&amp;language=es"[^>]*aria-current="true"', found) \
        or re.search(r'href="/resources/\?language=es&amp;topic=ending-violence"[^>]*aria-current="true"', found)
    assert "PDF, 1 KB" in found and "Consume pocos datos" in found  # the size before the download
    assert "español" in found  # the languages by their names in the reader's language
    assert f'href="/resources/{resource.slug}/download"' in found


def test_the_download_is_an_attachment_with_safe_headers(app, client, world):
    slug = make_resource(app, data=PDF, name="Guía de escucha.pdf")
    with client.get(f"/resources/{slug}/download") as response:
        assert response.status_code == 200
        body = response.data
    assert body == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Gu%C3%ADa%20de%20escucha.pdf" in disposition
    assert 'filename="Guia de escucha.pdf"' in disposition  # an ASCII name for older browsers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "public" not in response.headers["Cache-Control"]


def test_a_retired_file_is_not_downloaded_and_a_link_has_no_download(app, client, world):
    retired = make_resource(app, status="retired", data=PDF)
    link = make_resource(app)
    assert client.get(f"/resources/{retired}/download").status_code == 404
    assert client.get(f"/resources/{link}/download").status_code == 404
    page = page_of(client.get(f"/resources/{link}"))
    assert re.search(r'<a class="external" href="https://example.org/" rel="noopener noreferrer">', page)
    assert "(another website)" in page


# --- what a suggestion refuses ----------------------------------------------------------------------------------

def test_a_web_page_renamed_pdf_is_refused_with_a_message_and_nothing_is_saved(app, client, auth, world):
    sign_in(auth, world, "Amani")
    response = client.post("/resources/suggest", data=with_file(suggestion(world), HTML, "guide.pdf"))
    assert response.status_code == 400
    page = page_of(response)
    assert "The file&#39;s name says it is PDF, but its content is not." in page
    assert 'value="Listening to young men"' in page  # what was typed is kept
    assert "A *short* guide for facilitators." in page
    assert saved(app) == [] and stored_files(app) == []


def test_a_file_over_the_limit_is_refused_cleanly_and_what_was_typed_is_kept(app, client, auth, world):
    sign_in(auth, world, "Amani")
    response = client.post("/resources/suggest", data=with_file(suggestion(world), PDF + bytes(MAX), "big.pdf"))
    assert response.status_code == 400
    page = page_of(response)
    assert "The file is larger than 64 KB." in page
    assert 'value="Listening to young men"' in page
    assert saved(app) == [] and stored_files(app) == []


def test_a_request_far_over_the_limit_is_refused_unread(app, client, auth, world):
    sign_in(auth, world, "Amani")
    response = client.post("/resources/suggest", data=with_file(suggestion(world), PDF + bytes(4 * MAX), "big.pdf"))
    assert response.status_code == 413
    page = page_of(response)
    assert "The file is larger than 64 KB." in page and "Nothing was saved." in page
    assert '<form method="post" enctype="multipart/form-data"' in page  # the form, to try again
    assert saved(app) == [] and stored_files(app) == []


@pytest.mark.parametrize("changes, message", [
    ({"url": ""}, "Give a link, or choose a file."),
    ({"url": "javascript:alert(1)"}, "Give a web address starting with https:// or http://."),
    ({"url": "ftp://example.org/x"}, "Give a web address starting with https:// or http://."),
    ({"title": ""}, "Give the resource a title."),
    ({"topics": None}, "Choose at least one topic."),
    ({"languages": None}, "Choose at least one language."),
    ({"topics": ["not-a-topic"]}, "Choose from the list."),
    ({"region": "99999999999999"}, "Not a valid choice"),
    ({"second_locale": "en"}, "Choose a language other than the first."),
    ({"second_locale": "es"}, "Give the title in the second language too."),
    ({"second_title": "Sin idioma"}, "Choose the second language of this title and summary."),
])
def test_a_suggestion_with_a_problem_says_what_and_saves_nothing(app, client, auth, world, changes, message):
    sign_in(auth, world, "Amani")
    response = client.post("/resources/suggest", data=suggestion(world, **changes))
    assert response.status_code == 400
    assert message in page_of(response)
    assert saved(app) == []


def test_a_link_and_a_file_together_are_refused(app, client, auth, world):
    sign_in(auth, world, "Amani")
    response = client.post("/resources/suggest", data={**with_file(suggestion(world), PDF, "guide.pdf"),
                                                       "url": "https://example.org/"})
    assert response.status_code == 400
    assert "Give a link or a file, not both." in page_of(response)
    assert saved(app) == [] and stored_files(app) == []


def test_a_failed_save_leaves_neither_file_nor_row(app, world, monkeypatch):
    taken = make_resource(app, slug="taken")
    with app.test_request_context():
        user = db.session.get(User, world["people"]["Amani"][0])
        monkeypatch.setattr(service, "new_slug", lambda title: taken)  # the unique slug makes the flush fail
        data = service.ResourceData({"en": "A title"}, {"en": "A summary"}, ["en"], ["srhr"], None, "guide")
        with pytest.raises(Exception):  # noqa: B017 - the database's IntegrityError, whichever driver
            with service.suggested(user, data, service.Upload("guide.pdf", PDF)):
                db.session.commit()
        db.session.rollback()
    assert [resource.slug for resource in saved(app)] == [taken]
    assert stored_files(app) == []


def test_suggestions_are_rate_limited_but_a_form_error_without_a_file_is_not_counted(app, client, auth, world):
    app.config["RESOURCE_RATE_LIMIT"] = "2 per hour"
    sign_in(auth, world, "Amani")
    assert client.post("/resources/suggest", data=suggestion(world, title="")).status_code == 400
    assert client.post("/resources/suggest", data=suggestion(world, title="One")).status_code == 302
    assert client.post("/resources/suggest", data=suggestion(world, title="Two")).status_code == 302
    assert client.post("/resources/suggest", data=suggestion(world, title="Three")).status_code == 429
    assert len(saved(app)) == 2


# --- reviewing ------------------------------------------------------------------------------------------------------

def test_a_focal_point_cannot_decide_on_another_regions_resource(app, client, auth, world):
    waiting = make_resource(app, status="suggested", by=world["people"]["Amani"][0])
    published = make_resource(app)
    sign_in(auth, world, "Marta")  # latin-america's focal point; both are africa's
    assert "Title of" not in page_of(client.get("/resources/review"))
    assert client.get(f"/resources/{waiting}").status_code == 404
    assert client.post(f"/resources/{waiting}/approve").status_code == 404
    assert client.post(f"/resources/{published}/retire").status_code == 403
    assert client.get(f"/resources/{published}/edit").status_code == 403
    assert saved(app, waiting).status == ResourceStatus.SUGGESTED
    assert saved(app, published).status == ResourceStatus.PUBLISHED


def test_a_declined_suggestion_shows_the_reviewers_note_to_its_author(app, client, auth, world):
    slug = make_resource(app, status="suggested", by=world["people"]["Amani"][0])
    sign_in(auth, world, "Zola")
    assert client.post(f"/resources/{slug}/decline", data={"note": ""}).status_code == 400
    assert client.post(f"/resources/{slug}/decline", data={"note": "The link asks for a paid account."}) \
        .status_code == 302
    assert saved(app, slug).status == ResourceStatus.DECLINED
    auth.sign_out()
    sign_in(auth, world, "Amani")
    mine = page_of(client.get("/resources/mine"))
    assert "Declined" in mine and "The link asks for a paid account." in mine
    assert "was declined" in page_of(client.get("/notifications/"))
    with app.app_context():
        [notice] = db.session.scalars(db.select(Notification).filter_by(user_id=world["people"]["Amani"][0]))
        assert notice.kind == "resource_declined" and "paid" not in str(notice.params)  # no words stored
    followed = client.get(f"/notifications/{notice.id}")
    assert followed.status_code == 302 and followed.headers["Location"].endswith("/resources/mine")


def test_a_second_approval_changes_nothing_and_says_so(app, client, auth, world):
    slug = make_resource(app, status="suggested", by=world["people"]["Amani"][0])
    sign_in(auth, world, "Sec")
    assert client.post(f"/resources/{slug}/approve").status_code == 302
    first = saved(app, slug).published_at
    response = client.post(f"/resources/{slug}/approve", follow_redirects=True)
    assert "Nothing was changed: this resource is now “Published”." in page_of(response)
    assert saved(app, slug).published_at == first


def test_an_editor_changes_every_field_and_the_title_per_language(app, client, auth, world):
    slug = make_resource(app, titles={"en": "Old title"}, languages=("en",))
    sign_in(auth, world, "Zola")
    form = page_of(client.get(f"/resources/{slug}/edit"))
    assert 'value="Old title"' in form
    data = {"slug": "new-slug", "url": "https://example.org/new", "kind": "toolkit", "title_en": "New title",
            "summary_en": "New **summary**.", "title_es": "Título nuevo", "summary_es": "Resumen nuevo.",
            "languages": ["en", "fr"], "topics": ["srhr", "unpaid-care"], "region": str(world["regions"]["africa"])}
    assert client.post(f"/resources/{slug}/edit", data={**data, "slug": "suggest"}).status_code == 400
    response = client.post(f"/resources/{slug}/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/resources/new-slug")
    resource = saved(app, "new-slug")
    assert resource.title == {"en": "New title", "es": "Título nuevo"} and resource.kind == ResourceKind.TOOLKIT
    assert resource.language_codes == ["en", "fr"] and [str(t) for t in resource.topic_values] == ["srhr",
                                                                                                     "unpaid-care"]
    assert "<strong>summary</strong>" in resource.summary_html["en"]
    assert client.post("/resources/new-slug/edit", data={**data, "region": str(world["regions"]["latin-america"])}) \
        .status_code == 302  # a focal point may hand it to another region's reviewers…
    assert client.get("/resources/new-slug/edit").status_code == 403  # …and then it is theirs no more


def test_a_retired_resource_leaves_the_list_and_comes_back_when_reinstated(app, client, auth, world):
    slug = make_resource(app, titles={"en": "Going away"})
    sign_in(auth, world, "Zola")
    assert "Going away" in page_of(client.get("/resources/"))
    assert client.post(f"/resources/{slug}/retire").status_code == 302
    assert "Going away" not in page_of(client.get("/resources/"))
    assert "Going away" in page_of(client.get("/resources/review?status=retired"))
    auth.sign_out()
    assert client.get(f"/resources/{slug}").status_code == 404
    sign_in(auth, world, "Zola")
    assert client.post(f"/resources/{slug}/reinstate").status_code == 302
    assert "Going away" in page_of(client.get("/resources/"))


# --- the list -------------------------------------------------------------------------------------------------------

def test_the_list_is_newest_first_paginated_and_filters_keep_each_other(app, client, world):
    app.config["PER_PAGE"] = 2
    for number in range(3):
        make_resource(app, slug=f"item-{number}", titles={"en": f"Item {number}"}, region="latin-america")
    make_resource(app, slug="global-one", titles={"en": "Global one"}, region=None, kind="video")
    page = page_of(client.get("/resources/"))
    assert page.index("Global one") < page.index("Item 2") and "Item 0" not in page
    assert "Item 0" in page_of(client.get("/resources/?page=2"))
    assert client.get("/resources/?page=3").status_code == 404
    filtered = page_of(client.get("/resources/?region=latin-america"))
    assert "Global one" not in filtered and "Latin America <span class=\"meta\">(3)</span>" in filtered
    assert 'href="/resources/?region=latin-america&amp;kind=guide"' in filtered  # a kind link keeps the region
    assert "Clear the filters" in filtered
    assert "Global one" in page_of(client.get("/resources/?region=global"))


@pytest.mark.parametrize("query", ["topic=nope", "language=<script>", "language=english", "region=atlantis",
                                   "kind=%00", "page=0", "page=99999999999999", "page=abc"])
def test_junk_filters_give_404_never_500(app, client, world, query):
    assert client.get(f"/resources/?{query}").status_code == 404


def test_a_title_in_another_language_is_marked_with_its_language(app, client, auth, world):
    make_resource(app, titles={"en": "Only in English"}, summaries={"en": "English summary."})
    sign_in(auth, world, "Luz")
    page = page_of(client.get("/resources/"))
    assert re.search(r'<h3 lang="en"><a [^>]*>Only in English</a></h3>', page)
    assert '<div class="prose" lang="en">' in page


def test_what_people_write_cannot_run_in_any_page(app, client, auth, world):
    sign_in(auth, world, "Amani")
    for attack in ATTACKS:
        assert client.post("/resources/suggest", data=suggestion(world, title=attack[:200], summary=attack)) \
            .status_code == 302
    auth.sign_out()
    sign_in(auth, world, "Sec")
    for resource in saved(app):
        client.post(f"/resources/{resource.slug}/approve")
    for url in ["/resources/", "/resources/review?status=published", *(f"/resources/{r.slug}" for r in saved(app))]:
        assert dangerous_markup(page_of(client.get(url))) == [], url


def test_no_template_of_the_library_marks_text_safe():
    folder = Path(__file__).parent.parent / "colab" / "templates" / "resources"
    assert not [path.name for path in folder.glob("*.html") if re.search(r"\|\s*safe\b", path.read_text())]


# --- under a lesson -------------------------------------------------------------------------------------------------

@pytest.fixture
def lesson_content(app, tmp_path):
    """The sample course with the English "why-listen" lesson listing three library slugs."""
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root)
    lesson = root / "listening-basics" / "en" / "first-steps" / "why-listen.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("minutes: 10\n", "minutes: 10\nresources: [circle-guide, not-yet, retired-one]\n",
                                   1), encoding="utf-8")
    with app.app_context():
        sync_content(root)
        db.session.commit()
    return root


def test_resources_listed_in_a_lessons_front_matter_appear_under_it(app, client, auth, world, lesson_content):
    make_resource(app, slug="circle-guide", titles={"en": "Circle guide"}, data=PDF)
    make_resource(app, slug="not-yet", titles={"en": "Not yet approved"}, status="suggested")
    make_resource(app, slug="retired-one", titles={"en": "Retired one"}, status="retired")
    sign_in(auth, world, "Amani")
    page = page_of(client.get(LESSON))
    assert "From the library" in page
    assert "Circle guide" in page and "PDF, 1 KB" in page and "Low data" in page
    assert "Not yet approved" not in page and "Retired one" not in page
    assert 'href="/resources/circle-guide/download"' in page


def test_a_lesson_without_library_resources_has_no_library_panel(app, client, auth, world, content):
    sign_in(auth, world, "Amani")
    assert "From the library" not in page_of(client.get(LESSON))


def test_the_lesson_panel_asks_the_database_once(app, world, lesson_content):
    from sqlalchemy import event
    for slug in ("circle-guide", "not-yet", "retired-one"):
        make_resource(app, slug=slug)
    with app.test_request_context():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert len(service.published_by_slugs(["circle-guide", "not-yet", "retired-one", "unknown"])) == 3
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(statements) == 1


def test_a_lessons_resources_must_be_a_list_of_slugs(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root)
    lesson = root / "listening-basics" / "en" / "first-steps" / "why-listen.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("minutes: 10\n", "minutes: 10\nresources: Not A Slug\n", 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        read_content(root)
    [problem] = raised.value.problems
    assert problem.path == lesson and problem.line == 4
    assert '"resources" must be a list of library slugs' in problem.message
    lesson.write_text(text.replace("minutes: 10\n", "minutes: 10\nresources: [good-one, good-one]\n", 1),
                      encoding="utf-8")
    [course] = read_content(root)
    assert course.lessons["why-listen"]["en"].resources == ["good-one"]


# --- the demo library -----------------------------------------------------------------------------------------------

def test_the_demo_library_seeds_once_and_its_pdf_downloads(app, client, world):
    from colab.resources import demo
    with app.app_context():
        first = demo.seed()
        db.session.commit()
        assert demo.seed() == 0
        db.session.commit()
    assert first >= 10
    resources = saved(app)
    assert {str(kind) for resource in resources for kind in [resource.kind]} >= {"guide", "research", "toolkit"}
    assert all(url.count("/") == 3 for url in (r.url for r in resources if r.url))  # home pages, no deep links
    assert all(set(r.title) == {"en", "es", "fr"} for r in resources if r.status == ResourceStatus.PUBLISHED)
    with client.get("/resources/listening-circle-five-steps/download") as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF-") and b"%%EOF" in response.data


# --- every route x every role ---------------------------------------------------------------------------------------

# "member" is Amani (signed in, no role; {mine} is their own suggestion); "focal" reviews africa, where every
# resource here belongs; "other_focal" reviews latin-america ({mine} is theirs, in africa); 302 for "anonymous" on a
# page that needs an account means "sent to sign in".
ROLES = ("anonymous", "member", "focal", "other_focal", "admin")
ALL_200, ALL_404 = "200 200 200 200 200", "404 404 404 404 404"
REVIEWERS = "404 404 200 404 200"  # those who see a suggestion, a retired or a declined resource
VALID, BAD = "valid", "bad"
ROUTES = [
    ("list", "GET", "/resources/", None, ALL_200),
    ("list filtered", "GET", "/resources/?topic=srhr&language=es&region=africa&kind=guide", None, ALL_200),
    ("list: unknown topic", "GET", "/resources/?topic=nope", None, ALL_404),
    ("list: page past the end", "GET", "/resources/?page=9", None, ALL_404),
    ("published", "GET", "/resources/{pub}", None, ALL_200),
    ("a suggestion", "GET", "/resources/{sugg}", None, REVIEWERS),
    ("my suggestion", "GET", "/resources/{mine}", None, "404 200 200 200 200"),
    ("retired", "GET", "/resources/{retired}", None, REVIEWERS),
    ("declined", "GET", "/resources/{declined}", None, REVIEWERS),
    ("unknown", "GET", "/resources/no-such-thing", None, ALL_404),
    ("download", "GET", "/resources/{file}/download", None, ALL_200),
    ("download a link", "GET", "/resources/{pub}/download", None, ALL_404),
    ("download a suggestion", "GET", "/resources/{sugg_file}/download", None, REVIEWERS),
    ("suggest: form", "GET", "/resources/suggest", None, "302 200 200 200 200"),
    ("suggest", "POST", "/resources/suggest", VALID, "302 302 302 302 302"),
    ("suggest with a problem", "POST", "/resources/suggest", BAD, "302 400 400 400 400"),
    ("my suggestions", "GET", "/resources/mine", None, "302 200 200 200 200"),
    ("review queue", "GET", "/resources/review", None, "302 403 200 200 200"),
    ("review: published", "GET", "/resources/review?status=published", None, "302 403 200 200 200"),
    ("review: unknown state", "GET", "/resources/review?status=nope", None, "302 403 404 404 404"),
    ("approve", "POST", "/resources/{sugg}/approve", {}, "404 404 302 404 302"),
    ("approve my own", "POST", "/resources/{mine}/approve", {}, "404 403 302 403 302"),
    ("approve a declined one", "POST", "/resources/{declined}/approve", {}, "404 404 302 404 302"),
    ("approve a published one", "POST", "/resources/{pub}/approve", {}, "302 403 302 403 302"),
    ("decline", "POST", "/resources/{sugg}/decline", {"note": "Not open access."}, "404 404 302 404 302"),
    ("decline without a note", "POST", "/resources/{sugg}/decline", {"note": ""}, "404 404 400 404 400"),
    ("retire", "POST", "/resources/{pub}/retire", {}, "302 403 302 403 302"),
    ("retire a suggestion", "POST", "/resources/{sugg}/retire", {}, "404 404 302 404 302"),
    ("reinstate", "POST", "/resources/{retired}/reinstate", {}, "404 404 302 404 302"),
    ("edit: form", "GET", "/resources/{pub}/edit", None, "302 403 200 403 200"),
    ("edit a suggestion: form", "GET", "/resources/{sugg}/edit", None, "404 404 200 404 200"),
    ("edit", "POST", "/resources/{pub}/edit", VALID, "302 403 302 403 302"),
    ("edit with a problem", "POST", "/resources/{pub}/edit", BAD, "302 403 400 403 400"),
    ("edit a retired one", "GET", "/resources/{retired}/edit", None, "404 404 302 404 302"),
]
ACTORS = {"member": "Amani", "focal": "Zola", "other_focal": "Marta", "admin": "Sec"}


def _places(app, world, actor):
    luz = world["people"]["Luz"][0]
    me = world["people"][actor][0] if actor else luz
    with app.app_context():
        places = {"pub": new_resource(), "file": new_resource(data=PDF),
                  "sugg": new_resource(status="suggested", by=luz),
                  "sugg_file": new_resource(status="suggested", by=luz, data=PDF),
                  "mine": new_resource(status="suggested", by=me), "retired": new_resource(status="retired"),
                  "declined": new_resource(status="declined", by=luz)}
        db.session.commit()
    return places


def _body(world, method, url, data):
    if data == VALID and url.endswith("/edit"):
        return {"slug": url.split("/")[2], "kind": "guide", "title_en": "Edited", "summary_en": "", "title_es": "",
                "summary_es": "", "url": "https://example.org/", "languages": ["en"], "topics": ["srhr"],
                "region": str(world["regions"]["africa"])}
    if data == BAD and url.endswith("/edit"):
        return {"slug": "Not a slug!", "kind": "guide", "title_en": "Edited", "url": "https://example.org/",
                "languages": ["en"], "topics": ["srhr"], "region": str(world["regions"]["africa"])}
    if data == VALID:
        return suggestion(world)
    if data == BAD:
        return suggestion(world, url="")
    return data


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, auth, world, role):
    """Each row gets fresh resources. No page shows anyone's email."""
    actor = ACTORS.get(role)
    if actor:
        sign_in(auth, world, actor)
    token = client.csrf_token()
    emails = [email for _id, email in world["people"].values()]
    actual, expected, leaks = {}, {}, []
    for name, method, url, data, codes in ROUTES:
        target = url.format(**_places(app, world, actor))
        if method == "GET":
            response = client.get(target)
        else:
            response = client.post(target, data={"csrf_token": token, **_body(world, method, target, data)},
                                   csrf=False)
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        body = response.get_data().decode("utf-8", "replace")
        response.close()
        leaks += [f"{name}: {email}" for email in emails if email in body]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = dict.fromkeys(("pub", "file", "sugg", "sugg_file", "mine", "retired", "declined"), "some-slug")
    covered = {(adapter.match(url.format(**placeholders).split("?")[0], method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"
