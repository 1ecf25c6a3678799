"""Login, logout and role checks."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from casebook.models import ROLES
from casebook.services import access, logins, users
from web.db import db_session
from web.i18n import t

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class SessionUser(UserMixin):
    """What the web layer keeps of a user between requests."""

    def __init__(self, user) -> None:
        self.id, self.username, self.role = user.id, user.username, user.role
        self.full_name = user.full_name or user.username
        self.unit = access.home_unit(user.unit)

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def scope(self) -> access.Scope:
        """What this user may see (services.access): role, unit, clearance."""
        return access.Scope(self.username, self.role, self.unit)


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    with db_session() as session:
        user = users.get_user(session, int(user_id))
        return SessionUser(user) if user and user.active else None


def require_role(role: str):
    """Anonymous users go to the login page; a lower role than `role` gets 403. The view keeps
    its least role as `least_role`, so the access matrix test reads it from the URL map."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.may(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.least_role = role  # type: ignore[attr-defined]
        return wrapped

    return decorate


def current_scope() -> access.Scope:
    """The logged-in user's scope, for the access conditions of a page's queries."""
    return current_user.scope


def visible_or_404(session, kind: str, object_id: int) -> None:
    """404 for an object of another unit or above the user's clearance, as for a missing one."""
    try:
        access.ensure_visible(session, current_user.scope, kind, object_id)
    except access.NotVisible:
        abort(404)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    with db_session() as session, session.begin():  # a failed try is committed: it is the record
        result = logins.log_in(
            session, form.username.data, form.password.data, request.remote_addr or ""
        )
        if result.user is not None:
            login_user(SessionUser(result.user))
    if result.user is not None:
        return redirect(_safe_next(request.args.get("next")))
    if result.throttled:
        return _refused(form, result.retry_after)
    flash(t("Nama pengguna atau kata sandi salah."), "error")
    return render_template("auth/login.html", form=form)


def _refused(form: LoginForm, wait: timedelta):
    """429 and a message saying how long to wait; nothing about whether the password was right."""
    minutes = math.ceil(wait.total_seconds() / 60)
    message = t("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.")
    flash(message.format(minutes=minutes), "error")
    page = render_template("auth/login.html", form=form)
    return page, 429, {"Retry-After": str(math.ceil(wait.total_seconds()))}


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the findings page.

    An open redirect would let a phishing link borrow our login page. Browsers read a
    backslash as a slash and drop tabs and line breaks, so "/" + backslash + "evil.com" leads
    off-site although it looks like a path; percent-encoded forms are checked decoded too.
    """
    if target and _is_local_path(target):
        return target
    return url_for("findings.index")


def _is_local_path(target: str) -> bool:
    forms = [target]
    for _ in range(3):  # %255C -> %5C -> backslash
        forms.append(unquote(forms[-1]))
    for form in forms:
        if "\\" in form or not form.isprintable() or form.startswith("//"):
            return False
    parts = urlsplit(target)
    return target.startswith("/") and not parts.scheme and not parts.netloc
