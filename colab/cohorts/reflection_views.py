"""Sharing a reflection with one's cohort, and a facilitator hiding one."""
from flask import Blueprint

bp = Blueprint("reflections", __name__, url_prefix="/reflections")
