"""Forms for signing in, one's own profile, and user management."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from planner.accounts.models import MIN_PASSWORD_LENGTH, Role, user_by_email
from planner.config import LANGUAGES
from planner.extensions import db
from planner.forms import PageForm, select_choices, strip_whitespace

LANGUAGE_CHOICES = select_choices(LANGUAGES.items())


class LoginForm(PageForm):
    email = EmailField(
        _l("E-mail"), filters=[strip_whitespace], validators=[DataRequired(), Email()]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


class ProfileForm(PageForm):
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class PasswordChangeForm(PageForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)]
    )
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
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_l("Leave empty to keep the current password."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None:
            # A new user needs a password: the edit's Optional() becomes DataRequired(),
            # the others (PageForm's NUL check among them) stay.
            self.password.validators = [
                DataRequired() if isinstance(check, Optional) else check
                for check in self.password.validators
            ]
            self.password.description = ""

    def validate_email(self, field) -> None:
        other = user_by_email(db.session, field.data)
        if other is not None and other is not self.user:
            raise ValidationError(_l("Another user already has this e-mail address."))


class ApiTokenForm(PageForm):
    name = StringField(
        _l("What is it for?"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=100)],
        description=_l("e.g. “Embassy list import” — so that you know which one to revoke."),
    )
