"""Low-data mode: chosen from any page or on the account; nothing downloaded in the background; shorter pages of
posts."""
from test_communities import text, world  # noqa: F401 - the shared `world` fixture
from test_threads import add_posts, thread_url

from colab.accounts.models import User
from colab.extensions import db

POSTGRESQL = False  # what low-data mode leaves out of a page (see conftest.py)

TURN_ON = "Use less data (low-data mode)"
TURN_OFF = "Low-data mode is on: turn it off"


def installs_the_offline_reader(page):
    return 'data-offline="auto"' in page


def test_a_reader_signed_out_turns_it_on_from_any_page_and_off_again(client, content):
    page = text(client.get("/courses/"))
    assert TURN_ON in page and 'action="/low-data"' in page
    response = client.post("/low-data", data={"on": "1", "next": "/courses/"})
    assert response.status_code == 302 and response.location.endswith("/courses/")
    assert "colab_low_data=1" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    page = text(client.get("/courses/"))
    assert "Low-data mode is on." in page and TURN_OFF in page
    client.post("/low-data", data={"on": "0", "next": "/courses/"})
    page = text(client.get("/courses/"))
    assert "Low-data mode is off." in page and TURN_ON in page


def test_nothing_is_downloaded_in_the_background_in_low_data_mode(client, content, auth):
    """Signed in, the offline reader (its script, its page, the stylesheet again) is set up at once, unless the
    reader chose low-data mode: then only when they save something for offline reading."""
    auth.as_new_user()
    lesson = "/courses/listening-basics/why-listen/"
    assert installs_the_offline_reader(text(client.get(lesson)))
    client.post("/low-data", data={"on": "1", "next": lesson})
    page = text(client.get(lesson))
    assert not installs_the_offline_reader(page) and 'data-offline-script="' in page  # saving still works


def test_the_choice_is_kept_on_the_account_and_shown_there(client, auth, app):
    user_id, _ = auth.as_new_user()
    assert 'name="low_data"' in text(client.get("/account"))
    client.post("/low-data", data={"on": "1"})
    with app.app_context():
        assert db.session.get(User, user_id).low_data is True
    client.delete_cookie("colab_low_data")  # another browser: the account still says so
    account = text(client.get("/account"))
    assert TURN_OFF in account
    assert 'id="low_data" name="low_data" type="checkbox" value="y" checked' in account or \
        'checked id="low_data"' in account


def test_unticking_it_on_the_account_turns_it_off_in_this_browser_too(client, auth, app):
    user_id, _ = auth.as_new_user(display_name="Lowdata Person")
    client.post("/low-data", data={"on": "1"})
    response = client.post("/account", data={"display_name": "Lowdata Person", "locale": "en", "timezone": "UTC",
                                             "region": "", "digest": "weekly", "second_language": ""})
    assert response.status_code == 302
    assert any(cookie.startswith("colab_low_data=;") for cookie in response.headers.getlist("Set-Cookie"))
    with app.app_context():
        assert db.session.get(User, user_id).low_data is False
    assert TURN_ON in text(client.get("/account"))


def test_discussions_come_in_shorter_pages(client, world, app):  # noqa: F811 - world is a fixture
    thread_id = world.kit.thread(world.member[0], world.open, body="Opening post")
    add_posts(app, thread_id, 14)  # Post number 0..13 after the opening post
    world.sign_in(world.member)
    assert text(client.get(thread_url(world, thread_id))).count('class="post post-') == 15
    client.post("/low-data", data={"on": "1"})
    first = text(client.get(thread_url(world, thread_id)))
    assert first.count('class="post post-') == 10 and "Post number 8<" in first and "Post number 9<" not in first
    assert "Post number 13<" in text(client.get(thread_url(world, thread_id) + "?page=2"))


def test_the_pictures_are_left_out_in_low_data_mode(client, content, auth):
    """The home page's picture and an empty list's are decoration: a reader saving data does not download them."""
    auth.as_new_user()
    home, search = "/", "/search?q=nothing-matches-this"
    assert 'src="/static/together.svg?v=' in text(client.get(home))
    assert 'src="/static/quiet.svg?v=' in text(client.get(search))
    client.post("/low-data", data={"on": "1", "next": home})
    assert "together.svg" not in text(client.get(home)) and "quiet.svg" not in text(client.get(search))
    assert "Nothing found." in text(client.get(search))  # the message stays
