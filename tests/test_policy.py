"""Who may do what: every route for every kind of person, including the denials."""
import pytest

from colab import policy

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
    ("POST", COURSE + "why-listen/second-language", 302, 400, 400),  # sent empty: the lesson, with the error
    ("GET", COURSE + "package.zip", 302, 200, 200),
    # reading offline: the service worker and its offline page, the same for everyone; forgetting this device
    ("GET", "/sw.js", 200, 200, 200),
    ("GET", "/offline", 200, 200, 200),
    ("GET", "/offline/token", 302, 200, 200),
    ("GET", "/favicon.ico", 204, 204, 204),
    ("POST", "/device/forget", 302, 302, 302),
    # certificates: nobody here completed the course, so their own certificate is a 404
    ("GET", "/courses/listening-basics/certificate", 302, 404, 404),
    ("POST", "/courses/listening-basics/certificate/name", 302, 404, 404),
    ("POST", "/courses/listening-basics/certificate/visibility", 302, 404, 404),
    ("GET", "/verify/no-such-code", 404, 404, 404),
    ("GET", "/certificates/no-such-code/manage", 302, 403, 404),
    ("POST", "/certificates/999999/revoke", 302, 403, 404),
    ("GET", "/account", 302, 200, 200),
    ("GET", "/account/export", 302, 200, 200),
    ("GET", "/account/delete", 302, 200, 200),
    ("GET", "/admin/users", 302, 403, 200),
    ("GET", "/admin/courses", 302, 403, 200),
    ("GET", "/admin/audit", 302, 403, 200),
    # a person who does not exist: admins get a 404, everyone else never learns even that
    ("GET", "/admin/users/999999", 302, 403, 404),
    *[("POST", f"/admin/users/999999/{action}", 302, 403, 404)
      for action in ("suspend", "reactivate", "delete", "admin", "admin/remove", "course-team", "course-team/remove",
                     "focal-points",
                     "focal-points/1/remove", "facilitator", "facilitator/1/remove",
                     "cohort-facilitator", "cohort-facilitator/1/remove")],
    ("GET", "/sign-in", 200, 302, 302),
    ("GET", "/sign-up", 200, 302, 302),
    # writes sent empty: strangers go to sign in, others see the form's errors
    ("POST", "/account", 302, 200, 200),
    ("POST", "/account/delete", 302, 200, 200),
    ("POST", "/account/devices/999999/sign-out", 302, 404, 404),  # not one of theirs
    ("POST", "/account/devices/sign-out-others", 302, 302, 302),
    ("POST", "/account/email", 302, 400, 400),
    ("POST", "/account/export", 302, 400, 400),
    ("POST", "/account/password", 302, 400, 400),
    ("POST", COURSE + "why-listen/activities/last-time-heard", 302, 400, 400),
    ("POST", "/language", 302, 302, 302),
    ("POST", "/low-data", 302, 302, 302),
    ("POST", "/sign-in", 200, 302, 302),
    ("POST", "/sign-out", 302, 302, 302),
    ("POST", "/sign-up", 200, 302, 302),
    ("GET", "/password/forgot", 200, 200, 200),
    ("POST", "/password/forgot", 200, 200, 200),
    # links from mail with a token that was never issued
    *[(method, url, 400, 400, 400) for url in ("/account/email/confirm/not-a-token", "/password/reset/not-a-token",
                                               "/sign-up/confirm/not-a-token") for method in ("GET", "POST")],
]

# The others: tests/test_policy_communities.py
BLUEPRINTS = {"site", "accounts", "courses", "admin", "certificates", "offline"}


# On PostgreSQL (conftest.py), each route as the role that reaches the most of it; refusals are the policy's
# Python, the same on both engines.
POSTGRESQL_WHEN = {"role": ("admin",)}


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


def test_the_table_covers_every_route_of_these_blueprints(app):
    """A new route in these blueprints fails here until it has a row in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    covered = {(adapter.match(url, method=method)[0], method) for method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"


class Person:
    def __init__(self, user_id=None, admin=False):
        self.id, self.is_admin = user_id, admin
        self.is_authenticated = user_id is not None


TARGETLESS = ["course.browse", "course.enrol", "lesson.read", "course.package", "admin.view", "community.list",
              "notification.list", "harassment.create", "certificate.open", "certificate.manage"]


def test_every_targetless_rule_denies_strangers_what_needs_an_account():
    for action in TARGETLESS:
        assert policy.can(action, None, user=Person(None)) == (action == "course.browse"), action
