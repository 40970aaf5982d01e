"""Invitations to a cohort: one address or a CSV list checked in a dry run, resending, revoking, accepting; and
who may do what on these pages (a route x role table)."""
import csv
import email
import email.policy
import html
import io
import re
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import factories
import pytest
from babel.dates import format_date
from conftest import PASSWORD

from colab.accounts.models import User
from colab.cohorts import invitations
from colab.cohorts import service as cohorts
from colab.cohorts.models import Invitation, InvitationStatus
from colab.communities.models import Cohort, Community, Membership
from colab.courses.models import Enrolment
from colab.extensions import db
from colab.models_base import utcnow

POSTGRESQL = False  # invitation tokens and their pages (see conftest.py)

# Words that would tell a reader of a shared inbox what the invitation is about.
TOPIC_WORDS = ("listening", "escucha", "circle", "spring", "community", "comunidad", "course", "curso",
               "menengage", "gender", "feminis")


@pytest.fixture
def app_config():
    return {"INVITATION_SEND_RATE_LIMIT": "1000 per minute", "INVITATION_ACCEPT_RATE_LIMIT": "1000 per minute"}


@pytest.fixture
def invitee(app, client):
    """The invited person's own browser: no cookie from the focal point's sessions (such as their language)."""
    return app.test_client()


def new_cohort(app, slug, name="Spring circle", languages=("es", "en")):
    with app.app_context():
        cohort = factories.cohort(slug, name, starts_on=date(2030, 1, 6), ends_on=date(2030, 3, 1),
                                  languages=list(languages), timezone="Africa/Nairobi")
        db.session.commit()
        return cohort.id


@pytest.fixture
def kit(app, content, make_user, community_kit):
    """A focal point of africa and a cohort of a community of africa (in Spanish first, then English)."""
    focal_id, focal_email = make_user(display_name="Fatou")
    community_kit.focal_point(focal_id, "africa")
    slug = community_kit.community("circle", "regional", region="africa")
    return {"focal_id": focal_id, "focal_email": focal_email, "slug": slug, "cohort": new_cohort(app, slug)}


# --- helpers --------------------------------------------------------------------------------------------

def outbox(app):
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def read_mail(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def mails_to(app, address):
    return [message for message in map(read_mail, outbox(app)) if message["To"] == address]


def link_in(message):
    return re.search(r"https?://[^/\s]+(/invitations/\S+)", message.get_content()).group(1)


def stored(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Invitation))


def invitation_for(app, address):
    with app.app_context():
        return db.session.scalar(db.select(Invitation).filter_by(email=address).order_by(Invitation.id.desc()))


def upload(client, cohort_id, data, filename="people.csv"):
    return client.post(f"/cohorts/{cohort_id}/invitations/upload",
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def carried_text(page):
    """The file's text as the preview page carries it to its buttons."""
    return html.unescape(re.search(r'name="csv_text" value="([^"]*)"', page).group(1))


def preview_rows(page):
    """[(line, email, status)] from the preview's table."""
    found = []
    for line, cells in re.findall(r'<tr>\s*<th scope="row">(\d+)</th>(.*?)</tr>', page, re.DOTALL):
        texts = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", cells)]
        found.append((int(line), texts[0], texts[-1]))
    return found


def gone(response):
    """The one page for a link that cannot be used: 404 (unknown, or replaced) or 410 (used, revoked, expired)."""
    return response.status_code in (404, 410) and "This invitation cannot be used" in response.get_data(as_text=True)


def invite(client, cohort_id, address, language="en", name=""):
    return client.post(f"/cohorts/{cohort_id}/invitations",
                       data={"email": address, "display_name": name, "language": language})


def sign_up_data(**fields):
    return {"display_name": "Quiet River", "password": PASSWORD, "locale": "es", "timezone": "Africa/Nairobi",
            **fields}


FIVE = ("email,display_name,language\n"
        "ana@example.org,Ana,es\n"
        "ben@example.org,Ben,en\n"
        "chidi@example.org,,\n"
        "dana@example.org,Dana,EN\n"
        "not-an-address,Eve,en\n")


# --- a list: dry run, then send ----------------------------------------------------------------------------

def test_a_list_of_five_with_one_bad_row_is_checked_first_then_four_are_sent(app, client, auth, kit):
    auth.sign_in(kit["focal_email"])
    response = upload(client, kit["cohort"], FIVE.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "4 rows are ready" in page and "1 row has a problem" in page
    assert "Send the 4 ready invitations" in page
    assert (6, "not-an-address", "Invalid address") in preview_rows(page)
    assert stored(app) == 0 and outbox(app) == []  # the dry run sends and stores nothing

    response = client.post(f"/cohorts/{kit['cohort']}/invitations/send", data={"csv_text": carried_text(page)})
    assert response.status_code == 302
    assert "4 invitations are sent" in client.get(response.location).get_data(as_text=True)
    assert stored(app) == 4 and len(outbox(app)) == 4
    for address, language in [("ana@example.org", "es"), ("ben@example.org", "en"), ("chidi@example.org", "es"),
                              ("dana@example.org", "en")]:
        [message] = mails_to(app, address)
        invitation = invitation_for(app, address)
        assert invitation.locale == language  # chidi's row names none: the cohort's first language
        expires_on = invitation.expires_at.astimezone(ZoneInfo("Africa/Nairobi")).date()
        text = (message["Subject"] + "\n" + message.get_content()).lower()
        assert format_date(expires_on, "long", locale=language).lower() in text  # written in its language
        assert "co-lab" in message["Subject"].lower() and "/invitations/" in text
        assert [word for word in TOPIC_WORDS if word in text] == []
        assert {"en": "ignore", "es": "ignóralo"}[language] in text  # what to do with an unexpected mail


def test_the_problem_rows_download_as_written_with_a_status_column_that_no_spreadsheet_runs(app, client, auth,
                                                                                              kit):
    auth.sign_in(kit["focal_email"])
    data = ("email;display_name;language\n"
            "ok@example.org;Ok;en\n"
            '=HYPERLINK("http://evil.example");Eve;en\n'
            "+1@;@SUM(A1);en\n"
            "-2;Zed;xx\n").encode()
    page = upload(client, kit["cohort"], data).get_data(as_text=True)
    response = client.post(f"/cohorts/{kit['cohort']}/invitations/problems.csv", data={"csv_text": carried_text(page)})
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows == [["email", "display_name", "language", "status"],
                    ["'=HYPERLINK(\"http://evil.example\")", "Eve", "en", "Invalid address"],
                    ["'+1@", "'@SUM(A1)", "en", "Invalid address"],
                    ["'-2", "Zed", "xx", "Invalid address"]]
    assert stored(app) == 0 and outbox(app) == []


def test_every_row_is_classified_by_the_line_it_is_on(app, client, auth, kit, make_user):
    learner_id, _email = make_user(email="learner@example.org")
    with app.app_context():
        cohort = db.session.get(Cohort, kit["cohort"])
        focal = db.session.get(User, kit["focal_id"])
        cohorts.join_cohort(db.session.get(User, learner_id), cohort)
        invitations.invite(cohort, "invited@example.org", "", "en", focal)
        old, _token = invitations.invite(cohort, "expired@example.org", "", "en", focal)
        old.expires_at = utcnow() - timedelta(minutes=1)  # an expired invitation does not block a new one
        db.session.commit()
    text = ("\ufeffEmail;Display name;Language\r\n"  # a mark, semicolons, Windows line ends, a header in words
            "ready@example.org;Ready;es\r\n"
            "\r\n"
            "bad-address;X;en\r\n"
            "READY@example.org;Again;en\r\n"
            "learner@example.org;L;en\r\n"
            "invited@example.org;I;en\r\n"
            "lang@example.org;Lang;klingon\r\n"
            "long@example.org;" + "n" * 61 + ";en\r\n"
            'quoted@example.org;"Two\r\nlines";Español\r\n'
            "expired@example.org;;\r\n")
    auth.sign_in(kit["focal_email"])
    page = upload(client, kit["cohort"], text.encode()).get_data(as_text=True)
    assert preview_rows(page) == [
        (2, "ready@example.org", "Ready"), (4, "bad-address", "Invalid address"),
        (5, "ready@example.org", "Duplicate in the file"), (6, "learner@example.org", "Already in the cohort"),
        (7, "invited@example.org", "Already invited"), (8, "lang@example.org", "Unknown language"),
        (9, "long@example.org", "Display name longer than 60 characters"), (10, "quoted@example.org", "Ready"),
        (12, "expired@example.org", "Ready")]
    assert "3 rows are ready" in page
    assert stored(app) == 2 and outbox(app) == []
    client.post(f"/cohorts/{kit['cohort']}/invitations/send", data={"csv_text": carried_text(page)})
    assert stored(app) == 4  # the lapsed invitation is renewed, not doubled
    with app.app_context():
        renewed = db.session.scalar(db.select(Invitation).filter_by(email="expired@example.org"))
        assert invitations.usable(renewed)
    assert sorted(message["To"] for message in map(read_mail, outbox(app))) == [
        "expired@example.org", "quoted@example.org", "ready@example.org"]


@pytest.mark.parametrize("data, message", [
    (b"mail,name\nana@example.org,Ana\n", "The first line must name the columns"),
    (b"email,name\nana@example.org,Ana\n", "The first line must name the columns"),  # an unknown column
    ("email\nzoë@example.org\n".encode("latin-1"), "is not UTF-8 text"),
    ("email\nana@example.org\n".encode("utf-16"), "is not UTF-8 text"),
    (b"", "The file is empty"),
    (b"email,display_name\n\n", "The file is empty"),
    (("email\n" + "".join(f"p{n}@example.org\n" for n in range(2001))).encode(), "more than 2000 rows"),
], ids=["wrong header", "unknown column", "latin-1", "utf-16", "empty", "header only", "2001 rows"])
def test_a_file_that_cannot_be_used_says_why_and_stores_nothing(app, client, auth, kit, data, message):
    auth.sign_in(kit["focal_email"])
    response = upload(client, kit["cohort"], data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page and "Nothing was sent or stored." in page
    assert 'id="file-error"' in page  # beside the field, tied to it for screen readers
    assert stored(app) == 0 and outbox(app) == []


def test_exactly_the_maximum_number_of_rows_is_accepted(app, client, auth, kit):
    auth.sign_in(kit["focal_email"])
    data = ("email\n" + "".join(f"p{n}@example.org\n" for n in range(2000))).encode()
    response = upload(client, kit["cohort"], data)
    assert response.status_code == 200 and "2000 rows are ready" in response.get_data(as_text=True)


def test_sending_checks_the_list_again_and_sends_only_what_is_ready_now(app, client, auth, kit):
    auth.sign_in(kit["focal_email"])
    page = upload(client, kit["cohort"], FIVE.encode()).get_data(as_text=True)
    assert invite(client, kit["cohort"], "ben@example.org").status_code == 302  # invited since the preview
    client.post(f"/cohorts/{kit['cohort']}/invitations/send", data={"csv_text": carried_text(page)})
    assert stored(app) == 4 and len(mails_to(app, "ben@example.org")) == 1


# --- one address, resend, revoke, expiry --------------------------------------------------------------------

def test_one_address_is_invited_in_the_chosen_language_and_listed(app, client, auth, kit):
    auth.sign_in(kit["focal_email"])
    form = client.get(f"/cohorts/{kit['cohort']}/invitations").get_data(as_text=True)
    assert re.search(r'<option selected value="es">|<option value="es" selected>', form)  # the cohort's first
    assert invite(client, kit["cohort"], "Zanele@Example.org ", "en", "Zee").status_code == 302
    invitation = invitation_for(app, "zanele@example.org")
    assert (invitation.locale, invitation.display_name, invitation.invited_by_id) == ("en", "Zee", kit["focal_id"])
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)
    assert len(invitation.token_hash) == 64 and link_in(mails_to(app, "zanele@example.org")[0]).split("/")[-1] \
        not in invitation.token_hash  # only the hash is stored
    page = client.get(f"/cohorts/{kit['cohort']}/invitations").get_data(as_text=True)
    assert "zanele@example.org" in page and "Pending" in page and "Fatou" in page


def test_an_address_already_learning_or_invited_is_refused_with_the_reason(app, client, auth, kit, make_user):
    learner_id, learner_email = make_user()
    with app.app_context():
        cohorts.join_cohort(db.session.get(User, learner_id), db.session.get(Cohort, kit["cohort"]))
        db.session.commit()
    auth.sign_in(kit["focal_email"])
    response = invite(client, kit["cohort"], learner_email.upper())
    assert response.status_code == 400
    assert "already learns in this cohort" in response.get_data(as_text=True)
    assert invite(client, kit["cohort"], "new@example.org").status_code == 302
    response = invite(client, kit["cohort"], "new@example.org")
    assert response.status_code == 400 and "already has an open invitation" in response.get_data(as_text=True)
    response = invite(client, kit["cohort"], "not an address")
    assert response.status_code == 400 and 'value="not an address"' in response.get_data(as_text=True)
    assert stored(app) == 1


def test_an_expired_link_is_gone_and_resending_gives_a_new_one_that_kills_the_old(app, client, auth, kit):
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "late@example.org")
    first = link_in(mails_to(app, "late@example.org")[0])
    with app.app_context():  # fourteen days later
        invitation = db.session.scalar(db.select(Invitation).filter_by(email="late@example.org"))
        invitation.expires_at = invitation.sent_at + timedelta(days=14) - timedelta(days=15)
        db.session.commit()
        invitation_id = invitation.id
    assert "Expired" in client.get(f"/cohorts/{kit['cohort']}/invitations").get_data(as_text=True)
    auth.sign_out()
    assert client.get(first).status_code == 410  # expired
    auth.sign_in(kit["focal_email"])
    assert client.post(f"/cohorts/{kit['cohort']}/invitations/{invitation_id}/resend").status_code == 302
    second = link_in(mails_to(app, "late@example.org")[-1])
    assert second != first and len(mails_to(app, "late@example.org")) == 2
    assert invitation_for(app, "late@example.org").expires_at > utcnow() + timedelta(days=13)
    auth.sign_out()
    assert gone(client.get(first))
    assert client.get(second).status_code == 200

    auth.sign_in(kit["focal_email"])  # resending a pending one kills its link at once too
    client.post(f"/cohorts/{kit['cohort']}/invitations/{invitation_id}/resend")
    third = link_in(mails_to(app, "late@example.org")[-1])
    auth.sign_out()
    assert gone(client.get(second)) and client.get(third).status_code == 200


def test_a_revoked_link_stops_working(app, client, auth, kit):
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "gone@example.org")
    link = link_in(mails_to(app, "gone@example.org")[0])
    invitation_id = invitation_for(app, "gone@example.org").id
    assert client.post(f"/cohorts/{kit['cohort']}/invitations/{invitation_id}/revoke").status_code == 302
    assert "Revoked" in client.get(f"/cohorts/{kit['cohort']}/invitations").get_data(as_text=True)
    response = client.post(f"/cohorts/{kit['cohort']}/invitations/{invitation_id}/resend", follow_redirects=True)
    assert "already revoked" in response.get_data(as_text=True) and len(mails_to(app, "gone@example.org")) == 1
    auth.sign_out()
    response = client.get(link)
    assert response.status_code == 410
    assert "Spring circle" not in response.get_data(as_text=True)


def test_an_archived_communitys_cohort_invites_nobody_and_its_links_stop_working(app, client, invitee, auth, kit):
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "late@example.org")
    link = link_in(mails_to(app, "late@example.org")[0])
    invitation_id = invitation_for(app, "late@example.org").id
    with app.app_context():
        db.session.scalar(db.select(Community).filter_by(slug=kit["slug"])).archived_at = utcnow()
        db.session.commit()
    page = client.get(f"/cohorts/{kit['cohort']}/invitations").get_data(as_text=True)
    assert "takes no new members" in page and "Send the invitation" not in page and "Resend" not in page
    assert invite(client, kit["cohort"], "later@example.org").status_code == 403
    assert upload(client, kit["cohort"], FIVE.encode()).status_code == 403
    assert client.post(f"/cohorts/{kit['cohort']}/invitations/{invitation_id}/resend").status_code == 403
    assert mails_to(app, "later@example.org") == [] and len(mails_to(app, "late@example.org")) == 1
    assert gone(invitee.get(link))
    assert gone(invitee.post(link, data=sign_up_data()))
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="late@example.org")) is None


def test_an_unknown_link_is_not_found_and_names_no_cohort(client, kit):
    response = client.get("/invitations/not-a-real-token")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This invitation cannot be used" in page and "Spring circle" not in page and "Listening" not in page


# --- accepting --------------------------------------------------------------------------------------------

def test_a_new_person_accepts_creates_the_account_and_is_enrolled_in_the_cohort(app, client, invitee, auth, kit):
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "newcomer@example.org", "es", "Quiet River")
    auth.sign_out()
    link = link_in(mails_to(app, "newcomer@example.org")[0])

    response = invitee.get(link)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert '<html lang="es"' in page  # the invitation's language: the reader chose none
    assert 'value="newcomer@example.org" readonly' in page and 'value="Quiet River"' in page
    response = invitee.post(link, data=sign_up_data(email="someone-else@example.org"))
    assert response.status_code == 302 and response.location.endswith("/courses/listening-basics/")

    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="newcomer@example.org"))
        assert db.session.scalar(db.select(User).filter_by(email="someone-else@example.org")) is None
        assert (user.display_name, user.locale, user.timezone) == ("Quiet River", "es", "Africa/Nairobi")
        enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user.id))
        assert enrolment.cohort_id == kit["cohort"]
        community_id = db.session.get(Cohort, kit["cohort"]).community_id
        member = db.session.scalar(db.select(Membership).filter_by(user_id=user.id, community_id=community_id))
        assert member is not None and not member.pending
        invitation = db.session.scalar(db.select(Invitation).filter_by(email="newcomer@example.org"))
        assert invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by_id == user.id
        assert invitation.accepted_at is not None
    assert invitee.get("/account").status_code == 200  # signed in

    assert invitee.get(link).status_code == 410  # single use
    assert invitee.post(link).status_code == 410
    invitee.post("/sign-out")
    assert invitee.post(link, data=sign_up_data(display_name="Second Try")).status_code == 410


def test_a_sign_up_with_a_mistake_keeps_what_was_typed_and_creates_nothing(app, client, invitee, auth, kit, make_user):
    make_user(display_name="Taken Name")
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "newcomer@example.org", "en")
    auth.sign_out()
    link = link_in(mails_to(app, "newcomer@example.org")[0])
    response = invitee.post(link, data=sign_up_data(display_name="taken name"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "That display name is taken" in page
    assert 'value="taken name"' in page and re.search(r'<option selected value="Africa/Nairobi">', page)
    response = invitee.post(link, data=sign_up_data(password="newcomer123456"))
    assert response.status_code == 400 and "Do not use your email address" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="newcomer@example.org")) is None
    assert invitation_for(app, "newcomer@example.org").status == InvitationStatus.PENDING


def test_someone_with_an_account_signs_in_then_joins(app, client, invitee, auth, kit, make_user):
    amina_id, amina_email = make_user(display_name="Amina", email="amina@example.org")
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "amina@example.org", "en")
    auth.sign_out()
    link = link_in(mails_to(app, "amina@example.org")[0])

    page = invitee.get(link).get_data(as_text=True)
    assert "Sign in to accept" in page and f"/sign-in?next={link}" in page
    assert invitee.post(link, data=sign_up_data()).status_code == 400  # no second account for the address
    response = invitee.post(f"/sign-in?next={link}", data={"email": amina_email, "password": PASSWORD})
    assert response.location == link
    page = invitee.get(link).get_data(as_text=True)
    assert "Join Spring circle in Listening basics" in page
    response = invitee.post(link)
    assert response.status_code == 302 and response.location.endswith("/courses/listening-basics/")
    with app.app_context():
        assert db.session.scalar(db.select(Enrolment.cohort_id).filter_by(user_id=amina_id)) == kit["cohort"]
        assert db.session.scalar(db.select(User).filter_by(email="amina@example.org")).id == amina_id
    assert invitation_for(app, "amina@example.org").accepted_by_id == amina_id


def test_a_suspended_account_cannot_accept(app, client, invitee, auth, kit, make_user):
    person_id, person_email = make_user(email="held@example.org")
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], person_email)
    auth.sign_out()
    with app.app_context():
        db.session.get(User, person_id).suspended_at = utcnow()
        db.session.commit()
    link = link_in(mails_to(app, person_email)[0])
    assert "Sign in to accept" in invitee.get(link).get_data(as_text=True)
    assert invitee.post(f"/sign-in?next={link}", data={"email": person_email, "password": PASSWORD}).status_code == 403
    assert invitee.post(link).status_code == 400
    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation).filter_by(email=person_email))
        with pytest.raises(invitations.InvitationError):
            invitations.accept(invitation, db.session.get(User, person_id))
        db.session.rollback()
    assert invitation_for(app, person_email).status == InvitationStatus.PENDING


def test_the_page_is_in_the_readers_chosen_language_when_there_is_one(app, client, invitee, auth, kit):
    auth.sign_in(kit["focal_email"])
    invite(client, kit["cohort"], "lang@example.org", "es")
    auth.sign_out()
    link = link_in(mails_to(app, "lang@example.org")[0])
    assert '<html lang="es"' in invitee.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    invitee.set_cookie("colab_lang", "en", domain="colab.test")
    assert '<html lang="en"' in invitee.get(link).get_data(as_text=True)


def test_sending_and_accepting_are_rate_limited(app, client, auth, kit):
    app.config["INVITATION_SEND_RATE_LIMIT"] = "2 per hour"
    app.config["INVITATION_ACCEPT_RATE_LIMIT"] = "2 per hour"
    auth.sign_in(kit["focal_email"])
    assert invite(client, kit["cohort"], "bad address").status_code == 400  # a mistake costs nothing
    assert [invite(client, kit["cohort"], f"p{n}@example.org").status_code for n in range(3)] == [302, 302, 429]
    assert stored(app) == 2
    auth.sign_out()
    assert [client.post("/invitations/nothing-here").status_code for _n in range(3)] == [404, 404, 429]


# --- who may do what: every route x every role ------------------------------------------------------------

BLUEPRINT = "invitations"
ROLES = ("anonymous", "outsider", "learner", "facilitator", "focal", "other_focal", "admin")
LISTED = "listed-{n}@example.org"  # an invitee whose address only the cohort's managers may read

MANAGERS_200 = "302 403 403 403 200 403 200"
MANAGERS_302 = "302 403 403 403 302 403 302"
EVERYONE_200 = "200 200 200 200 200 200 200"

COHORT = "/cohorts/{cohort}/invitations"
CSV = "email,display_name\nnew-{n}@example.org,New\nbad,Bad\n"
# (name, method, url, form data, expected status per role in ROLES order). The anonymous sign-up that accepts an
# invitation signs the client in: it stays the last row.
ROUTES = [
    ("invitations", "GET", COHORT, {}, MANAGERS_200),
    ("second page", "GET", COHORT + "?page=2", {}, MANAGERS_200),
    ("unknown cohort", "GET", "/cohorts/0/invitations", {}, "404 404 404 404 404 404 404"),
    ("invite one", "POST", COHORT, {"email": "one-{n}@example.org", "language": "en"}, MANAGERS_302),
    ("invite one, with a mistake", "POST", COHORT, {"email": "nope", "language": "en"},
     "302 403 403 403 400 403 400"),
    ("check a list", "POST", COHORT + "/upload", {"file": CSV}, MANAGERS_200),
    ("send a list", "POST", COHORT + "/send", {"csv_text": CSV}, MANAGERS_302),
    ("download problem rows", "POST", COHORT + "/problems.csv", {"csv_text": CSV}, MANAGERS_200),
    ("resend", "POST", COHORT + "/{listed}/resend", {}, MANAGERS_302),
    ("revoke", "POST", COHORT + "/{listed}/revoke", {}, MANAGERS_302),
    ("resend another cohort's invitation", "POST", COHORT + "/{elsewhere}/resend", {},
     "302 403 403 403 404 403 404"),
    ("revoke another cohort's invitation", "POST", COHORT + "/{elsewhere}/revoke", {},
     "302 403 403 403 404 403 404"),
    ("unknown link", "GET", "/invitations/not-a-token", {}, "404 404 404 404 404 404 404"),
    ("open an invitation", "GET", "/invitations/{token}", {}, EVERYONE_200),
    ("accept an invitation", "POST", "/invitations/{token}",
     {"display_name": "Newcomer {n}", "password": PASSWORD, "locale": "en", "timezone": "UTC"},
     "302 302 302 302 302 302 302"),
]


@pytest.fixture
def cast(app, make_user, community_kit, auth, content):
    """Everyone in the table, one community of africa; signs in as the role and returns the people's ids."""
    def sign_in_as(role):
        ids = {"admin": make_user(display_name="Secretariat", is_admin=True)}
        for who in ("outsider", "learner", "facilitator", "focal", "other_focal"):
            ids[who] = make_user(display_name=f"Actor {who}")
        community_kit.focal_point(ids["focal"][0], "africa")
        community_kit.focal_point(ids["other_focal"][0], "asia")
        if role != "anonymous":
            assert auth.sign_in(ids[role][1]).status_code == 302
        return {who: user_id for who, (user_id, _email) in ids.items()}, community_kit.community(
            "circle", "regional", region="africa")
    return sign_in_as


def build_world(app, ids, slug, n):
    """A fresh cohort with its learner and facilitator, a listed invitation, one to accept, one elsewhere."""
    cohort_id, other_id = new_cohort(app, slug, f"Cohort {n}"), new_cohort(app, slug, f"Other {n}")
    with app.app_context():
        cohort, admin = db.session.get(Cohort, cohort_id), db.session.get(User, ids["admin"])
        cohorts.join_cohort(db.session.get(User, ids["learner"]), cohort)
        cohorts.add_facilitator(db.session.get(User, ids["facilitator"]), cohort)
        listed, _token = invitations.invite(cohort, LISTED.format(n=n), "", "en", admin)
        _invitation, token = invitations.invite(cohort, f"accept-{n}@example.org", "", "en", admin)
        elsewhere, _token = invitations.invite(db.session.get(Cohort, other_id), f"else-{n}@example.org", "", "en",
                                               admin)
        db.session.commit()
        return {"cohort": cohort_id, "listed": listed.id, "token": token, "elsewhere": elsewhere.id, "n": n}


def send(client, method, url, data, world):
    url = url.format(**world)
    if method == "GET":
        return client.get(url)
    form = {key: value.format(**world) for key, value in data.items()}
    if "file" in form:
        form["file"] = (io.BytesIO(form["file"].encode()), "list.csv")
    return client.post(url, data={"csrf_token": world["csrf_token"], **form})


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, cast, role):
    """Each row runs on a fresh cohort; invitees' addresses reach nobody but the cohort's managers."""
    ids, slug = cast(role)
    token = client.csrf_token()
    actual, expected, leaks = {}, {}, []
    for n, (name, method, url, data, codes) in enumerate(ROUTES):
        world = {**build_world(app, ids, slug, n), "csrf_token": token}
        response = send(client, method, url, data, world)
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        body = response.get_data(as_text=True)
        if role not in ("focal", "admin"):
            leaks += [f"{name}: {address}" for address in (LISTED.format(n=n), f"else-{n}@example.org")
                      if address in body]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route of the invitations blueprint fails here until it has a row in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = {"cohort": 1, "listed": 1, "elsewhere": 1, "token": "t", "n": 1}
    covered = {(adapter.match(url.split("?")[0].format(**placeholders), method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] == BLUEPRINT for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


def test_the_cohorts_pages_for_its_people_never_show_invitees_addresses(app, client, auth, kit, make_user):
    learner_id, learner_email = make_user()
    with app.app_context():
        cohort = db.session.get(Cohort, kit["cohort"])
        cohorts.join_cohort(db.session.get(User, learner_id), cohort)
        invitations.invite(cohort, "private-invitee@example.org", "", "en", db.session.get(User, kit["focal_id"]))
        db.session.commit()
    auth.sign_in(learner_email)
    for url in (f"/communities/{kit['slug']}/cohorts/{kit['cohort']}/", f"/communities/{kit['slug']}/",
                f"/cohorts/{kit['cohort']}/invitations"):
        assert "private-invitee@example.org" not in client.get(url).get_data(as_text=True)
