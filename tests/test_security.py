"""Side doors and limits: huge numbers, request size, rate limits, headers, the quick exit, `make run`."""
import re
import uuid
from pathlib import Path

import pytest
from conftest import make_test_app

from colab import create_app
from colab.communities.models import Membership, Post
from colab.extensions import db
from colab.harassment.models import HarassmentReport

POSTGRESQL = False  # headers, cookies, the quick exit (see conftest.py)

HUGE = str(2**63)  # one more than SQLite's largest integer; far above PostgreSQL's INTEGER
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ids(app, content, make_user, community_kit, auth, client):
    """A signed-in admin and one of everything an id in a URL can point at."""
    admin_id, admin_email = make_user(display_name="Sec", is_admin=True)
    slug = community_kit.community("circle", region="africa")
    community_kit.member(admin_id, slug, role="facilitator")
    thread_id = community_kit.thread(admin_id, slug, "A thread", "First post")
    assert auth.sign_in(admin_email).status_code == 302
    client.post(f"/communities/{slug}/cohorts/new", data={
        "name": "Spring", "course": _course_id(app), "starts_on": "2030-01-01", "ends_on": "2030-02-01"})
    with app.app_context():
        report = HarassmentReport(reporter_id=admin_id, region_id=community_kit.region_id("africa"),
                                  place="other", description="At a meeting")
        db.session.add(report)
        db.session.commit()
        from colab.communities.models import Cohort
        return {"slug": slug, "thread_id": thread_id, "report_id": report.id,
                "post_id": db.session.scalar(db.select(Post.id).filter_by(thread_id=thread_id)),
                "member_id": db.session.scalar(db.select(Membership.id).filter_by(user_id=admin_id)),
                "cohort_id": db.session.scalar(db.select(Cohort.id)),
                "course_slug": "listening-basics", "lesson_slug": "why-listen", "activity_slug": "listening-purpose",
                "action": "hide", "token": "x", "filename": "style.css"}


def _course_id(app):
    from colab.courses.models import Course
    with app.app_context():
        return str(db.session.scalar(db.select(Course.id)))


def _urls_with_one_huge_number(app, ids):
    """Every route with an <int:...> part, once per such part set to HUGE (the others real)."""
    for rule in app.url_map.iter_rules():
        int_args = [name for name, converter in rule._converters.items() if converter.regex == r"\d+"]
        for huge_arg in int_args:
            values = {name: (HUGE if name == huge_arg else ids.get(name, "x")) for name in rule.arguments}
            path = rule.rule
            for name, value in values.items():
                path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + name + ">", str(value), path)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path


def test_an_id_too_large_for_the_database_is_a_404_everywhere(app, client, ids):
    tried = 0
    for method, path in _urls_with_one_huge_number(app, ids):
        response = client.open(path, method=method, data={"reason": "x", "body": "x", "hours": "1"})
        assert response.status_code == 404, (method, path, response.status_code)
        tried += 1
    assert tried >= 15


def test_numbers_in_the_query_string_and_forms_never_crash_a_page(app, client, ids):
    slug, thread = ids["slug"], ids["thread_id"]
    pages = ["/notifications/", "/reports/", "/admin/users", f"/communities/{slug}/",
             f"/communities/{slug}/threads/{thread}/", f"/communities/{slug}/members",
             f"/communities/{slug}/audit", f"/communities/{slug}/cohorts/{ids['cohort_id']}/"]
    for page in pages:
        for query in (f"?page={HUGE}", "?page=-1", "?page=0", "?page=abc", f"?post={HUGE}", f"?quote={HUGE}"):
            response = client.get(page + query)
            assert response.status_code in (200, 302, 404), (page + query, response.status_code)
    assert client.get(f"/reports/harassment/new?post={HUGE}").status_code in (200, 404)
    response = client.post(f"/communities/{slug}/threads/{thread}/reply", data={"body": "Hi", "reply_to": HUGE})
    assert response.status_code in (302, 400)


def test_a_page_number_past_the_end_is_an_empty_page_not_an_error(client, ids):
    assert client.get("/notifications/?page=999").status_code in (200, 404)


# --- request size and rate limits ----------------------------------------------------------------------

def test_a_huge_form_is_refused_before_it_is_read(client, auth):
    auth.as_new_user()
    response = client.post("/language", data={"lang": "es", "next": "/" + "x" * 2_000_000})
    assert response.status_code == 413
    assert "too much" in response.get_data(as_text=True)


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"WRITE_RATE_LIMIT": "3 per minute"}], indirect=True)
def test_every_write_without_a_limit_of_its_own_has_the_default_one(client):
    for _ in range(3):
        assert client.post("/language", data={"lang": "en"}).status_code == 302
    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # reading is never limited


@pytest.mark.parametrize("app_config", [{"WRITE_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_limits_count_people_by_account_not_by_shared_address(client, auth):
    """Learners behind one office or phone-network address do not use up each other's allowance."""
    auth.as_new_user()
    for _ in range(2):
        client.post("/language", data={"lang": "es"})
    assert client.post("/language", data={"lang": "en"}).status_code == 429
    auth.sign_out()
    auth.as_new_user()
    assert client.post("/language", data={"lang": "en"}).status_code == 302


def test_limits_hold_across_processes_that_share_redis(tmp_path, sqlite_url):
    """Two app processes (two apps here) sharing Redis count one allowance, not one each."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        from conftest import skip_or_fail
        skip_or_fail("Redis is not running on 127.0.0.1:6379")
    prefix = f"colab-test-{uuid.uuid4().hex}"
    settings = {"WRITE_RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": prefix,
                "WTF_CSRF_ENABLED": False}
    apps = [make_test_app(sqlite_url, tmp_path / f"instance{n}", **settings) for n in (1, 2)]
    clients = [application.test_client() for application in apps]
    codes = [clients[n % 2].post("/language", data={"lang": "es"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]


def test_gunicorn_refuses_several_processes_with_per_process_counters(monkeypatch):
    import runpy
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    server = type("Server", (), {"cfg": type("Cfg", (), {"workers": 2})()})()
    monkeypatch.delenv("COLAB_RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(SystemExit, match="COLAB_RATELIMIT_STORAGE_URI"):
        settings["on_starting"](server)
    monkeypatch.setenv("COLAB_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    settings["on_starting"](server)
    assert settings["workers"] == 1


def test_make_run_serves_with_gunicorn_and_without_the_debugger():
    makefile = (ROOT / "Makefile").read_text()
    run_recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "gunicorn" in run_recipe and "--debug" not in run_recipe and "flask" not in run_recipe.split("gunicorn")[0]


# --- headers and cookies in production -----------------------------------------------------------------

def test_production_sends_hsts_and_marks_every_cookie_secure(tmp_path, sqlite_url):
    app = create_app({"SECRET_KEY": "s" * 32, "SQLALCHEMY_DATABASE_URI": sqlite_url}, instance_path=str(tmp_path))
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://colab.test")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/language", data={"lang": "es", "csrf_token": token}, base_url="https://colab.test")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies), cookies


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


# --- the quick exit ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/sign-in", "/courses/", "/no-such-page"])
def test_every_page_has_a_plain_link_to_leave_quickly(client, path):
    page = client.get(path).get_data(as_text=True)
    link = re.search(r'<a class="quick-exit" href="([^"]+)" rel="noreferrer" data-quick-exit', page)
    assert link and link.group(1).startswith("https://") and "Leave quickly" in page


def test_what_leave_quickly_does_is_said_where_a_newcomer_and_a_member_look(client, auth):
    """Not in a tooltip on every page (touch screens never show it): on the home page and beside discreet mode."""
    escape = "pressing Escape twice does the same"
    assert escape in client.get("/").get_data(as_text=True)
    assert escape not in client.get("/courses/").get_data(as_text=True)
    auth.as_new_user()
    account = client.get("/account").get_data(as_text=True)
    assert re.search(r'for="discreet"[^<]*</label>\s*<p class="hint"[^>]*>[^<]*' + escape, account)


@pytest.mark.parametrize("path", ["/", "/sign-in", "/no-such-page"])
def test_no_page_can_be_framed_by_another_site(client, path):
    assert "frame-ancestors 'none'" in client.get(path).headers["Content-Security-Policy"]


def test_signed_in_pages_are_not_kept_in_shared_caches(client, auth):
    auth.as_new_user()
    assert client.get("/account").headers["Cache-Control"] in ("private, no-cache", "no-store")


def test_discreet_mode_gives_a_neutral_tab_and_keeps_nothing_on_the_device(app, client, auth):
    from colab.accounts.models import User
    user_id, _ = auth.as_new_user()
    page = client.get("/courses/")
    assert "<title>Courses · Co-Lab</title>" in page.get_data(as_text=True)
    with app.app_context():
        db.session.get(User, user_id).discreet = True
        db.session.commit()
    page = client.get("/courses/")
    html = page.get_data(as_text=True)
    assert "<title>Notes</title>" in html and "Co-Lab</title>" not in html
    assert re.search(r'<link rel="icon" href="/static/neutral.svg\?v=\w+">', html) and "icon.svg" not in html
    assert page.headers["Cache-Control"] == "no-store"
