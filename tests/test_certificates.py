"""Certificates of completion: the learner's own page, printing, public verification by code, revocation."""
import html
import re
from datetime import date

import factories
import pytest
from babel.dates import format_date

from colab.certificates.models import Certificate
from colab.courses.models import LessonText
from colab.extensions import db
from colab.models_base import utcnow

POSTGRESQL = False  # a certificate's page, its print rules and its code (see conftest.py)

COURSE = "/courses/listening-basics/"
CERTIFICATE = COURSE + "certificate"
LESSONS = ("why-listen", "listening-to-disagree", "listening-in-groups")
UNKNOWN = "/verify/no-such-code"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def finish_course(client):
    for slug in LESSONS:
        assert client.post(f"{COURSE}{slug}/complete").status_code == 302


def code_of(app, user_id):
    with app.app_context():
        return db.session.scalar(db.select(Certificate.code).filter_by(user_id=user_id))


def today(locale):
    return format_date(utcnow().date(), "d MMM y", locale=locale)


@pytest.fixture
def graduate(client, auth, content):
    """A learner (display name "Ada Learner") who completed the sample course and opened the certificate."""
    user_id, email = auth.as_new_user(display_name="Ada Learner", email="ada.private@example.org")
    finish_course(client)
    assert client.get(CERTIFICATE).status_code == 200
    return user_id


def same_as_unknown(client, code):
    """/verify/<code> answers exactly as for a code that never existed (the page names the address asked)."""
    client.get("/")  # shows any message waiting from the step before (such as "You are signed out.")
    answer, unknown = client.get(f"/verify/{code}"), client.get(UNKNOWN)

    def page(response):  # a CSRF token carries the second it was made: two requests may straddle one
        return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', response.get_data(as_text=True))
    return (answer.status_code == unknown.status_code == 404
            and page(answer).replace(code, "no-such-code") == page(unknown))


def make_public(client, public=True):
    return client.post(CERTIFICATE + "/visibility", data={"public": "y"} if public else {})


def test_no_certificate_before_the_course_is_completed(client, auth, content):
    auth.as_new_user()
    client.post(COURSE + "why-listen/complete")
    assert client.get(CERTIFICATE).status_code == 404
    assert "Your certificate" not in text(client.get(COURSE))


def test_completing_the_course_links_to_a_certificate_with_name_course_date_and_hours(client, graduate, app):
    assert "Your certificate" in text(client.get(COURSE))
    page = text(client.get(CERTIFICATE))
    assert "Certificate of completion" in page
    assert "Ada Learner" in page and "Listening basics" in page
    assert today("en") in page  # "29 Nov 2026"
    assert "About half an hour" in page  # 10 + 12 + 8 minutes
    code = code_of(app, graduate)
    assert 10 <= len(code) <= 16 and code in page
    assert f"/verify/{code}" in page
    assert "Cohort" not in page
    assert text(client.get(CERTIFICATE)).count(code) == page.count(code)  # opened again: the same certificate
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1


def test_hours_are_summed_in_the_readers_language_and_rounded_up_to_half_hours(client, graduate, app):
    with app.app_context():
        for row in db.session.scalars(db.select(LessonText).filter_by(locale="en")):
            row.minutes = 110  # 330 minutes: 5.5 hours
        db.session.commit()
    assert "About 5.5 hours" in text(client.get(CERTIFICATE))
    with app.app_context():
        for row in db.session.scalars(db.select(LessonText).filter_by(locale="en")):
            row.minutes = 115  # 345 minutes, rounded up: 6 hours
        db.session.commit()
    assert "About 6 hours" in text(client.get(CERTIFICATE))


def test_a_spanish_reader_gets_the_course_title_and_date_in_spanish(client, auth, content):
    auth.as_new_user(locale="es", display_name="Lectora")
    finish_course(client)
    page = text(client.get(CERTIFICATE))
    assert 'lang="es"' in page
    assert "Escucha básica" in page and "Listening basics" not in page
    assert today("es") in page  # "29 nov 2026"


def test_the_learner_chooses_the_printed_name(client, graduate):
    for bad in ("A", "x" * 81, "   "):
        response = client.post(CERTIFICATE + "/name", data={"printed_name": bad})
        assert response.status_code == 400
        assert "Use between 2 and 80 characters." in text(response) or "Enter the name to print." in text(response)
    response = client.post(CERTIFICATE + "/name", data={"printed_name": "  Ada L.  "})
    assert response.status_code == 302
    page = text(client.get(CERTIFICATE))
    assert "The name on your certificate is saved." in page
    assert 'value="Ada L."' in page and '<p class="certificate-name">Ada L.</p>' in page


def test_printed_name_is_shown_as_text_never_as_markup(client, graduate, app):
    client.post(CERTIFICATE + "/name", data={"printed_name": "<script>alert(1)</script>"})
    make_public(client)
    for page in (client.get(CERTIFICATE), client.get(f"/verify/{code_of(app, graduate)}")):
        assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.get_data(as_text=True)


def test_writes_need_the_csrf_token(client, graduate):
    assert client.post(CERTIFICATE + "/visibility", data={"public": "y"}, csrf=False).status_code == 400
    assert "Private: the code confirms nothing." in text(client.get(CERTIFICATE))


def test_a_certificate_is_private_by_default_and_verify_tells_strangers_nothing(client, graduate, app, auth):
    code = code_of(app, graduate)
    assert "Private: the code confirms nothing." in text(client.get(CERTIFICATE))
    auth.sign_out()
    assert same_as_unknown(client, code)
    assert "Ada Learner" not in text(client.get(f"/verify/{code}"))


def test_public_verify_shows_name_course_and_date_and_nothing_else(client, graduate, app, auth, community_kit):
    community_kit.community("circle", region="africa")
    add_cohort(app, "circle", "Spring circle", learner_id=graduate)
    client.post(CERTIFICATE + "/name", data={"printed_name": "A. Lovelace"})
    response = make_public(client)
    assert response.status_code == 302
    assert "Your certificate is public" in text(client.get(CERTIFICATE))
    code = code_of(app, graduate)
    auth.sign_out()
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    page = text(response)
    assert "Certificate confirmed" in page
    assert "A. Lovelace" in page and "Listening basics" in page and today("en") in page
    for private in ("Ada Learner", "ada.private@example.org", "Spring circle", "africa", "Africa"):
        assert private not in page, private


def test_the_learner_can_make_it_private_again(client, graduate, app, auth):
    make_public(client)
    assert make_public(client, public=False).status_code == 302
    assert "Your certificate is private" in text(client.get(CERTIFICATE))
    code = code_of(app, graduate)
    auth.sign_out()
    assert same_as_unknown(client, code)


def test_undoing_a_lesson_withdraws_the_page_and_the_verification(client, graduate, app, auth):
    make_public(client)
    code = code_of(app, graduate)
    assert client.get(f"/verify/{code}").status_code == 200
    client.post(COURSE + "why-listen/complete", data={"undo": "1"})
    assert client.get(CERTIFICATE).status_code == 404
    assert "Your certificate" not in text(client.get(COURSE))
    assert client.post(CERTIFICATE + "/visibility", data={"public": "y"}).status_code == 404
    auth.sign_out()
    assert same_as_unknown(client, code)
    auth.sign_in("ada.private@example.org")
    client.post(COURSE + "why-listen/complete")  # completed again: the same certificate comes back
    assert code in text(client.get(CERTIFICATE))


def test_another_learner_reaches_only_their_own_certificate(client, graduate, app, auth):
    code = code_of(app, graduate)
    auth.sign_out()
    auth.as_new_user(display_name="Someone Else")
    response = client.get(CERTIFICATE)
    assert response.status_code == 404 and "Ada Learner" not in text(response)
    assert client.post(CERTIFICATE + "/visibility", data={"public": "y"}).status_code == 404
    assert client.get(f"/certificates/{code}/manage").status_code == 403
    with app.app_context():
        certificate = db.session.scalar(db.select(Certificate).filter_by(code=code))
        assert certificate.public is False
    assert client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "x"}).status_code == 403


def add_cohort(app, community_slug, name, learner_id=None, facilitator_ids=()):
    """A cohort of the sample course in the community, with the learner and facilitators given."""
    with app.app_context():
        factories.cohort(community_slug, name, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 5),
                         learners=() if learner_id is None else (learner_id,), facilitators=facilitator_ids)
        db.session.commit()


def test_a_cohort_learner_sees_the_cohort_and_its_facilitators(client, graduate, app, make_user, community_kit):
    first, _ = make_user(display_name="Faci One")
    second, _ = make_user(display_name="Faci Two")
    community_only, _ = make_user(display_name="Faci Community")
    community_kit.community("circle")
    community_kit.member(community_only, "circle", role="facilitator")
    add_cohort(app, "circle", "Spring circle", learner_id=graduate, facilitator_ids=(second, first))
    page = text(client.get(CERTIFICATE))
    assert "Spring circle" in page
    assert "Facilitators" in page and "Faci One, Faci Two" in page
    assert "Faci Community" not in page  # facilitates the community, not this cohort


def test_no_cohort_for_a_member_of_a_community_whose_cohort_they_did_not_take(client, graduate, app,
                                                                              community_kit):
    community_kit.community("circle")
    community_kit.member(graduate, "circle")
    add_cohort(app, "circle", "Their neighbours' cohort")
    page = text(client.get(CERTIFICATE))
    assert "neighbours" not in page and "Cohort" not in page


def test_an_admin_revokes_with_a_reason_and_the_learner_is_told(client, graduate, app, auth):
    make_public(client)
    code = code_of(app, graduate)
    auth.sign_out()
    auth.as_new_user(is_admin=True, display_name="Secretariat Person")
    page = text(client.get(f"/certificates/{code}/manage"))
    assert "Ada Learner" in page and "Revoke this certificate" in page and "Public" in page
    with app.app_context():
        certificate_id = db.session.scalar(db.select(Certificate.id).filter_by(code=code))
    response = client.post(f"/certificates/{certificate_id}/revoke", data={"reason": "  "})
    assert response.status_code == 400 and "Say why the certificate is revoked." in text(response)
    response = client.post(f"/certificates/{certificate_id}/revoke", data={"reason": "Issued by mistake"})
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "The certificate is revoked." in page and "Issued by mistake" in page
    assert "Revoke this certificate" not in page
    assert client.post(f"/certificates/{certificate_id}/revoke", data={"reason": "again"}).status_code == 403
    auth.sign_out()
    assert same_as_unknown(client, code)
    auth.sign_in("ada.private@example.org")
    page = text(client.get(CERTIFICATE))
    assert f"This certificate was revoked on {today('en')}." in page and "Reason: Issued by mistake" in page
    assert "Certificate of completion" not in page and code not in page
    assert client.post(CERTIFICATE + "/visibility", data={"public": "y"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(Certificate.revoked_by_id).filter_by(code=code)) is not None


def test_the_stylesheet_prints_the_certificate_alone_on_a4_or_letter(client):
    page = client.get("/")
    stylesheet = re.search(r'rel="stylesheet" href="([^"]+)"', page.get_data(as_text=True)).group(1)
    with client.get(stylesheet) as response:
        css = response.get_data(as_text=True)
    print_rules = css[css.index("@media print"):]
    hidden = print_rules[:print_rules.index("display:none")]  # the stylesheet is served minified
    for selector in (".quick-exit-bar", ".site-header", ".site-footer", "nav", "form", ".certificate-tools"):
        assert selector in hidden, selector
    assert re.search(r"\.certificate\{[^}]*border:", print_rules)
    assert re.search(r"@page\{margin:\d+mm \d+mm\}", css)  # no size: the browser's A4 or Letter
    assert not re.search(r"url\((?!icon\.svg\?v=\w+\))", css)  # nothing but the logo, the page's own icon
