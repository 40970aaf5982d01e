"""Confidential harassment reports at the request level: who files, who receives, who reads what."""
import re
from html import unescape

import pytest
from html_safety import ATTACKS, dangerous_markup
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from test_moderation import People

from colab import policy
from colab.accounts.models import Region, User
from colab.communities.models import Post
from colab.extensions import db
from colab.harassment import service as harassment
from colab.harassment.models import HarassmentReport, ReportStatus
from colab.notifications.models import Notification

POSTGRESQL = False  # the confidential reports' pages and who reads them (see conftest.py)

NEW = "/reports/harassment/new"
ALERT = "A new confidential harassment report needs attention."
MORE = "The reporter added information to a harassment report."
POST_BODY = "Men who cry are weak, and so are you."
NAMES = {"rita": "Rita Reporter", "omar": "Omar Author", "fola": "Fola Facilitator", "fatou": "Fatou Focal",
         "asha": "Asha Asia", "ada": "Ada Admin", "bea": "Bea Bystander"}
HANDLERS = {"fatou", "ada"}  # the focal point of Africa and the admin
EVERYONE_ELSE = ("Someone outside Co-Lab", "I don't know or prefer not to say")


class Cast(People):
    """A community of the Africa region with Omar's post; a facilitator, focal points of Africa and Asia, an admin."""

    def __init__(self, app, make_user, kit):
        super().__init__(app, make_user)
        self.kit = kit
        kit.community("circle", region="africa")
        for key, name in NAMES.items():
            self.add(key, name, is_admin=key == "ada")
        for key in ("rita", "omar", "bea", "fola"):
            kit.member(self.ids[key], "circle", "facilitator" if key == "fola" else "member")
        kit.focal_point(self.ids["fatou"], "africa")
        kit.focal_point(self.ids["asha"], "asia")
        self.africa, self.asia = kit.region_id("africa"), kit.region_id("asia")
        self.post = self.first_post(kit.thread(self.ids["omar"], "circle", "On care work", POST_BODY))

    def person(self, key):
        """The form's value for a person: their id."""
        return str(self.ids[key])

    def readers_key(self, key, region_id, person):
        """The key the form would carry for these choices (see harassment.service.readers_key)."""
        with self.app.app_context():
            reported = db.session.get(User, int(person)) if str(person).isdigit() else None
            return harassment.readers_key(db.session.get(User, self.ids[key]), db.session.get(Region, region_id),
                                          reported)

    def form(self, key="rita", query="", **fields):
        """Post the report form; "readers_for" defaults to what the form would have shown for these choices."""
        data = {"region": self.africa, "place": "other", "person": "unknown", "description": "He shouted at me."}
        data |= fields
        data.setdefault("readers_for", self.readers_key(key, data["region"], data["person"]))
        return self.send(key, NEW + query, **data)

    def file(self, key="rita", query="", **fields):
        """File a report through the form; returns its id."""
        response = self.form(key, query, **fields)
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.location.rsplit("/", 1)[1])

    def search(self, key="rita", query="", **fields):
        """Press "Search" on the form: the page shown again, as its reader sees the text."""
        response = self.send(key, NEW + query, action="search", **fields)
        assert response.status_code == 200
        return seen(response)

    def report(self, report_id):
        with self.app.app_context():
            return db.session.get(HarassmentReport, report_id)

    def handle(self, key, report_id, status, outcome=""):
        return self.send(key, f"/reports/{report_id}/status", status=status, outcome=outcome)

    def set_post_status(self, post_id, status):
        with self.app.app_context():
            db.session.get(Post, post_id).status = status
            db.session.commit()


def seen(response):
    """A page's text as a person reads it (entities such as &#39; turned back into characters)."""
    return unescape(response.get_data(as_text=True))


def offered(page):
    """The answers to "Who is it about?" on the form, in order."""
    return re.findall(r'<label for="person-\d+">([^<]*)</label>', page)


def chosen(page, name="person"):
    """The value of the checked radio button (or selected option) called name, or None."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and re.search(r"\schecked[\s>=]", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


@pytest.fixture
def cast(app, client, make_user, community_kit):
    """`client` makes every test client send CSRF tokens."""
    return Cast(app, make_user, community_kit)


def test_anyone_signed_in_reports_from_the_footer(cast, app):
    assert app.test_client().get(NEW).status_code == 302  # strangers are sent to sign in
    assert f'href="{NEW}"' in cast.text("bea", "/courses/")
    form = cast.text("bea", NEW)
    assert "never to a facilitator, and never to the person it is about" in form and "Africa" in form
    response = cast.form("bea", place="profile", person=cast.person("omar"), description="He keeps messaging me.")
    assert "Your report has been received." in cast.follow("bea", response)
    [report] = cast.rows(HarassmentReport)
    assert (report.reporter_id, report.region_id, report.place, report.reported_user_id, report.post_id,
            report.reported_kind) == (cast.ids["bea"], cast.africa, "profile", cast.ids["omar"], None, "member")
    assert "Received" in cast.text("bea", f"/reports/{report.id}")


def test_a_report_from_a_post_quotes_it_and_offers_its_author(cast):
    form = unescape(cast.text("rita", f"{NEW}?post={cast.post}"))
    assert POST_BODY in form
    assert offered(form) == [NAMES["omar"], *EVERYONE_ELSE] and chosen(form) == cast.person("omar")
    assert '<option selected value="post">' in form and f'<option selected value="{cast.africa}">' in form
    report = cast.report(cast.file(query=f"?post={cast.post}", place="post", person=cast.person("omar")))
    assert (report.post_id, report.reported_user_id, report.place) == (cast.post, cast.ids["omar"], "post")
    assert POST_BODY in cast.text("fatou", f"/reports/{report.id}")


# --- defect 1: only a post the reader may read is quoted or attached --------------------------------------

@pytest.mark.parametrize("status", ["hidden", "held", "deleted"])
def test_a_post_the_reporter_may_not_read_is_neither_quoted_nor_attached(cast, status):
    cast.set_post_status(cast.post, status)
    for key in ("rita", "bea"):
        form = cast.text(key, f"{NEW}?post={cast.post}")
        assert POST_BODY not in form and NAMES["omar"] not in form, key
    if status != "held":  # the author reads his own held post, nothing more
        assert POST_BODY not in cast.text("omar", f"{NEW}?post={cast.post}")
    report = cast.report(cast.file(query=f"?post={cast.post}"))
    assert report.post_id is None
    assert POST_BODY not in cast.text("fatou", f"/reports/{report.id}")


@pytest.mark.parametrize("status,quoted", [("hidden", True), ("held", True), ("deleted", False)])
def test_a_moderator_quotes_what_they_may_read_and_never_a_deleted_post(cast, status, quoted):
    cast.set_post_status(cast.post, status)
    assert (POST_BODY in cast.text("fola", f"{NEW}?post={cast.post}")) is quoted


def test_a_post_in_a_community_the_reporter_cannot_view_is_neither_shown_nor_attached(cast):
    cast.kit.community("closed", members_only=True, region="africa")
    cast.kit.member(cast.ids["fola"], "closed")
    secret = cast.first_post(cast.kit.thread(cast.ids["fola"], "closed", "Private", "A members-only secret"))
    form = cast.text("rita", f"{NEW}?post={secret}")
    assert "A members-only secret" not in form and NAMES["fola"] not in form
    assert cast.report(cast.file(query=f"?post={secret}")).post_id is None


# --- defect 2: the person is chosen by id, from people who share a community ---------------------------

def test_the_search_lists_only_people_who_share_a_community_and_never_emails(cast):
    cast.add("stranger", "Omar Stranger")  # in no community
    cast.add("waiting", "Omar Waiting")
    cast.kit.member(cast.ids["waiting"], "circle", pending=True)  # asked to join, not let in yet
    cast.kit.community("closed", members_only=True, region="asia")
    cast.add("elsewhere", "Omar Elsewhere")
    cast.kit.member(cast.ids["elsewhere"], "closed")
    page = cast.search(search="omar")
    assert offered(page) == [NAMES["omar"], *EVERYONE_ELSE]
    assert "1 person found: choose below." in page
    assert offered(cast.search(search="Focal")) == [NAMES["fatou"], *EVERYONE_ELSE]  # focal point of the region
    assert offered(cast.search(search="facilitator")) == [NAMES["fola"], *EVERYONE_ELSE]
    for name in ("Asha", "Ada", "Rita"):  # another region's focal point, an admin outside it, oneself
        page = cast.search(search=name)
        assert offered(page) == list(EVERYONE_ELSE), name
    assert "Nobody who shares a community with you has a display name containing “Rita”." in page
    for wildcard in ("%%", "__", "%_"):
        assert offered(cast.search(search=wildcard)) == list(EVERYONE_ELSE), wildcard
    assert "Type at least 2 letters of their display name." in cast.search(search="o")
    everything = "".join(cast.search(search=term) for term in ("omar", "focal", "fac", "a"))
    for key, email in cast.emails.items():
        assert email not in everything, key


def test_a_person_outside_ones_communities_cannot_be_named_by_sending_their_id(cast):
    cast.add("stranger", "Sam Stranger")
    response = cast.form(person=cast.person("stranger"))
    assert response.status_code == 400
    assert "Choose the person it is about, or one of the last two answers." in seen(response)
    assert cast.rows(HarassmentReport) == []


def test_the_author_of_the_post_can_be_named_without_sharing_a_community(cast):
    cast.kit.community("open-asia", region="asia")
    cast.add("visitor", "Vic Visitor")
    cast.kit.member(cast.ids["visitor"], "open-asia")
    post = cast.first_post(cast.kit.thread(cast.ids["visitor"], "open-asia", "Hello", "Visitor's words"))
    form = cast.text("rita", f"{NEW}?post={post}")
    assert chosen(form) == cast.person("visitor") and f'<option selected value="{cast.asia}">' in form
    report = cast.report(cast.file(query=f"?post={post}", region=cast.asia, person=cast.person("visitor")))
    assert (report.reported_user_id, report.post_id) == (cast.ids["visitor"], post)


def test_someone_outside_co_lab_is_described_in_words_and_never_matched_to_an_account(cast):
    report_id = cast.file(place="event", person="outside", person_description=NAMES["fatou"],
                          description="At the regional meeting in Nairobi he grabbed my arm.")
    report = cast.report(report_id)
    assert (report.place, report.post_id, report.reported_user_id, report.reported_kind,
            report.reported_description) == ("event", None, None, "outside", NAMES["fatou"])
    page = unescape(cast.text("ada", f"/reports/{report_id}"))
    assert "<dt>About</dt><dd>Someone outside Co-Lab</dd>" in page and "he grabbed my arm" in page


def test_searching_shows_the_form_again_with_everything_typed(cast):
    typed = {"region": cast.asia, "place": "event", "person": "unknown", "person_description": "Tall, a beard",
             "description": "He followed me after the session."}
    page = cast.search(search="omar", **typed)
    assert offered(page) == [NAMES["omar"], *EVERYONE_ELSE] and chosen(page) == "unknown"
    assert f'<option selected value="{cast.asia}">' in page and '<option selected value="event">' in page
    assert "Tall, a beard</textarea>" in page and "He followed me after the session.</textarea>" in page
    assert 'value="omar"' in page  # the search box keeps its words


def test_an_error_shows_the_form_again_with_everything_typed(cast):
    response = cast.form(region=cast.asia, place="event", person=cast.person("omar"), description="")
    page = seen(response)
    assert response.status_code == 400 and "Describe what happened." in page
    assert chosen(page) == cast.person("omar") and NAMES["omar"] in offered(page)
    assert f'<option selected value="{cast.asia}">' in page and '<option selected value="event">' in page
    response = cast.send("rita", NEW, region=cast.africa, place="message", person_description="The driver",
                         description="Long account of what he said.")
    page = seen(response)
    assert response.status_code == 400 and "Choose the person it is about" in page
    assert "Long account of what he said.</textarea>" in page and "The driver</textarea>" in page
    assert '<option selected value="message">' in page
    assert cast.rows(HarassmentReport) == []


def test_a_report_needs_a_description(cast):
    response = cast.form(description="")
    assert response.status_code == 400 and "Describe what happened." in seen(response)
    assert cast.rows(HarassmentReport) == []


# --- defects 3 and 4: routing, and telling the reporter who will read it ----------------------------------

def test_the_form_says_who_will_read_it_as_the_routing_decides(cast):
    cast.add("femi", "Femi Focal")
    cast.kit.focal_point(cast.ids["femi"], "africa")
    cast.add("abe", "Abe Admin", is_admin=True)
    cast.kit.member(cast.ids["ada"], "circle")
    assert ("This report will be read by the secretariat's admins and the focal points of Africa."
            in unescape(cast.text("rita", NEW)))
    about_focal = cast.search(person=cast.person("fatou"), region=cast.africa)
    assert ("This report will be read by the secretariat's admins and the other focal points of Africa; "
            "never by the person you name.") in about_focal
    about_admin = cast.search(person=cast.person("ada"), region=cast.africa)
    assert ("This report will be read by the secretariat's other admins and the focal points of Africa; "
            "never by the person you name.") in about_admin
    in_asia = cast.search(person="outside", region=cast.asia)
    assert "This report will be read by the secretariat's admins and the focal points of Asia." in in_asia
    in_europe = cast.search(person="unknown", region=cast.kit.region_id("europe"))  # no focal points there
    assert "This report will be read by the secretariat's admins." in in_europe


def test_a_report_sent_with_other_choices_than_those_shown_is_shown_again_first(cast):
    response = cast.form(region=cast.asia, person=cast.person("omar"), readers_for=f"{cast.africa}:")
    page = seen(response)
    assert response.status_code == 400 and "Who will read this report changed with your last choices." in page
    assert "the focal points of Asia; never by the person you name." in page
    assert cast.rows(HarassmentReport) == []
    fresh = re.search(r'name="readers_for"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="readers_for"', page)
    assert cast.form(region=cast.asia, person=cast.person("omar"),
                     readers_for=fresh.group(1) or fresh.group(2)).status_code == 302


def test_a_report_reaches_the_region_focal_points_and_admins_only(cast):
    report_id = cast.file(person=cast.person("omar"))
    assert "Notifications (1 unread)" in cast.text("fatou", "/")
    for key in ("fatou", "ada", "fola", "asha", "omar", "bea"):
        handles = key in HANDLERS
        assert (ALERT in cast.notifications(key)) is handles, key
        assert (f'href="/reports/{report_id}"' in cast.text(key, "/reports/")) is handles, key
        assert cast.get(key, f"/reports/{report_id}").status_code == (200 if handles else 404), key
    inbox = cast.text("asha", "/reports/")
    assert "Reports to handle" in inbox and "No reports for you to handle." in inbox


@pytest.mark.parametrize("reported,colleague", [("fatou", "femi"), ("ada", "abe")])
def test_the_person_reported_never_learns_of_the_report_and_their_colleagues_handle_it(cast, reported, colleague):
    """A focal point reported: the region's other focal points and the admins. An admin: the other admins and
    the focal points. The person reported: no alert, no header count, no inbox row, no page."""
    cast.add("femi", "Femi Focal")
    cast.kit.focal_point(cast.ids["femi"], "africa")
    cast.add("abe", "Abe Admin", is_admin=True)
    cast.kit.member(cast.ids[reported], "circle")
    report_id = cast.file(person=cast.person(reported), description="He touched me without asking.")
    url = f"/reports/{report_id}"
    assert cast.report(report_id).reported_user_id == cast.ids[reported]
    assert cast.send("rita", f"{url}/information", body="And again the next day.").status_code == 302
    with cast.app.app_context():
        handlers = harassment.handler_ids(cast.report(report_id))
    assert handlers == {cast.ids[key] for key in ("fatou", "femi", "ada", "abe") if key != reported}
    home = cast.text(reported, "/")
    assert "Notifications (" not in home  # the header counts nothing for them
    news = cast.notifications(reported)
    assert ALERT not in news and MORE not in news
    assert f'href="{url}"' not in cast.text(reported, "/reports/")
    assert cast.get(reported, url).status_code == 404
    assert cast.handle(reported, report_id, "closed", "Nothing to see").status_code == 404
    assert cast.send(reported, f"{url}/notes", body="Ignore this").status_code == 404
    assert cast.report(report_id).status == "received"
    for key in {"fatou", "femi", "ada", "abe"} - {reported}:
        assert "Notifications (2 unread)" in cast.text(key, "/"), key
        news = cast.notifications(key)
        assert ALERT in news and MORE in news, key
        assert f'href="{url}"' in cast.text(key, "/reports/"), key
        assert "He touched me without asking." in cast.text(key, url), key


def test_when_nobody_else_could_handle_a_report_the_admins_other_than_the_person_do(cast):
    """Ada, the only admin, reports Fatou, Africa's only focal point: Ada is the only one left to handle it."""
    cast.kit.member(cast.ids["ada"], "circle")
    cast.kit.member(cast.ids["fatou"], "circle")
    form = cast.search("ada", person=cast.person("fatou"), region=cast.africa)
    assert "No other admin or focal point can receive this report, so only you will be able to handle it." in form
    report_id = cast.file("ada", person=cast.person("fatou"))
    with cast.app.app_context():
        report = cast.report(report_id)
        assert policy.harassment_routing(report.reporter_id, report.region_id, report.reported_user_id) == (
            frozenset({cast.ids["ada"]}), True, False, True, True, True)
    assert cast.rows(Notification, kind="harassment_new") == []  # nobody to alert: not Fatou, not Ada herself
    assert cast.get("fatou", f"/reports/{report_id}").status_code == 404
    assert "Handle this report" in cast.text("ada", f"/reports/{report_id}")
    assert cast.handle("ada", report_id, "under-review").status_code == 302


def test_a_report_about_the_only_admin_in_a_region_without_focal_points_says_nobody_can_receive_it(cast):
    cast.kit.member(cast.ids["ada"], "circle")
    europe = cast.kit.region_id("europe")
    page = cast.search(person=cast.person("ada"), region=europe)
    assert "No admin or focal point other than the person you name can receive this report." in page
    report_id = cast.file(region=europe, person=cast.person("ada"))
    assert cast.rows(Notification, kind="harassment_new") == []
    assert cast.get("ada", f"/reports/{report_id}").status_code == 404


def test_a_focal_point_who_reports_reads_her_report_but_does_not_handle_it(cast):
    cast.add("femi", "Femi Focal")
    cast.kit.focal_point(cast.ids["femi"], "africa")
    page = unescape(cast.text("fatou", NEW))
    assert "This report will be read by the secretariat's admins and the other focal points of Africa." in page
    report_id = cast.file("fatou", description="A participant kept messaging me at night.")
    url = f"/reports/{report_id}"
    assert "A participant kept messaging me" in cast.text("fatou", url)
    assert "Handle this report" not in cast.text("fatou", url)
    assert cast.handle("fatou", report_id, "closed").status_code == 403
    assert f'href="{url}"' not in cast.text("fatou", "/reports/").split("Reports to handle")[1]
    assert ALERT not in cast.notifications("fatou") and ALERT in cast.notifications("femi")


def test_a_focal_point_whose_post_is_reported_never_receives_it(cast):
    cast.kit.member(cast.ids["fatou"], "circle")
    post = cast.first_post(cast.kit.thread(cast.ids["fatou"], "circle", "Mine", "A focal point's post"))
    assert chosen(cast.text("rita", f"{NEW}?post={post}")) == cast.person("fatou")
    report_id = cast.file(query=f"?post={post}", place="post", person=cast.person("fatou"))
    assert ALERT not in cast.notifications("fatou")
    assert cast.get("fatou", f"/reports/{report_id}").status_code == 404
    assert "A focal point's post" in cast.text("ada", f"/reports/{report_id}")


# --- defect 5: filing and adding information are rate limited ---------------------------------------

def test_filing_and_adding_information_are_limited_per_person(cast, app):
    app.config["HARASSMENT_RATE_LIMIT"] = "2 per hour"
    for _ in range(3):
        cast.search(search="omar")  # searching does not count
    assert cast.form(description="").status_code == 400  # nor does a form sent back with an error
    first, _second = cast.file(), cast.file()
    assert cast.form().status_code == 429
    assert len(cast.rows(HarassmentReport, reporter_id=cast.ids["rita"])) == 2
    assert cast.form("bea").status_code == 302  # counted per person
    url = f"/reports/{first}/information"
    assert [cast.send("rita", url, body=f"More {n}").status_code for n in range(3)] == [302, 302, 429]


# --- defect 6: adding information is the reporter's, by policy ----------------------------------------

def test_the_reporter_adds_information_even_once_the_report_is_closed(cast):
    report_id = cast.file(person=cast.person("omar"))
    url = f"/reports/{report_id}"
    cast.handle("ada", report_id, "closed", outcome="We spoke with him.")
    page = cast.text("rita", url)
    assert "This report is closed. You can still add information" in page and "Add to my report" in page
    assert cast.send("rita", f"{url}/information", body="He wrote to me again.").status_code == 302
    assert "He wrote to me again." in cast.text("fatou", url) and MORE in cast.notifications("fatou")
    for key in ("fatou", "ada"):
        assert "Add to my report" not in cast.text(key, url)
        assert cast.send(key, f"{url}/information", body="Not theirs to add").status_code == 403


def test_only_the_reporter_may_add_information_by_policy(cast):
    report_id = cast.file(person=cast.person("omar"))
    with cast.app.app_context():
        report = cast.report(report_id)
        answers = {key: policy.can("harassment.add_information", report, user=db.session.get(User, user_id))
                   for key, user_id in cast.ids.items()}
    assert answers == {key: key == "rita" for key in cast.ids}


# --- defect 7: notifications about reports hold ids, never words ---------------------------------------

def test_notifications_about_reports_hold_the_report_id_and_never_its_words_or_names(cast):
    words = "He said he knows where I live."
    report_id = cast.file(person=cast.person("omar"), person_description="unused", description=words)
    cast.send("rita", f"/reports/{report_id}/information", body="More of his words")
    cast.send("fatou", f"/reports/{report_id}/notes", body="A private note")
    cast.handle("fatou", report_id, "under-review", outcome="We are talking to him")
    rows = [row for row in cast.rows(Notification) if row.kind.startswith("harassment_")]
    assert {row.kind for row in rows} == {"harassment_new", "harassment_info", "harassment_update"}
    for row in rows:
        assert row.link == f"/reports/{report_id}" and getattr(row, "actor_id", None) is None
        assert set(row.params) <= {"report", "status"} and row.params["report"] == report_id
        assert row.params.get("status") in (None, *ReportStatus)
        stored = repr(row.params) + row.link
        for secret in (words, "More of his words", "A private note", "We are talking", *NAMES.values()):
            assert secret not in stored


# --- defect 8: statuses and places are enums the database checks ------------------------------------------

@pytest.mark.parametrize("column,value", [("status", "resolved"), ("place", "bar"), ("reported_kind", "anyone")])
def test_the_database_refuses_a_status_or_place_outside_the_list(cast, app, column, value):
    report_id = cast.file()
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text(f"UPDATE harassment_report SET {column} = :value WHERE id = :id"),
                               {"value": value, "id": report_id})
            db.session.flush()
        db.session.rollback()
    assert cast.handle("fatou", report_id, "resolved").status_code == 400
    assert cast.report(report_id).status == ReportStatus.RECEIVED


# --- defect 9: the reported post on the report page -------------------------------------------------------

def test_the_post_is_shown_to_handlers_only_as_the_renderer_made_it(cast):
    body = "You are **weak**. <script>alert('XSS')</script>"
    post = cast.first_post(cast.kit.thread(cast.ids["omar"], "circle", "Again", body))
    report_id = cast.file(query=f"?post={post}", place="post", person=cast.person("omar"))
    url = f"/reports/{report_id}"
    page = cast.text("fatou", url)
    assert "<strong>weak</strong>" in page and dangerous_markup(page) == []
    assert "weak" not in cast.text("rita", url)
    cast.set_post_status(post, "deleted")  # the author deletes it: the evidence stays with the handlers
    page = cast.text("ada", url)
    assert "<strong>weak</strong>" in page and "Its author has deleted this post since" in page
    assert "weak" not in cast.text("rita", url)


def test_what_a_reporter_writes_comes_out_harmless_on_every_page(cast):
    attacks = "\n".join(ATTACKS)
    report_id = cast.file(person="outside", person_description=ATTACKS[0], description=attacks)
    url = f"/reports/{report_id}"
    cast.send("rita", f"{url}/information", body=attacks)
    cast.send("fatou", f"{url}/notes", body=attacks)
    cast.handle("fatou", report_id, "under-review", outcome=attacks)
    for key in ("rita", "fatou"):
        cast.text(key, "/courses/")  # shows, and so clears, the messages of their last action
    pages = [cast.text(key, page) for key in ("rita", "fatou") for page in (url, "/reports/", "/notifications/")]
    pages.append(cast.send("rita", NEW, action="search", search=ATTACKS[1][:60],
                           description=attacks).get_data(as_text=True))
    for page in pages:
        assert dangerous_markup(page) == []


# --- following and handling a report --------------------------------------------------------------------

def test_the_reporter_follows_status_and_outcome_and_can_add_information(cast):
    report_id = cast.file(person=cast.person("omar"))
    url = f"/reports/{report_id}"
    assert cast.handle("fatou", report_id, "under-review").status_code == 302
    assert "Your harassment report is now under review." in cast.notifications("rita")
    assert "Under review" in cast.text("rita", url)
    assert cast.send("rita", f"{url}/information", body="It happened again at the meeting.").status_code == 302
    assert "It happened again at the meeting." in cast.text("fatou", url)
    for key in HANDLERS:
        assert MORE in cast.notifications(key)
    cast.handle("ada", report_id, "closed", outcome="We spoke with the person, who apologised.")
    assert "Your harassment report is closed. You can read the outcome." in cast.notifications("rita")
    page = cast.text("rita", url)
    assert "Closed" in page and "We spoke with the person, who apologised." in page
    assert "Closed" in cast.text("rita", "/reports/")


def test_an_unchanged_status_does_not_notify_the_reporter_again(cast):
    report_id = cast.file()
    for _ in range(2):
        cast.handle("fatou", report_id, "under-review")
    assert len(cast.rows(Notification, user_id=cast.ids["rita"], kind="harassment_update")) == 1


def test_handler_notes_stay_among_handlers(cast):
    report_id = cast.file(person=cast.person("omar"))
    url = f"/reports/{report_id}"
    assert cast.send("fatou", f"{url}/notes", body="Called Omar on Tuesday.").status_code == 302
    assert "Called Omar on Tuesday." in cast.text("ada", url) and "Private note" in cast.text("fatou", url)
    page = cast.text("rita", url)
    assert "Called Omar on Tuesday." not in page and "Private note" not in page
    assert "Nothing new." in cast.notifications("rita")


def test_only_handlers_see_who_reported_and_whom_it_is_about(cast):
    report_id = cast.file(person=cast.person("omar"))
    handler_page = cast.text("fatou", f"/reports/{report_id}")
    assert "<dt>Reported by</dt><dd>Rita Reporter</dd>" in handler_page
    assert "<dt>About</dt><dd>Omar Author</dd>" in handler_page
    reporter_page = cast.text("rita", f"/reports/{report_id}")
    assert "<dt>Reported by</dt>" not in reporter_page and "<dt>About</dt>" not in reporter_page


def test_each_side_keeps_to_its_own_actions(cast):
    report_id = cast.file()
    url = f"/reports/{report_id}"
    assert cast.handle("rita", report_id, "closed", "Done").status_code == 403
    assert cast.send("rita", f"{url}/notes", body="I am a handler now").status_code == 403
    assert cast.send("fatou", f"{url}/information", body="Pretending to be the reporter").status_code == 403
    assert cast.report(report_id).status == "received"
    assert "I am a handler now" not in cast.text("ada", url) and "Pretending" not in cast.text("ada", url)


def test_nobody_else_learns_a_report_exists(cast):
    report_id = cast.file(person=cast.person("omar"))
    url = f"/reports/{report_id}"
    for key in ("fola", "asha", "omar", "bea"):
        assert cast.get(key, url).status_code == 404, key
        for action, field, value in (("information", "body", "x"), ("status", "status", "closed"),
                                     ("notes", "body", "x")):
            assert cast.send(key, f"{url}/{action}", **{field: value}).status_code == 404, (key, action)
    assert cast.report(report_id).status == "received"
