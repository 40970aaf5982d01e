"""Demo accounts for trying Co-Lab locally; the README lists their credentials."""
from .accounts import service as accounts
from .courses import service as courses
from .extensions import db

DEMO_PASSWORD = "together-for-change"
DEMO_USERS = [
    # email, display name, locale, time zone, region slug, admin
    ("learner@colab.example", "Amani (demo learner)", "en", "Africa/Nairobi", "africa", False),
    ("aprendiz@colab.example", "Luz (aprendiz demo)", "es", "America/Bogota", "latin-america", False),
    ("admin@colab.example", "Secretariat (demo admin)", "en", "Europe/Amsterdam", "europe", True),
]


def load_demo():
    """Create the demo accounts once, with a little progress; return False if they exist."""
    if accounts.find_by_email(DEMO_USERS[0][0]):
        return False
    accounts.ensure_regions()
    regions = {region.slug: region.id for region in accounts.regions()}
    first_course = next(iter(courses.catalogue()), None)
    for email, name, locale, timezone, region, is_admin in DEMO_USERS:
        user = accounts.create_user(email, name, DEMO_PASSWORD, locale, timezone, regions.get(region), is_admin)
        if first_course and not is_admin:
            first_lesson = courses.outline(first_course).first_unfinished()
            if first_lesson:
                courses.set_completed(user, first_lesson)
    db.session.flush()
    return True
