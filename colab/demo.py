"""Demo accounts for trying Co-Lab locally; the README lists their credentials."""
from datetime import date

from .accounts import service as accounts
from .communities import service as communities
from .courses import service as courses
from .demo_dialogues import DIALOGUES
from .extensions import db

DEMO_PASSWORD = "together-for-change"
DEMO_USERS = [
    # email, display name, locale, time zone, region slug, admin
    ("learner@colab.example", "Amani K.", "en", "Africa/Nairobi", "africa", False),
    ("aprendiz@colab.example", "Luz M.", "es", "America/Bogota", "latin-america", False),
    ("facilitator@colab.example", "Tendai M.", "en", "Africa/Harare", "africa", False),
    ("focal@colab.example", "Wanjiru N.", "en", "Africa/Nairobi", "africa", False),
    ("admin@colab.example", "Ingrid S.", "en", "Europe/Amsterdam", "europe", True),
]
LEARNERS = ("learner@colab.example", "aprendiz@colab.example")

REGIONAL = {
    "africa": ("Africa", "África"), "asia": ("Asia", "Asia"), "caribbean": ("Caribbean", "Caribe"),
    "europe": ("Europe", "Europa"), "latin-america": ("Latin America", "América Latina"),
    "mena": ("Middle East and North Africa", "Medio Oriente y Norte de África"),
    "north-america": ("North America", "América del Norte"),
}
CIRCLES = [
    ("sogiesc-circle", {"en": "SOGIESC learning circle", "es": "Círculo de aprendizaje sobre OSIEGCS"},
     {"en": "Learning together about sexual orientation, gender identity and expression, and sex characteristics.",
      "es": "Aprender en comunidad sobre orientación sexual, identidad y expresión de género y características sexuales."},
     True),
    ("feminist-peace-circle", {"en": "Feminist peace learning circle", "es": "Círculo de aprendizaje sobre paz feminista"},
     {"en": "Militarism, masculinities and feminist approaches to peace and security.",
      "es": "Militarismo, masculinidades y enfoques feministas de la paz y la seguridad."},
     False),
]


def load_demo():
    """Create the demo accounts once, with a little progress; return False if they exist."""
    if accounts.find_by_email(DEMO_USERS[0][0]):
        return False
    accounts.ensure_regions()
    regions = {region.slug: region.id for region in accounts.regions()}
    first_course = next(iter(courses.catalogue()), None)
    users = {}
    for email, name, locale, timezone, region, is_admin in DEMO_USERS:
        user = users[email] = accounts.create_user(email, name, DEMO_PASSWORD, locale, timezone,
                                                   regions.get(region), is_admin)
        if first_course and email in LEARNERS:
            first_lesson = courses.outline(first_course).first_unfinished()
            if first_lesson:
                courses.set_completed(user, first_lesson)
    _load_communities(users, regions, first_course)
    db.session.flush()
    return True


def _load_communities(users, regions, course):
    """Regional communities, two learning circles, a dialogue space, a cohort and four dialogues per language."""
    created = {}
    for slug, (en, es) in REGIONAL.items():
        created[slug] = communities.create_community(
            slug, "regional", {"en": f"{en} learning community", "es": f"Comunidad de aprendizaje de {es}"},
            {"en": f"Members of the alliance's {en} network learning together.",
             "es": f"Integrantes de la red de {es} de la alianza, aprendiendo en comunidad."},
            region_id=regions[slug])
    for slug, name, description, members_only in CIRCLES:
        created[slug] = communities.create_community(slug, "thematic", name, description,
                                                     members_only=members_only)
    created["dialogues"] = communities.create_community(
        "dialogues", "cross-regional", {"en": "Dialogues on difficult topics", "es": "Diálogos sobre temas difíciles"},
        {"en": "Facilitated, cross-regional dialogues on the questions that divide us.",
         "es": "Diálogos facilitados entre regiones sobre las preguntas que nos dividen."})
    facilitator, focal = users["facilitator@colab.example"], users["focal@colab.example"]
    communities.make_focal_point(focal, regions["africa"])
    communities.make_focal_point(focal, regions["latin-america"])
    for slug in ("dialogues", "africa", "latin-america"):
        member = communities.join(facilitator, created[slug])
        communities.set_role(member, "facilitator")
        communities.accept_agreements(member)
    for email, home in (("learner@colab.example", "africa"), ("aprendiz@colab.example", "latin-america")):
        communities.join(users[email], created[home])
        communities.join(users[email], created["dialogues"])
    if course is not None:
        communities.create_cohort(created["africa"], course, "PPF Africa 2027", date(2027, 2, 1),
                                  date(2027, 5, 31), focal)
    for locale, home in (("en", "dialogues"), ("es", "latin-america")):
        for dialogue in DIALOGUES[locale]:
            communities.create_thread(facilitator, created[home], dialogue["title"], dialogue["first_post"],
                                      framing=dialogue["framing"], content_note=dialogue["content_note"],
                                      dialogue=True)
