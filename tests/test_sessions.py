"""Signed-in devices: each sign-in is a row, the cookies carry a random token whose hash alone is stored,
and ending the row (sign-out, password change or reset, deletion, "sign out" on the account page) ends
every copy of those cookies, the year-long remember cookie included."""
import hashlib
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from conftest import PASSWORD, CSRFClient
from sqlalchemy import event
from test_accounts import is_signed_in, location, reset_link_path, rows, text

from colab.accounts import service as accounts
from colab.accounts.models import User, UserSession
from colab.extensions import db
from colab.models_base import utcnow

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:126.0) Gecko/126.0 Firefox/126.0"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Safari/537.36")
SAMSUNG_ANDROID = ("Mozilla/5.0 (Linux; Android 13; SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
                "Safari/537.36 Edg/126.0.0.0")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")


def another_client(app):
    """A second browser (its own cookies) on the same app."""
    app.test_client_class = CSRFClient
    return app.test_client()


def sign_in(client, address, remember=False, agent=None):
    data = {"email": address, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    response = client.post("/sign-in", data=data, headers={"User-Agent": agent} if agent else {})
    assert response.status_code == 302, text(response)


def copy_cookies(client):
    """The browser's cookies, as someone who copied them would have them."""
    return [client.get_cookie(name, domain="colab.test") for name in ("session", "remember_token")
            if client.get_cookie(name, domain="colab.test")]


def put_cookies(client, cookies):
    for cookie in cookies:
        client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def only_remember_cookie(client, cookies):
    """Keep nothing but the remember cookie: what a browser sends after it was closed."""
    client.delete_cookie("session", domain="colab.test")
    put_cookies(client, [cookie for cookie in cookies if cookie.key == "remember_token"])


def token_of(client):
    with client.session_transaction() as session:
        return session["_user_id"]


def sessions_of(app, user_id):
    with app.app_context():
        rows_ = db.session.scalars(db.select(UserSession).filter_by(user_id=user_id)).all()
        for row in rows_:
            db.session.expunge(row)
        return rows_


def set_last_seen(app, user_id, when):
    with app.app_context():
        db.session.execute(db.update(UserSession).where(UserSession.user_id == user_id).values(last_seen_at=when))
        db.session.commit()


# --- defect: a deleted account's cookies signed in the next account ------------------------------------------

def test_a_deleted_accounts_cookies_never_sign_in_the_next_account(app, client, make_user):
    leaving_id, address = make_user(email="leaving@example.org", display_name="Leaving")
    sign_in(client, address, remember=True)
    copied = copy_cookies(client)
    assert {cookie.key for cookie in copied} == {"session", "remember_token"}
    assert location(client.post("/account/delete", data={"password": PASSWORD, "posts": "keep"})) == "/"
    newcomer_id, _ = make_user(email="newcomer@example.org", display_name="Newcomer")
    assert newcomer_id > leaving_id  # ids are never reused
    put_cookies(client, copied)
    assert not is_signed_in(client)
    only_remember_cookie(client, copied)
    assert not is_signed_in(client)


# --- sign-out --------------------------------------------------------------------------------------------------

def test_sign_out_ends_the_session_so_a_copied_cookie_signs_in_no_more(app, client, auth):
    user_id, _ = auth.as_new_user()
    copied = copy_cookies(client)
    assert len(sessions_of(app, user_id)) == 1
    auth.sign_out()
    assert sessions_of(app, user_id) == []
    put_cookies(client, copied)
    assert not is_signed_in(client)


def test_the_remember_cookie_signs_in_after_the_browser_closes_but_not_after_sign_out(app, client, make_user):
    _, address = make_user()
    sign_in(client, address, remember=True)
    copied = copy_cookies(client)
    only_remember_cookie(client, copied)
    assert is_signed_in(client)  # kept signed in, as asked
    client.post("/sign-out")
    only_remember_cookie(client, copied)
    assert not is_signed_in(client)


# --- password change and reset ---------------------------------------------------------------------------------

def test_password_change_signs_out_every_other_device_and_keeps_this_one(app, client, make_user):
    user_id, address = make_user()
    other_device = another_client(app)
    sign_in(other_device, address, remember=True)
    other_cookies = copy_cookies(other_device)
    sign_in(client, address)
    response = client.post("/account/password", data={"current": PASSWORD, "password": "fresh long passphrase",
                                                     "confirm": "fresh long passphrase"})
    assert location(response) == "/account"
    assert is_signed_in(client)
    assert not is_signed_in(other_device)
    only_remember_cookie(other_device, other_cookies)
    assert not is_signed_in(other_device)
    assert len(sessions_of(app, user_id)) == 1


def test_password_reset_signs_out_every_device(app, client, make_user):
    _, address = make_user()
    devices = [another_client(app), another_client(app)]
    for device in devices:
        sign_in(device, address, remember=True)
    client.post("/password/forgot", data={"email": address})
    new = {"password": "brand new walking stick", "confirm": "brand new walking stick"}
    assert location(client.post(reset_link_path(app), data=new)) == "/sign-in"
    assert [is_signed_in(device) for device in devices] == [False, False]
    assert rows(app, UserSession) == 0


def test_end_all_sessions_and_end_session_for_other_features(app, make_user):
    """What suspension will call: end one session by its token, or all of a person's."""
    user_id, address = make_user()
    devices = [another_client(app) for _ in range(3)]
    for device in devices:
        sign_in(device, address)
    with app.app_context():
        assert accounts.end_session(token_of(devices[0])) is True
        assert accounts.end_session("no such token") is False
        db.session.commit()
    assert [is_signed_in(device) for device in devices] == [False, True, True]
    with app.app_context():
        user = db.session.get(User, user_id)
        assert accounts.end_all_sessions(user, except_token=token_of(devices[2])) == 1
        db.session.commit()
    assert [is_signed_in(device) for device in devices] == [False, False, True]
    with app.app_context():
        assert accounts.end_all_sessions(db.session.get(User, user_id)) == 1
        db.session.commit()
    assert not is_signed_in(devices[2])


# --- the account page's list of devices -------------------------------------------------------------------------

def test_account_page_lists_devices_with_browser_last_seen_in_my_time_zone_and_this_device(app, client, make_user):
    user_id, address = make_user(timezone="Asia/Tokyo")
    phone = another_client(app)
    sign_in(phone, address, agent=FIREFOX_ANDROID)
    seen = (utcnow() - timedelta(days=2)).replace(hour=3, minute=4, second=5, microsecond=0)
    set_last_seen(app, user_id, seen)
    sign_in(client, address, agent=CHROME_WINDOWS)
    page = text(client.get("/account", headers={"User-Agent": CHROME_WINDOWS}))
    devices = re.search(r'<section[^>]*id="devices".*?</section>', page, re.DOTALL).group(0)
    assert "Firefox on Android" in devices and "Chrome on Windows" in devices
    this = re.search(r"<li>((?:(?!</li>).)*This device(?:(?!</li>).)*)</li>", devices, re.DOTALL).group(1)
    assert "Chrome on Windows" in this and "Sign out this device" not in this
    tokyo = format_datetime(seen, "MMM d, y, h:mm\u202fa", tzinfo=ZoneInfo("Asia/Tokyo"), locale="en")
    assert f"Last seen {tokyo} JST" in devices  # the month in words, no seconds, the zone named
    assert "Sign out everywhere else" in devices


def test_sign_out_one_device_from_the_account_page(app, client, make_user):
    user_id, address = make_user()
    phone = another_client(app)
    sign_in(phone, address, agent=FIREFOX_ANDROID)
    sign_in(client, address)
    phone_row = next(row for row in sessions_of(app, user_id) if row.browser == "Firefox")
    response = client.post(f"/account/devices/{phone_row.id}/sign-out")
    assert response.headers["Location"].endswith("/account#devices")
    assert not is_signed_in(phone)
    assert is_signed_in(client)


def test_nobody_signs_out_another_persons_device(app, client, make_user, auth):
    victim_id, victim = make_user(display_name="Victim")
    victim_browser = another_client(app)
    sign_in(victim_browser, victim)
    auth.as_new_user()
    [row] = sessions_of(app, victim_id)
    assert client.post(f"/account/devices/{row.id}/sign-out").status_code == 404
    assert is_signed_in(victim_browser)


def test_sign_out_everywhere_else(app, client, make_user):
    user_id, address = make_user()
    others = [another_client(app), another_client(app)]
    for device in others:
        sign_in(device, address, remember=True)
    sign_in(client, address)
    response = client.post("/account/devices/sign-out-others")
    assert response.headers["Location"].endswith("/account#devices")
    assert "2 other devices are signed out." in text(client.get("/account"))
    assert [is_signed_in(device) for device in others] == [False, False]
    assert is_signed_in(client)
    assert len(sessions_of(app, user_id)) == 1


# --- how sessions are kept --------------------------------------------------------------------------------------

def test_only_a_hash_of_the_token_is_stored(app, client, auth):
    user_id, _ = auth.as_new_user()
    token = token_of(client)
    assert token != str(user_id) and len(token) >= 40
    [row] = sessions_of(app, user_id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with app.app_context():
        stored = db.session.execute(db.select(UserSession.__table__)).all()
    assert token not in repr(stored)


def test_last_seen_is_written_now_and_then_not_on_every_request(app, client, auth):
    user_id, _ = auth.as_new_user()
    [first] = sessions_of(app, user_id)
    for _ in range(3):
        client.get("/account")
    assert sessions_of(app, user_id)[0].last_seen_at == first.last_seen_at
    set_last_seen(app, user_id, utcnow() - timedelta(minutes=10))
    client.get("/account")
    assert utcnow() - sessions_of(app, user_id)[0].last_seen_at < timedelta(minutes=1)


def test_a_session_unseen_for_longer_than_its_cookie_lives_is_refused(app, client, auth):
    user_id, _ = auth.as_new_user()
    set_last_seen(app, user_id, utcnow() - app.permanent_session_lifetime - timedelta(hours=1))
    assert not is_signed_in(client)


def test_the_loader_finds_the_session_and_its_person_in_one_query(app, client, auth):
    user_id, _ = auth.as_new_user()
    token = token_of(client)
    statements = []
    with app.app_context():
        def listener(connection, cursor, statement, *args):
            statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            row = accounts.session_for_token(token)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert row.user.id == user_id and row.user.session_token == token
    assert len(statements) == 1


@pytest.mark.parametrize("agent, summary", [
    (FIREFOX_ANDROID, ("Firefox", "Android")),
    (CHROME_WINDOWS, ("Chrome", "Windows")),
    (SAFARI_IPHONE, ("Safari", "iOS")),
    (SAMSUNG_ANDROID, ("Samsung Internet", "Android")),
    (EDGE_WINDOWS, ("Edge", "Windows")),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:127.0) Gecko/20100101 Firefox/127.0", ("Firefox", "macOS")),
    ("curl/8.5.0", ("", "")),
    ("", ("", "")),
])
def test_device_summary_names_the_browser_and_system(agent, summary):
    assert accounts.device_summary(agent) == summary
