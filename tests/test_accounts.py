"""People and their accounts, at the request level: sign-up, sign-in, password reset, profile,
data export, deletion, and which pages need an account."""
import email
import email.policy
import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from colab.accounts.models import Region, User
from colab.courses.models import Enrolment, LessonProgress, Response
from colab.extensions import db

from conftest import PASSWORD

LESSON = "/courses/listening-basics/why-listen/"
REFLECTION = "/courses/listening-basics/why-listen/activities/last-time-heard"
SAME_ANSWER = "If an account uses that address, we have sent it a link to choose a new password."


# --- helpers -------------------------------------------------------------------------------------

def text(response):
    return response.get_data(as_text=True)


def field_error(page, name):
    """The error message shown next to the form field `name`, or None."""
    found = re.search(rf'<p class="error" id="{re.escape(name)}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else None


def location(response):
    """Path and query of a redirect."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def rows(app, model, **filters):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**filters))


def stored_user(app, email_address):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email_address))
        if user is not None:
            db.session.expunge(user)
        return user


def region_id(app, slug):
    with app.app_context():
        return db.session.scalar(db.select(Region.id).filter_by(slug=slug))


def sign_up(client, **fields):
    data = {"email": "maria@example.org", "display_name": "Quiet Listener", "password": PASSWORD,
            "locale": "en", "timezone": "UTC", "region": ""}
    data.update(fields)
    return client.post("/sign-up", data=data)


def mails(app):
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def reset_link_path(app):
    """The path of the reset link in the newest mail in the outbox."""
    message = email.message_from_bytes(mails(app)[-1].read_bytes(), policy=email.policy.default)
    link = re.search(r"https?://\S+/password/reset/\S+", message.get_content()).group(0)
    return urlsplit(link).path


def is_signed_in(client):
    return client.get("/account").status_code == 200


# --- sign-up -------------------------------------------------------------------------------------

def test_sign_up_form_says_a_pseudonym_is_fine(client):
    page = text(client.get("/sign-up"))
    hint = re.search(r'id="display_name-hint">(.*?)</p>', page, re.S).group(1)
    assert "does not have to be your real name" in hint


def test_sign_up_signs_you_in_and_saves_language_time_zone_and_region(app, client):
    europe = region_id(app, "europe")
    response = sign_up(client, locale="es", timezone="America/Bogota", region=str(europe))
    assert response.status_code == 302
    user = stored_user(app, "maria@example.org")
    assert (user.display_name, user.locale, user.timezone, user.region_id) == (
        "Quiet Listener", "es", "America/Bogota", europe)
    page = client.get("/account")
    assert page.status_code == 200
    assert '<html lang="es"' in text(page)


@pytest.mark.parametrize("fields, field, message", [
    ({"email": "Taken@Example.ORG"}, "email", "An account with this email already exists"),
    ({"password": "short1"}, "password", "Use at least 10 characters."),
    ({"password": "password123"}, "password", "This password is too easy to guess"),
    ({"email": "maria.lopez@example.org", "password": "Maria.Lopez forever and ever"}, "password",
     "Do not use your email address in your password."),
    ({"email": "maria-at-example.org"}, "email", "Enter a valid email address."),
    ({"display_name": ""}, "display_name", "Enter a display name."),
], ids=["duplicate-email", "short-password", "common-password", "email-in-password", "invalid-email",
        "no-display-name"])
def test_sign_up_errors_show_next_to_the_field_keep_typed_values_and_save_nothing(
        app, client, make_user, fields, field, message):
    make_user(email="taken@example.org")
    typed = {"email": "newcomer@example.org", "display_name": "Río Sereno", "password": "Secret wombat 4 lunch",
             **fields}
    response = sign_up(client, **typed)
    page = text(response)
    assert response.status_code == 200
    assert message in field_error(page, field)
    assert f'value="{html.escape(typed["email"])}"' in page
    if typed["display_name"]:
        assert f'value="{typed["display_name"]}"' in page
    assert typed["password"] not in page
    assert rows(app, User) == 1
    assert not is_signed_in(client)


# --- sign-in and sign-out ------------------------------------------------------------------------

def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    _, known = make_user()
    pages = [text(client.post("/sign-in", data={"email": address, "password": "not the password at all"}))
             for address in (known, "nobody@example.org")]
    errors = [field_error(page, "password") for page in pages]
    assert errors[0] == errors[1] == "The email or password is not right."
    assert not is_signed_in(client)


def test_sign_in_follows_a_local_next(client, make_user):
    _, address = make_user()
    response = client.post("/sign-in?next=/account", data={"email": address, "password": PASSWORD})
    assert location(response) == "/account"


@pytest.mark.parametrize("target", ["https://evil.example/steal", "//evil.example/steal"])
def test_sign_in_ignores_an_external_next(client, make_user, target):
    _, address = make_user()
    response = client.post("/sign-in", query_string={"next": target}, data={"email": address, "password": PASSWORD})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert location(response) == "/"


def test_sign_out_is_post_only(client, auth):
    auth.as_new_user()
    assert client.get("/sign-out").status_code == 405
    assert is_signed_in(client)
    assert location(auth.sign_out()) == "/"
    assert not is_signed_in(client)


@pytest.mark.parametrize("app_config", [{"SIGN_IN_RATE_LIMIT": "3 per minute"}], ids=["3-per-minute"])
def test_sign_in_is_rate_limited_with_a_friendly_page(client):
    attempt = {"email": "someone@example.org", "password": "guessing again"}
    assert [client.post("/sign-in", data=attempt).status_code for _ in range(3)] == [200, 200, 200]
    response = client.post("/sign-in", data=attempt)
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert '<html lang="en"' in text(response)


# --- CSRF ----------------------------------------------------------------------------------------

def _changed_display_name(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).display_name != "Tester"


@pytest.mark.parametrize("path, data, saved", [
    ("/sign-up", {"email": "new@example.org", "display_name": "New", "password": PASSWORD, "locale": "en",
                  "timezone": "UTC", "region": ""}, lambda app, _: rows(app, User) > 1),
    ("/account", {"email": "keep@example.org", "display_name": "Changed", "locale": "en", "timezone": "UTC",
                  "region": ""}, _changed_display_name),
    ("/account/delete", {"password": PASSWORD}, lambda app, user_id: rows(app, User, id=user_id) == 0),
], ids=["sign-up", "profile", "delete"])
def test_post_without_csrf_token_is_refused_and_saves_nothing(app, client, auth, path, data, saved):
    user_id, _ = auth.as_new_user(email="keep@example.org")
    if path == "/sign-up":
        auth.sign_out()
    response = client.post(path, data=data, csrf=False)
    assert response.status_code == 400
    assert "This form has expired" in text(response)
    assert not saved(app, user_id)


# --- password reset ------------------------------------------------------------------------------

def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app, client, make_user):
    _, known = make_user()
    for address in (known, "nobody@example.org"):
        response = client.post("/password/forgot", data={"email": address}, follow_redirects=True)
        assert SAME_ANSWER in text(response)
        assert len(mails(app)) == 1  # only the real account got a mail
    assert reset_link_path(app).startswith("/password/reset/")


def test_reset_link_sets_a_new_password_once(app, client, make_user):
    _, address = make_user()
    client.post("/password/forgot", data={"email": address})
    link = reset_link_path(app)
    new = {"password": "brand new walking stick", "confirm": "brand new walking stick"}
    assert client.get(link).status_code == 200
    assert location(client.post(link, data=new)) == "/sign-in"
    assert client.post("/sign-in", data={"email": address, "password": PASSWORD}).status_code == 200
    assert location(client.post("/sign-in", data={"email": address, "password": new["password"]})) == "/"
    client.post("/sign-out")
    again = client.post(link, data={"password": "yet another long one", "confirm": "yet another long one"})
    assert again.status_code == 400
    assert "already been used" in text(again)
    assert location(client.post("/sign-in", data={"email": address, "password": new["password"]})) == "/"


@pytest.mark.parametrize("app_config", [{"PASSWORD_RESET_MAX_AGE": -1}], ids=["expired"])
def test_expired_reset_link_is_refused(app, client, make_user):
    _, address = make_user()
    client.post("/password/forgot", data={"email": address})
    response = client.post(reset_link_path(app), data={"password": "brand new walking stick",
                                                      "confirm": "brand new walking stick"})
    assert response.status_code == 400
    assert "expired" in text(response)
    assert location(client.post("/sign-in", data={"email": address, "password": PASSWORD})) == "/"


def test_garbage_reset_token_is_refused(client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in text(response)


# --- profile -------------------------------------------------------------------------------------

def profile_data(email_address, **changes):
    return {"email": email_address, "display_name": "Tester", "locale": "en", "timezone": "UTC", "region": "",
            **changes}


def test_profile_changes_are_saved_and_the_language_follows(app, client, auth):
    _, address = auth.as_new_user()
    asia = region_id(app, "asia")
    response = client.post("/account", data=profile_data(address, display_name="Night Owl", locale="es",
                                                          timezone="Asia/Manila", region=str(asia)))
    assert location(response) == "/account"
    user = stored_user(app, address)
    assert (user.display_name, user.locale, user.timezone, user.region_id) == (
        "Night Owl", "es", "Asia/Manila", asia)
    page = text(client.get("/account"))
    assert '<html lang="es"' in page
    assert "Mi cuenta" in page  # the interface now speaks Spanish (catalog compiled by `make translations`)
    assert 'value="Night Owl"' in page


@pytest.mark.parametrize("other", ["taken@example.org", "TAKEN@example.org"])
def test_profile_refuses_another_accounts_email(app, client, auth, make_user, other):
    make_user(email="taken@example.org")
    _, address = auth.as_new_user()
    page = text(client.post("/account", data=profile_data(other, display_name="Renamed")))
    assert "Another account already uses this email address." in field_error(page, "email")
    assert stored_user(app, address).display_name == "Tester"


NEW_PASSWORD = "fresh long passphrase"


def password_works(auth, address, password):
    auth.sign_out()
    return auth.sign_in(address, password).status_code == 302


@pytest.mark.parametrize("current, confirm, field, message", [
    ("not my password", NEW_PASSWORD, "current", "That is not your current password."),
    (PASSWORD, "fresh long passphrase typo", "confirm", "The two passwords do not match."),
], ids=["wrong-current", "confirm-differs"])
def test_change_password_refused_keeps_the_old_one(client, auth, current, confirm, field, message):
    _, address = auth.as_new_user()
    response = client.post("/account/password", data={"current": current, "password": NEW_PASSWORD,
                                                     "confirm": confirm})
    assert response.status_code == 400
    assert field_error(text(response), field) == message
    assert not password_works(auth, address, NEW_PASSWORD)
    assert password_works(auth, address, PASSWORD)


def test_change_password_then_sign_in_with_the_new_one(client, auth):
    _, address = auth.as_new_user()
    response = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert location(response) == "/account"
    assert not password_works(auth, address, PASSWORD)
    assert password_works(auth, address, NEW_PASSWORD)


# --- export and deletion -------------------------------------------------------------------------

def reflect(client, words):
    client.get(LESSON)
    response = client.post(REFLECTION, data={"a-last-time-heard-text": words})
    assert response.status_code == 302, text(response)


def test_export_holds_my_account_and_reflection_but_nobody_elses(client, auth, content):
    auth.as_new_user(email="other@example.org", display_name="Someone Else")
    reflect(client, "A secret of someone else")
    auth.sign_out()
    auth.as_new_user(email="me@example.org", display_name="Me Myself")
    reflect(client, "My grandmother heard me")
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(text(response))
    assert data["account"]["email"] == "me@example.org"
    assert [r["reflection"] for r in data["courses"]["responses"]] == ["My grandmother heard me"]
    assert "other@example.org" not in text(response) and "someone else" not in text(response).lower()


def test_delete_account_with_wrong_password_keeps_it(app, client, auth):
    user_id, _ = auth.as_new_user()
    page = text(client.post("/account/delete", data={"password": "not my password"}))
    assert field_error(page, "password") == "That is not your password."
    assert rows(app, User, id=user_id) == 1
    assert is_signed_in(client)


def test_delete_account_removes_the_user_and_their_learning(app, client, auth, content):
    keeper_id, _ = auth.as_new_user()
    reflect(client, "Kept")
    auth.sign_out()
    user_id, _ = auth.as_new_user()
    reflect(client, "Going away")
    mine = [(model, {"user_id": user_id}) for model in (Enrolment, LessonProgress, Response)]
    assert all(rows(app, model, **where) == 1 for model, where in mine)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert location(response) == "/"
    assert rows(app, User, id=user_id) == 0
    assert [rows(app, model, **where) for model, where in mine] == [0, 0, 0]
    assert [rows(app, model, user_id=keeper_id) for model in (Enrolment, LessonProgress, Response)] == [1, 1, 1]
    assert not is_signed_in(client)


# --- who may open what ---------------------------------------------------------------------------

def test_lessons_need_an_account_and_sign_in_returns_you_there(client, make_user, content):
    response = client.get(LESSON)
    assert response.status_code == 302
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/sign-in"
    assert parse_qs(parts.query)["next"] == [LESSON]
    _, address = make_user()
    signed_in = client.post(location(response), data={"email": address, "password": PASSWORD})
    assert location(signed_in) == LESSON
    assert client.get(LESSON).status_code == 200


@pytest.mark.parametrize("path", ["/courses/", "/courses/listening-basics/"])
def test_catalogue_and_course_overview_are_public(client, content, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Listening basics" in text(response)


@pytest.mark.parametrize("locale, accept", [("es", "en"), ("en", "es")])
@pytest.mark.parametrize("path", ["/courses/no-such-course/", "/courses/listening-basics/no-such-lesson/",
                                  "/courses/no-such-course/why-listen/"])
def test_unknown_course_or_lesson_is_404_in_the_signed_in_readers_language(client, auth, content, path, locale,
                                                                          accept):
    """The profile's language wins over the browser's."""
    auth.as_new_user(locale=locale)
    response = client.get(path, headers={"Accept-Language": accept})
    assert response.status_code == 404
    assert f'<html lang="{locale}"' in text(response)


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("path", ["/courses/no-such-course/", "/no-such-page"])
def test_unknown_page_is_404_in_the_anonymous_readers_language(client, content, path, language):
    response = client.get(path, headers={"Accept-Language": f"{language},en;q=0.5"})
    assert response.status_code == 404
    assert f'<html lang="{language}"' in text(response)
