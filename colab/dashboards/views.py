"""Dashboards: a cohort's, a region's and the alliance's, each with its CSV."""
from flask import Blueprint

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
