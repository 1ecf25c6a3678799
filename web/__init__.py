"""Casebook web UI and JSON API: `create_app(config)` wires blueprints to the casebook services."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from casebook.config import Config, session_secret
from casebook.db import make_engine, make_session_factory
from web import (
    actors,
    admin,
    alerts,
    auth,
    dashboard,
    evidence,
    findings,
    health,
    i18n,
    imports,
    jobs,
    letters,
    metrics,
    monitoring,
    plans,
    register,
    schedule,
    takedown,
)
from web.api import bp as api_bp
from web.api_v1 import bp as api_v1_bp

csrf = CSRFProtect()
# The largest id a database integer holds (SQLite's INTEGER, PostgreSQL's BIGINT).
MAX_ID = 2**63 - 1


def _up_to(top: int) -> str:
    """A regular expression of the whole numbers 0..top (leading zeros allowed, as int's)."""
    digits = str(top)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    lower = [digits[:i] + f"[0-{int(d) - 1}]" + rf"\d{{{len(digits) - i - 1}}}"
             for i, d in enumerate(digits) if d != "0"]  # fmt: skip
    return "0*(?:" + "|".join([*shorter, *lower, digits]) + ")"


class BoundedInt(IntegerConverter):
    """`<int:...>` that does not match a number past MAX_ID: bound to a query, the database
    driver would raise OverflowError (a 500). Refused by the pattern rather than after it, the
    URL goes on to the other rules: a page answers 404, /api/v1 its JSON 404."""

    regex = _up_to(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False) -> None:
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound, signed)


def create_app(config: Config, *, testing: bool = False) -> Flask:
    app = Flask(__name__)
    app.url_map.converters["int"] = BoundedInt  # before any blueprint adds its rules
    app.config.update(
        SECRET_KEY=session_secret(config),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TESTING=testing,
        PATROLI=config,
    )
    engine = make_engine(config.database_url)
    app.extensions["patroli.engine"] = engine
    app.extensions["patroli.sessions"] = make_session_factory(engine)
    csrf.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(auth.bp)
    for area in (findings, evidence, dashboard, plans, schedule, register, takedown, actors,
                 letters, monitoring, alerts):  # fmt: skip
        app.register_blueprint(area.bp)
    for area in (admin, imports, jobs, health, metrics):
        app.register_blueprint(area.bp)
    app.jinja_env.globals["nav_items"] = nav_items
    app.register_blueprint(api_bp)
    app.register_blueprint(api_v1_bp)
    csrf.exempt(api_v1_bp)  # bearer tokens only, never the session cookie
    app.after_request(_security_headers)
    return app


# The top bar: (endpoint, Indonesian label, least role). An area shows once its page exists.
NAV = (
    ("dashboard.index", "Dasbor", "viewer"),
    ("plans.index", "Rencana patroli", "viewer"),
    ("schedule.index", "Jadwal", "viewer"),
    ("findings.index", "Temuan patroli", "viewer"),
    ("register.index", "Register Informasi", "viewer"),
    ("takedown.index", "List takedown", "viewer"),
    ("actors.index", "Pelaku", "viewer"),
    ("letters.index", "Surat", "viewer"),
    ("monitoring.index", "Monitoring", "viewer"),
    ("alerts.index", "Peringatan", "viewer"),
    ("imports.index", "Impor", "analyst"),
    ("admin.audit", "Jejak audit", "analyst"),
    ("admin.settings", "Pengaturan", "admin"),
)


def nav_items(user) -> list[tuple[str, str]]:
    """(endpoint, label) of the areas `user` may open, in the order of the SOP."""
    from flask import current_app

    known = current_app.view_functions
    return [(end, label) for end, label, role in NAV if end in known and user.may(role)]


def _security_headers(response):
    # Crawled text is hostile: no inline script, nothing framed from elsewhere, no sniffing.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    # Same-origin only: behind HTTPS, Flask-WTF refuses a form POST without a same-origin
    # Referer; other sites still learn nothing of our URLs.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
