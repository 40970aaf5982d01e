"""The member directory: opt-in profiles (off by default, hidden at once), the list, the tile map of counts per
country and its table, messages through Co-Lab that show neither address, blocks that answer like a closed
profile, organisations, and every route of the "directory" blueprint x every role."""
import email
import email.policy
import re
from pathlib import Path

import pytest
from factories import region_id

from colab.accounts import service as accounts
from colab.accounts.models import User
from colab.admin import service as admin
from colab.communities import service as communities
from colab.directory import demo, maps, organisations, service
from colab.directory.countries import COUNTRIES
from colab.directory.models import DirectoryBlock, DirectoryMessage, DirectoryProfile, Organisation
from colab.directory.world_grid import GRID
from colab.extensions import db
from colab.personal_data import erase

BLUEPRINTS = {"directory"}
NOT_TAKING = "This person is not taking messages."
SUBJECT = "You have a message on Co-Lab"


# --- helpers -------------------------------------------------------------------------------------------------

def user(people, name):
    return db.session.get(User, people[name][0])


def publish(app, people, name, published=True, **fields):
    """Write name's profile through the service (published unless told otherwise); its id."""
    with app.app_context():
        person = user(people, name)
        data = {"display_name": name, "country": "KE", "languages": ["en"], "topics": ["srhr"], **fields}
        profile = service.save_profile(person, service.ProfileData(published=published, **data))
        db.session.commit()
        return profile.id


def profile_of(app, user_id):
    with app.app_context():
        return db.session.scalar(db.select(DirectoryProfile).filter_by(user_id=user_id))


def outbox(app):
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))]


def mails_to(app, address):
    return [message for message in outbox(app) if message["To"] == address]


def link(message, name):
    """The path of the link that follows the line containing name in a mail."""
    found = re.search(rf"https?://[^/\s]+(/directory/messages/\d+/{name})", message.get_content())
    return found.group(1) if found else None


def people_cell(page, country):
    """The text of the People cell of country's row in the map's table."""
    found = re.search(rf'<th scope="row">{country}</th>\s*<td class="number">(?:<a [^>]*>)?([^<]*)<', page)
    return found.group(1) if found else None


@pytest.fixture
def people(app, make_user):
    """Amara (a member, no profile), Bola (a published profile, Kenya), Chen (published, closed to messages, India),
    Nia (an unpublished profile), Zola (focal point of africa), Sec (an admin). Everyone's email is private."""
    found = {name: make_user(display_name=name) for name in ("Amara", "Bola", "Chen", "Nia", "Zola")}
    found["Sec"] = make_user(display_name="Sec", is_admin=True)
    with app.app_context():
        communities.make_focal_point(user(found, "Zola"), region_id("africa"))
        db.session.commit()
    return found


def sign_in(auth, people, name):
    assert auth.sign_in(people[name][1]).status_code == 302


# --- opting in, off by default ---------------------------------------------------------------------------------

def test_the_directory_is_off_until_a_person_publishes(app, client, auth, people):
    publish(app, people, "Bola")
    sign_in(auth, people, "Amara")
    page = client.get("/directory/me").get_data(as_text=True)
    assert "Only members signed in to Co-Lab can see the directory" in page
    assert "Your email address is never shown" in page
    assert re.search(r'<input checked[^>]*value="private"', page)  # "only me" is chosen until they choose
    assert 'value="Amara"' in page  # their Co-Lab name to start from
    assert profile_of(app, people["Amara"][0]) is None  # nothing exists until they save

    response = client.post("/directory/me", data={"display_name": "Amara", "country": "KE", "topics": ["srhr"],
                                                  "visibility": "private"})
    assert response.status_code == 302
    assert profile_of(app, people["Amara"][0]).published is False
    listing = client.get("/directory/").get_data(as_text=True)
    assert "Bola" in listing and ">Amara</a>" not in listing
    assert people_cell(client.get("/directory/map").get_data(as_text=True), "Kenya") == "1–2"  # Bola only

    client.post("/directory/me", data={"display_name": "Amara K.", "country": "KE", "topics": ["srhr"],
                                       "visibility": "members", "accepts_messages": "y"})
    listing = client.get("/directory/").get_data(as_text=True)
    assert ">Amara K.</a>" in listing
    assert people["Amara"][1] not in listing and people["Bola"][1] not in listing


def test_opting_in_raises_the_count_and_hiding_lowers_it_at_once(app, client, auth, people, make_user):
    for name in ("Bola", "Chen", "Nia"):
        publish(app, people, name, country="KE")
    sign_in(auth, people, "Amara")
    assert people_cell(client.get("/directory/map").get_data(as_text=True), "Kenya") == "3"

    client.post("/directory/me", data={"display_name": "Amara", "country": "KE", "visibility": "members"})
    mine = profile_of(app, people["Amara"][0]).id
    page = client.get("/directory/map").get_data(as_text=True)
    assert people_cell(page, "Kenya") == "4"
    assert "Kenya — people: 4, organisations: 0" in page  # the tile's title
    assert client.get("/directory/?country=KE").get_data(as_text=True).count('class="card"') == 4

    assert client.post("/directory/me/hide").status_code == 302
    assert people_cell(client.get("/directory/map").get_data(as_text=True), "Kenya") == "3"
    assert ">Amara</a>" not in client.get("/directory/").get_data(as_text=True)
    assert client.get(f"/directory/people/{mine}").status_code == 200  # still hers to see
    auth.sign_out()
    sign_in(auth, people, "Bola")
    assert client.get(f"/directory/people/{mine}").status_code == 404
    assert client.get(f"/directory/people/{mine}/message").status_code == 404


def test_deleting_the_account_deletes_the_profile(app, client, auth, people):
    publish(app, people, "Bola")
    publish(app, people, "Chen")
    sign_in(auth, people, "Amara")
    assert people_cell(client.get("/directory/map").get_data(as_text=True), "Kenya") == "1–2"
    with app.app_context():
        erase(user(people, "Bola"), remove_posts=False)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(DirectoryProfile.id))) == 1
    assert "Bola" not in client.get("/directory/").get_data(as_text=True)


def test_the_profile_form_keeps_what_was_typed_and_refuses_junk(app, client, auth, people):
    sign_in(auth, people, "Amara")
    response = client.post("/directory/me", data={"display_name": "Amara", "organisation": "Kept organisation",
                                                  "country": "ZZ", "bio": "Kept bio", "visibility": "members"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose from the list." in page and 'aria-invalid="true"' in page
    assert "Kept organisation" in page and "Kept bio" in page
    assert profile_of(app, people["Amara"][0]) is None  # nothing half-saved

    long_bio = "word " * 300
    page = client.post("/directory/me", data={"display_name": "Bola", "bio": long_bio, "country": "",
                                              "languages": ["en", "xx"], "visibility": "members"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Keep it under 1000 characters." in text and long_bio.strip() in text
    taken = client.post("/directory/me", data={"display_name": "bóla", "visibility": "members"})
    assert taken.status_code == 400 and "That name belongs to someone else on Co-Lab" in taken.get_data(as_text=True)
    assert profile_of(app, people["Amara"][0]) is None


def test_a_bio_is_markdown_through_the_one_door(app, client, auth, people):
    profile_id = publish(app, people, "Bola", bio='**Bold** <script>alert("XSS")</script> [x](javascript:alert(1))')
    sign_in(auth, people, "Amara")
    page = client.get(f"/directory/people/{profile_id}").get_data(as_text=True)
    assert "<strong>Bold</strong>" in page and "<script>alert" not in page and "javascript:" not in page


# --- the map -------------------------------------------------------------------------------------------------

def test_every_country_has_one_tile_and_the_map_is_plain_svg(app, client, auth, people):
    assert set(GRID) == COUNTRIES and len(set(GRID.values())) == len(GRID)
    publish(app, people, "Bola", country="KE")
    sign_in(auth, people, "Amara")
    page = client.get("/directory/map").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<rect") == len(GRID) + len(maps.SHADES)  # a tile per country, and the legend
    assert ">KE</text>" in svg and "<title>Kenya — people: 1–2, organisations: 0</title>" in svg
    assert "<script" not in page.replace('<script src="/static/', "") and "http" not in svg.replace(
        "http://www.w3.org", "")
    assert svg.count(">KE</text>") == 1  # a square per country, never a point per person


def test_few_people_are_shown_as_a_range_and_sorted_alike(app, client, auth, people):
    publish(app, people, "Bola", country="KE")
    publish(app, people, "Chen", country="IN")
    publish(app, people, "Nia", country="IN")
    for name in ("Zola", "Sec", "Amara"):
        publish(app, people, name, country="BR")
    with app.app_context():
        organisations.create_organisation(user(people, "Sec"), organisations.OrganisationData(
            name="Men for Care Network (demo)", country="KE", region_id=region_id("africa")))
        db.session.commit()
    sign_in(auth, people, "Amara")
    page = client.get("/directory/map").get_data(as_text=True)
    table = page[page.index("<tbody>"):]
    assert people_cell(page, "Brazil") == "3"
    assert people_cell(page, "India") == "1–2" and people_cell(page, "Kenya") == "1–2"
    # Brazil first; then Kenya (1, with an organisation) before India (2): a 2 never sorts above a 1 by itself
    assert table.index("Brazil") < table.index("Kenya") < table.index("India")
    assert "1–2 people" not in page  # a range, never a count, for fewer than three


def test_the_map_can_be_shaded_by_organisations(app, client, auth, people):
    with app.app_context():
        for number in range(2):
            organisations.create_organisation(user(people, "Sec"), organisations.OrganisationData(
                name=f"Org {number}", country="MX", region_id=region_id("latin-america")))
        db.session.commit()
    sign_in(auth, people, "Amara")
    by_people = client.get("/directory/map").get_data(as_text=True)
    by_organisations = client.get("/directory/map?show=organisations").get_data(as_text=True)
    tile = r'<rect x="\d+" y="\d+" width="\d+" height="\d+" rx="2" fill="(#\w+)"/><text [^>]*>MX<'
    assert re.search(tile, by_people).group(1) == maps.SHADES[0][0]
    assert re.search(tile, by_organisations).group(1) == maps.SHADES[2][0]  # 2–4 organisations
    assert client.get("/directory/map?show=pins").status_code == 404


# --- messages through Co-Lab ----------------------------------------------------------------------------------

def test_a_message_reaches_the_recipient_without_either_address(app, client, auth, people):
    bola = publish(app, people, "Bola", display_name="Bola in the directory")
    publish(app, people, "Amara", display_name="Amara A.", published=False)  # writes under her directory name
    sign_in(auth, people, "Amara")
    form = client.get(f"/directory/people/{bola}/message").get_data(as_text=True)
    assert "signed “Amara A.”" in form
    response = client.post(f"/directory/people/{bola}/message", data={"body": "Hello <b>Bola</b>,\nshall we meet?"})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your message is sent" in shown and people["Bola"][1] not in shown

    [mail] = outbox(app)
    body = mail.get_content()
    assert mail["To"] == people["Bola"][1] and mail["Subject"] == SUBJECT
    assert "Amara A. wrote to you" in body and "Hello <b>Bola</b>,\nshall we meet?" in body
    assert people["Amara"][1] not in mail.as_string() and "Amara wrote" not in body
    with app.app_context():
        [stored] = db.session.scalars(db.select(DirectoryMessage)).all()
        assert (stored.sender_id, stored.recipient_id) == (people["Amara"][0], people["Bola"][0])

    auth.sign_out()
    sign_in(auth, people, "Bola")
    page = client.get(link(mail, "reply")).get_data(as_text=True)
    assert "From Amara A." in page and "Hello &lt;b&gt;Bola&lt;/b&gt;" in page and people["Amara"][1] not in page
    assert client.post(link(mail, "reply"), data={"body": "Yes, on Friday."}).status_code == 302
    [answer] = mails_to(app, people["Amara"][1])
    assert answer["Subject"] == SUBJECT and "Bola in the directory wrote to you" in answer.get_content()
    assert people["Bola"][1] not in answer.as_string()


def test_discreet_mode_keeps_the_words_out_of_the_mail(app, client, auth, people):
    bola = publish(app, people, "Bola")
    with app.app_context():
        user(people, "Bola").discreet = True
        db.session.commit()
    sign_in(auth, people, "Amara")
    client.post(f"/directory/people/{bola}/message", data={"body": "About the SOGIESC circle"})
    [mail] = outbox(app)
    assert mail["Subject"] == SUBJECT
    assert "SOGIESC" not in mail.get_content() and "Amara" not in mail.get_content()
    assert link(mail, "reply") is not None


def test_a_block_answers_like_a_closed_profile_and_the_blocked_person_is_not_told(app, client, auth, people):
    bola = publish(app, people, "Bola")
    chen = publish(app, people, "Chen", accepts_messages=False)
    sign_in(auth, people, "Amara")
    client.post(f"/directory/people/{bola}/message", data={"body": "First"})
    [mail] = outbox(app)
    closed = client.get(f"/directory/people/{chen}/message")
    assert closed.status_code == 200 and NOT_TAKING in closed.get_data(as_text=True)

    auth.sign_out()
    sign_in(auth, people, "Bola")
    confirm = client.get(link(mail, "block"))
    assert confirm.status_code == 200 and "They are not told" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(DirectoryBlock)) is None  # opening the link blocks nobody
    assert client.post(link(mail, "block")).status_code == 302
    blocked = client.get("/directory/blocks").get_data(as_text=True)
    assert "Amara" in blocked and "Unblock" in blocked

    auth.sign_out()
    sign_in(auth, people, "Amara")
    for profile_id in (bola, chen):
        page = client.get(f"/directory/people/{profile_id}/message")
        assert page.status_code == 200 and NOT_TAKING in page.get_data(as_text=True) and "<textarea" not in \
            page.get_data(as_text=True)
        refused = client.post(f"/directory/people/{profile_id}/message", data={"body": "Again"})
        assert refused.status_code == 403 and NOT_TAKING in refused.get_data(as_text=True)
        shown = client.get(f"/directory/people/{profile_id}").get_data(as_text=True)
        assert NOT_TAKING in shown and "blocked you" not in shown and "Send a message" not in shown
    assert len(outbox(app)) == 1  # nothing more went out

    with app.app_context():
        block_id = db.session.scalar(db.select(DirectoryBlock.id))
    auth.sign_out()
    sign_in(auth, people, "Bola")
    assert client.post(f"/directory/blocks/{block_id}/delete").status_code == 302
    auth.sign_out()
    sign_in(auth, people, "Amara")
    assert client.post(f"/directory/people/{bola}/message", data={"body": "Thanks"}).status_code == 302


def test_no_answer_to_a_former_member_or_from_a_suspended_one(app, client, auth, people):
    bola = publish(app, people, "Bola")
    sign_in(auth, people, "Amara")
    client.post(f"/directory/people/{bola}/message", data={"body": "Before I go"})
    [mail] = outbox(app)
    reply_path = link(mail, "reply")
    with app.app_context():
        erase(user(people, "Amara"), remove_posts=False)
        db.session.commit()
    sign_in(auth, people, "Bola")
    page = client.get(reply_path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "From a former member" in text and NOT_TAKING in text
    assert client.post(reply_path, data={"body": "Hello?"}).status_code == 403
    assert client.get(reply_path.replace("reply", "block")).status_code == 404

    auth.sign_out()
    sign_in(auth, people, "Chen")
    with app.app_context():
        admin.suspend(user(people, "Sec"), user(people, "Chen"), "Harassment")
        db.session.commit()
    response = client.post(f"/directory/people/{bola}/message", data={"body": "Suspended now"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert len(outbox(app)) == 1


def test_a_suspended_persons_profile_leaves_the_directory(app, client, auth, people):
    bola = publish(app, people, "Bola")
    sign_in(auth, people, "Bola")
    client.post(f"/directory/people/{publish(app, people, 'Amara', country='GH')}/message", data={"body": "Hello"})
    [mail] = outbox(app)
    auth.sign_out()
    with app.app_context():
        admin.suspend(user(people, "Sec"), user(people, "Bola"), "Harassment")
        db.session.commit()
    sign_in(auth, people, "Amara")
    assert ">Bola</a>" not in client.get("/directory/").get_data(as_text=True)
    assert people_cell(client.get("/directory/map").get_data(as_text=True), "Kenya") is None
    assert client.get(f"/directory/people/{bola}").status_code == 404
    assert NOT_TAKING in client.get(link(mail, "reply")).get_data(as_text=True)


def test_the_message_form_keeps_what_was_typed(app, client, auth, people):
    bola = publish(app, people, "Bola")
    sign_in(auth, people, "Amara")
    empty = client.post(f"/directory/people/{bola}/message", data={"body": "   "})
    assert empty.status_code == 400 and "Write your message." in empty.get_data(as_text=True)
    long_text = "Kept words. " * 200
    response = client.post(f"/directory/people/{bola}/message", data={"body": long_text})
    assert response.status_code == 400 and long_text.strip() in response.get_data(as_text=True)
    assert "Keep it under 2000 characters." in response.get_data(as_text=True)
    assert outbox(app) == []


def test_a_message_is_kept_and_its_mail_tried_again_when_the_server_fails(app, client, auth, people, monkeypatch):
    from colab import jobs
    bola = publish(app, people, "Bola")
    sign_in(auth, people, "Amara")

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("colab.mail.send", broken)
    response = client.post(f"/directory/people/{bola}/message", data={"body": "Kept in the form"})
    assert response.status_code == 302
    assert "Your message is sent" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DirectoryMessage.id))) == 1
        job = db.session.scalar(db.select(jobs.Job).filter_by(task="mail.directory_message"))
        assert job.status == jobs.JobStatus.PENDING and "mail server down" in job.last_error
    assert outbox(app) == []


@pytest.mark.parametrize("app_config", [{"DIRECTORY_MESSAGE_RATE_LIMIT": "2 per hour"}])
def test_messages_are_rate_limited_per_person(app, client, auth, people):
    bola, chen = publish(app, people, "Bola"), publish(app, people, "Chen")
    sign_in(auth, people, "Amara")
    assert client.post(f"/directory/people/{bola}/message", data={"body": ""}).status_code == 400  # not counted
    assert client.post(f"/directory/people/{bola}/message", data={"body": "One"}).status_code == 302
    assert client.post(f"/directory/people/{chen}/message", data={"body": "Two"}).status_code == 302
    assert client.post(f"/directory/people/{chen}/message", data={"body": "Three"}).status_code == 429
    assert len(outbox(app)) == 2


def test_report_links_open_the_confidential_form(app, client, auth, people):
    bola = publish(app, people, "Bola", display_name="Bola in the directory")
    sign_in(auth, people, "Amara")
    page = client.get(f"/directory/people/{bola}").get_data(as_text=True)
    assert f'href="/reports/harassment/new?profile={bola}"' in page
    form = client.get(f"/reports/harassment/new?profile={bola}")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert "Bola in the directory" in text
    assert re.search(rf'<input checked[^>]*name="person" type="radio" value="{people["Bola"][0]}"', text)
    assert ">Bola<" not in text  # the reporter never learns the Co-Lab name behind a directory name
    assert re.search(r'<option selected value="profile">', text)
    with app.app_context():
        africa = region_id("africa")
    data = {"region": str(africa), "person": str(people["Bola"][0]), "place": "profile",
            "description": "Unwanted messages", "action": "search", "search": ""}
    searched = client.post(f"/reports/harassment/new?profile={bola}", data=data).get_data(as_text=True)
    assert "Bola in the directory" in searched  # still named as the reporter knows them after a search
    readers_for = re.search(r'name="readers_for" type="hidden" value="([^"]*)"', searched).group(1)
    filed = client.post(f"/reports/harassment/new?profile={bola}",
                        data={**data, "action": "send", "readers_for": readers_for})
    assert filed.status_code == 302
    with app.app_context():
        from colab.harassment.models import HarassmentReport
        [report] = db.session.scalars(db.select(HarassmentReport)).all()
        assert (report.reported_user_id, report.place) == (people["Bola"][0], "profile")
    shown = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert ">Bola<" not in shown  # the reporter's page of the filed report names nobody (handlers see who)

    client.post(f"/directory/people/{bola}/message", data={"body": "Hello"})  # Bola reports a message
    auth.sign_out()
    sign_in(auth, people, "Bola")
    with app.app_context():
        message_id = db.session.scalar(db.select(DirectoryMessage.id))
    text = client.get(f"/reports/harassment/new?message={message_id}").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{people["Amara"][0]}"', text)
    assert re.search(r'<option selected value="message">', text)
    other = client.get(f"/reports/harassment/new?message={message_id + 1}").get_data(as_text=True)
    assert f'name="person" type="radio" value="{people["Amara"][0]}"' not in other  # only one's own messages


# --- organisations ---------------------------------------------------------------------------------------------

def test_a_focal_point_enters_an_organisation_of_their_region(app, client, auth, people):
    sign_in(auth, people, "Zola")
    form = client.get("/directory/organisations/new").get_data(as_text=True)
    assert "Africa" in form and "Asia" not in form and "No single region" not in form
    with app.app_context():
        africa, asia = region_id("africa"), region_id("asia")
    data = {"name": "Men for Care Network (demo)", "country": "KE", "region": str(africa),
            "website": "https://example.org/care", "topics": ["unpaid-care"],
            "description_en": "Fathers sharing care.", "description_es": "Padres que comparten el cuidado."}
    elsewhere = client.post("/directory/organisations/new", data={**data, "region": str(asia)})
    assert elsewhere.status_code == 400 and "Men for Care Network (demo)" in elsewhere.get_data(as_text=True)
    junk = client.post("/directory/organisations/new", data={**data, "country": "ZZ"})
    assert junk.status_code == 400 and "Choose from the list." in junk.get_data(as_text=True)
    bad_site = client.post("/directory/organisations/new", data={**data, "website": "javascript:alert(1)"})
    assert bad_site.status_code == 400 and "starting with https://" in bad_site.get_data(as_text=True)
    assert client.post("/directory/organisations/new", data=data).status_code == 302

    listing = client.get("/directory/organisations/").get_data(as_text=True)
    assert 'href="https://example.org/care" rel="noopener noreferrer nofollow"' in listing
    assert "Fathers sharing care." in listing and "Unpaid care work" in listing
    with app.app_context():
        organisation_id = db.session.scalar(db.select(Organisation.id))
    page = client.get("/directory/map").get_data(as_text=True)
    assert re.search(r'<th scope="row">Kenya</th>\s*<td class="number">0</td>\s*<td class="number"><a [^>]*>1<', page)

    assert client.post(f"/directory/organisations/{organisation_id}/unpublish").status_code == 302
    assert "<h2>Men for Care" not in client.get("/directory/organisations/").get_data(as_text=True)
    assert "<h2>Men for Care" in client.get("/directory/organisations/?show=unpublished").get_data(as_text=True)
    assert people_cell(client.get("/directory/map").get_data(as_text=True), "Kenya") is None

    auth.sign_out()
    sign_in(auth, people, "Amara")
    assert client.get(f"/directory/organisations/{organisation_id}/edit").status_code == 404  # unpublished
    with app.app_context():
        assert db.session.get(Organisation, organisation_id).description == {
            "en": "Fathers sharing care.", "es": "Padres que comparten el cuidado."}


def test_an_organisation_is_described_in_the_readers_language(app, client, auth, people):
    with app.app_context():
        organisations.create_organisation(user(people, "Sec"), organisations.OrganisationData(
            name="Red de Hombres por la Igualdad (demo)", country="CO", region_id=region_id("latin-america"),
            description={"en": "A network of men.", "es": "Una red de hombres."}))
        user(people, "Amara").locale = "es"
        db.session.commit()
    sign_in(auth, people, "Amara")
    page = client.get("/directory/organisations/?country=CO").get_data(as_text=True)
    assert "Una red de hombres." in page and "A network of men." not in page and "Colombia" in page


# --- ids, filters, demo data, templates ---------------------------------------------------------------------

def test_huge_ids_and_junk_filters_give_404(app, client, auth, people):
    sign_in(auth, people, "Amara")
    for path in ("/directory/people/99999999999", "/directory/people/2147483648/message",
                 "/directory/messages/99999999999999999999/reply", "/directory/organisations/2147483648/edit",
                 "/directory/?country=ZZ", "/directory/?topic=nope", "/directory/?page=99999999999",
                 "/directory/organisations/?region=99999999999"):
        assert client.get(path).status_code == 404, path


def test_the_demo_directory_is_idempotent_and_leaves_the_learner_out(app, content):
    from colab.demo import DEMO_PASSWORD, load_demo
    with app.app_context():
        load_demo()  # seeds the directory among the rest
        assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == len(demo.ORGANISATIONS)
        assert demo.seed(DEMO_PASSWORD) == 0
        db.session.commit()
        learner = accounts.find_by_email("learner@colab.example")
        assert service.own_profile(learner) is None
        counts = service.people_by_country(learner)
        assert counts["KE"] == 3 and len(counts) >= 6
        per_country = organisations.organisations_by_country()
        assert sum(per_country.values()) == len(demo.ORGANISATIONS)
        regions = {organisation.region_id for organisation in db.session.scalars(db.select(Organisation))}
        assert len(regions) == 7


def test_the_list_and_the_map_ask_the_same_number_of_queries_however_many_are_listed(app, client, auth, people,
                                                                                     make_user):
    from sqlalchemy import event

    def statements(path):
        seen = []

        def count(*args):
            seen.append(args[2])
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert client.get(path).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    publish(app, people, "Bola")
    with app.app_context():
        organisations.create_organisation(user(people, "Sec"), organisations.OrganisationData(
            name="First", country="KE", region_id=region_id("africa"), topics=["srhr"]))
        db.session.commit()
    sign_in(auth, people, "Amara")
    before = {path: statements(path) for path in ("/directory/", "/directory/map", "/directory/organisations/")}
    with app.app_context():
        for number in range(6):
            organisations.create_organisation(user(people, "Sec"), organisations.OrganisationData(
                name=f"Org {number}", country=["KE", "IN", "BR"][number % 3], region_id=region_id("africa"),
                topics=["srhr", "unpaid-care"], description={"en": "About"}))
        db.session.commit()
    for number in range(6):
        user_id, _email = make_user(display_name=f"Listed {number}")
        people[f"Listed {number}"] = (user_id, _email)
        publish(app, people, f"Listed {number}", country=["KE", "IN", "BR"][number % 3], topics=["srhr", "srhr"])
    after = {path: statements(path) for path in before}
    assert after == before


def test_no_template_of_the_directory_marks_text_safe():
    folder = Path(__file__).parent.parent / "colab" / "templates" / "directory"
    assert not [path.name for path in folder.rglob("*.*") if re.search(r"\|\s*safe\b", path.read_text())]


# --- every route x every role ----------------------------------------------------------------------------------

# "member" is signed in with no profile; "owner" owns {profile} and received {message}; "focal" is a focal point
# of africa. {hidden} is an unpublished profile, {closed} one that takes no messages, {org} an organisation of
# africa, {asia_org} one of asia, {unpublished_org} an unpublished one of asia, {block} one of the owner's blocks.
# 302 for "anonymous" means "sent to sign in".
ROLES = ("anonymous", "member", "owner", "focal", "admin")
ACTORS = {"member": "Amara", "owner": "Bola", "focal": "Zola", "admin": "Sec"}
ME = {"display_name": "Someone new", "country": "GH", "visibility": "members"}
ORG = {"name": "Org", "country": "KE", "region": "{africa}"}

ROUTES = [
    ("people", "GET", "/directory/", None, "302 200 200 200 200"),
    ("people filtered", "GET", "/directory/?country=KE&topic=srhr&page=2", None, "302 200 200 200 200"),
    ("people: junk country", "GET", "/directory/?country=ZZ", None, "302 404 404 404 404"),
    ("map", "GET", "/directory/map", None, "302 200 200 200 200"),
    ("map of organisations", "GET", "/directory/map?show=organisations", None, "302 200 200 200 200"),
    ("my profile", "GET", "/directory/me", None, "302 200 200 200 200"),
    ("save my profile", "POST", "/directory/me", ME, "302 302 302 302 302"),
    ("save: junk country", "POST", "/directory/me", {**ME, "country": "ZZ"}, "302 400 400 400 400"),
    ("hide my profile", "POST", "/directory/me/hide", {}, "302 302 302 302 302"),
    ("delete my profile", "POST", "/directory/me/delete", {}, "302 302 302 302 302"),
    ("a profile", "GET", "/directory/people/{profile}", None, "302 200 200 200 200"),
    ("an unpublished profile", "GET", "/directory/people/{hidden}", None, "302 404 404 404 404"),
    ("an unknown profile", "GET", "/directory/people/999999", None, "302 404 404 404 404"),
    ("write", "GET", "/directory/people/{profile}/message", None, "302 200 403 200 200"),
    ("send", "POST", "/directory/people/{profile}/message", {"body": "Hi"}, "302 302 403 302 302"),
    ("send to an unpublished profile", "POST", "/directory/people/{hidden}/message", {"body": "Hi"},
     "302 404 404 404 404"),
    ("write to a closed profile", "GET", "/directory/people/{closed}/message", None, "302 200 200 200 200"),
    ("send to a closed profile", "POST", "/directory/people/{closed}/message", {"body": "Hi"},
     "302 403 403 403 403"),
    ("read a message", "GET", "/directory/messages/{message}/reply", None, "302 404 200 404 404"),
    ("answer it", "POST", "/directory/messages/{message}/reply", {"body": "Hi"}, "302 404 302 404 404"),
    ("block a profile: ask", "GET", "/directory/people/{profile}/block", None, "302 200 403 200 200"),
    ("block a profile", "POST", "/directory/people/{profile}/block", {}, "302 302 403 302 302"),
    ("block a hidden profile", "POST", "/directory/people/{hidden}/block", {}, "302 404 404 404 404"),
    ("block a sender: ask", "GET", "/directory/messages/{message}/block", None, "302 404 200 404 404"),
    ("block a sender", "POST", "/directory/messages/{message}/block", {}, "302 404 302 404 404"),
    ("blocks", "GET", "/directory/blocks", None, "302 200 200 200 200"),
    ("unblock", "POST", "/directory/blocks/{block}/delete", {}, "302 404 302 404 404"),
    ("organisations", "GET", "/directory/organisations/", None, "302 200 200 200 200"),
    ("unpublished organisations", "GET", "/directory/organisations/?show=unpublished", None,
     "302 404 404 200 200"),
    ("organisations: junk region", "GET", "/directory/organisations/?region=999999", None, "302 404 404 404 404"),
    ("add an organisation: form", "GET", "/directory/organisations/new", None, "302 403 403 200 200"),
    ("add an organisation", "POST", "/directory/organisations/new", ORG, "302 403 403 302 302"),
    ("add one of another region", "POST", "/directory/organisations/new", {**ORG, "region": "{asia}"},
     "302 403 403 400 302"),
    ("edit an organisation: form", "GET", "/directory/organisations/{org}/edit", None, "302 403 403 200 200"),
    ("edit an organisation", "POST", "/directory/organisations/{org}/edit", ORG, "302 403 403 302 302"),
    ("edit another region's", "GET", "/directory/organisations/{asia_org}/edit", None, "302 403 403 403 200"),
    ("edit an unpublished one", "GET", "/directory/organisations/{unpublished_org}/edit", None,
     "302 404 404 404 200"),
    ("unpublish", "POST", "/directory/organisations/{org}/unpublish", {}, "302 403 403 302 302"),
    ("publish again", "POST", "/directory/organisations/{unpublished_org}/publish", {}, "302 404 404 404 302"),
]


def _places(app, people):
    """Fresh targets for one row: Bola's profile published, a message to Bola, organisations, a block by Bola."""
    with app.app_context():
        def save(name, **fields):
            data = {"display_name": name, "country": "KE", **fields}
            return service.save_profile(user(people, name), service.ProfileData(**data)).id
        africa, asia = region_id("africa"), region_id("asia")
        places = {"profile": save("Bola", published=True), "hidden": save("Nia", published=False),
                  "closed": save("Chen", published=True, accepts_messages=False), "africa": africa, "asia": asia}
        message = DirectoryMessage(sender_id=people["Chen"][0], recipient_id=people["Bola"][0], body="Hello")
        db.session.add(message)
        admin_user = user(people, "Sec")
        def enter(name, country, region):
            return organisations.create_organisation(admin_user, organisations.OrganisationData(name, country, region))
        org, asia_org = enter("Africa org", "KE", africa), enter("Asia org", "IN", asia)
        unpublished = enter("Gone org", "IN", asia)
        unpublished.published = False
        block = DirectoryBlock(blocker_id=people["Bola"][0], blocked_id=people["Nia"][0])
        db.session.add(block)
        db.session.commit()
        return {**places, "message": message.id, "org": org.id, "asia_org": asia_org.id,
                "unpublished_org": unpublished.id, "block": block.id}


def _clear(app):
    with app.app_context():
        db.session.execute(db.delete(DirectoryBlock))
        db.session.execute(db.delete(DirectoryMessage))
        db.session.execute(db.delete(Organisation))
        db.session.commit()


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(app, client, auth, people, role):
    """Each row gets fresh targets. No page shows anyone's email."""
    if role != "anonymous":
        sign_in(auth, people, ACTORS[role])
    token = client.csrf_token()
    emails = [address for _id, address in people.values()]
    actual, expected, leaks = {}, {}, []
    for name, method, url, data, codes in ROUTES:
        _clear(app)
        places = _places(app, people)
        target = url.format(**places)
        if method == "GET":
            response = client.get(target)
        else:
            body = {key: (value.format(**places) if isinstance(value, str) else value)
                    for key, value in (data or {}).items()}
            response = client.post(target, data={"csrf_token": token, **body}, csrf=False)
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        leaks += [f"{name}: {address}" for address in emails if address in response.get_data(as_text=True)]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    placeholders = dict.fromkeys(("profile", "hidden", "closed", "message", "block", "org", "asia_org",
                                  "unpublished_org", "africa", "asia"), 1)
    covered = {(adapter.match(url.format(**placeholders).split("?")[0], method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"
