"""The page that renders the OpenAPI document, with Swagger UI served from static/."""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/docs")
def docs_page():
    return render_template("api/docs.html")
