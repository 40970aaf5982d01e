"""Inviting people to a cohort, one address or a CSV list, and accepting an invitation."""
from flask import Blueprint

bp = Blueprint("invitations", __name__)
