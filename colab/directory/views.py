"""Pages of the directory package."""
from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/directory")
