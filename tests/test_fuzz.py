"""The request fuzzer: every route and every form, as an admin, a learner and someone signed out, fed wrong methods,
random and malformed forms, huge bodies, invalid UTF-8, odd headers, cookies and query strings. No input may
give a server error (a 5xx, or an exception escaping the app). Every failure is collected and reported together
with its route, method and input. A fixed seed makes a run repeatable; FUZZ_SEED=<n> tries other inputs."""
import html.parser
import io
import os
import random
import re
import time
import traceback
from collections import Counter
from urllib.parse import urlsplit

import pytest
from conftest import CSRFClient
from werkzeug.datastructures import MultiDict

from colab.extensions import db

SEED = int(os.environ.get("FUZZ_SEED", "20250611"))
MAX_CONTENT = 512 * 1024  # MAX_CONTENT_LENGTH in colab/config.py
# Routes that take a larger upload than MAX_CONTENT_LENGTH on purpose (their own limit): no 413 expected.
LARGER_UPLOADS = {"publishing.upload", "resources.suggest"}
ADMIN, LEARNER, ANONYMOUS = "admin", "learner", "anonymous"
ROLES = (ADMIN, LEARNER, ANONYMOUS)
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


@pytest.fixture
def app_config():
    """No limit on writes: a 429 is not a crash, but it would stop the fuzzer reaching the code behind it."""
    limits = ("WRITE", "SIGN_IN", "SIGN_UP", "SIGN_UP_EMAIL", "EMAIL_CHANGE", "PASSWORD_CHECK", "ACCOUNT", "THREAD",
              "POST", "POST_EDIT", "REPORT", "HARASSMENT", "INVITATION_SEND", "INVITATION_ACCEPT", "PUBLISH",
              "RESOURCE", "EVENT", "DIRECTORY_MESSAGE", "FEED", "SEARCH")
    return {f"{name}_RATE_LIMIT": "100000 per minute" for name in limits}


# --- inputs ------------------------------------------------------------------------------------------------

HUGE_TEXT = "x" * 100_000
NASTY = [
    "", " ", "\t\r\n", "\x00", "a\x00b", "\x7f\x01\x1b[31m", "\ufeff", "\u202egnp.exe", "💥" * 500, "é" * 301,
    "a" * 121, "a" * 201, "a" * 301, "a" * 1001, "a" * 5001, HUGE_TEXT, "<script>alert(1)</script>",
    "' OR '1'='1' --", "{{ 7*7 }}", "%(x)s %s {0}", "../../../../etc/passwd", "javascript:alert(1)", "//evil.example/",
    "https://example.org/" + "a" * 3000, "-1", "0", "1", "2147483647", "2147483648", "9223372036854775808",
    "1" + "0" * 30, "-" + "9" * 40, "1e309", "NaN", "inf", "-0", "0x10", "1.5", "١٢٣", "2024-02-30", "0000-00-00",
    "9999-12-31", "10000-01-01", "0001-01-01", "2030-13-01", "2030-1-1", "25:61", "23:59:60", "T", "null", "true",
    "[]", '{"a": 1}', "@", "a@b", "x@" + "a" * 300 + ".org", "user@example.org\nBcc: x@example.org",
    "Mars/Phobos", "Etc/GMT+99", "UTC", "xx", "es", "en", "%ff", "%", "\\", "\"'`;|&$()",
]
ODD_FIELD_NAMES = ["a[b][c][d][e]", "x" * 300, "", "csrf_token[]", "__proto__", "body[0]", "é", "\x00", "a.b.c",
                   "items-0-value", "items-99999999999-value"]
ODD_FILENAMES = ["", "../../etc/passwd", "a\x00.pdf", "x" * 1000 + ".pdf", "résumé.PDF", "..", "CON.txt",
                 "evil.html", "noext", "a\r\nContent-Type: text/html.pdf"]
INT_VARIANTS = ["0", "2147483647", "2147483648", "1" + "0" * 30, "-1", "0x1", "1e3"]
SLUG_VARIANTS = ["x", "..", "%00", "%ff%fe", "%ZZ", "é", "a" * 5000, "a%2Fb", "%3Cscript%3E", "'%20OR%201=1--",
                 "%E2%80%AE", "%0d%0aSet-Cookie:%20x=1", "%20", "CON"]
QUERIES = [b"page=-1", b"page=0", b"page=" + b"1" * 31, b"page=abc", b"page[]=1&page[]=2", b"page=1&page=2",
           b"post=2147483648&quote=-1", b"next=//evil.example/&q=%ZZ", b"q=%ff%fe%00", b"%ZZ=%ZZ&&&==",
           b"q=" + b"a" * 5000, b"country=%00&topic=" + b"x" * 300, b"month=13&year=99999&date=2024-02-30",
           b"kind=%ff%fe&sort=;drop&x=\x7f\x01", b"a" * 8000]
# Every name the views read from a query string (request.args, int_arg, filter_arg, forms built on request.args).
QUERY_NAMES = ["country", "course", "dialogue", "kind", "locale", "message", "next", "page", "post", "profile", "q",
               "quote", "region", "scope", "show", "status", "topic", "role", "language", "cohort", "lesson", "table"]
HEADERS = [
    {"Accept-Language": "xx-INVALID;q=abc, *;q=2, en;q=nan"},
    {"Accept-Language": ",".join(["zz"] * 2000)},
    {"Accept-Language": "es;q=0.5\x00"},
    {"Cookie": "session=" + "A" * 8000},
    {"Cookie": "session=eyJub3QiOiJzaWduZWQifQ.bogus.signature"},
    {"Cookie": "session=.eJx; remember_token=1|" + "f" * 128},
    {"Cookie": "locale=\xff; colab_locale=../../; locale=zz"},
    {"Cookie": "=; ;;; a=b=c; " + "x" * 4000},
    {"If-Modified-Since": "Mon, 99 Foo 9999 99:99:99 GMT"},
    {"If-Modified-Since": "0", "If-None-Match": "\"" + "a" * 3000},
    {"Range": "bytes=999999-0"},
    {"Host": "evil.example"},
    {"Host": "colab.test:99999"},
    {"Host": "[::1"},
    {"X-Forwarded-For": "not-an-ip, , 999.999.999.999", "X-Forwarded-Proto": "gopher"},
    {"Content-Type": "multipart/form-data"},
    {"Accept": "*/*;q=abc", "Accept-Encoding": "br;q=nan, gzip;q=2, x" * 100},
    {"User-Agent": "\x00" + "U" * 10000},
]


def _nasty(rng):
    return rng.choice(NASTY)


# --- the world the fuzzer walks ------------------------------------------------------------------------------

class Role:
    """One person's test client, kept signed in (a fuzzed POST to /sign-out or /account/delete may end it)."""

    def __init__(self, app, name, email, password=None):
        self.name, self.email, self.password = name, email, password
        self.client = app.test_client()
        self.token = None

    def ensure(self):
        if self.email is None:
            return
        with self.client.session_transaction() as session:
            signed_in = "_user_id" in session
        if not signed_in or self.token is None:
            self.client.post("/sign-in", data={"email": self.email, "password": self.password}, csrf=True)
            with self.client.session_transaction() as session:
                assert "_user_id" in session, f"{self.name} could not sign in again"
            self.token = self.client.csrf_token()

    def csrf(self):
        if self.token is None:
            self.token = self.client.csrf_token()
        return self.token


@pytest.fixture
def world(app, content):
    """The demo data (communities, cohorts, threads, events, library, directory) plus a few things it lacks,
    and one real value for each part of a URL."""
    from colab import demo
    from colab.accounts import service as accounts
    from colab.accounts.models import Region, UserSession
    from colab.certificates.models import Certificate
    from colab.cohorts.models import Invitation, LiveSession, SharedReflection
    from colab.communities import service as communities
    from colab.communities.models import Cohort, Community, Membership, Post, Thread
    from colab.courses.models import Activity, Course, Lesson, Response
    from colab.directory import messages
    from colab.directory.models import DirectoryBlock, DirectoryMessage, DirectoryProfile, Organisation
    from colab.events.models import Event
    from colab.focus_groups.models import FocusGroup
    from colab.harassment import service as harassment
    from colab.harassment.models import HarassmentReport
    from colab.notifications.models import Notification
    from colab.notifications.service import notify
    from colab.publishing.models import Publication
    from colab.resources.models import Resource
    from colab.surveys.models import Survey

    app.test_client_class = CSRFClient
    with app.app_context():
        demo.load_demo()
        db.session.commit()
        admin = accounts.find_by_email("admin@colab.example")
        learner = accounts.find_by_email("learner@colab.example")
        spare = accounts.find_by_email("jean@colab.example")  # admin routes act on this one, not on a role
        africa = communities.find_community("africa")
        communities.accept_agreements(db.session.scalar(db.select(Membership).filter_by(user_id=learner.id,
                                                                                        community_id=africa.id)))
        thread = communities.create_thread(learner, africa, "Fuzz thread", "The first post")
        post = communities.add_post(learner, thread, "A reply to quote")
        notify(learner.id, "reply", thread=thread, post=post, actor=admin)
        region = db.session.scalar(db.select(Region).filter_by(slug="africa"))
        harassment.create(learner, region.id, "other", "At a meeting")
        profile = db.session.scalar(db.select(DirectoryProfile).where(DirectoryProfile.user_id != learner.id))
        if profile is not None:
            try:
                with db.session.begin_nested():
                    messages.send_message(learner, profile, "Hello from the fuzzer")
            except Exception:  # noqa: BLE001 - a closed profile: the fuzzer does without a message
                pass
        db.session.commit()

        def some(model, *where):
            return db.session.scalar(db.select(model.id).where(*where).order_by(model.id)) or 1

        course = db.session.scalars(db.select(Course).order_by(Course.id)).first()
        lesson = db.session.scalar(db.select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id))
        activity = db.session.scalar(db.select(Activity).where(Activity.lesson_id == lesson.id))
        survey = db.session.scalar(db.select(Survey))
        certificate = db.session.scalar(db.select(Certificate))
        resource = db.session.scalar(db.select(Resource))
        today = time.gmtime()
        values = {
            "user_id": str(spare.id), "region_id": str(region.id), "community_id": str(africa.id),
            "cohort_id": str(some(Cohort, Cohort.community_id == africa.id)), "thread_id": str(thread.id),
            "post_id": str(post.id), "member_id": str(some(Membership, Membership.community_id == africa.id,
                                                           Membership.user_id == spare.id)),
            "report_id": str(some(HarassmentReport)), "notification_id": str(some(Notification)),
            "certificate_id": str(certificate.id if certificate else 1), "invitation_id": str(some(Invitation)),
            "response_id": str(some(Response)), "shared_id": str(some(SharedReflection)),
            "lesson_id": str(lesson.id), "group_id": str(some(FocusGroup)), "publication_id": str(some(Publication)),
            "event_id": str(some(Event)), "profile_id": str(some(DirectoryProfile)),
            "message_id": str(some(DirectoryMessage)), "block_id": str(some(DirectoryBlock)),
            "organisation_id": str(some(Organisation)), "year": str(today.tm_year), "month": str(today.tm_mon),
            "course_slug": course.slug, "lesson_slug": lesson.slug,
            "activity_slug": activity.slug if activity else "x", "survey_slug": survey.slug if survey else "x",
            "code": certificate.code if certificate else "x", "token": "x", "filename": "style.css",
            "session_id": str(some(UserSession, UserSession.user_id == spare.id)),
            "community_slug": "africa", "region_slug": "africa", "resource_slug": resource.slug if resource else "x",
        }
        live_session = some(LiveSession)
        assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) > 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Community)) > 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) > 1
        admin_email, learner_email = admin.email, learner.email
    roles = {ADMIN: Role(app, ADMIN, admin_email, demo.DEMO_PASSWORD),
             LEARNER: Role(app, LEARNER, learner_email, demo.DEMO_PASSWORD),
             ANONYMOUS: Role(app, ANONYMOUS, None)}
    for role in roles.values():
        role.ensure()
    return Fuzzer(app, roles, values, live_session)


# --- sending and recording -----------------------------------------------------------------------------------

def _short(value, limit=120):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"...({len(text)} chars)"


class Fuzzer:
    def __init__(self, app, roles, values, live_session):
        self.app, self.roles, self.values, self.live_session = app, roles, values, live_session
        self.rng = random.Random(SEED)
        self.failures, self.statuses, self.sent = [], Counter(), 0
        self.forms = {}  # endpoint -> list of fields [(name, kind, value, options)]
        self.field_names = set()
        self.adapter = app.url_map.bind("colab.test")

    # URLs ------------------------------------------------------------------------------------------------

    def rules(self):
        return sorted(self.app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))

    def real(self, rule, name):
        """The real value for one part of a rule's URL."""
        converter = rule._converters[name]
        if hasattr(converter, "items"):  # any(...)
            return sorted(converter.items)[0]
        if name == "slug":
            if rule.endpoint.startswith("resources."):
                return self.values["resource_slug"]
            if rule.endpoint in ("dashboards.region", "dashboards.region_csv", "manage.region",
                                 "manage.appoint_focal_point", "manage.remove_focal_point"):
                return self.values["region_slug"]
            if rule.endpoint.startswith("publishing."):
                return self.values["course_slug"]
            return self.values["community_slug"]
        if name == "action":
            return self.rng.choice(["approve", "hide", "restore", "warn", "dismiss", "lock", "unlock", "pin", "unpin",
                                    "slow-mode", "decline", "mute", "unmute", "facilitator", "member", "bogus"])
        if name == "session_id" and rule.endpoint.startswith("cohorts."):
            return str(self.live_session)
        return self.values.get(name, "1")

    def path(self, rule, overrides=None):
        overrides = overrides or {}
        path = rule.rule
        for name in rule.arguments:
            value = overrides[name] if name in overrides else self.real(rule, name)
            path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + name + ">", lambda _m, v=value: v, path)
        return path

    def variant_paths(self, rule, count):
        """Paths with one part of the URL replaced by an odd value (numbers out of range, odd slugs)."""
        options = []
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):
                options += [(name, value) for value in ("x", "%00", "a" * 300)]
            elif type(converter).__name__ == "BoundedIntConverter":
                options += [(name, value) for value in INT_VARIANTS + ["0" + self.real(rule, name)]]
            else:
                options += [(name, value) for value in SLUG_VARIANTS]
        picked = self.rng.sample(options, min(count, len(options)))
        return [(f"{name}={_short(value, 30)}", self.path(rule, {name: value})) for name, value in picked]

    # sending ---------------------------------------------------------------------------------------------

    def send(self, role, method, path, describe="", **kwargs):
        """One request; a 5xx or an exception escaping the app is recorded with everything needed to repeat it."""
        client = self.roles[role].client
        self.sent += 1
        try:
            response = client.open(path, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - TESTING propagates the app's exceptions: that is the finding
            frames = traceback.extract_tb(error.__traceback__)
            where = next((f"{frame.filename.split('/colab/')[-1]}:{frame.lineno}" for frame in reversed(frames)
                          if "/colab/" in frame.filename), "?")
            self.failures.append(f"{role} {method} {_short(path, 200)} {describe}: "
                                 f"{type(error).__name__}: {str(error)[:200]} (at colab/{where})")
            self.statuses["exception"] += 1
            return None
        response.get_data()  # read and close (a file sent as a stream would stay open)
        response.close()
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{role} {method} {_short(path, 200)} {describe}: {response.status_code}")
        return response

    def check(self):
        """Fail with every failure at once, and the numbers that show how far the fuzzer reached."""
        summary = f"{self.sent} requests, statuses {dict(sorted(self.statuses.items(), key=str))}"
        print(summary)
        if self.failures:
            unique = list(dict.fromkeys(self.failures))
            pytest.fail(f"{len(unique)} server errors ({summary}):\n" + "\n".join(unique[:200]), pytrace=False)

    # forms -----------------------------------------------------------------------------------------------

    def harvest(self, role, path, body):
        """Remember the POST forms a page offers, by the endpoint they post to."""
        parser = FormParser()
        parser.feed(body)
        for action, fields in parser.forms:
            target = urlsplit(action or path).path
            try:
                endpoint, _args = self.adapter.match(target, method="POST")
            except Exception:  # noqa: BLE001 - a form posting elsewhere (or nowhere) teaches nothing
                continue
            known = self.forms.setdefault(endpoint, {})
            for field in fields:
                known.setdefault(field[0], field)
                self.field_names.add(field[0])

    def plausible(self, endpoint):
        """A form as a person would fill it in: what the page offers, typed text where it is empty."""
        data = MultiDict()
        for name, kind, value, options in self.forms.get(endpoint, {}).values():
            if name == "csrf_token":
                continue
            if kind in ("checkbox", "radio"):
                if self.rng.random() < 0.6:
                    data.add(name, value or "y")
            elif kind == "select":
                if options:
                    data.add(name, self.rng.choice(options))
            elif kind == "file":
                continue
            else:
                data.add(name, value or {"email": "fuzz@example.org", "date": "2030-01-15", "time": "10:00",
                                         "number": "2", "url": "https://example.org/",
                                         "password": "not the password", "datetime-local": "2030-01-15T10:00"}
                         .get(kind, "Fuzzed words"))
        return data

    def mutated_forms(self, endpoint, count):
        """count forms, each a plausible one broken in one way (or random junk where the page offered none)."""
        names = list(self.forms.get(endpoint, {})) or self.rng.sample(sorted(self.field_names),
                                                                       min(6, len(self.field_names)))
        names = [name for name in names if name != "csrf_token"] or ["body"]
        for _n in range(count):
            data = self.plausible(endpoint)
            how = self.rng.choice(["one", "one", "one", "all", "missing", "duplicate", "nested", "empty"])
            if how == "one":
                name = self.rng.choice(names)
                value = _nasty(self.rng)
                data.setlist(name, [value])
                label = f"{name}={_short(value, 60)}"
            elif how == "all":
                for name in names:
                    data.setlist(name, [_nasty(self.rng)])
                label = "every field odd"
            elif how == "missing":
                dropped = self.rng.sample(names, max(1, len(names) // 2))
                for name in dropped:
                    data.poplist(name)
                label = f"without {dropped}"
            elif how == "duplicate":
                name = self.rng.choice(names)
                data.setlist(name, [_nasty(self.rng), _nasty(self.rng), "1"])
                label = f"{name} three times"
            elif how == "nested":
                name = self.rng.choice(ODD_FIELD_NAMES)
                data.add(name, _nasty(self.rng))
                label = f"extra field {_short(name, 40)}"
            else:
                data = MultiDict()
                label = "empty form"
            yield data, label

    def post_form(self, role, path, data, label, csrf=True):
        if csrf:
            data = MultiDict(data)
            data.setlist("csrf_token", [self.roles[role].csrf()])
        return self.send(role, "POST", path, f"[{label}{'' if csrf else ', no CSRF token'}]", data=data)


class FormParser(html.parser.HTMLParser):
    """The POST forms on a page: (action, [(name, kind, value, options)])."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = (attrs.get("action") or "", [])
            self.forms.append(self.current)
        elif self.current is None or not attrs.get("name"):
            if tag == "option" and self.select is not None:
                self.select[3].append(attrs.get("value") or "")
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind not in ("submit", "button", "reset", "image"):
                self.current[1].append((attrs["name"], kind, attrs.get("value") or "", []))
        elif tag == "textarea":
            self.current[1].append((attrs["name"], "textarea", "", []))
        elif tag == "select":
            self.select = (attrs["name"], "select", "", [])
            self.current[1].append(self.select)
        elif tag == "button" and attrs.get("value"):
            self.current[1].append((attrs["name"], "radio", attrs["value"], []))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


# --- the tests -----------------------------------------------------------------------------------------------

def test_every_route_with_every_method_odd_urls_headers_and_query_strings(world):
    """GET every page as each role (real ids), every method it does not take, odd numbers and slugs in its URL,
    odd headers and cookies, and odd query strings."""
    fuzz, rng = world, world.rng
    for rule in fuzz.rules():
        for role in ROLES:
            fuzz.roles[role].ensure()
            path = fuzz.path(rule)
            if "GET" in rule.methods:
                fuzz.send(role, "GET", path)
        wrong = [method for method in METHODS if method not in rule.methods]
        for method in rng.sample(wrong, min(2, len(wrong))):  # refused by the routing, whoever asks
            fuzz.send(rng.choice(ROLES), method, fuzz.path(rule), "[wrong method]", data={"x": "1"})
        method = "GET" if "GET" in rule.methods else "POST"
        for role in (ADMIN, rng.choice((LEARNER, ANONYMOUS))):
            form = {"csrf_token": fuzz.roles[role].csrf()} if method == "POST" else None
            for label, path in fuzz.variant_paths(rule, 3 if role == ADMIN else 1):
                fuzz.send(role, method, path, f"[{label}]", data=form)
        if "GET" in rule.methods:
            role = rng.choice(ROLES)
            headers = rng.choice(HEADERS)
            fuzz.send(role, "GET", fuzz.path(rule), f"[headers {_short(headers, 80)}]", headers=headers)
            odd = [(name, rng.choice(NASTY)[:3000]) for name in QUERY_NAMES]
            fuzz.send(ADMIN, "GET", fuzz.path(rule), f"[every query parameter odd: {_short(odd, 300)}]",
                      query_string=odd)
            query = rng.choice(QUERIES)
            fuzz.send(rng.choice(ROLES), "GET", fuzz.path(rule), f"[query {_short(query, 80)}]",
                      environ_overrides={"QUERY_STRING": query.decode("latin-1")})  # as a WSGI server passes it
    for headers in HEADERS:  # every header on one page that reads the session, the locale and the cookies
        for role in ROLES:
            fuzz.send(role, "GET", "/", f"[headers {_short(headers, 80)}]", headers=headers)
            fuzz.send(role, "HEAD", "/courses/", f"[headers {_short(headers, 80)}]", headers=headers)
    fuzz.check()
    assert fuzz.statuses[200] > 100, "the fuzzer should reach real pages, not only errors"


def test_every_form_with_random_and_malformed_input(world):
    """POST to every route that takes a POST, as each role: plausible forms broken one field at a time, forms of
    junk, missing and repeated fields, nested names, files with odd names, and no CSRF token."""
    fuzz, rng = world, world.rng
    rules = fuzz.rules()
    for rule in rules:  # learn the forms first: the fields each page offers, as the admin and the learner see them
        if "GET" in rule.methods and not rule.arguments & {"token", "filename"}:
            for role in (ADMIN, LEARNER):
                response = fuzz.send(role, "GET", fuzz.path(rule))
                if response is not None and response.status_code == 200 and response.mimetype == "text/html":
                    fuzz.harvest(role, fuzz.path(rule), response.get_data(as_text=True))
    assert len(fuzz.forms) > 30, f"the fuzzer found too few forms to be useful: {sorted(fuzz.forms)}"
    passed_csrf = 0
    for rule in rules:
        if "POST" not in rule.methods:
            continue
        for role, count in ((ADMIN, 3), (LEARNER, 2), (ANONYMOUS, 1)):  # FUZZ_SEED=<n> tries others
            fuzz.roles[role].ensure()
            path = fuzz.path(rule)
            for data, label in fuzz.mutated_forms(rule.endpoint, count):
                response = fuzz.post_form(role, path, data, label)
                if response is not None and b"This form has expired" not in response.data:
                    passed_csrf += 1
                elif response is not None and role != ANONYMOUS:
                    fuzz.roles[role].token = None  # the session changed under it: fetch a new token
            fuzz.roles[role].ensure()
        fuzz.post_form(rng.choice(ROLES), path, fuzz.plausible(rule.endpoint), "plausible", csrf=False)
        files = MultiDict(fuzz.plausible(rule.endpoint))
        for name in list(fuzz.forms.get(rule.endpoint, {})) or ["file"]:
            if name != "csrf_token" and rng.random() < 0.5:
                files.setlist(name, [(io.BytesIO(rng.choice([b"", b"%PDF-1.4\n", b"\xff\xfe\x00" * 100])),
                                      rng.choice(ODD_FILENAMES), rng.choice(["application/pdf", "text/html", ""]))])
        files.setlist("csrf_token", [fuzz.roles[ADMIN].csrf()])
        fuzz.send(ADMIN, "POST", path, "[multipart with odd files]", data=files, content_type="multipart/form-data")
    fuzz.check()
    assert passed_csrf > 250, "most fuzzed forms with a token should get past the CSRF check to the view"


def test_malformed_bodies_huge_bodies_and_wrong_content_types(world):
    """Every POST route gets bytes that are not UTF-8, a JSON or plain-text body, a broken multipart body, and a
    form just over MAX_CONTENT_LENGTH (413, except the upload routes with a larger limit of their own)."""
    fuzz, rng = world, world.rng
    wrong_size = []
    for rule in fuzz.rules():
        if "POST" not in rule.methods:
            continue
        path = fuzz.path(rule)
        role = rng.choice((ADMIN, LEARNER))
        fuzz.roles[role].ensure()
        token = fuzz.roles[role].csrf().encode()
        bodies = [
            ("invalid UTF-8 form", b"csrf_token=" + token + b"&body=\xff\xfe\xc3\x28&title=\xed\xa0\x80&\xff=1",
             "application/x-www-form-urlencoded"),
            ("invalid percent-encoding", b"csrf_token=" + token + b"&body=%ZZ%ff%&title=%",
             "application/x-www-form-urlencoded; charset=utf-7"),
            ("JSON", b'{"csrf_token": "' + token + b'", "body": [1, {"a": null}]}', "application/json"),
            ("JSON list", b'[1, 2, [3]]', "application/json"),
            ("plain text", b"csrf_token=" + token + b"\n\xff", "text/plain"),
            ("multipart without boundary", b"--x\r\nContent-Disposition: form-data; name=body\r\n\r\nhi\r\n--x--",
             "multipart/form-data"),
            ("broken multipart", b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token
             + b"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\xff\x00.pdf\"\r\n\r\n\x00\x01",
             "multipart/form-data; boundary=b"),
        ]
        for label, body, content_type in rng.sample(bodies, 3):
            fuzz.send(role, "POST", path, f"[{label}]", data=body, content_type=content_type,
                      headers={"X-CSRFToken": token.decode()})  # the token in a header, as Flask-WTF allows
        huge = b"csrf_token=" + token + b"&body=" + b"x" * (MAX_CONTENT + 1)
        response = fuzz.send(role, "POST", path, "[form just over MAX_CONTENT_LENGTH]", data=huge,
                             content_type="application/x-www-form-urlencoded")
        if response is not None and response.status_code != 413 and rule.endpoint not in LARGER_UPLOADS:
            wrong_size.append((rule.endpoint, response.status_code))
    fuzz.check()
    assert wrong_size == [], "a form over MAX_CONTENT_LENGTH must be refused with 413"


def test_the_fuzzer_reports_a_server_error(app):
    """A fuzzer that cannot fail proves nothing: a route that raises and one that answers 503 are both caught."""
    from flask import abort

    app.add_url_rule("/fuzz-boom", "fuzz_boom", lambda: 1 / 0)
    app.add_url_rule("/fuzz-unavailable", "fuzz_unavailable", lambda: abort(503))
    roles = {ANONYMOUS: Role(app, ANONYMOUS, None)}
    fuzz = Fuzzer(app, roles, {}, 1)
    fuzz.send(ANONYMOUS, "GET", "/fuzz-boom")
    fuzz.send(ANONYMOUS, "GET", "/fuzz-unavailable")
    fuzz.send(ANONYMOUS, "GET", "/")
    assert len(fuzz.failures) == 2
    assert "ZeroDivisionError" in fuzz.failures[0] and "503" in fuzz.failures[1]
    with pytest.raises(pytest.fail.Exception, match="2 server errors"):
        fuzz.check()


def test_the_inputs_the_fuzzer_found_give_no_server_error(app, client, auth, make_user, community_kit):
    """Each once gave a 500: a file sent under a text field's name, a JSON body (Flask-WTF read both into text
    fields), and a NUL character in a URL, a query or a form (PostgreSQL refuses text holding one)."""
    user_id, email = make_user(is_admin=True)
    slug = community_kit.community("circle", region="africa")
    community_kit.member(user_id, slug)
    thread_id = community_kit.thread(user_id, slug)
    auth.sign_in(email)
    reply = f"/communities/{slug}/threads/{thread_id}/reply"
    token = client.csrf_token()
    file_as_text = {"csrf_token": token, "body": (io.BytesIO(b"%PDF"), "a.pdf", "application/pdf")}
    assert client.post(reply, data=file_as_text, content_type="multipart/form-data", csrf=False).status_code == 400
    for body in (b"[1, 2]", b'{"body": [1, {"a": null}]}'):
        response = client.post(reply, data=body, content_type="application/json", headers={"X-CSRFToken": token},
                               csrf=False)
        assert response.status_code == 400, body
    assert client.post(reply, data={"body": "a\x00b"}).status_code == 400
    assert client.get(f"/communities/{slug}%00/").status_code == 404
    assert client.get("/manage/regions/africa", query_string={"q": "\x00"}).status_code == 200
    with app.app_context():
        from colab.communities.models import Post
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1  # nothing was posted
