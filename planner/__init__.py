"""Pishvaz: planning official visits. create_app() builds the application."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from planner import config as settings
from planner.config import ROOT
from planner.rules import MAX_ID


class BoundedIntConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    # <int:...> in every route stops at the databases' 32-bit ids: a larger number is a 404,
    # not an overflow inside the database driver.
    app.url_map.converters["int"] = BoundedIntConverter
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    settings.finalise(app.config, app.instance_path)
    # A server's connection can drop (a restart, an idle timeout): planner/database.py tries
    # one that may have before use, not each at every request as pool_pre_ping would.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})

    from planner import database, errors, i18n, logs, models, security  # noqa: F401 - models registers tables
    from planner.calendars import (
        rendered,
        versions,  # noqa: F401 - raises feed versions on every flush
    )
    from planner.calendars.fastpath import FeedFastPath
    from planner.extensions import csrf, db
    from planner.programmes import kept  # noqa: F401 - raises the visit pages' version likewise

    # Feed polls are answered before Flask's request machinery, from what the app computes.
    app.wsgi_app = FeedFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"]:
        # Behind that many proxies, the client's address, the scheme (https) and the host
        # are the ones the proxies were given (X-Forwarded-For, -Proto, -Host).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    logs.init_app(app)
    db.init_app(app)
    database.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    # The process's one store of rendered calendars, sized for this worker.
    rendered.calendars.limit(app.config["FEED_CACHE_MB"] * 1024 * 1024)

    from planner.accounts.views import bp as accounts_bp
    from planner.audit.views import bp as audit_bp
    from planner.calendars.mail_views import bp as mail_bp
    from planner.calendars.views import bp as calendars_bp
    from planner.health import bp as health_bp
    from planner.itinerary.views import bp as itinerary_bp
    from planner.organizations.views import bp as organizations_bp
    from planner.outcomes.views import bp as outcomes_bp
    from planner.partnerships.views import bp as partnerships_bp
    from planner.people.views import bp as people_bp
    from planner.programmes.views import bp as programmes_bp
    from planner.reports.views import bp as reports_bp
    from planner.venues.views import bp as venues_bp
    from planner.visits.views import bp as visits_bp

    for blueprint in (
        accounts_bp,
        visits_bp,
        itinerary_bp,
        programmes_bp,
        organizations_bp,
        venues_bp,
        people_bp,
        calendars_bp,
        mail_bp,
        outcomes_bp,
        partnerships_bp,
        reports_bp,
        audit_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)

    from planner import api, cli

    api.init_app(app)

    cli.init_app(app)
    return app
