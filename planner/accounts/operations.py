"""Creating and changing staff users: used by the pages and by `flask users`."""

import sqlalchemy as sa

from planner.accounts.models import Role, User, user_by_email
from planner.accounts.passwords import PasswordRefused


class UserError(ValueError):
    """A change to a user that cannot be made, with a message for the person asking."""


def create_user(
    session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    locale: str | None = None,
    must_change_password: bool = False,
) -> User:
    """`must_change_password`: the password was chosen for them (the demo's, an
    administrator's), and they are to choose their own at their first sign-in. `locale`
    None: not chosen, their browser's language is taken when they first sign in."""
    if user_by_email(session, email) is not None:
        raise UserError(f"a user with the e-mail {email.strip().lower()} already exists")
    user = User(
        email=email,
        name=name,
        role=role,
        locale=locale,
        active=True,
        must_change_password=must_change_password,
    )
    try:
        user.set_password(password)
    except PasswordRefused as error:
        raise UserError(str(error)) from error
    session.add(user)
    session.flush()
    return user


def active_admin_count(session) -> int:
    return session.scalar(
        sa.select(sa.func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
    )


def update_user(session, user: User, **changes) -> User:
    """Apply changes, refusing any that would leave no active administrator."""
    losing_admin = (
        user.role == Role.ADMIN
        and user.active
        and (changes.get("role", user.role) != Role.ADMIN or not changes.get("active", True))
    )
    if losing_admin and active_admin_count(session) <= 1:
        raise UserError("at least one active administrator must remain")
    password = changes.pop("password", None)
    for key, value in changes.items():
        setattr(user, key, value)
    if password:
        try:
            user.set_password(password)
        except PasswordRefused as error:
            raise UserError(str(error)) from error
    session.flush()
    return user


def settle_language(user: User, language: str) -> None:
    """At sign-in: a user who never chose a language keeps the one their browser asked for
    (or the one chosen on the sign-in page); a chosen one is never overridden."""
    if user.locale is None:
        user.locale = language
