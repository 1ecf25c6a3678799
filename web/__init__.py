"""Casebook web UI and JSON API: `create_app(config)` wires blueprints to the casebook services."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from casebook.config import Config, session_secret
from casebook.db import make_engine, make_session_factory
from web import (
    admin,
    auth,
    dashboard,
    evidence,
    findings,
    health,
    i18n,
    imports,
    jobs,
    letters,
    monitoring,
    plans,
    register,
    takedown,
)
from web.api import bp as api_bp
from web.api_v1 import bp as api_v1_bp

csrf = CSRFProtect()


def create_app(config: Config, *, testing: bool = False) -> Flask:
    app = Flask(__name__)
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
    for area in (findings, evidence, dashboard, plans, register, takedown, letters, monitoring):
        app.register_blueprint(area.bp)
    for area in (admin, imports, jobs, health):
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
    ("findings.index", "Temuan patroli", "viewer"),
    ("register.index", "Register Informasi", "viewer"),
    ("takedown.index", "List takedown", "viewer"),
    ("letters.index", "Surat", "viewer"),
    ("monitoring.index", "Monitoring", "viewer"),
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
