"""Running a cohort: settings, pacing and dates, live sessions, roster and facilitators."""
from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")
