"""Error pages: HTML for people, JSON for API clients."""

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from planner.api.problems import from_http_exception, is_api_request
from planner.extensions import db
from planner.security import refused, wants_json

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    500: "errors/500.html",
}


def readable_detail(error: HTTPException) -> str | None:
    """What the view said about this error (abort(400, "...")), not werkzeug's generic text."""
    if isinstance(error, CSRFError):
        return _("The form had expired. Go back, reload the page and send it again.")
    if error.code == 500 or error.description == type(error).description:
        return None
    return error.description


def handle_error(error: HTTPException):
    code = error.code or 500  # one of PAGES' codes, which is what it is registered for
    if code == 403:
        refused()
    if code == 500:
        # The page reads the signed-in user again; a failed transaction must not stop it.
        db.session.rollback()
    if is_api_request():
        return from_http_exception(error)
    if wants_json():
        return jsonify(error=error.description), code
    return render_template(PAGES[code], error=error, detail=readable_detail(error)), code


def init_app(app: Flask) -> None:
    for code in PAGES:
        app.register_error_handler(code, handle_error)
