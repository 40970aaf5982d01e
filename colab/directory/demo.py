"""Demo directory entries for trying Co-Lab locally: some demo people listed across countries, two more in Kenya so
that its count is shown as a number, and fictional organisations in every region. learner@colab.example is left
out on purpose: trying the directory starts with opting in. Run after colab.demo.load_demo() as
seed(DEMO_PASSWORD); the caller commits."""
from ..accounts import service as accounts
from ..extensions import db
from . import organisations, service
from .models import Organisation

ADMIN = "admin@colab.example"
# Demo people who exist only for the directory: email, display name, time zone.
DIRECTORY_PEOPLE = [
    ("otieno@colab.example", "Otieno B.", "Africa/Nairobi"),
    ("achieng@colab.example", "Achieng W.", "Africa/Nairobi"),
]
# email -> profile (published unless "published" says otherwise)
PROFILES = {
    "focal@colab.example": dict(
        organisation="Men for Care Network (demo)", country="KE", languages=["en", "sw"],
        topics=["ending-violence", "womens-rights"],
        bio="Focal point for the Africa network. I run **community dialogues** with fathers' groups."),
    "otieno@colab.example": dict(
        organisation="Men for Care Network (demo)", country="KE", languages=["en", "sw"],
        topics=["unpaid-care", "youth-activism"], bio="Youth worker: football clubs as spaces to talk about care."),
    "achieng@colab.example": dict(
        country="KE", languages=["en", "sw", "fr"], topics=["srhr"], accepts_messages=False,
        bio="Researcher on sexual and reproductive health services for young men."),
    "facilitator@colab.example": dict(
        country="ZW", languages=["en", "fr"], topics=["ending-violence", "feminist-peace"],
        bio="Facilitator of the Co-Lab dialogues and of the francophone network."),
    "aprendiz@colab.example": dict(
        display_name="Luz Marina", organisation="Red de Hombres por la Igualdad (demo)", country="CO",
        languages=["es"], topics=["feminist-peace", "decolonisation"],
        bio="Trabajo con excombatientes en procesos de **paz feminista**."),
    "team@colab.example": dict(
        country="MX", languages=["es", "en"], topics=["womens-rights", "anti-racism"],
        bio="Course team. Curriculum on masculinities and care."),
    "admin@colab.example": dict(
        organisation="Global secretariat", country="NL", languages=["en", "nl", "fr"],
        topics=["economic-justice", "climate-justice"]),
    "kofi@colab.example": dict(country="GH", languages=["en"], topics=["youth-activism"]),
    "thandi@colab.example": dict(country="ZA", languages=["en", "zu", "xh"], topics=["lgbtqia-rights"]),
    "aisha@colab.example": dict(country="NG", languages=["en", "ha"], topics=["ending-violence"], published=False),
}
ORGANISATIONS = [
    # name, country, region slug, website, topics, {locale: description}
    ("Men for Care Network (demo)", "KE", "africa", "https://example.org/men-for-care",
     ["unpaid-care", "ending-violence"],
     {"en": "A fictional network of fathers' groups sharing care work at home.",
      "es": "Una red ficticia de grupos de padres que comparten el cuidado en casa.",
      "fr": "Un réseau fictif de groupes de pères qui partagent le travail de soins à la maison."}),
    ("Caring Fathers Collective (demo)", "ZA", "africa", "", ["unpaid-care"],
     {"en": "Fictional: parenting circles for young fathers."}),
    ("Red de Hombres por la Igualdad (demo)", "CO", "latin-america", "https://example.org/red-igualdad",
     ["feminist-peace", "womens-rights"],
     {"es": "Red ficticia de hombres que acompañan procesos de paz con enfoque feminista.",
      "en": "A fictional network of men supporting feminist peace processes.",
      "fr": "Un réseau fictif d'hommes qui accompagnent des processus de paix féministes."}),
    ("Colectivo Masculinidades en Diálogo (demo)", "MX", "latin-america", "", ["decolonisation", "anti-racism"],
     {"es": "Colectivo ficticio de diálogo sobre masculinidades."}),
    ("Equal Partners Forum (demo)", "IN", "asia", "https://example.org/equal-partners", ["srhr", "ending-violence"],
     {"en": "Fictional: couples' workshops on shared decisions."}),
    ("Island Men for Gender Justice (demo)", "JM", "caribbean", "", ["ending-violence", "lgbtqia-rights"],
     {"en": "Fictional: community conversations across the islands."}),
    ("Fathers in Care Europe (demo)", "NL", "europe", "https://example.org/fathers-in-care", ["unpaid-care"],
     {"en": "Fictional: campaigns for parental leave that fathers take."}),
    ("Allies for Equality Network (demo)", "CA", "north-america", "", ["anti-racism", "economic-justice"],
     {"en": "Fictional: men's groups organising for pay equity."}),
    ("Gender Justice Circle (demo)", "JO", "mena", "", ["womens-rights", "youth-activism"],
     {"en": "Fictional: youth-led discussion circles on gender justice."}),
]


def seed(password):
    """Add what is missing of the demo directory (running it again changes nothing); return how many profiles and
    organisations were added, or None when the demo accounts are not there. password: the demo accounts' one
    (colab.demo.DEMO_PASSWORD, passed in so that colab.demo can call this without an import cycle)."""
    admin = accounts.find_by_email(ADMIN)
    if admin is None:
        return None
    regions = {region.slug: region.id for region in accounts.regions()}
    for email, name, timezone in DIRECTORY_PEOPLE:
        if accounts.find_by_email(email) is None:
            accounts.create_user(email, name, password, "en", timezone, regions.get("africa"))
    added = 0
    for email, entry in PROFILES.items():
        user = accounts.find_by_email(email)
        if user is None or service.own_profile(user) is not None:
            continue
        entry = {"display_name": user.display_name, "published": True, **entry}
        service.save_profile(user, service.ProfileData(**entry))
        added += 1
    have = set(db.session.scalars(db.select(Organisation.name)))
    for name, country, region, website, topics, description in ORGANISATIONS:
        if name in have:
            continue
        organisations.create_organisation(admin, organisations.OrganisationData(
            name=name, country=country, region_id=regions.get(region), website=website, topics=topics,
            description=description))
        added += 1
    db.session.flush()
    return added
