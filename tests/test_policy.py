"""Who may do what: every route for every kind of person, including the denials."""
import pytest

from colab import policy
from colab.courses.models import Response

COURSE = "/courses/listening-basics/"

# (method, url, anonymous, learner, admin): the expected status for each kind of person.
# 302 for anonymous means "sent to sign in".
ROUTES = [
    ("GET", "/", 200, 200, 200),
    ("GET", "/courses/", 200, 200, 200),
    ("GET", COURSE, 200, 200, 200),
    ("GET", COURSE + "why-listen/", 302, 200, 200),
    ("POST", COURSE + "enrol", 302, 302, 302),
    ("POST", COURSE + "why-listen/complete", 302, 302, 302),
    ("GET", "/account", 302, 200, 200),
    ("GET", "/account/export", 302, 200, 200),
    ("GET", "/account/delete", 302, 200, 200),
    ("GET", "/admin/users", 302, 403, 200),
    ("GET", "/admin/courses", 302, 403, 200),
    ("GET", "/sign-in", 200, 302, 302),
    ("GET", "/sign-up", 200, 302, 302),
]


@pytest.mark.parametrize("role", ["anonymous", "learner", "admin"])
@pytest.mark.parametrize("method,url,anonymous,learner,admin", ROUTES)
def test_route_access(client, content, auth, role, method, url, anonymous, learner, admin):
    if role != "anonymous":
        auth.as_new_user(is_admin=role == "admin")
    response = client.get(url) if method == "GET" else client.post(url)
    expected = {"anonymous": anonymous, "learner": learner, "admin": admin}[role]
    assert response.status_code == expected
    if role == "anonymous" and expected == 302 and "/sign-" not in url and method == "GET":
        assert "/sign-in?next=" in response.location


class Person:
    def __init__(self, user_id=None, admin=False):
        self.id, self.is_admin = user_id, admin
        self.is_authenticated = user_id is not None


def test_reflections_are_visible_to_their_author_only():
    mine = Response(user_id=1)
    assert policy.can("response.view", mine, user=Person(1))
    assert not policy.can("response.view", mine, user=Person(2))
    assert not policy.can("response.view", mine, user=Person(2, admin=True))
    assert not policy.can("response.view", mine, user=Person(None))


TARGETLESS = ["course.browse", "course.enrol", "lesson.read", "account.edit", "admin.view", "community.list",
              "notification.list", "harassment.create"]


def test_every_targetless_rule_denies_strangers_what_needs_an_account():
    for action in TARGETLESS:
        assert policy.can(action, None, user=Person(None)) == (action == "course.browse"), action
