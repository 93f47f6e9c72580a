"""Entry point for `flask --app app ...` and WSGI servers."""

from planner import create_app

app = create_app()
