"""The admin pages (people and courses) and the command that creates an admin."""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PASSWORD
from sqlalchemy import event

from colab import policy
from colab.accounts.models import User
from colab.admin.models import AdminAction
from colab.communities.models import Community, FocalPoint, Membership, Post
from colab.extensions import db
from colab.models_base import utcnow

POSTGRESQL = False  # the admin pages (see conftest.py)

ADMIN_PAGES = ["/admin/users", "/admin/courses"]


def text(response):
    return response.get_data(as_text=True)


def listed_names(page):
    """Display names in the first column of the people table."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td><a [^>]*>([^<]*)</a></td>", body)


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


# --- the people list: filters, roles, status, and a fixed number of queries ---------------------------------

def plain(response):
    return re.sub(r"\s+", " ", html.unescape(text(response)))


@pytest.fixture
def people(app, make_user, community_kit):
    """Ana (focal point of Africa and Asia, facilitator of two communities), José (learner, Africa), Zoé
    (suspended) and Kim (course team); returns their ids by first name."""
    ids = {name: make_user(email=f"{name.lower()}@example.org", display_name=full)[0]
           for name, full in (("Ana", "Ana Okafor"), ("Jose", "José Pérez"), ("Zoe", "Zoé Martin"),
                              ("Kim", "Kim Team"))}
    for slug in ("circle", "square"):
        community_kit.community(slug)
        community_kit.member(ids["Ana"], slug, role="facilitator")
    community_kit.focal_point(ids["Ana"], "africa")
    community_kit.focal_point(ids["Ana"], "asia")
    with app.app_context():
        db.session.get(User, ids["Jose"]).region_id = community_kit.region_id("africa")
        zoe = db.session.get(User, ids["Zoe"])
        zoe.suspended_at, zoe.suspension_reason = utcnow(), "Spam"
        db.session.get(User, ids["Kim"]).is_course_team = True
        db.session.commit()
    return ids


def test_the_people_list_shows_every_role_and_the_status(client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = plain(client.get("/admin/users"))
    rows_ = dict(re.findall(r"<tr><td><a [^>]*>([^<]*)</a></td>(.*?)</tr>", page))
    assert "Focal point: Africa, Asia" in rows_["Ana Okafor"] and "Facilitator of 2 communities" in rows_["Ana Okafor"]
    assert "Learner" not in rows_["Ana Okafor"] and "Active" in rows_["Ana Okafor"]
    assert "Learner" in rows_["José Pérez"] and "Africa" in rows_["José Pérez"]
    assert "Suspended" in rows_["Zoé Martin"]
    assert "Admin</span>" in rows_["Ada Admin"]
    assert "Course team" in rows_["Kim Team"] and "Learner" not in rows_["Kim Team"]


@pytest.mark.parametrize("query, expected", [
    ({"q": "JOSE"}, ["José Pérez"]),  # case and accents ignored
    ({"q": "okaf"}, ["Ana Okafor"]),  # a substring of the name
    ({"q": "zoe@exa"}, ["Zoé Martin"]),  # the start of the email
    ({"q": "example.org"}, []),  # the email matches from its start only
    ({"q": "%"}, []),  # no wildcards
    ({"region": "africa"}, ["José Pérez"]),
    ({"role": "focal_point"}, ["Ana Okafor"]),
    ({"role": "facilitator"}, ["Ana Okafor"]),
    ({"role": "admin"}, ["Ada Admin"]),
    ({"role": "course_team"}, ["Kim Team"]),
    ({"role": "learner"}, ["José Pérez", "Zoé Martin"]),
    ({"status": "suspended"}, ["Zoé Martin"]),
    ({"status": "active", "role": "learner"}, ["José Pérez"]),
], ids=lambda value: str(value) if isinstance(value, dict) else None)
def test_the_people_list_filters(client, auth, people, query, expected):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    response = client.get("/admin/users", query_string=query)
    assert response.status_code == 200
    assert sorted(listed_names(text(response))) == expected


def test_a_filter_with_an_unknown_value_says_so_and_is_ignored(client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = text(client.get("/admin/users", query_string={"role": "emperor"}))
    assert "Not a valid choice" in page and len(listed_names(page)) == 5


def test_a_search_that_finds_no_one_says_so_and_offers_to_clear_it(client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = text(client.get("/admin/users", query_string={"q": "nobody-by-this-name"}))
    assert "No one matches these filters." in page and listed_names(page) == []
    assert page.count('href="/admin/users">Clear the filters</a>') == 2  # under the form, and in the empty table


@pytest.mark.parametrize("app_config", [{"PER_PAGE": 1}], ids=["1-per-page"])
def test_the_pages_keep_the_filters(client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = text(client.get("/admin/users", query_string={"role": "learner", "q": "e"}))
    link = html.unescape(re.search(r'rel="next" href="([^"]+)"', page).group(1))
    assert parse_qs(urlsplit(link).query) == {"role": ["learner"], "q": ["e"], "page": ["2"]}
    assert listed_names(text(client.get(link))) == ["José Pérez"]


def count_queries(app, client, path):
    statements = []

    def record(*args):
        statements.append(args[2])
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_people_list_takes_as_many_queries_for_many_people_as_for_few(app, client, auth, make_user,
                                                                         community_kit):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    community_kit.community("circle", region="europe")
    few = count_queries(app, client, "/admin/users")
    for number in range(6):
        user_id, _ = make_user(display_name=f"Person {number}")
        community_kit.focal_point(user_id, ["africa", "asia", "europe"][number % 3])
        community_kit.member(user_id, "circle", role="facilitator")
        with app.app_context():
            db.session.get(User, user_id).region_id = community_kit.region_id(["africa", "asia"][number % 2])
            db.session.commit()
    assert count_queries(app, client, "/admin/users") == few


# --- a person's page and what an admin does there -----------------------------------------------------------

def person_page(client, user_id):
    return plain(client.get(f"/admin/users/{user_id}"))


def audit_rows(client):
    page = plain(client.get("/admin/audit"))
    return [re.sub(r"<[^>]+>", "", row).strip() for row in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1])]


def test_a_persons_page_shows_details_and_roles_but_no_password_or_reflections(app, client, auth, content, people):
    auth.sign_in("jose@example.org")
    from test_accounts import reflect
    reflect(client, "My private reflection")
    auth.sign_out()
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = person_page(client, people["Jose"])
    assert "jose@example.org" in page and "Africa" in page and "Learner" in page and "Active" in page
    assert "My private reflection" not in page and "pbkdf2" not in page
    page = person_page(client, people["Ana"])
    assert "Focal point: Africa, Asia" in page and "circle community" in page and "square community" in page


def test_an_admin_puts_someone_on_the_course_team_and_takes_them_off_logged(app, client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    jose = people["Jose"]
    assert client.post(f"/admin/users/{jose}/course-team").status_code == 302
    assert "Remove from the course team" in text(client.get(f"/admin/users/{jose}"))
    assert client.post(f"/admin/users/{jose}/course-team/remove").status_code == 302
    assert client.post(f"/admin/users/{people['Zoe']}/course-team").status_code == 403  # suspended
    with app.app_context():
        assert db.session.get(User, jose).is_course_team is False
        acts = db.session.scalars(db.select(AdminAction.action).filter_by(subject_id=jose)
                                  .order_by(AdminAction.id)).all()
        assert acts == ["appoint_course_team", "remove_course_team"]


def test_suspending_signs_the_person_out_everywhere_and_tells_them_why_at_sign_in(app, client, auth, make_user):
    lea_id, lea = make_user(email="lea@example.org", display_name="Lea Learner", locale="es")
    leas_browser = app.test_client()
    leas_browser.post("/sign-in", data={"email": lea, "password": PASSWORD})
    assert leas_browser.get("/account").status_code == 200
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    refused = client.post(f"/admin/users/{lea_id}/suspend", data={"reason": "  "})
    assert refused.status_code == 400 and "Give the reason." in text(refused)
    done = client.post(f"/admin/users/{lea_id}/suspend", data={"reason": "Posted <b>threats</b>"})
    assert done.status_code == 302
    assert "The account is suspended and signed out everywhere." in plain(client.get(done.location))
    assert leas_browser.get("/account").status_code == 302  # her open session ended at once
    assert "Suspended" in person_page(client, lea_id) and "Reactivate the account" in person_page(client, lea_id)
    assert "Posted &lt;b&gt;threats&lt;/b&gt;" in text(client.get("/admin/audit"))
    auth.sign_out()
    wrong = auth.sign_in(lea, password="not her password")
    assert "suspended" not in text(wrong).lower() and "The email or password is not right." in text(wrong)
    answer = auth.sign_in(lea)
    assert answer.status_code == 403
    assert re.search(r'<div class="error-summary" role="alert" lang="es">', text(answer))
    assert "Posted &lt;b&gt;threats&lt;/b&gt;" in text(answer)  # escaped, never markup
    assert client.get("/account").status_code == 302  # not signed in


def test_a_session_that_survives_a_suspension_is_refused(app, client, auth):
    user_id, _ = auth.as_new_user()
    with app.app_context():
        db.session.get(User, user_id).suspended_at = utcnow()  # suspended without ending the sessions
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_reactivating_lets_them_sign_in_again(app, client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    assert client.post(f"/admin/users/{people['Zoe']}/reactivate").status_code == 302
    assert "Reactivate" not in person_page(client, people["Zoe"])
    assert "Ada Admin Reactivated the account Zoé Martin" in audit_rows(client)[0]
    auth.sign_out()
    assert auth.sign_in("zoe@example.org").status_code == 302


def test_admins_cannot_suspend_delete_or_unadmin_themselves(app, client, auth):
    me, _ = auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = person_page(client, me)
    assert "You cannot suspend or delete your own account here." in page
    assert "Suspend the account" not in page and "Delete the account" not in page and "Remove as admin" not in page
    for action in ("suspend", "delete", "admin/remove"):
        assert client.post(f"/admin/users/{me}/{action}", data={"reason": "Testing"}).status_code == 403
    with app.app_context():
        assert db.session.get(User, me).is_admin and db.session.get(User, me).suspended_at is None
        assert db.session.scalar(db.select(db.func.count()).select_from(AdminAction)) == 0


class Someone:
    """An admin acting from outside the database (as a stale session would): the rule still counts admins."""

    id, is_admin, is_authenticated, suspended = 999999, True, True, False


def test_nobody_suspends_deletes_or_unadmins_the_last_admin(app, make_user):
    only_id, _ = make_user(display_name="Only Admin", is_admin=True)
    other_id, _ = make_user(display_name="Second Admin", is_admin=True)
    with app.app_context():
        only, other = db.session.get(User, only_id), db.session.get(User, other_id)
        other.suspended_at = utcnow()
        for action in ("admin.suspend", "admin.delete", "admin.remove_admin"):
            assert policy.refusal(action, only, user=Someone()).reason == "last_admin", action
        other.suspended_at = None
        for action in ("admin.suspend", "admin.delete", "admin.remove_admin"):
            assert policy.refusal(action, only, user=Someone()) is None, action


def test_deleting_an_account_keeps_their_posts_signed_a_former_member(app, client, auth, make_user, community_kit):
    leaver_id, _ = make_user(email="leaver@example.org", display_name="Leaver")
    community_kit.community("circle")
    community_kit.member(leaver_id, "circle")
    thread_id = community_kit.thread(leaver_id, "circle", title="Leaver's question", body="Leaver's words")
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    refused = client.post(f"/admin/users/{leaver_id}/delete", data={"reason": ""})
    assert refused.status_code == 400 and "Give the reason." in text(refused)
    done = client.post(f"/admin/users/{leaver_id}/delete", data={"reason": "Asked us by phone"})
    assert done.status_code == 302 and urlsplit(done.location).path == "/admin/users"
    assert "The account is deleted." in plain(client.get(done.location))
    assert client.get(f"/admin/users/{leaver_id}").status_code == 404
    thread = plain(client.get(f"/communities/circle/threads/{thread_id}/"))
    assert "Leaver's words" in thread and "a former member" in thread
    [row] = audit_rows(client)
    assert "Deleted the account" in row and "Leaver (deleted)" in row and "Asked us by phone" in row
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="leaver@example.org")) is None
        assert db.session.scalar(db.select(Post.author_id)) is None


def test_roles_are_given_and_taken_away_and_each_change_is_logged(app, client, auth, make_user, community_kit):
    lea_id, _ = make_user(display_name="Lea Learner")
    community_kit.community("circle", members_only=True)
    with app.app_context():
        circle_id = db.session.scalar(db.select(Community.id).filter_by(slug="circle"))
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    africa = community_kit.region_id("africa")
    steps = [("focal-points", {"region": "africa"}, "They are a focal point of Africa."),
             ("facilitator", {"community": str(circle_id)}, "They facilitate circle community."),
             ("admin", {}, "They are now an admin.")]
    for action, data, message in steps:
        response = client.post(f"/admin/users/{lea_id}/{action}", data=data)
        assert response.status_code == 302, text(response)
        assert message in plain(client.get(response.location))
    page = person_page(client, lea_id)
    assert "Admin</span>" in page and "Focal point: Africa" in page and "Facilitator of 1 community" in page
    with app.app_context():
        member = db.session.scalar(db.select(Membership).filter_by(user_id=lea_id))
        assert (member.role, member.pending, member.agreements_accepted_at) == ("facilitator", False, None)
    for action, message in ((f"focal-points/{africa}/remove", "They are no longer a focal point of Africa."),
                            (f"facilitator/{circle_id}/remove", "They no longer facilitate circle community."),
                            ("admin/remove", "They are no longer an admin.")):
        response = client.post(f"/admin/users/{lea_id}/{action}")
        assert response.status_code == 302, text(response)
        assert message in plain(client.get(response.location))
    assert "Learner" in person_page(client, lea_id)
    with app.app_context():
        assert db.session.scalar(db.select(FocalPoint)) is None
        assert db.session.scalar(db.select(Membership.role).filter_by(user_id=lea_id)) == "member"
    assert len(audit_rows(client)) == 6
    listed = " | ".join(audit_rows(client))
    for words in ("Removed as admin", "Removed as facilitator Lea Learner circle community",
                  "Removed as focal point Lea Learner Africa", "Made admin", "Appointed facilitator",
                  "Appointed focal point Lea Learner Africa"):
        assert words in listed, words


def test_a_suspended_person_is_given_no_new_role(client, auth, people):
    auth.as_new_user(display_name="Ada Admin", is_admin=True)
    page = person_page(client, people["Zoe"])
    assert "Appoint focal point" not in page and "Make admin" not in page
    assert client.post(f"/admin/users/{people['Zoe']}/focal-points", data={"region": "africa"}).status_code == 403
    assert client.post(f"/admin/users/{people['Zoe']}/admin").status_code == 403
