"""Staff users and their roles."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.accounts.passwords import check_new_password, hash_password, password_matches
from planner.clock import utc_now
from planner.extensions import Model
from planner.rules import MAX_ID
from planner.types import Choice, UTCDateTime, enum_type


class Role(Choice):
    VIEWER = "viewer", _l("Viewer")
    PLANNER = "planner", _l("Planner")
    ADMIN = "admin", _l("Administrator")

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"), default=Role.VIEWER)
    # None until chosen: the browser's language is taken at the first sign-in (i18n.py).
    locale: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    # See Participant.feed_generation: the staff feed across all visits.
    feed_generation: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    feed_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Part of every session and remember-me cookie (get_id): raising it, at sign-out or on a
    # new password, ends every session the user has, in every browser, copied or not.
    session_generation: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    # Set for a password someone else chose (the demo's printed one, an administrator's
    # temporary one): until the user picks their own, every page leads to that.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return value.strip().lower()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at sign-in and on load.
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie."""
        return f"{self.id}:{self.session_generation}"

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie issued so far open nothing."""
        self.session_generation += 1

    def set_password(self, password: str) -> None:
        """Raises PasswordRefused (a ValueError) for a password the rule refuses."""
        check_new_password(password)
        if self.password_hash is not None:
            self.end_sessions()  # whoever knew the old password is signed out everywhere
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    def can(self, role: Role) -> bool:
        """True when this user's role includes the rights of `role`."""
        return self.active and self.role.rank >= role.rank

    @property
    def can_edit(self) -> bool:
        return self.can(Role.PLANNER)

    @property
    def is_admin(self) -> bool:
        return self.can(Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def user_by_email(session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def user_signing_in(session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. The password is checked
    (against a stand-in when the e-mail is unknown) either way, so that the answer takes
    as long for an address that has no account as for one that has."""
    user = user_by_email(session, email)
    if not password_matches(user.password_hash if user else None, password):
        return None
    return user if user is not None and user.active else None


def user_for_session(session, session_id: str) -> User | None:
    """The user a session's "<id>:<generation>" names, None once that generation has ended
    (or for a cookie from before generations, which held the id alone)."""
    user_id, _, generation = session_id.partition(":")
    if not all(part.isascii() and part.isdigit() for part in (user_id, generation)):
        return None
    if not 0 < int(user_id) <= MAX_ID:  # the cookie is signed: only our own ids get here
        return None
    user = session.get(User, int(user_id))
    if user is None or str(user.session_generation) != generation:
        return None
    return user


class ApiToken(Model):
    """A personal API token: only its SHA-256 is kept; the secret is shown once, at creation.

    The secret carries 256 random bits, so a fast hash is enough: there is nothing to
    guess, and looking a token up by its hash needs no per-row salt.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the secret, so that its owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
