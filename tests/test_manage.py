"""Admins and focal points create, edit and archive communities, and run a region's page: focal points,
communities with their facilitators, cohorts. Every change is written to the audit log."""
import html
import re
from datetime import date

import factories
import pytest
from html_safety import ATTACKS, dangerous_markup
from sqlalchemy.orm import selectinload

from colab.accounts.models import Region, User
from colab.admin.models import AdminAct, AdminAction
from colab.cohorts import service as cohorts
from colab.communities import service
from colab.communities.models import Cohort, Community, FocalPoint, Membership, Pacing, Post, Role
from colab.extensions import db
from colab.i18n import LANGUAGES
from colab.models_base import utcnow

POSTGRESQL = False  # the community settings pages (see conftest.py)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def community_form(slug=None, kind="regional", region="africa", members_only=False, premoderate="0", **texts):
    """The fields of the community form; texts: name_en="…", description_es="…", agreements_en="…"."""
    data = {"kind": kind, "region": region, "premoderate_posts": premoderate}
    if slug is not None:
        data["slug"] = slug
    if members_only:
        data["members_only"] = "y"
    for code in LANGUAGES:
        for part in ("name", "description", "agreements"):
            data[f"texts_{code}-{part}"] = texts.get(f"{part}_{code}", "")
    return data


def audit(app, action=None):
    """[(action, community slug or None, subject display name or None, reason)] in the order written."""
    with app.app_context():
        query = db.select(AdminAction).order_by(AdminAction.id)
        if action is not None:
            query = query.filter_by(action=action)
        return [(row.action, row.community.slug if row.community else None,
                 row.subject.display_name if row.subject else None, row.reason)
                for row in db.session.scalars(query)]


def community(app, slug):
    with app.app_context():
        found = db.session.scalar(db.select(Community).filter_by(slug=slug).options(selectinload(Community.region)))
        if found is not None:
            db.session.expunge(found)
        return found


# --- the route x role table -----------------------------------------------------------------------------------

ROLES = ("anonymous", "learner", "facilitator", "focal", "other_focal", "admin")
# Expected status per role in ROLES order; 302 for "anonymous" means "sent to sign in".
LEADS_200 = "302 403 403 200 403 200"  # the region's focal points and admins
LEADS_302 = "302 403 403 302 403 302"
ADMINS_302 = "302 403 403 403 403 302"
FOCAL_AND_ADMINS_200 = "302 403 403 200 200 200"  # any focal point, admins
HIDDEN = "302 404 404 404 404 404"

EDIT = "/manage/communities/{slug}"
REGION = "/manage/regions/africa"
# (name, method, url, form data, expected codes)
ROUTES = [
    ("new community form", "GET", "/manage/communities/new", {}, FOCAL_AND_ADMINS_200),
    # another region's focal point may not place a community in africa: the form says so
    ("create a community", "POST", "/manage/communities/new",
     community_form("new-{slug}", name_en="New circle"), "302 403 403 302 400 302"),
    ("edit form", "GET", EDIT + "/edit", {}, LEADS_200),
    ("edit", "POST", EDIT + "/edit", community_form(name_en="Renamed circle"), LEADS_302),
    ("archive", "POST", EDIT + "/archive", {"reason": "The cohort ended"}, LEADS_302),
    ("reopen", "POST", EDIT + "/reopen", {"reason": "A new cohort"}, LEADS_302),
    ("archive with no reason", "POST", EDIT + "/archive", {"reason": ""}, "302 403 403 400 403 400"),
    ("unknown community", "GET", "/manage/communities/no-such-circle/edit", {}, HIDDEN),
    ("facilitators", "GET", EDIT + "/facilitators?q=Bong", {}, LEADS_200),
    ("appoint a facilitator", "POST", EDIT + "/facilitators/{member}", {}, LEADS_302),
    ("remove a facilitator", "POST", EDIT + "/facilitators/{facilitator}/remove", {}, LEADS_302),
    ("appoint someone not a member", "POST", EDIT + "/facilitators/{outsider}", {}, "302 403 403 404 403 404"),
    ("regions", "GET", "/manage/regions/", {}, FOCAL_AND_ADMINS_200),
    ("region", "GET", REGION, {}, LEADS_200),
    ("region with a people search", "GET", REGION + "?q=bongani", {}, LEADS_200),
    ("unknown region", "GET", "/manage/regions/atlantis", {}, HIDDEN),
    ("appoint a focal point", "POST", REGION + "/focal-points/{member}", {}, ADMINS_302),
    ("remove a focal point", "POST", REGION + "/focal-points/{fatou}/remove", {}, ADMINS_302),
    ("appoint nobody", "POST", REGION + "/focal-points/0/remove", {}, "302 403 403 403 403 404"),
]


@pytest.fixture
def cast(make_user, community_kit, auth):
    """The people of the table; signs in as one role and returns everyone's ids and emails."""
    def sign_in_as(role):
        people = {key: make_user(display_name=name, email=f"{key}.private@example.org")
                  for key, name in (("member", "Bongani"), ("facilitator_person", "Chidi"),
                                    ("outsider", "Dara"), ("fatou", "Fatou"))}
        community_kit.focal_point(people["fatou"][0], "africa")
        if role not in ("anonymous", "facilitator"):
            people[role] = make_user(display_name=f"Actor {role}", email=f"actor.{role}@example.org",
                                     is_admin=role == "admin")
        if role == "focal":
            community_kit.focal_point(people[role][0], "africa")
        if role == "other_focal":
            community_kit.focal_point(people[role][0], "asia")
        acting = {"facilitator": "facilitator_person"}.get(role, role)
        if role != "anonymous":
            assert auth.sign_in(people[acting][1]).status_code == 302
        return people
    return sign_in_as


def build_world(community_kit, people, n):
    """A fresh regional community of africa with a member and a facilitator."""
    slug = community_kit.community(f"circle-{n}", "regional", region="africa")
    community_kit.member(people["member"][0], slug)
    community_kit.member(people["facilitator_person"][0], slug, role="facilitator")
    return {"slug": slug, "member": people["member"][0], "facilitator": people["facilitator_person"][0],
            "outsider": people["outsider"][0], "fatou": people["fatou"][0]}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(client, cast, community_kit, role):
    people = cast(role)
    token = client.csrf_token()
    actual, expected, leaks = {}, {}, []
    others = [email for key, (_id, email) in people.items() if key != role]
    for n, (name, method, url, data, codes) in enumerate(ROUTES):
        world = build_world(community_kit, people, n)
        url = url.format(**world)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token,
                                              **{key: value.format(**world) for key, value in data.items()}})
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        if role != "admin":  # nobody but an admin reads another person's email address here
            leaks += [f"{name}: {email}" for email in others if email in text(response)]
    assert actual == expected
    assert leaks == []


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route of "manage" fails here until it has a row in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    ids = {"slug": "x", "member": 1, "facilitator": 1, "outsider": 1, "fatou": 1}
    covered = {(adapter.match(url.split("?")[0].format(**ids), method=method)[0], method)
               for _name, method, url, *_ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("manage.") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"


# --- creating -------------------------------------------------------------------------------------------------

@pytest.fixture
def focal(make_user, community_kit, auth):
    """Signs in a focal point of africa; returns their id."""
    user_id, email = make_user(display_name="Fatou", email="fatou@example.org")
    community_kit.focal_point(user_id, "africa")
    auth.sign_in(email)
    return user_id


@pytest.fixture
def admin(auth):
    return auth.as_new_user(display_name="Secretariat", is_admin=True)[0]


def test_an_admin_creates_a_cross_regional_community_in_both_languages(app, client, admin):
    response = client.post("/manage/communities/new", data=community_form(
        "global-fathers", kind="cross-regional", region="", members_only=True, premoderate="2",
        name_en="Fathers' circle", name_es="Círculo de padres", description_en="Caring fathers",
        description_es="Padres que cuidan", agreements_en="1. **Listen** first.",
        agreements_es="1. **Escucha** primero."))
    assert response.status_code == 302
    assert response.location.endswith("/communities/global-fathers/")
    made = community(app, "global-fathers")
    assert (made.kind, made.region_id, made.members_only, made.premoderate_posts) == (
        "cross-regional", None, True, 2)
    assert made.name == {"en": "Fathers' circle", "es": "Círculo de padres"}
    assert made.agreements_html["en"] == "<ol>\n<li><strong>Listen</strong> first.</li>\n</ol>"
    assert "Fathers' circle" in text(client.get("/communities/"))
    assert "<strong>Listen</strong> first." in text(client.get("/communities/global-fathers/agreements"))
    assert audit(app) == [(AdminAct.CREATE_COMMUNITY, "global-fathers", None, "")]
    assert "Created the community" in text(client.get("/admin/audit"))


def test_a_language_left_blank_falls_back_and_blank_agreements_are_the_alliances(app, client, focal):
    form = community_form("listening-circle", name_en="Listening circle", description_en="We listen")
    response = client.post("/manage/communities/new", data=form)
    assert response.status_code == 302
    made = community(app, "listening-circle")
    assert made.name == {"en": "Listening circle"} and made.region.slug == "africa"
    assert set(made.agreements_html) == {"en", "es", "fr"}  # the alliance's, in each language
    client.post("/language", data={"lang": "es"})
    with app.app_context():
        db.session.get(User, focal).locale = "es"
        db.session.commit()
    page = text(client.get("/communities/listening-circle/"))
    assert "Listening circle" in page and "We listen" in page


def test_the_new_community_form_starts_with_the_alliances_agreements(client, focal):
    page = text(client.get("/manage/communities/new"))
    assert "Speak from your own experience" in page and "Habla desde tu propia experiencia" in page
    # a focal point chooses among their own regions only
    region_select = re.search(r'<select[^>]*name="region".*?</select>', page, re.S).group(0)
    assert "Africa" in region_select and "Asia" not in region_select and 'value=""' not in region_select


@pytest.mark.parametrize("region, message", [
    ("asia", "You can only place a community in a region you are a focal point for."),
    ("", "Choose one of your regions."),
    ("atlantis", "Choose a region from the list."),
])
def test_a_focal_point_creates_only_in_their_region(app, client, focal, region, message):
    response = client.post("/manage/communities/new", data=community_form(
        "elsewhere", region=region, name_en="Elsewhere"))
    assert response.status_code == 400
    assert message in text(response)
    assert community(app, "elsewhere") is None
    assert audit(app) == []


def test_validation_errors_keep_every_typed_value_in_every_language(app, client, admin, community_kit):
    community_kit.community("taken")
    typed = {"name_es": "Círculo <de> padres", "description_en": "Fathers who care & share",
             "description_es": "Padres que cuidan", "agreements_en": "Be kind, \"always\"",
             "agreements_es": "Sé amable"}
    # no English name, a slug already taken
    response = client.post("/manage/communities/new", data=community_form(
        "taken", kind="thematic", region="asia", members_only=True, premoderate="3", **typed))
    page = text(response)
    assert response.status_code == 400
    assert "Give the community a name in English." in page
    assert "Another community already has this address." not in page  # one step at a time: the form first
    for value in typed.values():
        assert value in page
    assert 'value="taken"' in page and 'value="3"' in page
    assert re.search(r'<option selected value="asia">|<option value="asia" selected>', page)
    assert re.search(r'id="members_only"[^>]*checked|checked[^>]*id="members_only"', page)
    # now with the name: the taken address
    response = client.post("/manage/communities/new", data=community_form(
        "taken", kind="thematic", region="asia", name_en="Fathers", **typed))
    assert response.status_code == 400
    assert "Another community already has this address. Choose another one." in text(response)
    assert "Círculo <de> padres" in text(response)
    assert audit(app) == []


@pytest.mark.parametrize("slug", ["Upper", "with space", "a--b", "-edge", "ünï", "x"])
def test_an_address_is_lowercase_letters_digits_and_hyphens(app, client, admin, slug):
    response = client.post("/manage/communities/new", data=community_form(slug, name_en="Circle"))
    assert response.status_code == 400
    assert "Use lowercase letters, digits and single hyphens only" in text(response) or \
        "between 2 and 80 characters" in text(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Community)) == 0


def test_a_regional_community_needs_a_region(app, client, admin):
    response = client.post("/manage/communities/new", data=community_form("nowhere", region="", name_en="Nowhere"))
    assert response.status_code == 400
    assert "A regional community needs a region." in text(response)


# --- editing --------------------------------------------------------------------------------------------------

def test_a_focal_point_edits_their_regions_community(app, client, focal, community_kit):
    slug = community_kit.community("circle", "regional", region="africa")
    form_page = text(client.get(f"/manage/communities/{slug}/edit"))
    assert 'value="circle community"' in form_page and "comunidad circle" in form_page
    assert "Speak from your own experience" in form_page  # the alliance's agreements, ready to adapt
    response = client.post(f"/manage/communities/{slug}/edit", data=community_form(
        name_en="circle community", name_es="Círculo nuevo", description_en="About circle",
        description_es="Sobre circle", members_only=True,
        agreements_en="Our own agreement.", agreements_es=""))
    assert response.status_code == 302
    edited = community(app, slug)
    assert edited.name == {"en": "circle community", "es": "Círculo nuevo"} and edited.members_only
    assert edited.agreements_html == {"en": "<p>Our own agreement.</p>"}
    [(act, where, subject, reason)] = audit(app)
    assert (act, where, subject) == (AdminAct.EDIT_COMMUNITY, slug, None)
    assert reason == "members only; name (es); agreements (en, es, fr)"
    assert "Our own agreement." in text(client.get(f"/communities/{slug}/agreements"))


def test_saving_an_unchanged_community_writes_nothing(app, client, focal, community_kit):
    slug = community_kit.community("circle", "regional", region="africa")
    page = client.get(f"/manage/communities/{slug}/edit")
    assert page.status_code == 200
    response = client.post(f"/manage/communities/{slug}/edit", data=community_form(
        name_en="circle community", name_es="comunidad circle", description_en="About circle",
        description_es="Sobre circle", **{f"agreements_{code}": text for code, text in
                                         service.DEFAULT_AGREEMENTS.items()}))
    assert response.status_code == 302
    assert "Nothing changed." in text(client.get(response.location))
    assert audit(app) == []


def test_custom_agreements_come_back_as_written_to_edit_in_place(app, client, admin, community_kit):
    with app.app_context():
        service.create_community("custom", "thematic", {"en": "Custom"}, {}, agreements={"en": "Be *gentle*."})
        db.session.commit()
    page = text(client.get("/manage/communities/custom/edit"))
    assert "Be *gentle*." in page and "Leave the field below blank to keep these agreements" not in page
    response = client.post("/manage/communities/custom/edit", data=community_form(
        kind="thematic", region="", name_en="Custom", agreements_en="Be *gentle*, always."))
    assert response.status_code == 302
    edited = community(app, "custom")
    assert edited.agreements_source == {"en": "Be *gentle*, always."}
    assert edited.agreements_html == {"en": "<p>Be <em>gentle</em>, always.</p>"}


def test_agreements_whose_markdown_is_unknown_are_kept_when_left_blank(app, client, admin, community_kit):
    with app.app_context():
        legacy = service.create_community("custom", "thematic", {"en": "Custom"}, {}, agreements={"en": "Be *gentle*."})
        legacy.agreements_source = {}  # made before the Markdown was kept
        db.session.commit()
    page = text(client.get("/manage/communities/custom/edit"))
    assert "<em>gentle</em>" in page and "Leave the field below blank to keep these agreements" in page
    response = client.post("/manage/communities/custom/edit", data=community_form(
        kind="thematic", region="", name_en="Custom circle"))
    assert response.status_code == 302
    assert community(app, "custom").agreements_html == {"en": "<p>Be <em>gentle</em>.</p>"}
    assert audit(app)[0][3] == "name (en)"


def test_a_focal_point_cannot_move_a_community_out_of_their_region(app, client, focal, community_kit):
    slug = community_kit.community("circle", "regional", region="africa")
    for region, message in (("asia", "You can only place a community in a region you are a focal point for."),
                            ("", "Choose one of your regions.")):
        response = client.post(f"/manage/communities/{slug}/edit", data=community_form(
            region=region, kind="thematic", name_en="Moved"))
        assert response.status_code == 400
        assert message in text(response)
        assert "Moved" in text(response)
    moved = community(app, slug)
    assert moved.region.slug == "africa" and moved.name["en"] == "circle community"
    assert audit(app) == []


def test_an_admin_moves_a_community_and_the_log_says_where(app, client, admin, community_kit):
    slug = community_kit.community("circle", "regional", region="africa")
    response = client.post(f"/manage/communities/{slug}/edit", data=community_form(
        region="asia", name_en="circle community", name_es="comunidad circle", description_en="About circle",
        description_es="Sobre circle", premoderate="1"))
    assert response.status_code == 302
    assert community(app, slug).region.slug == "asia"
    assert audit(app)[0][3].startswith("region: Africa → Asia; posts held for review: 0 → 1")


@pytest.mark.parametrize("role", ["other_focal", "learner", "facilitator"])
def test_others_cannot_create_edit_or_archive(app, client, make_user, community_kit, auth, role):
    slug = community_kit.community("circle", "regional", region="africa")
    user_id, email = make_user(display_name="Someone")
    if role == "other_focal":
        community_kit.focal_point(user_id, "asia")
    if role == "facilitator":
        community_kit.member(user_id, slug, role="facilitator")
    auth.sign_in(email)
    assert client.get(f"/manage/communities/{slug}/edit").status_code == 403
    assert client.post(f"/manage/communities/{slug}/edit", data=community_form(name_en="Mine")).status_code == 403
    assert client.post(f"/manage/communities/{slug}/archive", data={"reason": "x"}).status_code == 403
    assert client.get("/manage/regions/africa").status_code == 403
    created = client.post("/manage/communities/new", data=community_form("mine", name_en="Mine"))
    assert created.status_code == (400 if role == "other_focal" else 403)
    assert "Edit" not in text(client.get(f"/communities/{slug}/")).split("Threads")[0]
    assert community(app, slug).archived_at is None and community(app, "mine") is None
    assert audit(app) == []


# --- archiving ------------------------------------------------------------------------------------------------

def test_an_archived_community_is_read_only_and_listed_last(app, client, make_user, community_kit, auth):
    focal_id, focal_email = make_user(display_name="Fatou")
    community_kit.focal_point(focal_id, "africa")
    member_id, member_email = make_user(display_name="Amara")
    newcomer_id, newcomer_email = make_user(display_name="Nia")
    slug = community_kit.community("old-circle", "regional", region="africa")
    community_kit.community("zz-open")
    community_kit.member(member_id, slug)
    thread_id = community_kit.thread(member_id, slug, "Before", "Written before")
    auth.sign_in(focal_email)
    response = client.post(f"/manage/communities/{slug}/archive", data={"reason": "The cohort ended"})
    assert response.status_code == 302
    assert community(app, slug).archived_at is not None
    assert audit(app) == [(AdminAct.ARCHIVE_COMMUNITY, slug, None, "The cohort ended")]

    auth.sign_out()
    auth.sign_in(newcomer_email)
    listing = text(client.get("/communities/"))
    assert listing.index("zz-open community") < listing.index("Archived communities") < listing.index(
        "old-circle community")
    page = text(client.get(f"/communities/{slug}/"))
    assert "It is read-only" in page and "Join this community" not in page and "Written before" not in page
    assert "Before" in page  # still readable
    assert client.post(f"/communities/{slug}/join").status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(Membership).filter_by(user_id=newcomer_id)) is None

    auth.sign_out()
    auth.sign_in(member_email)
    assert "Start a thread" not in text(client.get(f"/communities/{slug}/"))
    assert client.post(f"/communities/{slug}/threads/new", data={"title": "After", "body": "New"}).status_code == 403
    reply = client.post(f"/communities/{slug}/threads/{thread_id}/reply", data={"body": "A late reply"})
    assert reply.status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1

    auth.sign_out()
    auth.sign_in(focal_email)
    assert client.post(f"/manage/communities/{slug}/reopen", data={"reason": "A new cohort"}).status_code == 302
    assert community(app, slug).archived_at is None
    assert audit(app, AdminAct.REOPEN_COMMUNITY) == [(AdminAct.REOPEN_COMMUNITY, slug, None, "A new cohort")]
    auth.sign_out()
    auth.sign_in(newcomer_email)
    assert client.post(f"/communities/{slug}/join").status_code == 302


def test_archiving_needs_a_reason(app, client, admin, community_kit):
    slug = community_kit.community("circle")
    response = client.post(f"/manage/communities/{slug}/archive", data={"reason": "  "})
    assert response.status_code == 400
    assert "Give the reason." in text(response)
    assert community(app, slug).archived_at is None and audit(app) == []


# --- what people write is made safe ---------------------------------------------------------------------------

def test_agreements_names_and_descriptions_come_out_harmless(app, client, admin, make_user, community_kit, auth):
    for n, attack in enumerate(ATTACKS):
        response = client.post("/manage/communities/new", data=community_form(
            f"attack-{n}", kind="thematic", region="", name_en=f"Circle {attack}"[:120],
            description_en=attack, agreements_en=attack, agreements_es=attack))
        assert response.status_code == 302, attack
    pages = ["/communities/", "/manage/regions/", "/admin/audit"]
    for n in range(len(ATTACKS)):
        pages += [f"/communities/attack-{n}/", f"/communities/attack-{n}/agreements",
                  f"/manage/communities/attack-{n}/edit", f"/manage/communities/attack-{n}/facilitators"]
    problems = {page: dangerous_markup(client.get(page).get_data(as_text=True)) for page in pages}
    assert {page: found for page, found in problems.items() if found} == {}
    # what failed validation comes back escaped too
    response = client.post("/manage/communities/new", data=community_form(
        "Bad Slug", name_en=ATTACKS[0], agreements_en=ATTACKS[1]))
    assert response.status_code == 400 and dangerous_markup(response.get_data(as_text=True)) == []


# --- facilitators ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lead", ["focal", "admin"])
def test_a_region_lead_appoints_and_removes_a_facilitator_from_the_members(app, client, make_user, community_kit,
                                                                            auth, lead):
    lead_id, lead_email = make_user(display_name="Lead", is_admin=lead == "admin")
    if lead == "focal":
        community_kit.focal_point(lead_id, "africa")
    member_id, member_email = make_user(display_name="Bongani Khumalo", email="bongani.private@example.org")
    outsider_id, _ = make_user(display_name="Bongani Other")
    slug = community_kit.community("circle", "regional", region="africa")
    community_kit.member(member_id, slug)
    auth.sign_in(lead_email)
    found = text(client.get(f"/manage/communities/{slug}/facilitators?q=bongani"))
    assert "Bongani Khumalo" in found and "Bongani Other" not in found  # members only
    assert "bongani.private@example.org" not in found
    assert client.post(f"/manage/communities/{slug}/facilitators/{member_id}").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Membership.role).filter_by(user_id=member_id)) == Role.FACILITATOR
    region_page = text(client.get("/manage/regions/africa"))
    assert "Remove Bongani Khumalo as facilitator" in region_page
    response = client.post(f"/manage/communities/{slug}/facilitators/{member_id}/remove",
                           data={"next": "/manage/regions/africa"})
    assert response.status_code == 302 and response.location.endswith("/manage/regions/africa")
    with app.app_context():
        assert db.session.scalar(db.select(Membership.role).filter_by(user_id=member_id)) == Role.MEMBER
    assert audit(app) == [(AdminAct.APPOINT_FACILITATOR, slug, "Bongani Khumalo", ""),
                          (AdminAct.REMOVE_FACILITATOR, slug, "Bongani Khumalo", "")]
    assert client.post(f"/manage/communities/{slug}/facilitators/{outsider_id}").status_code == 404


def test_a_focal_point_cannot_appoint_themselves_or_in_another_region(app, client, focal, make_user,
                                                                       community_kit):
    here = community_kit.community("here", "regional", region="africa")
    there = community_kit.community("there", "regional", region="asia")
    member_id, _ = make_user(display_name="Member")
    community_kit.member(member_id, there)
    community_kit.member(focal, here)
    assert client.post(f"/manage/communities/{there}/facilitators/{member_id}").status_code == 403
    assert client.post(f"/manage/communities/{here}/facilitators/{focal}").status_code == 403
    assert audit(app) == []


# --- a region's page ------------------------------------------------------------------------------------------

def test_an_admin_appoints_and_removes_a_focal_point_from_the_regions_page(app, client, admin, make_user):
    person_id, _ = make_user(display_name="Nomvula", email="nomvula@example.org")
    assert "Regions" in text(client.get("/admin/users"))
    page = text(client.get("/manage/regions/africa?q=nomvula@"))
    assert "Nomvula" in page and "nomvula@example.org" in page and "Appoint Nomvula" in page
    assert "Nomvula" in text(client.get("/manage/regions/africa?q=nomv"))
    assert client.post(f"/manage/regions/africa/focal-points/{person_id}").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(FocalPoint.user_id)) == person_id
    assert "Remove Nomvula as focal point" in text(client.get("/manage/regions/africa"))
    assert client.post(f"/manage/regions/africa/focal-points/{person_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(FocalPoint.user_id)) is None
        africa = db.session.scalar(db.select(Region.id).filter_by(slug="africa"))
        assert db.session.scalars(db.select(AdminAction.region_id)).all() == [africa, africa]
    assert [row[0] for row in audit(app)] == [AdminAct.APPOINT_FOCAL_POINT, AdminAct.REMOVE_FOCAL_POINT]


def test_a_focal_point_sees_their_regions_people_communities_and_cohorts(app, client, focal, make_user,
                                                                         community_kit, content):
    colleague_id, _ = make_user(display_name="Kwame", email="kwame.private@example.org")
    community_kit.focal_point(colleague_id, "africa")
    facilitator_id, _ = make_user(display_name="Zola", email="zola.private@example.org")
    here = community_kit.community("here", "regional", region="africa")
    community_kit.community("there", "regional", region="asia")
    community_kit.member(facilitator_id, here, role="facilitator")
    with app.app_context():
        cohort = cohorts.create_cohort(db.session.get(User, focal), service.find_community(here), factories.course(),
                                       "Spring listeners", date(2030, 3, 1), date(2030, 5, 1), ["en"], "UTC",
                                       Pacing.SELF_PACED)
        db.session.commit()
        cohort_id = cohort.id
    index = text(client.get("/manage/regions/"))
    assert "Africa" in index and "Asia" not in index
    page = text(client.get("/manage/regions/africa?q=kwame"))
    assert "Kwame" in page and "Zola" in page and "here community" in page and "there community" not in page
    assert "Spring listeners" in page and f"/communities/{here}/cohorts/{cohort_id}/" in page
    assert "Listening basics" in page
    assert "private@example.org" not in page  # no emails, and no people search, for focal points
    assert "Appoint a focal point" not in page and "Remove Kwame" not in page
    assert client.get("/manage/regions/asia").status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Cohort)) == 1


def test_the_community_list_offers_new_community_to_those_who_may(client, auth, make_user, community_kit):
    auth.as_new_user(display_name="Learner")
    assert "New community" not in text(client.get("/communities/"))
    auth.sign_out()
    focal_id, email = make_user(display_name="Fatou")
    community_kit.focal_point(focal_id, "africa")
    auth.sign_in(email)
    page = text(client.get("/communities/"))
    assert "New community" in page and "/manage/regions/" in page


def test_every_change_is_in_the_audit_log_with_when(app, client, admin, make_user, community_kit):
    """One journey through the page's acts; the audit page reads every row."""
    member_id, _ = make_user(display_name="Amara")
    client.post("/manage/communities/new", data=community_form("journey", name_en="Journey"))
    community_kit.member(member_id, "journey")
    client.post("/manage/communities/journey/edit", data=community_form(name_en="Journey on"))
    client.post("/manage/communities/journey/facilitators/" + str(member_id))
    client.post(f"/manage/communities/journey/facilitators/{member_id}/remove")
    client.post("/manage/communities/journey/archive", data={"reason": "Done"})
    client.post("/manage/communities/journey/reopen", data={"reason": "Again"})
    client.post(f"/manage/regions/asia/focal-points/{member_id}")
    acts = [row[0] for row in audit(app)]
    assert acts == [AdminAct.CREATE_COMMUNITY, AdminAct.EDIT_COMMUNITY, AdminAct.APPOINT_FACILITATOR,
                    AdminAct.REMOVE_FACILITATOR, AdminAct.ARCHIVE_COMMUNITY, AdminAct.REOPEN_COMMUNITY,
                    AdminAct.APPOINT_FOCAL_POINT]
    page = text(client.get("/admin/audit"))
    for label in ("Created the community", "Edited the community", "Archived the community",
                  "Reopened the community", "Appointed facilitator", "Appointed focal point"):
        assert label in page
    with app.app_context():
        assert all(row.created_at <= utcnow() for row in db.session.scalars(db.select(AdminAction)))
