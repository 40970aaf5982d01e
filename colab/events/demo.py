"""Demo events for trying the calendar locally, planned by the demo accounts of colab/demo.py, relative to today."""
from datetime import time, timedelta

from ..accounts import service as accounts
from ..accounts.models import Region
from ..communities import service as communities
from ..extensions import db
from ..models_base import utcnow
from . import planning
from .models import Event

# uid, planner's email, calendar ("global", a region slug, or "community:<slug>"), days from today, data
DEMO_EVENTS = [
    ("demo-care-webinar@colab", "admin@colab.example", "global", 10, dict(
        title="Webinar: men, masculinities and unpaid care work", starts_time=time(14, 0), ends_time=time(15, 30),
        timezone="Europe/Amsterdam", online_url="https://meet.example.org/colab-care-webinar",
        languages=["en", "es", "fr"],
        description="An hour and a half with members of three regional networks on **who does the care work** "
                    "at home and in our movements, and what men can change.\n\nInterpretation in Spanish and "
                    "French.")),
    ("demo-africa-meeting@colab", "focal@colab.example", "africa", 17, dict(
        title="Africa network: quarterly meeting", starts_time=time(10, 0), ends_time=time(12, 0),
        timezone="Africa/Nairobi", online_url="https://meet.example.org/africa-quarterly", languages=["en", "fr"],
        description="Country networks share what they did this quarter and plan the next one.\n\n"
                    "- News from the country networks\n- The regional plan\n- Any other business")),
    ("demo-day-of-action@colab", "focal@colab.example", "latin-america", 24, dict(
        title="16 days of activism: regional days of action", all_day=True, duration_days=3,
        timezone="America/Bogota", place="Bogotá, and online", languages=["es", "pt"],
        description="Three days of actions across the region against gender-based violence.")),
    ("demo-dialogue-circle@colab", "facilitator@colab.example", "community:dialogues", 5, dict(
        title="Dialogue circle: fatherhood and care", starts_time=time(18, 0), ends_time=time(19, 0),
        timezone="Africa/Harare", online_url="https://meet.example.org/dialogue-circle", languages=["en"],
        description="A facilitated conversation for members of the dialogues community.")),
    ("demo-nairobi-training@colab", "focal@colab.example", "africa", 31, dict(
        title="In-person training for facilitators, Nairobi", starts_time=time(9, 0), ends_time=time(17, 0),
        timezone="Africa/Nairobi", place="Nairobi", languages=["en"], cancelled=True,
        description="Two days of practice for new facilitators of learning circles.")),
]


def _scope_key(calendar):
    if calendar == "global":
        return "global"
    if calendar.startswith("community:"):
        community = communities.find_community(calendar.split(":", 1)[1])
        return planning.place_key(community) if community is not None else None
    region = db.session.scalar(db.select(Region).filter_by(slug=calendar))
    return planning.place_key(region) if region is not None else None


def seed():
    """Plan the demo events that do not exist yet (the demo accounts must exist); how many were added."""
    added, today = 0, utcnow().date()
    for uid, email, calendar, days, values in DEMO_EVENTS:
        planner, scope = accounts.find_by_email(email), _scope_key(calendar)
        if planner is None or scope is None or db.session.scalar(db.select(Event.id).filter_by(uid=uid)):
            continue
        values = dict(values)
        cancelled, length = values.pop("cancelled", False), values.pop("duration_days", 1)
        starts_on = today + timedelta(days=days)
        data = planning.EventData(scope=scope, starts_on=starts_on,
                                  ends_on=starts_on + timedelta(days=length - 1) if length > 1 else None, **values)
        event = planning.create(planner, data)
        event.uid = uid
        if cancelled:
            planning.cancel(planner, event)
        added += 1
    db.session.flush()
    return added
