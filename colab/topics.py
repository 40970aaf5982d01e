"""The alliance's core issues: the topics that resources, directory profiles and organisations are tagged with."""
import enum

from flask_babel import lazy_gettext as _l


class Topic(enum.StrEnum):
    WOMENS_RIGHTS = "womens-rights"
    LGBTQIA_RIGHTS = "lgbtqia-rights"
    ENDING_VIOLENCE = "ending-violence"
    SRHR = "srhr"
    UNPAID_CARE = "unpaid-care"
    FEMINIST_PEACE = "feminist-peace"
    ANTI_RACISM = "anti-racism"
    DECOLONISATION = "decolonisation"
    YOUTH_ACTIVISM = "youth-activism"
    ECONOMIC_JUSTICE = "economic-justice"
    CLIMATE_JUSTICE = "climate-justice"


TOPIC_NAMES = {
    Topic.WOMENS_RIGHTS: _l("Women's rights"),
    Topic.LGBTQIA_RIGHTS: _l("LGBTQIA+ rights and SOGIESC inclusion"),
    Topic.ENDING_VIOLENCE: _l("Ending violence"),
    Topic.SRHR: _l("Sexual and reproductive health and rights"),
    Topic.UNPAID_CARE: _l("Unpaid care work"),
    Topic.FEMINIST_PEACE: _l("Feminist peace"),
    Topic.ANTI_RACISM: _l("Anti-racism"),
    Topic.DECOLONISATION: _l("Decolonisation"),
    Topic.YOUTH_ACTIVISM: _l("Youth-led activism"),
    Topic.ECONOMIC_JUSTICE: _l("Economic justice"),
    Topic.CLIMATE_JUSTICE: _l("Climate justice"),
}


def topic_name(value):
    """The reader's name for a topic value (the value itself if it is not a topic any more)."""
    try:
        return str(TOPIC_NAMES[Topic(value)])
    except ValueError:
        return value
