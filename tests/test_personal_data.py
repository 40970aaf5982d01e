"""The person's own data: the export holds everything they wrote or did (and nothing of anyone else's
that is private), every foreign key to the user table is accounted for, and deleting an account erases
what they choose."""
import html
import json
import re
from datetime import date

import factories
import pytest
from conftest import PASSWORD
from test_accounts import field_error, location, reflect, rows, text

from colab.accounts.models import User
from colab.admin.models import AdminAction
from colab.certificates.models import Certificate
from colab.cohorts.models import CohortFacilitator, Invitation, SharedReflection
from colab.communities.models import Community, Post, PostRevision, Thread
from colab.courses.models import Activity, Course, Response
from colab.directory.models import DirectoryBlock, DirectoryMessage, DirectoryProfile, Organisation
from colab.events.models import CalendarFeed, Event, EventScope
from colab.extensions import db
from colab.feedback.models import LessonFeedback
from colab.focus_groups.models import FocusGroup
from colab.harassment.models import HarassmentEntry, HarassmentReport
from colab.markup import render
from colab.models_base import utcnow
from colab.moderation.models import ModerationAction, PostReport
from colab.notifications.models import Notification
from colab.publishing.models import Publication
from colab.resources.models import Resource, ResourceKind, ResourceStatus
from colab.surveys.models import Survey, SurveyAnswer

# Every column that points at user.id, and where the export shows the rows it marks as the person's.
# A new table with a user foreign key fails test_every_foreign_key_to_the_user_is_exported until it is
# added here (and to colab/personal_data.py) or to NOT_EXPORTED with the reason.
EXPORTED = {
    ("user_session", "user_id"): "sessions",
    ("enrolment", "user_id"): "courses.enrolments",
    ("lesson_progress", "user_id"): "courses.lessons",
    ("response", "user_id"): "courses.responses",
    ("certificate", "user_id"): "certificates.mine",
    ("certificate", "revoked_by_id"): "certificates.revoked_by_me",
    ("membership", "user_id"): "communities.memberships",
    ("focal_point", "user_id"): "communities.focal_point_regions",
    ("cohort", "created_by_id"): "communities.cohorts_created",
    ("thread", "author_id"): "communities.threads_started",
    ("post", "author_id"): "communities.posts",
    ("post_report", "reporter_id"): "moderation.post_reports_made",
    ("moderation_action", "actor_id"): "moderation.acts_done",
    ("moderation_action", "subject_id"): "moderation.acts_about_me",
    ("harassment_report", "reporter_id"): "harassment.reports_made",
    ("harassment_entry", "author_id"): "harassment.information_added",
    ("notification", "user_id"): "notifications",
    ("admin_action", "actor_id"): "admin.acts_done",
    ("admin_action", "subject_id"): "admin.acts_about_me",
    ("cohort_facilitator", "user_id"): "cohorts.facilitated",
    ("invitation", "accepted_by_id"): "cohorts.invitations_accepted",
    ("invitation", "invited_by_id"): "cohorts.invitations_sent",
    ("shared_reflection", "hidden_by_id"): "cohorts.reflections_hidden",
    ("lesson_feedback", "user_id"): "course_team.lesson_feedback",
    ("survey_answer", "user_id"): "course_team.survey_answers",
    ("focus_group", "recorded_by_id"): "course_team.focus_groups_recorded",
    ("publication", "published_by_id"): "course_team.content_published",
    ("event", "created_by_id"): "commons.events_planned",
    ("calendar_feed", "user_id"): "commons.calendar_feed",
    ("resource", "suggested_by_id"): "commons.resources_suggested",
    ("resource", "reviewed_by_id"): "commons.resources_reviewed",
    ("directory_profile", "user_id"): "commons.directory_profile",
    ("organisation", "created_by_id"): "commons.organisations_entered",
    ("directory_message", "sender_id"): "commons.messages_sent",
    ("directory_message", "recipient_id"): "commons.messages_received",
    ("directory_block", "blocker_id"): "commons.people_blocked",
}
NOT_EXPORTED = {
    ("staged_upload", "uploaded_by_id"):
        "a course upload waiting for its preview: course files for at most 6 hours, nothing about the person",
    ("harassment_report", "reported_user_id"):
        "confidential: the person reported never learns that there is a report, let alone who made it",
    ("notification", "actor_id"):
        "other people's notifications; what the person did that caused them is exported in its own section",
    ("directory_block", "blocked_id"):
        "another person's decision to block them: telling them would undo what blocking quietly promises",
    ("offline_change", "user_id"):
        "random ids a device drew for changes made offline, kept so each applies once; the changes themselves "
        "(answers, reflections, lessons done) are exported in their own sections",
}


def user_foreign_keys():
    return {(table.name, column.name) for table in db.metadata.tables.values() for column in table.columns
            for key in column.foreign_keys if key.column.table.name == "user"}


def section(data, path):
    for part in path.split("."):
        data = data[part]
    return data


def download(client, password=PASSWORD):
    return client.post("/account/export", data={"password": password})


def test_every_foreign_key_to_the_user_is_exported_or_deliberately_left_out(app):  # app: every model is imported
    found = user_foreign_keys()
    assert not set(EXPORTED) & set(NOT_EXPORTED)
    missing = sorted(found - set(EXPORTED) - set(NOT_EXPORTED))
    assert not missing, f"add to colab/personal_data.py and EXPORTED here (or to NOT_EXPORTED, with why): {missing}"
    stale = sorted((set(EXPORTED) | set(NOT_EXPORTED)) - found)
    assert not stale, f"no longer foreign keys to user, remove them here: {stale}"


@pytest.fixture
def everything(app, client, auth, make_user, content, community_kit):
    """A person with at least one row behind every foreign key to the user table; returns (my id, other id)."""
    other_id, _ = make_user(email="other.private@example.org", display_name="Other Person")
    me_id, _ = auth.as_new_user(email="me@example.org", display_name="Me Myself")
    reflect(client, "My grandmother heard me")
    community_kit.community("circle", region="africa")
    community_kit.member(me_id, "circle")
    community_kit.member(other_id, "circle")
    community_kit.focal_point(me_id, "africa")
    thread_id = community_kit.thread(me_id, "circle", title="My own thread", body="My opening words")
    with app.app_context():
        community = db.session.scalar(db.select(Community).filter_by(slug="circle"))
        course = db.session.scalar(db.select(Course))
        region_id = community.region_id
        cohort = factories.cohort(community, "My cohort", of=course, starts_on=date(2026, 1, 5),
                                  ends_on=date(2026, 3, 5), created_by_id=me_id)
        db.session.add(CohortFacilitator(cohort_id=cohort.id, user_id=me_id))
        db.session.add(Invitation(cohort_id=cohort.id, email="me@example.org", token_hash="a" * 64,
                                  status="accepted", accepted_by_id=me_id, accepted_at=utcnow(),
                                  expires_at=utcnow()))
        db.session.add(Invitation(cohort_id=cohort.id, email="invitee.private@example.org", token_hash="b" * 64,
                                  invited_by_id=me_id, expires_at=utcnow()))
        other_response = Response(user_id=other_id, activity_id=db.session.scalar(db.select(Activity.id)),
                                  text_source="SECRET SHARED REFLECTION")
        db.session.add(other_response)
        db.session.flush()
        db.session.add(SharedReflection(response_id=other_response.id, cohort_id=cohort.id, hidden_at=utcnow(),
                                        hidden_by_id=me_id))
        lesson_id = db.session.scalar(db.select(Activity.lesson_id))
        db.session.add(LessonFeedback(user_id=me_id, lesson_id=lesson_id, usefulness=4, better="My better idea"))
        db.session.add(LessonFeedback(user_id=other_id, lesson_id=lesson_id, unsafe="SECRET UNSAFE FEEDBACK"))
        survey = Survey(course_id=course.id, slug="my-own-survey", kind="pre", version=2, questions=[], texts={})
        db.session.add(survey)
        db.session.flush()
        db.session.add(SurveyAnswer(user_id=me_id, survey_id=survey.id, run_key="self", version=2,
                                    answers={"confidence": "My survey answer"}))
        db.session.add(FocusGroup(course_id=course.id, recorded_by_id=me_id, held_on=date(2026, 2, 1), participants=6,
                                  worked="My focus group notes"))
        db.session.add(Publication(course_slug=course.slug, kind="publish", published_by_id=me_id,
                                   summary="My publication", before_zip=b"", after_zip=b""))
        mine = db.session.scalar(db.select(Post).filter_by(author_id=me_id))
        db.session.add(PostRevision(post_id=mine.id, body_source="My first draft", body_html=render("My first draft")))
        theirs = Post(thread_id=thread_id, author_id=other_id, body_source="Their reply",
                      body_html=render("Their reply"))
        db.session.add(theirs)
        db.session.flush()
        db.session.add(PostReport(post_id=theirs.id, reporter_id=me_id, reason="spam", note="My report note"))
        db.session.add(ModerationAction(community_id=community.id, actor_id=me_id, action="hide",
                                        reason="My moderation reason", post_id=theirs.id, subject_id=other_id))
        db.session.add(ModerationAction(community_id=community.id, actor_id=other_id, action="warn",
                                        reason="Warned about me", subject_id=me_id))
        db.session.add(ModerationAction(community_id=community.id, actor_id=other_id, action="dismiss",
                                        reason="SECRET DISMISSAL", subject_id=me_id))
        report = HarassmentReport(reporter_id=me_id, region_id=region_id, description="My harassment report")
        about_me = HarassmentReport(reporter_id=other_id, reported_user_id=me_id, region_id=region_id,
                                    description="SECRET REPORT ABOUT ME")
        db.session.add_all([report, about_me])
        db.session.flush()
        db.session.add(HarassmentEntry(report_id=report.id, author_id=me_id, body="My added information"))
        db.session.add(HarassmentEntry(report_id=report.id, author_id=other_id, is_handler_note=True,
                                       body="SECRET HANDLER NOTE"))
        db.session.add(HarassmentEntry(report_id=about_me.id, author_id=me_id, is_handler_note=True,
                                       body="My note as a handler"))
        db.session.add(Notification(user_id=me_id, kind="join_approved", params={}))
        db.session.add(AdminAction(actor_id=me_id, action="suspend", subject_id=other_id, subject_label="Other Person",
                                   reason="My suspension reason"))
        db.session.add(AdminAction(actor_id=other_id, action="suspend", subject_id=me_id, subject_label="Me Myself",
                                   reason="Suspended me because"))
        db.session.add(AdminAction(actor_id=other_id, action="remove_focal_point", subject_id=me_id,
                                   subject_label="Me Myself", region_id=region_id, reason="SECRET ADMIN NOTE"))
        db.session.add(Event(uid="my-event@colab", title="My planned event", scope=EventScope.REGION,
                             region_id=region_id, starts_at=utcnow(), ends_at=utcnow(), created_by_id=me_id))
        db.session.add(CalendarFeed(user_id=me_id, token_hash="c" * 64, discreet_titles=True))
        db.session.add(Resource(slug="my-resource", kind=ResourceKind.GUIDE, url="https://example.org/guide",
                                title={"en": "My suggested guide"}, suggested_by_id=me_id))
        db.session.add(Resource(slug="their-resource", kind=ResourceKind.GUIDE, url="https://example.org/other",
                                title={"en": "SECRET RESOURCE TITLE"}, suggested_by_id=other_id, reviewed_by_id=me_id,
                                status=ResourceStatus.DECLINED, review_note="My review note"))
        db.session.add(DirectoryProfile(user_id=me_id, display_name="My directory name", country="KE",
                                        bio_source="My directory bio", bio_html=render("My directory bio")))
        db.session.add(Organisation(name="My organisation entry", country="KE", created_by_id=me_id))
        db.session.add(DirectoryMessage(sender_id=me_id, recipient_id=other_id, body="My message to someone"))
        db.session.add(DirectoryMessage(sender_id=other_id, recipient_id=me_id, body="A message to me"))
        db.session.add(DirectoryBlock(blocker_id=me_id, blocked_id=other_id))
        db.session.add(DirectoryBlock(blocker_id=other_id, blocked_id=me_id))
        db.session.add(Certificate(user_id=me_id, course_id=course.id, code="my-cert-code",
                                   printed_name="My Printed Name"))
        db.session.add(Certificate(user_id=other_id, course_id=course.id, code="SECRET-CODE",
                                   printed_name="SECRET NAME", revoked_at=utcnow(), revoke_reason="My revoke reason",
                                   revoked_by_id=me_id))
        db.session.commit()
    return me_id, other_id


def test_export_covers_every_table_that_points_at_the_person(app, client, everything):
    response = download(client)
    assert response.status_code == 200
    data = json.loads(text(response))
    empty = sorted(path for path in EXPORTED.values() if not section(data, path))
    assert not empty, f"export sections with nothing in them: {empty}"
    body = text(response)
    for mine in ("My grandmother heard me", "My own thread", "My opening words", "My first draft", "My cohort",
                 "My report note", "My moderation reason", "Warned about me", "My harassment report",
                 "My added information", "My note as a handler", "africa", "My Printed Name", "My suspension reason",
                 "Suspended me because", "my-cert-code",
                 "My revoke reason", "My better idea", "My survey answer", "My focus group notes", "My publication",
                 "My planned event", "My suggested guide", "My review note", "My directory bio",
                 "My organisation entry", "My message to someone", "A message to me"):
        assert mine in body, mine
    assert data["account"]["email"] == "me@example.org"
    assert data["sessions"][0]["browser"] == "" or isinstance(data["sessions"][0]["browser"], str)


def test_export_holds_nothing_private_of_anyone_else(app, client, everything):
    body = text(download(client))
    for secret in ("other.private@example.org", "SECRET REPORT ABOUT ME", "SECRET HANDLER NOTE",
                   "SECRET DISMISSAL", "dismiss", "SECRET-CODE", "SECRET NAME",
                   "SECRET ADMIN NOTE", "Other Person", "SECRET SHARED REFLECTION", "invitee.private",
                   "SECRET UNSAFE FEEDBACK", "SECRET RESOURCE TITLE"):
        assert secret not in body, secret
    assert "@example.org" not in body.replace("me@example.org", "")


def test_export_holds_my_account_and_reflection_but_nobody_elses(client, auth, content):
    auth.as_new_user(email="other@example.org", display_name="Someone Else")
    reflect(client, "A secret of someone else")
    auth.sign_out()
    auth.as_new_user(email="me@example.org", display_name="Me Myself")
    reflect(client, "My grandmother heard me")
    response = download(client)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(text(response))
    assert data["account"]["email"] == "me@example.org"
    assert [r["reflection"] for r in data["courses"]["responses"]] == ["My grandmother heard me"]
    assert "other@example.org" not in text(response) and "someone else" not in text(response).lower()


@pytest.mark.parametrize("password, message", [("", "Enter your current password."),
                                               ("not my password", "That is not your current password.")],
                         ids=["no-password", "wrong-password"])
def test_export_needs_the_current_password(client, auth, password, message):
    auth.as_new_user(email="me@example.org")
    page = client.get("/account/export")
    assert page.status_code == 200 and page.mimetype == "text/html"  # a form, not the data
    assert "me@example.org" not in text(page)
    response = download(client, password)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert field_error(text(response), "password") == message


# --- deleting an account: what happens to what the person wrote ---------------------------------------------

@pytest.fixture
def conversation(app, make_user, community_kit):
    """A thread started by the leaver, with their reply and someone else's, plus a thread they only replied to."""
    leaver_id, leaver = make_user(email="leaver@example.org", display_name="Leaver")
    other_id, _ = make_user(email="stayer@example.org", display_name="Stayer")
    community_kit.community("circle")
    community_kit.member(leaver_id, "circle")
    community_kit.member(other_id, "circle")
    mine = community_kit.thread(leaver_id, "circle", title="Leaver's question", body="Leaver's opening words")
    theirs = community_kit.thread(other_id, "circle", title="Stayer's question", body="Stayer's opening words")
    with app.app_context():
        for thread_id, author_id, body in ((mine, other_id, "Stayer's answer"), (theirs, leaver_id, "Leaver's reply")):
            db.session.add(Post(thread_id=thread_id, author_id=author_id, body_source=body, body_html=render(body)))
            thread = db.session.get(Thread, thread_id)
            thread.post_count += 1
        db.session.flush()
        reply = db.session.scalar(db.select(Post).filter_by(body_source="Leaver's reply"))
        db.session.add(PostRevision(post_id=reply.id, body_source="Leaver's draft", body_html=render("Leaver's draft")))
        db.session.add(HarassmentReport(reporter_id=leaver_id, description="Leaver's harassment report"))
        db.session.commit()
    return {"leaver": leaver, "leaver_id": leaver_id, "mine": mine, "theirs": theirs}


def thread_page(client, thread_id):
    return html.unescape(text(client.get(f"/communities/circle/threads/{thread_id}/")))


def delete(client, auth, address, **choices):
    auth.sign_in(address)
    response = client.post("/account/delete", data={"password": PASSWORD, **choices})
    assert location(response) == "/", text(response)
    auth.as_new_user(email="reader@example.org", display_name="Reader")


def test_deleting_with_remove_empties_the_posts_and_retitles_the_threads(app, client, auth, conversation):
    delete(client, auth, conversation["leaver"], posts="remove")
    with app.app_context():
        leftovers = db.session.scalars(db.select(Post).where(Post.author_id.is_(None))).all()
        assert len(leftovers) == 2
        assert {(post.body_source, str(post.body_html), post.status) for post in leftovers} == {("", "", "deleted")}
        assert rows(app, PostRevision) == 0
        assert db.session.get(Thread, conversation["mine"]).title == "Thread by a former member"
        assert db.session.get(Thread, conversation["theirs"]).title == "Stayer's question"
        assert [t.post_count for t in (db.session.get(Thread, conversation["mine"]),
                                       db.session.get(Thread, conversation["theirs"]))] == [1, 1]
    for thread_id in (conversation["mine"], conversation["theirs"]):
        page = thread_page(client, thread_id)
        assert "Leaver" not in page
        assert "Stayer's" in page  # the thread stays readable


def test_deleting_with_remove_can_keep_the_thread_titles(app, client, auth, conversation):
    delete(client, auth, conversation["leaver"], posts="remove", keep_titles="y")
    with app.app_context():
        assert db.session.get(Thread, conversation["mine"]).title == "Leaver's question"
    page = thread_page(client, conversation["mine"])
    assert "Leaver's question" in page and "Leaver's opening words" not in page


def test_deleting_with_keep_leaves_the_posts_signed_a_former_member(app, client, auth, conversation):
    delete(client, auth, conversation["leaver"], posts="keep")
    page = thread_page(client, conversation["theirs"])
    assert "Leaver's reply" in page
    assert "a former member" in page
    assert rows(app, User, email=conversation["leaver"]) == 0
    with app.app_context():
        assert db.session.get(Thread, conversation["mine"]).title == "Leaver's question"


def test_harassment_reports_the_person_filed_stay_with_the_handlers_without_their_name(app, client, auth,
                                                                                     conversation):
    delete(client, auth, conversation["leaver"], posts="keep")
    with app.app_context():
        [report] = db.session.scalars(db.select(HarassmentReport)).all()
        assert report.reporter_id is None and report.description == "Leaver's harassment report"


def test_the_deletion_page_says_what_is_deleted_and_what_stays(client, auth, conversation):
    auth.sign_in(conversation["leaver"])
    page = re.sub(r"\s+", " ", text(client.get("/account/delete")))
    for words in ("your email address", "course progress, reflections and answers", "notifications",
                  "memberships", "signed-in device", "Confidential harassment reports you filed",
                  "Your name is removed", "Remove the text of my posts", "signed “a former member”",
                  "Thread by a former member", "You have written 2 posts.", "You started 1 thread."):
        assert words in page, words
