"""Calendar downloads, subscription feeds and iTIP e-mail (filled in by the calendars issue)."""

from flask import Blueprint

bp = Blueprint("calendars", __name__)
