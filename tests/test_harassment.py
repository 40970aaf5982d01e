"""Confidential harassment reports at the request level: who files, who receives, who reads what."""
import pytest
from test_moderation import People

from colab.harassment.models import HarassmentReport
from colab.extensions import db
from colab.notifications.models import Notification

NEW = "/reports/harassment/new"
ALERT = "A new confidential harassment report needs attention."
POST_BODY = "Men who cry are weak, and so are you."
NAMES = {"rita": "Rita Reporter", "omar": "Omar Author", "fola": "Fola Facilitator", "fatou": "Fatou Focal",
         "asha": "Asha Asia", "ada": "Ada Admin", "bea": "Bea Bystander"}
HANDLERS = {"fatou", "ada"}  # the focal point of Africa and the admin


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
        self.africa = kit.region_id("africa")
        self.post = self.first_post(kit.thread(self.ids["omar"], "circle", "On care work", POST_BODY))

    def file(self, key="rita", query="", **fields):
        """File a report through the form; returns its id."""
        data = {"region": self.africa, "place": "other", "person": "", "description": "He shouted at me."} | fields
        response = self.send(key, NEW + query, **data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.location.rsplit("/", 1)[1])

    def report(self, report_id):
        with self.app.app_context():
            return db.session.get(HarassmentReport, report_id)

    def handle(self, key, report_id, status, outcome=""):
        return self.send(key, f"/reports/{report_id}/status", status=status, outcome=outcome)


@pytest.fixture
def cast(app, client, make_user, community_kit):
    """`client` makes every test client send CSRF tokens."""
    return Cast(app, make_user, community_kit)


def test_anyone_signed_in_reports_from_the_footer(cast, app):
    assert app.test_client().get(NEW).status_code == 302  # strangers are sent to sign in
    assert f'href="{NEW}"' in cast.text("bea", "/courses/")
    form = cast.text("bea", NEW)
    assert "never to a facilitator, and never to the person it is about" in form and "Africa" in form
    response = cast.send("bea", NEW, region=cast.africa, place="profile", person="Omar Author",
                         description="He keeps messaging me.")
    assert "Your report has been received." in cast.follow("bea", response)
    [report] = cast.rows(HarassmentReport)
    assert (report.reporter_id, report.region_id, report.place, report.reported_user_id, report.post_id) == (
        cast.ids["bea"], cast.africa, "profile", cast.ids["omar"], None)
    assert "Received" in cast.text("bea", f"/reports/{report.id}")


def test_a_report_from_a_post_names_the_post_its_author_and_region(cast):
    form = cast.text("rita", f"{NEW}?post={cast.post}")
    assert POST_BODY in form and 'value="Omar Author"' in form
    assert '<option selected value="post">' in form and f'<option selected value="{cast.africa}">' in form
    report = cast.report(cast.file(query=f"?post={cast.post}", place="post", person="Omar Author"))
    assert (report.post_id, report.reported_user_id, report.place) == (cast.post, cast.ids["omar"], "post")
    assert POST_BODY in cast.text("fatou", f"/reports/{report.id}")


def test_a_post_the_reporter_cannot_see_is_neither_shown_nor_attached(cast):
    cast.kit.community("closed", members_only=True, region="africa")
    secret = cast.first_post(cast.kit.thread(cast.ids["fola"], "closed", "Private", "A members-only secret"))
    assert "A members-only secret" not in cast.text("rita", f"{NEW}?post={secret}")
    assert cast.report(cast.file(query=f"?post={secret}")).post_id is None


def test_conduct_outside_the_platform_can_be_reported(cast):
    report_id = cast.file(place="event", description="At the regional meeting in Nairobi he grabbed my arm.")
    report = cast.report(report_id)
    assert (report.place, report.post_id, report.reported_user_id) == ("event", None, None)
    page = cast.text("fatou", f"/reports/{report_id}")
    assert "At an event or meeting" in page and "he grabbed my arm" in page


def test_a_report_needs_a_description(cast):
    response = cast.send("rita", NEW, region=cast.africa, place="other", description="")
    assert response.status_code == 200 and "Describe what happened." in response.get_data(as_text=True)
    assert cast.rows(HarassmentReport) == []


def test_a_report_reaches_the_region_focal_points_and_admins_only(cast):
    report_id = cast.file(person="Omar Author")
    assert "Notifications (1 unread)" in cast.text("fatou", "/")
    for key in ("fatou", "ada", "fola", "asha", "omar", "bea"):
        handles = key in HANDLERS
        assert (ALERT in cast.notifications(key)) is handles, key
        assert (f'href="/reports/{report_id}"' in cast.text(key, "/reports/")) is handles, key
        assert cast.get(key, f"/reports/{report_id}").status_code == (200 if handles else 404), key
    assert ("Reports to handle" in cast.text("asha", "/reports/")) and "No reports." in cast.text("asha", "/reports/")


@pytest.mark.parametrize("reported,other_handler", [("fatou", "ada"), ("ada", "fatou")])
def test_the_reported_person_never_receives_the_report_even_as_a_handler(cast, reported, other_handler):
    report_id = cast.file(person=NAMES[reported])
    assert cast.report(report_id).reported_user_id == cast.ids[reported]
    assert ALERT not in cast.notifications(reported)
    assert f'href="/reports/{report_id}"' not in cast.text(reported, "/reports/")
    assert cast.get(reported, f"/reports/{report_id}").status_code == 404
    assert cast.handle(reported, report_id, "closed", "Nothing to see").status_code == 404
    assert cast.report(report_id).status == "received"
    assert ALERT in cast.notifications(other_handler)


def test_a_focal_point_whose_post_is_reported_never_receives_it_even_if_their_name_is_shared(cast):
    cast.kit.member(cast.ids["fatou"], "circle")
    post = cast.first_post(cast.kit.thread(cast.ids["fatou"], "circle", "Mine", "A focal point's post"))
    cast.add("twin", NAMES["fatou"])
    report_id = cast.file(query=f"?post={post}", place="post", person=NAMES["fatou"])
    assert ALERT not in cast.notifications("fatou")
    assert cast.get("fatou", f"/reports/{report_id}").status_code == 404


def test_the_reporter_follows_status_and_outcome_and_can_add_information(cast):
    report_id = cast.file(person="Omar Author")
    url = f"/reports/{report_id}"
    assert cast.handle("fatou", report_id, "under-review").status_code == 302
    assert "Your harassment report is now under review." in cast.notifications("rita")
    assert "Under review" in cast.text("rita", url)
    assert cast.send("rita", f"{url}/information", body="It happened again at the meeting.").status_code == 302
    assert "It happened again at the meeting." in cast.text("fatou", url)
    for key in HANDLERS:
        assert "The reporter added information to a harassment report." in cast.notifications(key)
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
    report_id = cast.file(person="Omar Author")
    url = f"/reports/{report_id}"
    assert cast.send("fatou", f"{url}/notes", body="Called Omar on Tuesday.").status_code == 302
    assert "Called Omar on Tuesday." in cast.text("ada", url) and "Private note" in cast.text("fatou", url)
    page = cast.text("rita", url)
    assert "Called Omar on Tuesday." not in page and "Private note" not in page
    assert "Nothing new." in cast.notifications("rita")


def test_only_handlers_see_who_reported_and_whom_it_is_about(cast):
    report_id = cast.file(person="Omar Author")
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
    report_id = cast.file(person="Omar Author")
    url = f"/reports/{report_id}"
    for key in ("fola", "asha", "omar", "bea"):
        assert cast.get(key, url).status_code == 404, key
        for action, field, value in (("information", "body", "x"), ("status", "status", "closed"),
                                     ("notes", "body", "x")):
            assert cast.send(key, f"{url}/{action}", **{field: value}).status_code == 404, (key, action)
    assert cast.report(report_id).status == "received"

