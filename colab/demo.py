"""Demo accounts for trying Co-Lab locally; the README lists their credentials."""
import hashlib
import secrets
from datetime import timedelta

from .accounts import service as accounts
from .cohorts import service as cohorts
from .cohorts.models import Invitation, SharedReflection
from .communities import service as communities
from .communities.models import Pacing
from .courses import service as courses
from .courses.models import LessonProgress
from .demo_dialogues import DIALOGUES
from .directory import demo as directory_demo
from .events import demo as events_demo
from .extensions import db
from .feedback.models import LessonFeedback
from .focus_groups.models import FocusGroup
from .models_base import utcnow
from .resources import demo as library_demo

DEMO_PASSWORD = "together-for-change"
DEMO_USERS = [
    # email, display name, locale, time zone, region slug, admin
    ("learner@colab.example", "Amani K.", "en", "Africa/Nairobi", "africa", False),
    ("aprendiz@colab.example", "Luz M.", "es", "America/Bogota", "latin-america", False),
    ("facilitator@colab.example", "Tendai M.", "en", "Africa/Harare", "africa", False),
    ("focal@colab.example", "Wanjiru N.", "en", "Africa/Nairobi", "africa", False),
    ("admin@colab.example", "Ingrid S.", "en", "Europe/Amsterdam", "europe", True),
    ("team@colab.example", "Rosa T.", "es", "America/Mexico_City", "latin-america", False),
    ("apprenante@colab.example", "Awa D.", "fr", "Africa/Dakar", "africa", False),
]
COURSE_TEAM = "team@colab.example"
# What the scheduled cohort's learners said about the first lesson (usefulness, what would make it better).
FEEDBACK = [(5, "A story from a Pacific island network would show how power looks somewhere else."),
            (4, "The four faces table helped; a printable version for workshops would help more."),
            (4, ""), (3, "It was a lot of reading on a phone. Shorter sections, please."), (5, "")]
LEARNERS = ("learner@colab.example", "aprendiz@colab.example")
# The scheduled cohort's other learners (they sign in with the same password): how many lessons each has
# done and how many days ago they were last active, so the focal point's dashboard shows a real spread.
COHORT_LEARNERS = [
    ("kofi@colab.example", "Kofi A.", "Africa/Accra", 9, 1),
    ("thandi@colab.example", "Thandi Z.", "Africa/Johannesburg", 7, 2),
    ("moses@colab.example", "Moses O.", "Africa/Kampala", 4, 12),
    ("aisha@colab.example", "Aisha B.", "Africa/Lagos", 2, 20),
    ("jean@colab.example", "Jean-Paul R.", "Africa/Kigali", 0, None),
]
SHARED_REFLECTION = ("I grew up being told that a man decides for his family. Writing it down, I can see how "
                     "often I still decide for my team without asking them.")

# slug: (English, Spanish, French, French after "Communauté d'apprentissage")
REGIONAL = {
    "africa": ("Africa", "África", "Afrique", "d'Afrique"), "asia": ("Asia", "Asia", "Asie", "d'Asie"),
    "caribbean": ("Caribbean", "Caribe", "Caraïbes", "des Caraïbes"),
    "europe": ("Europe", "Europa", "Europe", "d'Europe"),
    "latin-america": ("Latin America", "América Latina", "Amérique latine", "d'Amérique latine"),
    "mena": ("Middle East and North Africa", "Medio Oriente y Norte de África", "Moyen-Orient et Afrique du Nord",
             "du Moyen-Orient et d'Afrique du Nord"),
    "north-america": ("North America", "América del Norte", "Amérique du Nord", "d'Amérique du Nord"),
}
CIRCLES = [
    ("sogiesc-circle", {"en": "SOGIESC learning circle", "es": "Círculo de aprendizaje sobre OSIEGCS",
                        "fr": "Cercle d'apprentissage sur les OSIEGCS"},
     {"en": "Learning together about sexual orientation, gender identity and expression, and sex characteristics.",
      "es": "Aprender en comunidad sobre orientación sexual, identidad y expresión de género y características sexuales.",
      "fr": "Apprendre ensemble sur l'orientation sexuelle, l'identité et l'expression de genre, et les caractéristiques sexuelles."},
     True),
    ("feminist-peace-circle", {"en": "Feminist peace learning circle", "es": "Círculo de aprendizaje sobre paz feminista",
                               "fr": "Cercle d'apprentissage sur la paix féministe"},
     {"en": "Militarism, masculinities and feminist approaches to peace and security.",
      "es": "Militarismo, masculinidades y enfoques feministas de la paz y la seguridad.",
      "fr": "Militarisme, masculinités et approches féministes de la paix et de la sécurité."},
     False),
]
# The alliance's French-speaking members, across regions: where the French dialogues are held.
FRANCOPHONE = ("francophone-network", {"en": "Francophone network", "es": "Red francófona", "fr": "Réseau francophone"},
               {"en": "Brings together the alliance's French-speaking members in West and Central Africa, North Africa, "
                      "the Caribbean, Europe and North America, to learn and exchange in French.",
                "es": "Un espacio en francés para las organizaciones y personas de la alianza que trabajan en ese "
                      "idioma: en África Occidental y Central, el Norte de África, el Caribe, Europa y América del Norte.",
                "fr": "Réunit les membres francophones de l'alliance en Afrique de l'Ouest et du Centre, en Afrique du "
                      "Nord, dans les Caraïbes, en Europe et en Amérique du Nord, pour apprendre et échanger en "
                      "français."})
# French-speaking demo members who join it besides its facilitator: Jean-Paul works in Kigali, Ingrid speaks French.
FRANCOPHONE_MEMBERS = ("jean@colab.example", "admin@colab.example")
FRANCOPHONE_WELCOME = (
    "Bienvenue dans le Réseau francophone",
    "Bonjour à toutes et à tous, et bienvenue !\n\n"
    "Cet espace réunit les membres de l'alliance qui travaillent en français, de Dakar à Kinshasa, de Port-au-Prince "
    "à Montréal, de Tunis à Bruxelles. Avant d'écrire, prenez un moment pour lire nos accords de la communauté.\n\n"
    "Pour faire connaissance, présentez-vous en quelques lignes : dans quel pays vous travaillez, avec qui "
    "(des jeunes, des pères, des groupes communautaires…) et ce que vous aimeriez apprendre ici. Vous trouverez "
    "aussi dans ce réseau nos quatre dialogues sur des sujets difficiles, en français.",
)


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
    users[COURSE_TEAM].is_course_team = True
    _load_communities(users, regions, first_course)
    db.session.flush()
    directory_demo.seed(DEMO_PASSWORD)  # a few people who chose to be in the directory, and organisations
    library_demo.seed()
    events_demo.seed()
    db.session.flush()
    return True


def _load_communities(users, regions, course):
    """Regional communities, two learning circles, a dialogue space, the francophone network, a cohort and four
    dialogues per language (the French ones in the francophone network, under its welcome thread)."""
    created = {}
    for slug, (en, es, fr, of_fr) in REGIONAL.items():
        created[slug] = communities.create_community(
            slug, "regional", {"en": f"{en} learning community", "es": f"Comunidad de aprendizaje de {es}",
                               "fr": f"Communauté d'apprentissage {of_fr}"},
            {"en": f"Members of the alliance's {en} network learning together.",
             "es": f"Integrantes de la red de {es} de la alianza, aprendiendo en comunidad.",
             "fr": f"Les membres du réseau {fr} de l'alliance apprennent ici ensemble."},
            region_id=regions[slug])
    for slug, name, description, members_only in CIRCLES:
        created[slug] = communities.create_community(slug, "thematic", name, description,
                                                     members_only=members_only)
    created["dialogues"] = communities.create_community(
        "dialogues", "cross-regional", {"en": "Dialogues on difficult topics", "es": "Diálogos sobre temas difíciles",
                                        "fr": "Dialogues sur des sujets difficiles"},
        {"en": "Facilitated, cross-regional dialogues on the questions that divide us.",
         "es": "Diálogos facilitados entre regiones sobre las preguntas que nos dividen.",
         "fr": "Des dialogues animés, entre régions, sur les questions qui nous divisent."})
    slug, name, description = FRANCOPHONE
    created[slug] = communities.create_community(slug, "cross-regional", name, description)
    facilitator, focal = users["facilitator@colab.example"], users["focal@colab.example"]
    communities.make_focal_point(focal, regions["africa"])
    communities.make_focal_point(focal, regions["latin-america"])
    for slug in ("dialogues", "africa", "latin-america", FRANCOPHONE[0]):
        member = communities.join(facilitator, created[slug])
        communities.set_role(member, "facilitator")
        communities.accept_agreements(member)
    for email, home in (("learner@colab.example", "africa"), ("aprendiz@colab.example", "latin-america")):
        communities.join(users[email], created[home])
        communities.join(users[email], created["dialogues"])
    if course is not None:
        _load_cohorts(users, created, course, facilitator, focal)
    for locale, home in (("en", "dialogues"), ("es", "latin-america"), ("fr", FRANCOPHONE[0])):
        for dialogue in DIALOGUES[locale]:
            communities.create_thread(facilitator, created[home], dialogue["title"], dialogue["first_post"],
                                      framing=dialogue["framing"], content_note=dialogue["content_note"],
                                      dialogue=True, language=locale)
    communities.create_thread(facilitator, created[FRANCOPHONE[0]], *FRANCOPHONE_WELCOME, language="fr")
    for email in FRANCOPHONE_MEMBERS:  # Jean-Paul is made with the cohort: there only when a course is
        member = accounts.find_by_email(email)
        if member is not None:
            communities.join(member, created[FRANCOPHONE[0]])


def _load_cohorts(users, created, course, facilitator, focal):
    """A scheduled cohort in Africa five weeks in (three modules open, the fourth opens next week) with learners
    at different points, two invitations waiting and a shared reflection; a self-paced Spanish cohort; and a
    self-paced French and Spanish one in the francophone network whose learners read lessons side by side."""
    today = utcnow().date()
    africa = cohorts.create_cohort(focal, created["africa"], course, "PPF Africa · cohort 1", today - timedelta(days=35),
                                   today + timedelta(days=60), ["en"], "Africa/Nairobi", Pacing.SCHEDULED)
    latin = cohorts.create_cohort(focal, created["latin-america"], course, "PPF América Latina · autoaprendizaje",
                                  today - timedelta(days=10), today + timedelta(days=120), ["es"], "America/Bogota",
                                  Pacing.SELF_PACED)
    # A Senegalese and a Colombian facilitator's mixed group reads French and Spanish side by side.
    mixed = cohorts.create_cohort(users["admin@colab.example"], created[FRANCOPHONE[0]], course,
                                  "PPF · groupe mixte français-español", today - timedelta(days=3),
                                  today + timedelta(days=90), ["es", "fr"], "Africa/Dakar", Pacing.SELF_PACED,
                                  reading_pair="es fr")
    cohorts.add_facilitator(facilitator, africa)
    cohorts.add_facilitator(facilitator, latin)
    cohorts.add_facilitator(facilitator, mixed)
    cohorts.join_cohort(users["learner@colab.example"], africa)
    cohorts.join_cohort(users["aprendiz@colab.example"], latin)
    cohorts.join_cohort(users["apprenante@colab.example"], mixed)
    lessons = courses.outline(course).lessons
    for email, name, timezone, done, days_ago in COHORT_LEARNERS:
        learner = accounts.create_user(email, name, DEMO_PASSWORD, "en", timezone, created["africa"].region_id)
        cohorts.join_cohort(learner, africa)
        done = min(done, len(lessons))
        for number, lesson in enumerate(lessons[:done]):
            seen = utcnow() - timedelta(days=days_ago + (done - number))
            db.session.add(LessonProgress(user_id=learner.id, lesson_id=lesson.id, started_at=seen,
                                          last_seen_at=seen, completed_at=seen))
        if done:
            enrolment = courses.enrolment_for(learner, course)
            enrolment.last_lesson_id, enrolment.last_seen_at = lessons[done - 1].id, utcnow() - timedelta(days=days_ago)
    _share_a_reflection(accounts.find_by_email(COHORT_LEARNERS[0][0]), lessons, africa)
    _pilot_feedback(users, lessons, africa, course, facilitator)
    for address, language in (("invited.one@example.org", "en"), ("invitada.dos@example.org", "es")):
        # Waiting invitations whose links nobody has (only the hash is kept), for the dashboard's funnel.
        db.session.add(Invitation(cohort_id=africa.id, email=address, locale=language,
                                  token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                                  invited_by_id=focal.id, expires_at=utcnow() + timedelta(days=14)))
    db.session.flush()


def _share_a_reflection(learner, lessons, cohort):
    """The first reflection prompt of the course, answered by a learner and shared with their cohort."""
    for lesson in lessons:
        prompt = next((a for a in lesson.activities if a.kind == "reflection" and not a.archived), None)
        if prompt is not None:
            response = courses.save_reflection(learner, prompt, SHARED_REFLECTION)
            db.session.add(SharedReflection(response_id=response.id, cohort_id=cohort.id, shared_at=utcnow()))
            return


def _pilot_feedback(users, lessons, cohort, course, facilitator):
    """Five learners' feedback on the first lesson (enough for the course team's report to show it) and a focus
    group the facilitator recorded, so the course team sees a real report after `make run`."""
    learners = [users["learner@colab.example"], *(accounts.find_by_email(row[0]) for row in COHORT_LEARNERS[:4])]
    for learner, (usefulness, better) in zip(learners, FEEDBACK, strict=True):
        db.session.add(LessonFeedback(user_id=learner.id, lesson_id=lessons[0].id, cohort_id=cohort.id,
                                      usefulness=usefulness, better=better))
    db.session.add(FocusGroup(course_id=course.id, recorded_by_id=facilitator.id, held_on=utcnow().date(),
                              region_id=cohort.community.region_id, locale="en", cohort_id=cohort.id, participants=7,
                              module_id=lessons[0].module_id, lesson_ids=[lessons[0].id],
                              worked="The four faces of power gave the group shared words for what they see at work.",
                              did_not_work="Two participants read on shared phones and could not finish before.",
                              suggestions="Offer the lesson as a printable sheet for groups without data."))
