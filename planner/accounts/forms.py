"""Forms for signing in, one's own profile, and user management."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from planner.accounts.models import Role, user_by_email
from planner.accounts.passwords import password_problem
from planner.config import LANGUAGES
from planner.extensions import db
from planner.forms import PageForm, form_rule, select_choices, strip_whitespace

LANGUAGE_CHOICES = select_choices(LANGUAGES.items())


class LanguageForm(PageForm):
    """The header's switcher: a language, and the page to go back to."""

    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    next = HiddenField()


class LoginForm(PageForm):
    email = EmailField(
        _l("E-mail"), filters=[strip_whitespace], validators=[DataRequired(), Email()]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


# Every password a person chooses passes the one rule (planner/accounts/passwords.py).
new_password_rule = form_rule(password_problem)


def email_in_use_check(user):
    """A validator: refuse an e-mail address that another user than `user` already has."""

    def validate(_form, field) -> None:
        other = user_by_email(db.session, field.data)
        if other is not None and other is not user:
            raise ValidationError(_l("Another user already has this e-mail address."))

    return validate


def password_check(user, message):
    """A validator: the typed password must be `user`'s own, before a change it guards."""

    def validate(_form, field) -> None:
        if not field.data:
            raise ValidationError(message)
        if not user.check_password(field.data):
            raise ValidationError(_l("This is not your current password."))

    return validate


class ProfileForm(PageForm):
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    email = EmailField(
        _l("E-mail"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    current_password = PasswordField(
        _l("Current password"),
        description=_l("Needed only to change your e-mail address."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.email.validators = [*self.email.validators, email_in_use_check(user)]

    def validate_current_password(self, field) -> None:
        if (self.email.data or "").lower() != self.user.email:
            password_check(self.user, _l("Type your password to change your e-mail address."))(
                self, field
            )


class PasswordChangeForm(PageForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), new_password_rule])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class UserForm(PageForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=254)],
    )
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    role = SelectField(
        _l("Role"), choices=select_choices(Role.choices()), default=Role.VIEWER.value
    )
    # Empty: not chosen; they get their browser's language when they first sign in.
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("— Their browser's language —")), *LANGUAGE_CHOICES],
        coerce=lambda value: value or None,
        default=None,
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), new_password_rule],
        description=_l(
            "Leave empty to keep the current password. "
            "A password you give another user is temporary: they choose their own at sign-in."
        ),
    )
    your_password = PasswordField(
        _l("Your password"),
        description=_l("Needed to change a role, or your own e-mail address or password."),
    )

    def __init__(self, *args, user=None, acting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.acting = acting
        if user is None:
            # A new user needs a password: the edit's Optional() becomes DataRequired(),
            # the others (PageForm's NUL check among them) stay.
            self.password.validators = [
                DataRequired() if isinstance(check, Optional) else check
                for check in self.password.validators
            ]
            self.password.description = _l(
                "A temporary password: they choose their own at their first sign-in."
            )
            del self.your_password  # nobody's role changes yet
        self.email.validators = [*self.email.validators, email_in_use_check(user)]

    def needs_your_password(self) -> bool:
        """A new role, or a new e-mail or password for oneself, waits for the administrator's
        own password: a session left open is not enough to make it."""
        if self.user is None or self.acting is None:
            return False
        if self.role.data != self.user.role.value:
            return True
        new_email = (self.email.data or "").lower() != self.user.email
        return self.user is self.acting and (new_email or bool(self.password.data))

    def validate_your_password(self, field) -> None:
        if self.needs_your_password():
            password_check(self.acting, _l("Type your own password to make this change."))(
                self, field
            )


class ApiTokenForm(PageForm):
    name = StringField(
        _l("What is it for?"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=100)],
        description=_l("e.g. “Embassy list import” — so that you know which one to revoke."),
    )
