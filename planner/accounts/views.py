"""Sign-in, sign-out, one's own profile, and user management for administrators."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from planner.accounts.api_tokens import issue_token, revoke_token, tokens_of
from planner.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    UserForm,
)
from planner.accounts.models import ApiToken, Role, User, user_by_email
from planner.accounts.operations import UserError, create_user, update_user
from planner.audit.models import SecurityEventKind
from planner.extensions import db
from planner.i18n import html_gettext
from planner.security import admin_required, is_safe_next, security_event
from planner.web import acting_user

bp = Blueprint("accounts", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("visits.list_visits"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_by_email(db.session, form.email.data)
        # One message for every failure, so the page does not reveal which e-mails exist.
        if user is None or not user.active or not user.check_password(form.password.data):
            security_event(
                SecurityEventKind.SIGN_IN_FAILED,
                user=user,
                email=form.email.data,
                apart=True,
            )
            flash(_("The e-mail or password is not right, or the account is disabled."), "error")
            return render_template("accounts/login.html", form=form), 401
        session.clear()
        login_user(user, remember=form.remember.data)
        security_event(SecurityEventKind.SIGN_IN, user=user)
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("visits.list_visits"))
    return render_template("accounts/login.html", form=form)


@bp.post("/sign-out")
def logout():
    # Ends this session, and with it every copy of its cookies and the user's other browsers.
    acting_user().end_sessions()
    security_event(SecurityEventKind.SIGN_OUT)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    profile_form = ProfileForm(obj=current_user, prefix="profile")
    password_form = PasswordChangeForm(prefix="password")
    if request.form.get("form") == "profile" and profile_form.validate_on_submit():
        update_user(
            db.session, current_user, name=profile_form.name.data, locale=profile_form.locale.data
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    if request.form.get("form") == "password" and password_form.validate_on_submit():
        if current_user.check_password(password_form.current_password.data):
            update_user(db.session, current_user, password=password_form.new_password.data)
            stay_signed_in(acting_user())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
        password_form.current_password.errors.append(_("This is not your current password."))
    status = 400 if profile_form.errors or password_form.errors else 200
    return profile_page(profile_form, password_form, ApiTokenForm(prefix="token")), status


def stay_signed_in(user: User) -> None:
    """A new password ends the user's sessions: this browser's goes on, in a new generation."""
    remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
    login_user(user, remember=remembered)


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
    profile_form = ProfileForm(formdata=None, obj=current_user, prefix="profile")
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
    form = UserForm(obj=user, user=user)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            update_user(
                db.session,
                user,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                locale=form.locale.data,
                active=form.active.data,
                password=form.password.data or None,
            )
        except UserError as error:
            form.role.errors.append(str(error))
        else:
            if user.id == current_user.id and form.password.data:
                stay_signed_in(user)
            flash(html_gettext("%(name)s is saved.", name=user.name), "success")
            return redirect(url_for("accounts.list_users"))
    return render_template("accounts/user_form.html", form=form, user=user), (
        400 if form.errors else 200
    )
