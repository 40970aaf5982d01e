"""People and their accounts, at the request level: sign-up, sign-in, password reset, profile,
data export, deletion, and which pages need an account."""
import email
import email.policy
import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PASSWORD

from colab.accounts import service as accounts
from colab.accounts.models import PendingSignUp, Region, User
from colab.courses.models import Enrolment, LessonProgress, Response
from colab.demo import load_demo
from colab.extensions import db

LESSON = "/courses/listening-basics/why-listen/"
REFLECTION = "/courses/listening-basics/why-listen/activities/last-time-heard"
SAME_ANSWER = "If an account uses that address, we have sent it a link to choose a new password."


# --- helpers -------------------------------------------------------------------------------------

def text(response):
    return response.get_data(as_text=True)


def field_error(page, name):
    """The error message shown next to the form field `name`, or None."""
    found = re.search(rf'<p class="error" id="{re.escape(name)}-error">(.*?)</p>', page, re.DOTALL)
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


def read_mail(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def mails_to(app, address):
    """The messages sent to address, oldest first."""
    return [message for message in map(read_mail, mails(app)) if message["To"] == address]


def link_path(message, prefix):
    """The path of the first link in a message that starts with prefix, or None."""
    found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S*)", message.get_content())
    return found.group(1) if found else None


def reset_link_path(app):
    """The path of the reset link in the newest mail in the outbox."""
    return link_path(read_mail(mails(app)[-1]), "/password/reset/")


def is_signed_in(client):
    return client.get("/account").status_code == 200


def without_tokens(page):
    """A page with its CSRF tokens blanked, to compare two answers."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", page)


def confirm_sign_up(client, app, address="maria@example.org", **fields):
    """Open the newest sign-up link mailed to address and create the account."""
    link = link_path(mails_to(app, address)[-1], "/sign-up/confirm/")
    opened = client.get(link)
    found = re.search(r'id="display_name"[^>]*value="([^"]*)"', text(opened))
    if found is None:  # no form: the link was refused
        return opened
    return client.post(link, data={"display_name": html.unescape(found.group(1)), **fields})


# --- sign-up -------------------------------------------------------------------------------------

def test_sign_up_form_says_a_pseudonym_is_fine(client):
    page = text(client.get("/sign-up"))
    hint = re.search(r'id="display_name-hint">(.*?)</p>', page, re.DOTALL).group(1)
    assert "does not have to be your real name" in hint


def test_sign_up_mails_a_link_that_creates_the_account_once_and_signs_you_in(app, client):
    europe = region_id(app, "europe")
    response = sign_up(client, locale="es", timezone="America/Bogota", region=str(europe))
    assert response.status_code == 200
    assert "Check your inbox" in text(response)
    assert rows(app, User) == 0 and rows(app, PendingSignUp) == 1
    assert not is_signed_in(client)
    [message] = mails_to(app, "maria@example.org")
    link = link_path(message, "/sign-up/confirm/")
    with app.app_context():
        pending = db.session.scalar(db.select(PendingSignUp))
        assert link.rsplit("/", 1)[1] not in (pending.token_hash, pending.password_hash)  # only a hash is kept
        assert PASSWORD not in pending.password_hash
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200 and rows(app, User) == 0  # opening the link creates nothing yet
    response = client.post(link, data={"display_name": "Quiet Listener"})
    assert location(response) == "/courses/"
    user = stored_user(app, "maria@example.org")
    assert (user.display_name, user.locale, user.timezone, user.region_id) == (
        "Quiet Listener", "es", "America/Bogota", europe)
    page = client.get("/account")
    assert page.status_code == 200
    assert '<html lang="es"' in text(page)
    assert rows(app, PendingSignUp) == 0
    again = client.post(link, data={"display_name": "Someone Else"})
    assert again.status_code == 400
    assert rows(app, User) == 1


def test_sign_up_comes_back_to_the_page_it_started_from(app, client):
    client.post("/sign-up?next=/courses/listening-basics/", data={
        "email": "maria@example.org", "display_name": "Quiet Listener", "password": PASSWORD, "locale": "en",
        "timezone": "UTC", "region": ""})
    assert location(confirm_sign_up(client, app)) == "/courses/listening-basics/"


def test_sign_up_answers_the_same_for_a_new_and_a_taken_address(app, client, make_user):
    """Nobody learns from sign-up whether an address has an account; its owner is told by mail."""
    make_user(email="taken@example.org", display_name="Owner")
    answers = [sign_up(client, email=address, display_name=name)
               for address, name in (("taken@example.org", "Curious One"), ("fresh@example.org", "Curious Two"))]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert without_tokens(text(answers[0])) == without_tokens(text(answers[1]))
    [notice] = mails_to(app, "taken@example.org")
    assert "Someone tried to sign up" in notice.get_content()
    assert link_path(notice, "/sign-up/confirm/") is None
    assert link_path(notice, "/password/forgot") is not None
    [welcome] = mails_to(app, "fresh@example.org")
    assert link_path(welcome, "/sign-up/confirm/") is not None
    assert rows(app, User) == 1
    assert stored_user(app, "taken@example.org").display_name == "Owner"  # nothing about the account changed


@pytest.mark.parametrize("fields, field, message", [
    ({"password": "short1"}, "password", "Use at least 10 characters."),
    ({"password": "password123"}, "password", "This password is too easy to guess"),
    ({"email": "maria.lopez@example.org", "password": "Maria.Lopez forever and ever"}, "password",
     "Do not use your email address in your password."),
    ({"email": "maria-at-example.org"}, "email", "Enter a valid email address."),
    ({"display_name": ""}, "display_name", "Enter a display name."),
    ({"display_name": "\u200b\u200b"}, "display_name", "Enter a display name."),
    ({"display_name": "  TENDAI  "}, "display_name", "That display name is taken. Try another."),
    ({"display_name": "Tendai (facilitator)"}, "display_name", "does not look like a role"),
], ids=["short-password", "common-password", "email-in-password", "invalid-email", "no-display-name",
        "invisible-display-name", "display-name-taken", "staff-label"])
def test_sign_up_errors_show_next_to_the_field_keep_typed_values_and_save_nothing(
        app, client, make_user, fields, field, message):
    make_user(email="taken@example.org", display_name="Téndai")
    typed = {"email": "newcomer@example.org", "display_name": "Río Sereno", "password": "Secret wombat 4 lunch",
             **fields}
    response = sign_up(client, **typed)
    page = text(response)
    assert response.status_code == 200
    assert message in field_error(page, field)
    assert f'value="{html.escape(typed["email"])}"' in page
    if typed["display_name"].strip():
        assert f'value="{html.escape(typed["display_name"])}"' in page
    assert typed["password"] not in page
    assert rows(app, User) == 1 and rows(app, PendingSignUp) == 0
    assert mails(app) == []
    assert not is_signed_in(client)


@pytest.mark.parametrize("app_config", [{"SIGN_UP_RATE_LIMIT": "2 per hour"}], ids=["2-per-hour"])
def test_sign_up_is_rate_limited_per_network_address(client):
    assert sign_up(client, password="short").status_code == 200  # a mistake in the form does not count
    answers = [sign_up(client, email=f"person{n}@example.org", display_name=f"Person {n}").status_code
               for n in range(3)]
    assert answers == [200, 200, 429]


@pytest.mark.parametrize("app_config", [{"SIGN_UP_EMAIL_RATE_LIMIT": "2 per hour"}], ids=["2-per-hour"])
def test_sign_up_mails_one_address_only_so_often(app, client, make_user):
    """Nobody can flood an inbox through the sign-up form, whether or not the address has an account."""
    make_user(email="taken@example.org")
    for address in ("taken@example.org", "fresh@example.org"):
        answers = [sign_up(client, email=address, display_name=f"Name {n}").status_code for n in range(3)]
        assert answers == [200, 200, 429]
        assert len(mails_to(app, address)) == 2


@pytest.mark.parametrize("app_config", [{"SIGN_UP_CONFIRM_MAX_AGE": -1}], ids=["expired"])
def test_expired_sign_up_link_creates_nothing(app, client):
    sign_up(client)
    response = confirm_sign_up(client, app)
    assert response.status_code == 400
    assert "expired" in text(response)
    assert rows(app, User) == 0


def test_confirm_step_refuses_a_name_taken_meanwhile_and_keeps_what_was_typed(app, client, make_user):
    sign_up(client, display_name="Río Sereno")
    make_user(display_name="rio   SERENO")  # someone took it before the link was opened
    response = confirm_sign_up(client, app)
    page = text(response)
    assert response.status_code == 200
    assert field_error(page, "display_name") == "That display name is taken. Try another."
    assert 'value="Río Sereno"' in page
    assert rows(app, User) == 1
    assert location(confirm_sign_up(client, app, display_name="Río Claro")) == "/courses/"
    assert stored_user(app, "maria@example.org").display_name == "Río Claro"


def test_sign_up_link_for_an_address_that_has_an_account_by_now_creates_nothing(app, client, make_user):
    sign_up(client)
    make_user(email="maria@example.org")
    response = confirm_sign_up(client, app)
    assert response.status_code == 400
    assert rows(app, User) == 1


# --- display names -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Tendai (demo facilitator)", "Focal point Asia", "FocalPoint", "Site Admin", "admin", "Administrator Ana",
    "Moderator Sam", "The Secretariat", "Facilitadora Luz", "facilitador Juan", "Punto focal Andes",
    "Administradora", "Moderadora María", "ＡＤＭＩＮ", "Ádmin", "Animatrice Awa", "Modératrice", "Point focal Afrique",
    "Facilitatrice", "facilitateur Jean", "Animateurs",
])
def test_display_names_that_look_like_staff_are_refused(app, client, auth, name):
    auth.as_new_user()
    page = text(client.post("/account", data=profile_data(display_name=name)))
    assert "does not look like a role" in field_error(page, "display_name")
    assert rows(app, User, display_name=name) == 0


@pytest.mark.parametrize("name", ["Badminton Fan", "Sam Moderate", "Focal Lens", "Animation Lover", "Pointe Focale"])
def test_ordinary_names_that_contain_a_staff_word_by_chance_are_accepted(app, client, auth, name):
    auth.as_new_user()
    assert location(client.post("/account", data=profile_data(display_name=name))) == "/account"
    assert rows(app, User, display_name=name) == 1


@pytest.mark.parametrize("taken, typed", [
    ("Tendai Moyo", "tendai moyo"), ("José Núñez", "Jose Nunez"), ("Amani  K", " amani k "),
    ("Straße", "STRASSE"), ("Zoë", "Zoe\u0308"), ("Luz", "Lu\u200bz"),
])
def test_profile_refuses_a_display_name_taken_ignoring_case_accents_and_spaces(app, client, auth, make_user,
                                                                               taken, typed):
    make_user(display_name=taken)
    _, address = auth.as_new_user(display_name="Original")
    response = client.post("/account", data=profile_data(display_name=typed))
    page = text(response)
    assert field_error(page, "display_name") == "That display name is taken. Try another."
    assert f'value="{html.escape(typed)}"' in page
    assert stored_user(app, address).display_name == "Original"


def test_keeping_ones_own_name_in_another_case_is_fine(app, client, auth):
    _, address = auth.as_new_user(display_name="Night Owl")
    assert location(client.post("/account", data=profile_data(display_name="night owl"))) == "/account"
    assert stored_user(app, address).display_name == "night owl"


def test_find_by_name_key_ignores_case_accents_and_spacing(app, make_user):
    user_id, _ = make_user(display_name="Chidi  Ọkafor")
    with app.app_context():
        assert accounts.find_by_name_key(" chidi okafor ").id == user_id
        assert accounts.find_by_name_key("Chidi Okafo") is None
        assert accounts.find_by_name_key("") is None


def test_demo_data_still_loads(app, content):
    with app.app_context():
        assert load_demo()
        db.session.commit()
        assert accounts.find_by_name_key("tendai m.") is not None


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


def test_signing_out_tells_the_browser_to_forget_what_it_kept(client, auth):
    """On a shared device, the next person finds no cached page or stored data of the one who left."""
    auth.as_new_user()
    response = auth.sign_out()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_forgetting_this_device_keeps_the_sign_in(client, auth):
    auth.as_new_user()
    response = client.post("/device/forget")
    assert location(response) == "/" and response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Everything Co-Lab saved on this device is removed." in client.get("/").get_data(as_text=True)
    assert is_signed_in(client)
    assert client.post("/device/forget", csrf=False).status_code == 400  # a form like every other


def test_a_signed_out_visitor_can_forget_this_device_too(client):
    assert client.post("/device/forget").headers["Clear-Site-Data"] == '"cache", "storage"'


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


def _email_changed_or_mailed(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email != "keep@example.org" or bool(mails(app))


@pytest.mark.parametrize("path, data, saved", [
    ("/sign-up", {"email": "new@example.org", "display_name": "New", "password": PASSWORD, "locale": "en",
                  "timezone": "UTC", "region": ""},
     lambda app, _: rows(app, User) > 1 or rows(app, PendingSignUp) > 0 or bool(mails(app))),
    ("/account", {"display_name": "Changed", "locale": "en", "timezone": "UTC", "region": ""},
     _changed_display_name),
    ("/account/email", {"email": "new@example.org", "password": PASSWORD}, _email_changed_or_mailed),
    ("/account/delete", {"password": PASSWORD, "posts": "keep"}, lambda app, user_id: rows(app, User, id=user_id) == 0),
], ids=["sign-up", "profile", "email", "delete"])
def test_post_without_csrf_token_is_refused_and_saves_nothing(app, client, auth, path, data, saved):
    user_id, _ = auth.as_new_user(email="keep@example.org")
    if path == "/sign-up":
        auth.sign_out()
    response = client.post(path, data=data, csrf=False)
    assert response.status_code == 400
    assert "This form has expired" in text(response)
    assert not saved(app, user_id)


def test_sign_in_without_csrf_token_is_refused(client, make_user):
    _user_id, address = make_user()
    response = client.post("/sign-in", data={"email": address, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400 and "This form has expired" in text(response)
    assert not is_signed_in(client)


def test_sign_out_without_csrf_token_is_refused_and_the_session_goes_on(client, auth):
    auth.as_new_user()
    response = client.post("/sign-out", csrf=False)
    assert response.status_code == 400 and "This form has expired" in text(response)
    assert is_signed_in(client)


def test_a_reply_without_csrf_token_is_refused_and_nothing_is_posted(app, client, auth, community_kit):
    from colab.communities.models import Post
    user_id, _ = auth.as_new_user()
    community_kit.community("circle")
    community_kit.member(user_id, "circle")
    thread_id = community_kit.thread(user_id, "circle")
    response = client.post(f"/communities/circle/threads/{thread_id}/reply", data={"body": "Forged"}, csrf=False)
    assert response.status_code == 400 and "This form has expired" in text(response)
    assert rows(app, Post, thread_id=thread_id) == 1  # the thread's first post only


def test_an_admin_act_without_csrf_token_is_refused_and_changes_nothing(app, client, auth, make_user):
    auth.as_new_user(is_admin=True)
    learner_id, _ = make_user()
    response = client.post(f"/admin/users/{learner_id}/admin", csrf=False)
    assert response.status_code == 400 and "This form has expired" in text(response)
    assert rows(app, User, id=learner_id, is_admin=False) == 1


def table_rows(app):
    with app.app_context():
        return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


# The upload views raise the body size limit before the form is read, so they check the token themselves, once
# they know who is asking: an anonymous POST goes to the sign-in page first.
CHECK_THEIR_OWN_TOKEN = {"/publishing/upload", "/resources/suggest"}


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_route_that_takes_a_post_refuses_one_without_csrf_token(app, client, auth, who):
    """The token is checked before any view runs, so made-up ids in the path are enough: a POST route exempted by
    mistake fails here, and nothing is stored."""
    if who == "admin":
        auth.as_new_user(is_admin=True)
    before = table_rows(app)
    adapter = app.url_map.bind("colab.test")
    answers, expected = {}, {}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            path = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method="POST")
            response = client.post(path, data={"body": "Forged"}, csrf=False)
            answers[rule.rule] = response.status_code, "This form has expired" in text(response)
            sent_to_sign_in = who == "anonymous" and rule.rule in CHECK_THEIR_OWN_TOKEN
            expected[rule.rule] = (302, False) if sent_to_sign_in else (400, True)
    assert len(answers) > 100
    assert answers == expected
    assert table_rows(app) == before


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

def profile_data(**changes):
    return {"display_name": "Tester", "locale": "en", "timezone": "UTC", "region": "", **changes}


def test_profile_changes_are_saved_and_the_language_follows(app, client, auth):
    _, address = auth.as_new_user()
    asia = region_id(app, "asia")
    response = client.post("/account", data=profile_data(display_name="Night Owl", locale="es",
                                                          timezone="Asia/Manila", region=str(asia)))
    assert location(response) == "/account"
    user = stored_user(app, address)
    assert (user.display_name, user.locale, user.timezone, user.region_id) == (
        "Night Owl", "es", "Asia/Manila", asia)
    page = text(client.get("/account"))
    assert '<html lang="es"' in page
    assert "Mi cuenta" in page  # the interface now speaks Spanish (catalog compiled by `make translations`)
    assert 'value="Night Owl"' in page


def test_discreet_mode_is_a_checkbox_on_the_account_page(app, client, auth):
    _, address = auth.as_new_user()
    page = text(client.get("/account"))
    assert 'id="discreet"' in page and "Discreet mode" in page
    assert stored_user(app, address).discreet is False
    client.post("/account", data=profile_data(discreet="y"))
    assert stored_user(app, address).discreet is True
    assert re.search(r'<input[^>]*checked[^>]*id="discreet"|<input[^>]*id="discreet"[^>]*checked',
                     text(client.get("/account")))
    client.post("/account", data=profile_data())
    assert stored_user(app, address).discreet is False


# --- changing the email address ------------------------------------------------------------------

def change_email(client, new, password=PASSWORD):
    return client.post("/account/email", data={"email": new, "password": password})


@pytest.mark.parametrize("password, message", [("", "Enter your current password."),
                                               ("not my password", "That is not your current password.")],
                         ids=["no-password", "wrong-password"])
def test_email_change_needs_the_current_password(app, client, auth, password, message):
    _, address = auth.as_new_user()
    response = change_email(client, "new@example.org", password)
    assert response.status_code == 400
    assert field_error(text(response), "email-password") == message  # the password form's field is "password"
    assert stored_user(app, address) is not None
    assert mails(app) == []


def test_email_changes_only_when_the_link_sent_to_the_new_address_is_opened(app, client, auth):
    user_id, address = auth.as_new_user()
    response = change_email(client, "New@Example.org")
    assert location(response) == "/account"
    assert "We have sent a message to new@example.org" in text(client.get("/account"))
    assert stored_user(app, address) is not None  # not changed yet
    [message] = mails_to(app, "new@example.org")
    link = link_path(message, "/account/email/confirm/")
    assert client.get(link).status_code == 200
    assert stored_user(app, address) is not None  # opening the page changes nothing: it has a button
    assert location(client.post(link)) == "/account"
    assert stored_user(app, "new@example.org").id == user_id
    assert "no longer used to sign in" in mails_to(app, address)[-1].get_content()  # the old address is told
    assert client.post(link).status_code == 400  # used once


def test_email_change_to_an_address_with_an_account_says_the_same_and_tells_its_owner(app, client, auth,
                                                                                      make_user):
    make_user(email="taken@example.org", display_name="Owner")
    _, address = auth.as_new_user()
    answers = []
    for new in ("taken@example.org", "free@example.org"):
        response = change_email(client, new)
        assert location(response) == "/account"
        answers.append(text(client.get("/account")).replace(new, "ADDRESS"))
    assert without_tokens(answers[0]) == without_tokens(answers[1])
    [notice] = mails_to(app, "taken@example.org")
    assert link_path(notice, "/account/email/confirm/") is None
    assert "nothing has changed" in notice.get_content()
    assert stored_user(app, address) is not None
    assert stored_user(app, "taken@example.org").display_name == "Owner"


def test_email_change_link_is_refused_once_another_account_took_the_address(app, client, auth, make_user):
    _, address = auth.as_new_user()
    change_email(client, "new@example.org")
    link = link_path(mails_to(app, "new@example.org")[-1], "/account/email/confirm/")
    make_user(email="new@example.org")
    assert client.post(link).status_code == 400
    assert stored_user(app, address) is not None


@pytest.mark.parametrize("app_config", [{"EMAIL_CHANGE_RATE_LIMIT": "2 per hour"}], ids=["2-per-hour"])
def test_email_change_is_rate_limited(client, auth):
    auth.as_new_user()
    codes = [change_email(client, f"new{n}@example.org").status_code for n in range(3)]
    assert codes == [302, 302, 429]


def test_account_mails_have_a_subject_that_names_no_topic(app, client, auth, make_user):
    make_user(email="taken@example.org")
    sign_up(client, email="taken@example.org", display_name="Someone New")
    sign_up(client, email="fresh@example.org", display_name="Someone Fresh")
    client.post("/password/forgot", data={"email": "taken@example.org"})
    auth.as_new_user()
    change_email(client, "changed@example.org")
    change_email(client, "taken@example.org")
    subjects = {read_mail(path)["Subject"] for path in mails(app)}
    assert len(mails(app)) == 5
    assert subjects == {"Your Co-Lab account"}


# --- passwords -----------------------------------------------------------------------------------

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
    assert is_signed_in(client)  # this device stays signed in
    assert not password_works(auth, address, PASSWORD)
    assert password_works(auth, address, NEW_PASSWORD)


@pytest.mark.parametrize("app_config", [{"PASSWORD_CHECK_RATE_LIMIT": "3 per hour"}], ids=["3-per-hour"])
def test_guessing_the_current_password_is_rate_limited_across_forms(client, auth):
    """A stolen session cannot try passwords on the export, email, password and deletion forms in turn."""
    auth.as_new_user()
    guess = "is it this one perhaps"
    codes = [client.post("/account/export", data={"password": guess}).status_code,
             change_email(client, "new@example.org", guess).status_code,
             client.post("/account/password", data={"current": guess, "password": NEW_PASSWORD,
                                                    "confirm": NEW_PASSWORD}).status_code,
             client.post("/account/delete", data={"password": guess, "posts": "keep"}).status_code]
    assert codes == [400, 400, 400, 429]


# --- deletion ------------------------------------------------------------------------------------

def reflect(client, words):
    client.get(LESSON)
    response = client.post(REFLECTION, data={"a-last-time-heard-text": words})
    assert response.status_code == 302, text(response)


def test_delete_account_with_wrong_password_keeps_it(app, client, auth):
    user_id, _ = auth.as_new_user()
    page = text(client.post("/account/delete", data={"password": "not my password", "posts": "keep"}))
    assert field_error(page, "password") == "That is not your password."
    assert rows(app, User, id=user_id) == 1
    assert is_signed_in(client)


def test_delete_account_needs_a_choice_about_posts(app, client, auth):
    user_id, _ = auth.as_new_user()
    page = text(client.post("/account/delete", data={"password": PASSWORD}))
    assert field_error(page, "posts") == "Choose what happens to your posts."
    assert rows(app, User, id=user_id) == 1


def test_delete_account_removes_the_user_and_their_learning(app, client, auth, content):
    keeper_id, _ = auth.as_new_user()
    reflect(client, "Kept")
    auth.sign_out()
    user_id, _ = auth.as_new_user()
    reflect(client, "Going away")
    mine = [(model, {"user_id": user_id}) for model in (Enrolment, LessonProgress, Response)]
    assert all(rows(app, model, **where) == 1 for model, where in mine)
    response = client.post("/account/delete", data={"password": PASSWORD, "posts": "keep"})
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
