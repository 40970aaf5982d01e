"""Creating, editing and archiving communities, and a region's page of people and places (admins, focal points)."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")
