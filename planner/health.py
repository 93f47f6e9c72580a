"""/healthz for a load balancer: 200 when the database and the queue answer, else 503 and
which failed. No sign-in, nothing read but `SELECT 1` and the queue's length."""

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from planner.extensions import db

bp = Blueprint("health", __name__)


def database_answers() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        db.session.rollback()
    return True


@bp.get("/healthz")
def healthz():
    # Huey with redis and psycopg is 15 MB: a worker loads it at its first health check, not
    # when it starts.
    from planner.queue import reachable

    checks = {
        "database": "ok" if database_answers() else "unreachable",
        "queue": "ok" if reachable(current_app) else "unreachable",
    }
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify(checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
