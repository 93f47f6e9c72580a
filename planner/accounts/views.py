"""Sign-in, sign-out, one's own profile, and user management for administrators."""

import time

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_login import current_user, logout_user

from planner.accounts.api_tokens import issue_token, revoke_token, tokens_of
from planner.accounts.forms import (
    ApiTokenForm,
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    UserForm,
)
from planner.accounts.models import ApiToken, Role, User, user_by_email, user_signing_in
from planner.accounts.operations import UserError, create_user, settle_language, update_user
from planner.audit.models import SecurityEventKind
from planner.extensions import db, limiter
from planner.i18n import LANGUAGE_COOKIE, browser_language, chosen_language, html_gettext
from planner.security import (
    admin_required,
    is_safe_next,
    security_event,
    session_signed_in_at,
    start_session,
)
from planner.web import acting_user

bp = Blueprint("accounts", __name__)


def typed_account() -> str:
    """Whose failures a sign-in counts: the e-mail typed, as the accounts keep it."""
    return "account:" + request.form.get("email", "").strip().lower()


def failed_sign_in(response) -> bool:
    return response.status_code == 401


def too_many_failures(limit: RequestLimit):
    """The sign-in page again, 429, saying how long to wait; even the right password waits."""
    # The limiter's windows run on the real clock (time.time), so Retry-After does too.
    seconds = max(1, int(limit.reset_at - time.time()))
    if not g.get("sign_in_refused"):  # both limits may be over at once: one message
        g.sign_in_refused = True
        flash(
            _(
                "Too many failed sign-ins for this account or from this computer. "
                "Try again in %(minutes)d minutes.",
                minutes=-(-seconds // 60),
            ),
            "error",
        )
    response = make_response(render_template("accounts/login.html", form=LoginForm()), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
# Only failures count (deduct_when): ten per account (the e-mail typed, known or not), and
# more per client address, where a whole office may share one.
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=typed_account,
    methods=["POST"],
    deduct_when=failed_sign_in,
    on_breach=too_many_failures,
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=failed_sign_in,
    on_breach=too_many_failures,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("visits.list_visits"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_signing_in(db.session, form.email.data, form.password.data)
        # One message for every failure, so the page does not reveal which e-mails exist.
        if user is None:
            security_event(
                SecurityEventKind.SIGN_IN_FAILED,
                user=user_by_email(db.session, form.email.data),
                email=form.email.data,
                apart=True,
            )
            flash(_("The e-mail or password is not right, or the account is disabled."), "error")
            return render_template("accounts/login.html", form=form), 401
        settle_language(user, chosen_language() or browser_language())
        session.clear()
        start_session(user, remember=form.remember.data)
        security_event(SecurityEventKind.SIGN_IN, user=user)
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("visits.list_visits"))
    return render_template("accounts/login.html", form=form)


# The switcher's choice is kept in this browser for a year: the pages before sign-in read it.
LANGUAGE_COOKIE_DAYS = 365


@bp.post("/language")
def set_language():
    """The header's switcher: the page again in the chosen language, remembered on the user
    when signed in, and in this browser (a cookie) for the sign-in page."""
    form = LanguageForm()
    target = form.next.data
    back = redirect(target if is_safe_next(target) else url_for("visits.list_visits"))
    if not form.validate_on_submit():
        flash(_("Choose English or فارسی."), "error")
        return back
    language = form.language.data
    if current_user.is_authenticated:
        update_user(db.session, acting_user(), locale=language)
    back.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return back


@bp.post("/sign-out")
def logout():
    # Ends this session, and with it every copy of its cookies and the user's other browsers.
    acting_user().end_sessions()
    security_event(SecurityEventKind.SIGN_OUT)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/profile/sign-out-everywhere")
def sign_out_everywhere():
    """End the user's sessions in every other browser, copied cookies included."""
    user = acting_user()
    user.end_sessions()
    stay_signed_in(user, signed_in_at=session_signed_in_at())
    flash(_("Every other browser signed in as you is signed out. This one stays."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    user = acting_user()
    profile_form = ProfileForm(obj=user, prefix="profile", user=user)
    password_form = PasswordChangeForm(prefix="password")
    if request.form.get("form") == "profile" and profile_form.validate_on_submit():
        update_user(
            db.session,
            user,
            name=profile_form.name.data,
            email=profile_form.email.data,
            locale=profile_form.locale.data,
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    if request.form.get("form") == "password" and change_own_password(password_form):
        return redirect(url_for("accounts.profile"))
    status = 400 if profile_form.errors or password_form.errors else 200
    return profile_page(profile_form, password_form, ApiTokenForm(prefix="token")), status


@bp.route("/profile/password", methods=["GET", "POST"])
def change_password():
    """Where a user whose password someone else chose is sent until they choose their own."""
    form = PasswordChangeForm(prefix="password")
    if change_own_password(form):
        return redirect(url_for("visits.list_visits"))
    return render_template("accounts/change_password.html", form=form), (
        400 if form.errors else 200
    )


def change_own_password(form: PasswordChangeForm) -> bool:
    """Change the signed-in user's password if the form is right: their current password, a
    new one the rule accepts, twice. True when changed."""
    if not form.validate_on_submit():
        return False
    user = acting_user()
    if not user.check_password(form.current_password.data):
        form.current_password.errors.append(_("This is not your current password."))
        return False
    update_user(db.session, user, password=form.new_password.data, must_change_password=False)
    stay_signed_in(user)
    flash(_("Your password is changed."), "success")
    return True


def stay_signed_in(user: User, *, signed_in_at: int | None = None) -> None:
    """Ending the user's sessions ends this browser's too: it goes on, in a new generation.
    `signed_in_at` keeps the session's age when no password was typed for it."""
    remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
    start_session(user, remember=remembered, signed_in_at=signed_in_at)


def profile_page(profile_form, password_form, token_form, new_token: str | None = None):
    return render_template(
        "accounts/profile.html",
        profile_form=profile_form,
        password_form=password_form,
        token_form=token_form,
        api_tokens=tokens_of(db.session, current_user),
        new_token=new_token,
    )


@bp.post("/profile/api-tokens")
def create_api_token():
    """A new personal API token, shown on this one page and never again."""
    form = ApiTokenForm(prefix="token")
    profile_form = ProfileForm(formdata=None, obj=current_user, prefix="profile", user=current_user)
    password_form = PasswordChangeForm(formdata=None, prefix="password")
    if not form.validate_on_submit():
        return profile_page(profile_form, password_form, form), 400
    token, secret = issue_token(db.session, acting_user(), form.name.data)
    security_event(SecurityEventKind.API_TOKEN_CREATED, detail=f"{token.prefix}… {token.name}")
    response = make_response(
        profile_page(
            profile_form,
            password_form,
            ApiTokenForm(formdata=None, prefix="token"),
            new_token=secret,
        )
    )
    # The secret must not linger in a cache or in the back button's copy of the page.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/profile/api-tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke_token(db.session, token)
    security_event(SecurityEventKind.API_TOKEN_REVOKED, detail=f"{token.prefix}… {token.name}")
    flash(
        html_gettext(
            "The token “%(name)s” is revoked: it opens nothing any more.", name=token.name
        ),
        "success",
    )
    return redirect(url_for("accounts.profile") + "#api-tokens")


@bp.get("/users")
@admin_required
def list_users():
    users = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name))
    return render_template("accounts/users.html", users=list(users))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def create_user_page():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=Role(form.role.data),
                locale=form.locale.data,
                must_change_password=True,  # they choose their own at their first sign-in
            )
        except UserError as error:
            form.email.errors.append(str(error))
        else:
            user.active = form.active.data
            flash(html_gettext("%(name)s can now sign in.", name=user.name), "success")
            return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=None), (
        400 if form.errors else 200
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    acting = acting_user()
    form = UserForm(obj=user, user=user, acting=acting)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        changes = {}
        if form.password.data:
            # A password given to someone else is temporary; one's own is one's own.
            changes = {"password": form.password.data, "must_change_password": user is not acting}
        try:
            update_user(
                db.session,
                user,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                locale=form.locale.data,
                active=form.active.data,
                **changes,
            )
        except UserError as error:
            form.role.errors.append(str(error))
        else:
            if user is acting and form.password.data:
                stay_signed_in(user)
            flash(html_gettext("%(name)s is saved.", name=user.name), "success")
            return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=user), (
        400 if form.errors else 200
    )


@bp.post("/users/<int:user_id>/end-sessions")
@admin_required
def end_user_sessions(user_id: int):
    """Sign the user out of every browser, copied cookies included (their API tokens stay)."""
    user = db.session.get(User, user_id) or abort(404)
    user.end_sessions()
    if user is acting_user():
        stay_signed_in(user, signed_in_at=session_signed_in_at())
    flash(html_gettext("%(name)s is signed out everywhere.", name=user.name), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
