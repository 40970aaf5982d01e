"""The admin pages (people and courses) and the command that creates an admin."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PASSWORD

from colab.accounts.models import User
from colab.extensions import db

ADMIN_PAGES = ["/admin/users", "/admin/courses"]


def text(response):
    return response.get_data(as_text=True)


def listed_names(page):
    """Display names in the first column of the people table."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td>([^<]*)</td>", body)


@pytest.mark.parametrize("path, expected", [
    ("/admin/users", ["Ada Admin", "ada@example.org", "Lea Learner", "lea@example.org", "2 accounts"]),
    ("/admin/courses", ["Listening basics", "EN, ES", "Published"]),
])
def test_admin_pages_list_users_and_courses(client, auth, make_user, content, path, expected):
    make_user(email="lea@example.org", display_name="Lea Learner")
    auth.as_new_user(email="ada@example.org", display_name="Ada Admin", is_admin=True)
    response = client.get(path)
    assert response.status_code == 200
    for snippet in expected:
        assert snippet in text(response)


def test_admin_courses_counts_enrolments(client, auth, content):
    auth.as_new_user(display_name="Lea Learner")
    client.post("/courses/listening-basics/enrol")
    auth.sign_out()
    auth.as_new_user(is_admin=True)
    page = text(client.get("/admin/courses"))
    row = re.search(r"<tr><td><a [^>]*>Listening basics</a></td>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "0"]  # enrolled, completed


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_forbidden_to_learners(client, auth, path):
    auth.as_new_user()
    response = client.get(path)
    assert response.status_code == 403
    assert "You cannot open this page" in text(response)
    assert "Admin</a>" not in text(client.get("/"))  # no link to what they cannot open


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_send_strangers_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/sign-in"
    assert parse_qs(target.query)["next"] == [path]


@pytest.mark.parametrize("app_config", [{"PER_PAGE": 2}], ids=["2-per-page"])
def test_admin_users_list_is_paginated(client, auth, make_user):
    for number in range(4):
        make_user(display_name=f"Person {number}")
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    pages = [text(client.get("/admin/users", query_string={"page": page})) for page in (1, 2, 3)]
    names = [listed_names(page) for page in pages]
    assert [len(found) for found in names] == [2, 2, 1]
    assert sorted(sum(names, [])) == ["Ada Admin", "Person 0", "Person 1", "Person 2", "Person 3"]
    assert "Page 1 of 3" in pages[0] and 'rel="next"' in pages[0] and 'rel="prev"' not in pages[0]
    assert 'rel="prev"' in pages[2] and 'rel="next"' not in pages[2]
    assert "5 accounts" in pages[0]
    beyond = client.get("/admin/users?page=9")
    assert beyond.status_code == 200 and listed_names(text(beyond)) == []


def create_admin(runner, email, *options, password=PASSWORD):
    return runner.invoke(args=["users", "create-admin", email, *options], input=f"{password}\n{password}\n")


def test_create_admin_command_makes_an_admin_who_can_open_admin_pages(app, client, auth, runner):
    result = create_admin(runner, "Boss@Example.org", "--name", "The Boss")
    assert result.exit_code == 0, result.output
    assert "boss@example.org is an admin." in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="boss@example.org"))
        assert (user.display_name, user.is_admin) == ("The Boss", True)
    assert auth.sign_in("boss@example.org").status_code == 302
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert "The Boss" in text(page)


def test_create_admin_command_promotes_an_existing_learner(app, client, auth, make_user, runner):
    user_id, address = make_user(display_name="Lea Learner")
    result = create_admin(runner, address, password="ignored for existing accounts")
    assert result.exit_code == 0, result.output
    auth.sign_in(address)
    assert client.get("/admin/users").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_create_admin_command_asks_for_the_password_twice(app, runner):
    result = runner.invoke(args=["users", "create-admin", "boss@example.org"],
                           input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="boss@example.org")) is None
